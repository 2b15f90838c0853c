import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTerraReceiver, createThryveReceiver, createVitalReceiver } from '@wearhook/core';
import { terraSamples, thryveSamples, vitalSamples } from '@wearhook/core/testing';
import { EXIT, runCli } from '@wearhook/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/app-processes.js';
import { FRAMEWORKS, close, urlOf } from '../support/servers.js';

// The CLI against real servers: every event type of every provider is signed, sent over HTTP and
// acknowledged with 204 as a typed event (not quarantined); mistakes give their exit codes.

const SECRETS = {
  thryve: 'cli-thryve-secret',
  terra: 'cli-terra-secret',
  vital: `whsec_${Buffer.from('cli-vital-secret-0123456789abcdef').toString('base64')}`,
} as const;

type Provider = keyof typeof SECRETS;
const TYPES: Record<Provider, string[]> = {
  thryve: Object.keys(thryveSamples),
  terra: Object.keys(terraSamples),
  vital: Object.keys(vitalSamples),
};

const servers: Partial<Record<Provider, Server>> = {};
const seen: { provider: string; type: string; kind: string }[] = [];
const express5 = FRAMEWORKS.find((f) => f.name === 'express 5')!;

beforeAll(async () => {
  const receivers = {
    thryve: createThryveReceiver({ secret: SECRETS.thryve }),
    terra: createTerraReceiver({ secret: SECRETS.terra }),
    vital: createVitalReceiver({ secret: SECRETS.vital }),
  };
  for (const [provider, receiver] of Object.entries(receivers) as [Provider, (typeof receivers)[Provider]][]) {
    receiver.onAny((event) => void seen.push({ provider, type: (event as { type: string }).type, kind: 'event' }));
    receiver.onUnknown((event) => void seen.push({ provider, type: event.type, kind: 'unknown' }));
    receiver.onInvalid((event) => void seen.push({ provider, type: event.type, kind: 'invalid' }));
    servers[provider] = await express5.serve(receiver as never);
  }
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => close(server!)));
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => void out.push(line), err: (line) => void err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('wearhook send', () => {
  const cases = (Object.keys(TYPES) as Provider[]).flatMap((provider) => TYPES[provider].map((type) => [provider, type] as const));

  it('knows a good number of types per provider (so the table below is not empty)', () => {
    expect(TYPES.thryve.length).toBeGreaterThanOrEqual(9);
    expect(TYPES.terra.length).toBeGreaterThanOrEqual(10);
    expect(TYPES.vital.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s %s: 204 and one typed event', async (provider, type) => {
    const before = seen.length;
    const result = await cli('send', provider, '--type', type, '--url', urlOf(servers[provider]!), '--secret', SECRETS[provider]);
    expect(result.err).toBe('');
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toMatch(/^204 from /);
    expect(seen.slice(before)).toEqual([{ provider, type, kind: 'event' }]);
  });

  it('zstd-compresses Thryve data pushes unless told not to', async () => {
    const url = urlOf(servers.thryve!);
    const compressed = await cli('send', 'thryve', '--type', 'event.data.daily.create', '--url', url, '--secret', SECRETS.thryve);
    expect(compressed.out).toMatch(/, zstd\) acknowledged/);
    const plain = await cli('send', 'thryve', '--type', 'event.data.daily.create', '--url', url, '--secret', SECRETS.thryve, '--no-compress');
    expect([plain.code, plain.out]).toEqual([EXIT.ok, expect.not.stringMatching(/zstd/)]);
  });

  it('exits 1 and shows the error code with a hint when the endpoint refuses (wrong secret)', async () => {
    const result = await cli('send', 'terra', '--type', 'sleep', '--url', urlOf(servers.terra!), '--secret', 'not-the-secret');
    expect(result.code).toBe(EXIT.refused);
    expect(result.err).toContain('401 from');
    expect(result.err).toContain('invalid_signature');
    expect(result.err).toContain('Hint: is --secret');
    expect(result.err).not.toContain('not-the-secret');
  });

  it('exits 2 on wrong usage, saying what is wrong', async () => {
    const url = urlOf(servers.thryve!);
    const nullPayload = join(mkdtempSync(join(tmpdir(), 'wearhook-cli-')), 'null.json');
    writeFileSync(nullPayload, 'null');
    const cases: [string[], RegExp][] = [
      [['send', 'fitbit', '--type', 'x', '--url', url, '--secret', 's'], /Unknown provider "fitbit"/],
      [['send', 'thryve', '--type', 'event.data.nope', '--url', url, '--secret', 's'], /does not send event type "event.data.nope"/],
      [['send', 'thryve', '--type', 'event.data.epoch.create', '--secret', 's'], /Missing --url/],
      [['send', 'thryve', '--type', 'event.data.epoch.create', '--url', 'localhost:3000', '--secret', 's'], /must be an http: or https: URL|is not a URL/],
      [['send', 'terra', '--type', 'sleep', '--url', url, '--secret', 's', '--no-compress'], /for Thryve/],
      [['send', 'vital', '--type', 'daily.data.sleep.created', '--url', url, '--secret', 'not base64!'], /whsec_/],
      [['send', 'thryve', '--type', 'event.data.epoch.create', '--url', url, '--secret', 's', '--colour'], /Unknown option '--colour'/],
      [['send', 'thryve', '--type', 'event.data.epoch.create', '--url', url, '--secret', 's', '--payload', '/nonexistent.json'], /Cannot read --payload/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['send', 'thryve', '--type', 'event.data.epoch.create', '--url', url, '--payload', nullPayload, '--secret', 's'], /must hold a JSON object/],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(...argv);
      expect([argv.join(' '), result.code]).toEqual([argv.join(' '), EXIT.usage]);
      expect(result.err).toMatch(message);
    }
  });

  it('never echoes a value that may be a secret given in the wrong place', async () => {
    const url = urlOf(servers.thryve!);
    for (const argv of [
      ['send', 'thryve', '--type', 'event.data.epoch.create', '--url', url, 'SEKRIT-thryve-123'],
      ['send', 'SEKRIT-thryve-123', '--type', 'event.data.epoch.create', '--url', url],
    ]) {
      const result = await cli(...argv);
      expect(result.code).toBe(EXIT.usage);
      expect(result.err + result.out).not.toContain('SEKRIT');
    }
  });

  it('exits 3 when nothing listens at the URL', async () => {
    const server = await express5.serve(createThryveReceiver({ secret: 's' }) as never);
    const url = urlOf(server);
    await close(server);
    const result = await cli('send', 'thryve', '--type', 'event.data.epoch.create', '--url', url, '--secret', 's');
    expect(result.code).toBe(EXIT.unreachable);
    expect(result.err).toMatch(/could not reach .*ECONNREFUSED/);
  });
});

