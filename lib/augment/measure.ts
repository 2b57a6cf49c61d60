/**
 * Measurements that check an augmentation did what it was asked, from the audio alone: the SNR reached, the
 * pitch moved (YIN), the level changed, the onset moved, the sign flipped. The notebook's check table and the
 * augment tests use them.
 */
import { frameRms, trim } from '../audio/trim';
import { yin } from '../features/pitch';
import { meanSquare } from './noise';

/**
 * F0 per YIN frame (2048 samples, hop 512, 60–600 Hz), NaN where the frame is not clearly voiced: YIN
 * aperiodicity ≥ 0.1, or RMS more than 26 dB below the clip's loudest frame (YIN calls digital silence periodic).
 */
export function voicedF0(y: Float32Array, sr: number): Float64Array {
  const track = yin(y, { fmin: 60, fmax: 600, sr });
  const rms = frameRms(y);
  const loudest = rms.reduce((a, b) => Math.max(a, b), 0);
  return track.f0.map((f, t) => (track.aperiodicity[t] < 0.1 && rms[t] > loudest * 0.05 ? f : NaN));
}

/** Median of the finite values (NaN when there is none). */
export function median(values: ArrayLike<number>): number {
  const s = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Interval from `b` to `a` Hz in cents (100 per semitone). */
export const cents = (a: number, b: number): number => 1200 * Math.log2(a / b);

/**
 * How far the pitch moved, in semitones: the median over voiced frame pairs of the interval from F0 before to
 * F0 after. Frame t of `after` is paired with frame round(t · r) of `before`, r the duration ratio, so that
 * clips whose duration changed (time stretch, speed) compare the same moment of speech. Frame pairs, not the
 * clips' median F0s, so that an octave error in a few frames does not move the result.
 */
export function pitchChangeSemitones(before: Float32Array, after: Float32Array, sr: number): number {
  const f0Before = voicedF0(before, sr);
  const f0After = voicedF0(after, sr);
  const ratio = before.length / after.length;
  const intervals: number[] = [];
  f0After.forEach((f, t) => {
    const g = f0Before[Math.round(t * ratio)];
    if (f > 0 && g > 0) intervals.push(cents(f, g) / 100);
  });
  return median(intervals);
}

/** SNR of `noisy` against the `clean` signal it was made from: 10·log10(mean(clean²) / mean((noisy − clean)²)). */
export function achievedSnrDb(clean: Float32Array, noisy: Float32Array): number {
  if (noisy.length !== clean.length)
    throw new Error(`achievedSnrDb: ${noisy.length} noisy samples for ${clean.length} clean ones`);
  const noise = noisy.map((v, i) => v - clean[i]);
  return 10 * Math.log10(meanSquare(clean) / meanSquare(noise));
}

/** Level change from `before` to `after` in dB of mean power over the whole clips. */
export function levelChangeDb(before: Float32Array, after: Float32Array): number {
  return 10 * Math.log10(meanSquare(after) / meanSquare(before));
}

/**
 * How many seconds later the speech starts in `after` than in `before`: the difference of the first
 * non-silent samples (librosa's trim, 40 dB below the peak; 512-sample frames, so ±23 ms at 22.05 kHz).
 */
export function onsetShiftSeconds(before: Float32Array, after: Float32Array, sr: number): number {
  return (trim(after, { topDb: 40 }).start - trim(before, { topDb: 40 }).start) / sr;
}

/** Pearson correlation of two equally long signals (-1 for a polarity inversion). */
export function correlation(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`correlation: ${a.length} and ${b.length} samples`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** One row of an augmentation check table. */
export interface AugmentCheck {
  augmentation: string;
  /** What was measured, with its unit. */
  quantity: string;
  requested: number;
  measured: number;
  /** |measured − requested| ≤ tolerance. */
  ok: boolean;
}

/** A check row: `measured` against `requested`, passing within `tolerance`. */
export function augmentCheck(
  augmentation: string,
  quantity: string,
  requested: number,
  measured: number,
  tolerance: number,
): AugmentCheck {
  return { augmentation, quantity, requested, measured, ok: Math.abs(measured - requested) <= tolerance };
}
