import { Rng } from '../util/rng';
import type { ClipRecord } from './types';

/**
 * At most `n` clips per (speaker, emotion), chosen by a seeded shuffle: a balanced, reproducible subset for
 * quick runs (SER_QUICK=1, CI) that keeps every speaker and every class.
 */
export function limitPerSpeakerEmotion<T extends ClipRecord>(records: T[], n: number, seed = 0): T[] {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`limitPerSpeakerEmotion: n must be a positive integer, got ${n}`);
  const groups = new Map<string, T[]>();
  for (const r of [...records].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const key = `${r.speaker}\u0000${r.emotion}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const rng = new Rng(seed);
  const keep = new Set<T>();
  for (const key of [...groups.keys()].sort()) for (const r of rng.shuffle(groups.get(key)!).slice(0, n)) keep.add(r);
  return records.filter((r) => keep.has(r));
}

/** `n` of `records` in a seeded random order (each record gets a uniform key in input order; lowest keys first). */
export function seededSample<T>(records: readonly T[], n: number, seed: number): T[] {
  const rng = new Rng(seed);
  return records
    .map((r) => [rng.next(), r] as const)
    .sort((a, b) => a[0] - b[0])
    .slice(0, n)
    .map(([, r]) => r);
}
