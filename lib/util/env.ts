/** Numeric settings from the environment (SER_THREADS, SER_SPIN_US, ...). */

/** process.env[name] as a number when it is set and `accept` takes it, else undefined. */
export function envNumber(name: string, accept: (n: number) => boolean): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && accept(n) ? n : undefined;
}

/** SER_THREADS when it is a positive integer, else undefined. */
export function envThreads(): number | undefined {
  return envNumber('SER_THREADS', (n) => Number.isInteger(n) && n > 0);
}
