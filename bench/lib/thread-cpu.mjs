// Plain JavaScript, so event-loop-delay-preload.mjs can load it before any TypeScript loader exists.
import { readFileSync } from 'node:fs';
import process from 'node:process';

/**
 * The calling thread's own CPU time in µs, apart from GC helper threads and libuv's pool: on a machine
 * whose cores the load generator shares, it says what the app's JavaScript costs where throughput says
 * mostly who got the cores. `process.threadCpuUsage` exists from Node 23.9; before it, Linux's
 * /proc/thread-self/stat (utime and stime, in clock ticks of 10 ms); elsewhere null.
 */
export function threadCpuMicros() {
  if (typeof process.threadCpuUsage === 'function') {
    const usage = process.threadCpuUsage();
    return usage.user + usage.system;
  }
  try {
    // After the thread's name, which may itself hold ") ".
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}
