/**
 * Augmentations of feature matrices and batches: SpecAugment's frequency and time masking (Park et al.
 * 2019, as torchaudio's FrequencyMasking/TimeMasking) and mixup (Zhang et al. 2018).
 */
import type { FeatureMatrix } from '../features/types';
import { UserError } from '../util/errors';
import type { Rng } from '../util/rng';
import { checkParam } from './check';

/** Options of {@link specAugment}; defaults are the paper's LibriSpeech-basic policy (LB) where it has one. */
export interface SpecAugmentOptions {
  /** Largest frequency-mask width F, rows (width drawn uniformly from [0, F]). Default 27. */
  freqMaskParam?: number;
  /** Frequency masks applied, m_F. Default 2. */
  freqMasks?: number;
  /** Largest time-mask width T, frames. Default 100. */
  timeMaskParam?: number;
  /** Time masks applied, m_T. Default 2. */
  timeMasks?: number;
  /** Upper bound on a time mask's width as a fraction of the frames (the paper's p). Default 1. */
  timeMaskMaxFraction?: number;
  /** What masked cells become: a number, or 'mean' (the matrix's mean). Default 0 (torchaudio's). */
  maskValue?: number | 'mean';
}

/** Where masks fell (for provenance and tests): half-open [start, end) ranges. */
export interface SpecAugmentMasks {
  rows: [number, number][];
  frames: [number, number][];
}

/**
 * Mask `freqMasks` bands of rows and `timeMasks` runs of frames of a features × frames matrix (lib/features'
 * layout). Each width w is uniform in [0, param] (capped by the matrix, and for time by
 * `timeMaskMaxFraction`), its start uniform in [0, size - w], as torchaudio's `mask_along_axis`. Returns a
 * new matrix and the masks.
 */
export function specAugment(
  m: FeatureMatrix,
  options: SpecAugmentOptions,
  rng: Rng,
): { matrix: FeatureMatrix; masks: SpecAugmentMasks } {
  const F = options.freqMaskParam ?? 27;
  const T = options.timeMaskParam ?? 100;
  const mF = options.freqMasks ?? 2;
  const mT = options.timeMasks ?? 2;
  const p = options.timeMaskMaxFraction ?? 1;
  for (const [name, v] of [
    ['freqMaskParam', F],
    ['timeMaskParam', T],
    ['freqMasks', mF],
    ['timeMasks', mT],
  ] as const)
    checkParam('specAugment', name, v, Number.isInteger(v) && v >= 0, 'a non-negative integer');
  checkParam('specAugment', 'timeMaskMaxFraction', p, p >= 0 && p <= 1, 'in [0, 1]');
  let fill = 0;
  if (options.maskValue === 'mean') {
    let sum = 0;
    for (const v of m.data) sum += v;
    fill = m.data.length > 0 ? sum / m.data.length : 0;
  } else if (options.maskValue !== undefined)
    fill = checkParam('specAugment', 'maskValue', options.maskValue, true, 'finite');
  const data = m.data.slice();
  const masks: SpecAugmentMasks = { rows: [], frames: [] };
  const draw = (param: number, size: number): [number, number] => {
    const width = Math.min(rng.int(param + 1), size);
    const start = rng.int(size - width + 1);
    return [start, start + width];
  };
  for (let k = 0; k < mF; k++) {
    const [a, b] = draw(F, m.rows);
    masks.rows.push([a, b]);
    data.fill(fill, a * m.cols, b * m.cols);
  }
  const maxT = Math.min(T, Math.floor(p * m.cols));
  for (let k = 0; k < mT; k++) {
    const [a, b] = draw(maxT, m.cols);
    masks.frames.push([a, b]);
    for (let r = 0; r < m.rows; r++) data.fill(fill, r * m.cols + a, r * m.cols + b);
  }
  return { matrix: { rows: m.rows, cols: m.cols, data }, masks };
}

/**
 * A Gamma(shape, 1) variate (Marsaglia & Tsang 2000; shape < 1 by the boost Gamma(a + 1)·U^(1/a)).
 */
function gammaVariate(shape: number, rng: Rng): number {
  if (shape < 1) return gammaVariate(shape + 1, rng) * Math.max(rng.next(), 1e-300) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return d * v;
  }
}

/** A Beta(a, b) variate, from two Gamma variates. */
export function betaVariate(a: number, b: number, rng: Rng): number {
  const x = gammaVariate(a, rng);
  const y = gammaVariate(b, rng);
  return x + y > 0 ? x / (x + y) : 0.5;
}

/** A batch of examples: equal-length inputs and label vectors (one-hot or soft). */
export interface Batch {
  inputs: Float32Array[];
  labels: Float32Array[];
}

/**
 * mixup: λ ~ Beta(α, α) once per batch, a random permutation π, then `x_i ← λ x_i + (1-λ) x_π(i)` and the
 * same for labels (Zhang et al.'s reference implementation). Default α = 0.2 (the paper's ImageNet value).
 * Returns a new batch and λ.
 */
export function mixup(
  batch: Batch,
  rng: Rng,
  alpha = 0.2,
): { batch: Batch; lambda: number; permutation: number[] } {
  checkParam('mixup', 'alpha', alpha, alpha > 0, 'positive');
  const n = batch.inputs.length;
  if (batch.labels.length !== n)
    throw new UserError(`mixup: ${n} inputs but ${batch.labels.length} label vectors`);
  const lambda = betaVariate(alpha, alpha, rng);
  const permutation = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const mix = (rows: Float32Array[]): Float32Array[] =>
    rows.map((row, i) => {
      const other = rows[permutation[i]];
      if (other.length !== row.length)
        throw new UserError(`mixup: rows of ${row.length} and ${other.length} values`);
      const out = new Float32Array(row.length);
      for (let j = 0; j < row.length; j++) out[j] = lambda * row[j] + (1 - lambda) * other[j];
      return out;
    });
  return { batch: { inputs: mix(batch.inputs), labels: mix(batch.labels) }, lambda, permutation };
}
