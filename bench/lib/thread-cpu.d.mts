/** The calling thread's own CPU time in µs (see main-thread-cpu.mjs); null where it cannot be read. */
export function threadCpuMicros(): number | null;
