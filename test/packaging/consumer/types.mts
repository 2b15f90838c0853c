// Type-checked with `tsc --module nodenext` in the consumer project: the handler's event is typed from
// the event name through the installed declarations (ESM side).
import express from 'express';
import { thryveWebhooks } from '@wearhook/express';
import { isWebhookError, type ThryveEpochDataEvent } from '@wearhook/core';
import { createMemoryStore } from '@wearhook/core/stores';
import { thryveTestDelivery } from '@wearhook/core/testing';

const thryve = thryveWebhooks({ secret: 'secret', store: createMemoryStore() });
thryve.on('event.data.epoch.create', (event) => {
  const typed: ThryveEpochDataEvent = event;
  const start: Date | undefined = typed.points[0]?.start;
  void start;
});
express().all('/webhooks/thryve', thryve);
const delivery: Buffer = thryveTestDelivery('event.data.epoch.create', { secret: 'secret' }).body;
export const checks = [isWebhookError(new Error('x')), delivery.length];
