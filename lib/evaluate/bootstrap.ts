/**
 * Percentile bootstrap confidence intervals for evaluation metrics: resample the test clips with replacement,
 * recompute the metric, and take the central `confidence` share of the resampled values.
 *
 * Clips of one speaker are not independent (same voice, same recording session), so resampling clips treats
 * a test set of 2 speakers × 700 clips as 1 400 independent draws and gives intervals that are too narrow for
 * the question "how well does this model do on new speakers". Passing `groups` (one speaker key per clip)
 * switches to the cluster bootstrap: whole speakers are resampled with replacement and each drawn speaker
 * brings all of its clips. It needs several speakers to mean anything (with one test speaker every resample
 * is the test set itself, and it refuses); with few speakers it is itself coarse, but honest about it.
 */
import { Rng } from '../util/rng';

export interface BootstrapOptions {
  /** Number of resamples. Default 1000. */
  nResamples?: number;
  /** Coverage of the interval, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Seed of the resampling (mulberry32, lib/util/rng). Default 0. */
  seed?: number;
  /**
   * One group key per clip (usually the speaker, `corpus/speaker`): resample whole groups instead of clips
   * (cluster bootstrap). Default: resample clips.
   */
  groups?: readonly string[];
}

export interface BootstrapInterval {
  /** The metric on the full test set. */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  nResamples: number;
  /** Resamples whose metric was finite (the percentiles use only these). */
  nValid: number;
  /** Standard deviation of the resampled metric (the bootstrap standard error). */
  standardError: number;
  /** `percentile` resamples clips; `cluster-percentile` resamples groups (speakers). */
  method: 'percentile' | 'cluster-percentile';
  seed: number;
}

/** A metric of true and predicted class indices (accuracy, UAR, F1...). */
export type MetricFunction = (yTrue: readonly number[], yPred: readonly number[]) => number;

/** numpy's default (linear) percentile of sorted values, q in [0, 1]. */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The bootstrap core: `statistic` evaluated on the full sample and on `nResamples` resamples of the indices
 * `0 … n-1` (clips, or whole groups when `options.groups` is given), summarised as a percentile interval.
 * Used by {@link bootstrapInterval} and by paired comparisons, whose statistic reads two models' outputs.
 */
export function bootstrapStatistic(
  n: number,
  statistic: (indices: Int32Array) => number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const nResamples = options.nResamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(nResamples) && nResamples >= 1))
    throw new Error(`nResamples must be a positive integer`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence must be in (0, 1), got ${confidence}`);
  if (n === 0) throw new Error('bootstrap of an empty test set');
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const estimate = statistic(all);
  const rng = new Rng(seed);
  let draw: () => Int32Array;
  if (options.groups === undefined) {
    draw = () => {
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) idx[i] = rng.int(n);
      return idx;
    };
  } else {
    const groups = options.groups;
    if (groups.length !== n) throw new Error(`groups has ${groups.length} entries for ${n} clips`);
    const members = new Map<string, number[]>();
    groups.forEach((g, i) => {
      const m = members.get(g);
      if (m) m.push(i);
      else members.set(g, [i]);
    });
    const clusters = [...members.values()];
    if (clusters.length < 2) {
      throw new Error(`the cluster bootstrap needs at least 2 groups (speakers), got ${clusters.length}`);
    }
    draw = () => {
      const idx: number[] = [];
      for (let g = 0; g < clusters.length; g++)
        for (const i of clusters[rng.int(clusters.length)]) idx.push(i);
      return Int32Array.from(idx);
    };
  }
  const values: number[] = [];
  for (let r = 0; r < nResamples; r++) {
    const v = statistic(draw());
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / Math.max(1, values.length - 1);
  return {
    estimate,
    lower: sortedQuantile(values, alpha),
    upper: sortedQuantile(values, 1 - alpha),
    confidence,
    nResamples,
    nValid: values.length,
    standardError: Math.sqrt(variance),
    method: options.groups === undefined ? 'percentile' : 'cluster-percentile',
    seed,
  };
}

/**
 * Percentile bootstrap interval of `metric(yTrue, yPred)`: by default 1000 resamples of the clips, 95 %,
 * seed 0; `groups` (speaker per clip) resamples speakers instead (see the module comment). Resamples on
 * which the metric is undefined (NaN) are dropped and counted in `nValid`. Deterministic for a seed.
 */
export function bootstrapInterval(
  yTrue: readonly number[],
  yPred: readonly number[],
  metric: MetricFunction,
  options: BootstrapOptions = {},
): BootstrapInterval {
  if (yTrue.length !== yPred.length)
    throw new Error(`yTrue has ${yTrue.length} entries but yPred has ${yPred.length}`);
  return bootstrapStatistic(
    yTrue.length,
    (idx) => {
      const t = new Array<number>(idx.length);
      const p = new Array<number>(idx.length);
      for (let i = 0; i < idx.length; i++) {
        t[i] = yTrue[idx[i]];
        p[i] = yPred[idx[i]];
      }
      return metric(t, p);
    },
    options,
  );
}