describe('the wearhook command as a process', () => {
  it('sets its exit code: 0 on 204, 1 on a refusal, 2 on wrong usage', async () => {
    const url = urlOf(servers.terra!);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    // Asynchronous: the servers answering it run in this process.
    const wearhook = (...argv: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const args = ['--conditions=wearhook:source', '--import', 'tsx', 'packages/cli/src/cli.ts', ...argv];
        const child = execFile(process.execPath, args, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 }, (_error, stdout, stderr) => {
          resolve({ status: child.exitCode, stdout, stderr });
        });
      });
    const ok = await wearhook('send', 'terra', '--type', 'sleep', '--url', url, '--secret', SECRETS.terra);
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringMatching(/^204 from /)]);
    const refused = await wearhook('send', 'terra', '--type', 'sleep', '--url', url, '--secret', 'wrong');
    expect([refused.status, refused.stderr]).toEqual([1, expect.stringContaining('invalid_signature')]);
    const usage = await wearhook('send', 'terra', '--type', 'nap', '--url', url, '--secret', SECRETS.terra);
    expect([usage.status, usage.stderr]).toEqual([2, expect.stringContaining('does not send event type "nap"')]);
  }, 120_000);
});

describe('wearhook list', () => {
  it('lists every type of every provider, one per line, and of one provider when named', async () => {
    const all = await cli('list');
    expect(all.out.split('\n')).toEqual((Object.keys(TYPES) as Provider[]).flatMap((p) => TYPES[p].map((t) => `${p} ${t}`)));
    const vital = await cli('list', 'vital');
    expect(vital.out.split('\n')).toHaveLength(TYPES.vital.length);
  });
});
