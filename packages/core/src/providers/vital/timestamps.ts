import { isoEpochMs } from '../iso-timestamp.js';

/** A Vital timestamp (`2023-02-13T14:30:52+00:00`) as epoch milliseconds; `undefined` when unreadable. */
export const vitalEpochMs: (value: unknown) => number | undefined = isoEpochMs;
