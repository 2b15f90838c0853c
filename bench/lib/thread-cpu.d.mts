/** The calling thread's own CPU time in µs (see thread-cpu.mjs); null where it cannot be read. */
export function threadCpuMicros(): number | null;
