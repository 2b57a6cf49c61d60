/**
 * Per-stream normalisation for models trained with per-speaker normalisation (each training speaker
 * z-scored with the statistics of all of its clips). A stream is one speaker whose clips are not known in
 * advance, so its statistics accumulate from its own voiced windows: after n windows, the mean and variance
 * are the stream's, shrunk towards a prior worth `priorWeight` windows:
 *
 *   mean = (k·μ₀ + n·m̄) / (k + n),   var = (k·σ₀² + n·s²) / (k + n)
 *
 * The prior (μ₀, σ₀) is stored with the model: the training clips' mean and their average within-speaker
 * standard deviation, i.e. the statistics of a typical training speaker. Early windows are thus normalised
 * mostly like a typical speaker, later ones mostly like this one (with k = 10, half-way after 10 windows).
 * Models saved without a prior cannot do this: {@link RunningNormaliser.ready} is false until
 * `priorWeight` windows have been seen, and callers hold results back until then.
 * Browser-safe (no Node imports).
 */
import type { StandardizerState } from '../features/standardize';

/** Windows the prior is worth. */
export const DEFAULT_PRIOR_WEIGHT = 10;

export class RunningNormaliser {
  /** Windows added, and rows in them (frames for sequences). */
  private windows = 0;
  private count = 0;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;

  /**
   * @param dims features per row (per frame for sequences)
   * @param prior typical-speaker statistics, or undefined when the model has none
   */
  constructor(
    readonly dims: number,
    readonly prior: StandardizerState | undefined,
    readonly priorWeight = DEFAULT_PRIOR_WEIGHT,
  ) {
    this.sum = new Float64Array(dims);
    this.sumSq = new Float64Array(dims);
  }

  /** Windows accumulated. */
  get size(): number {
    return this.windows;
  }

  /** Whether {@link state} is usable: with a prior always; without one, after `priorWeight` windows. */
  get ready(): boolean {
    return this.prior !== undefined || this.windows >= this.priorWeight;
  }

  /** Accumulate one window: a stats vector, or every frame of a frames × dims sequence. */
  add(vector: Float32Array): void {
    const d = this.dims;
    for (let i = 0; i < vector.length; i++) {
      this.sum[i % d] += vector[i];
      this.sumSq[i % d] += vector[i] * vector[i];
    }
    this.windows++;
    this.count += vector.length / d;
  }

  /** The current statistics (see the module comment). */
  state(): StandardizerState {
    const n = this.count;
    // The prior's weight in rows: `priorWeight` windows of the average length seen so far.
    const k = this.prior ? (this.priorWeight * Math.max(1, n)) / Math.max(1, this.windows) : 0;
    const mean: number[] = [];
    const std: number[] = [];
    for (let d = 0; d < this.dims; d++) {
      const m = n > 0 ? this.sum[d] / n : 0;
      const v = n > 0 ? Math.max(0, this.sumSq[d] / n - m * m) : 0;
      const pm = this.prior ? this.prior.mean[d] : 0;
      const pv = this.prior ? this.prior.std[d] ** 2 : 0;
      const mu = n + k > 0 ? (k * pm + n * m) / (k + n) : 0;
      const sd = n + k > 0 ? Math.sqrt((k * pv + n * v) / (k + n)) : 1;
      mean.push(mu);
      std.push(sd > 1e-12 ? sd : 1);
    }
    return { mean, std };
  }
}
