/**
 * The Parzen estimator of Optuna 3.1's TPE: a weighted mixture of truncated normals (numeric parameters,
 * in the sampling space of {@link sampleBounds}) and smoothed one-hot rows (categoricals), one component
 * per observation plus a prior component; univariate bandwidths from neighbour gaps with the "magic clip",
 * multivariate ones from Scott's rule. Log densities match Optuna 3.1's to rounding (test/tune/parzen.test.ts).
 */
import { fromSampleSpace, sampleBounds, toSampleSpace, type Distribution } from '../distributions';
import type { TuneRng } from '../rng';
import { logGaussMass, truncnormLogPdf, truncnormPpf } from '../special';

export interface ParzenOptions {
  /** Add a wide prior component (default true). */
  considerPrior: boolean;
  /** Weight of the prior component (default 1). */
  priorWeight: number;
  /** Floor bandwidths at range / min(100, 1 + n) (default true). */
  considerMagicClip: boolean;
  /** Let the outermost components reach the bounds (default false). */
  considerEndpoints: boolean;
  /** Observation weights by count, oldest first (default {@link defaultWeights}). */
  weights: (n: number) => number[];
  /** Shared bandwidth rule and component choice across parameters. */
  multivariate: boolean;
}

/** Optuna's default_weights: flat for n < 25, else a ramp from 1/n to 1 over the oldest n − 25. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const rampLength = n - 25;
  const out: number[] = [];
  for (let i = 0; i < rampLength; i++)
    out.push(rampLength === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (rampLength - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

interface NumericParam {
  kind: 'numeric';
  low: number;
  high: number;
  step: number | null;
  mus: Float64Array;
  sigmas: Float64Array;
}
interface CategoricalParam {
  kind: 'categorical';
  /** components × choices, rows sum to 1. */
  probs: Float64Array[];
}

export class ParzenEstimator {
  private readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly params = new Map<string, NumericParam | CategoricalParam>();

  /** @param observations parameter → internal values of the observations (same length for all). */
  constructor(
    observations: Record<string, readonly number[]>,
    private readonly space: Record<string, Distribution>,
    options: ParzenOptions,
  ) {
    const names = Object.keys(space);
    const n = names.length > 0 ? observations[names[0]].length : 0;
    const considerPrior = options.considerPrior || n === 0;
    const w = options.weights(n).slice(0, n);
    const all = considerPrior ? [...w, options.priorWeight] : w;
    const total = all.reduce((s, v) => s + v, 0);
    this.weights = Float64Array.from(all, (v) => v / total);
    this.logWeights = this.weights.map(Math.log);
    const sigma0 = options.multivariate ? 0.2 * Math.max(n, 1) ** (-1 / (names.length + 4)) : 0;

    for (const name of names) {
      const d = space[name];
      const obs = observations[name];
      if (d.type === 'categorical') {
        const k = d.choices.length;
        const fill = options.priorWeight / (considerPrior ? n + 1 : n);
        const probs: Float64Array[] = [];
        for (let i = 0; i < n + (considerPrior ? 1 : 0); i++) {
          const row = new Float64Array(k).fill(fill);
          if (i < n) row[Math.round(obs[i])] += 1;
          const s = row.reduce((a, b) => a + b, 0);
          for (let j = 0; j < k; j++) row[j] /= s;
          probs.push(row);
        }
        this.params.set(name, { kind: 'categorical', probs });
        continue;
      }
      const { low, high, step } = sampleBounds(d);
      const m = n + (considerPrior ? 1 : 0);
      const mus = new Float64Array(m);
      for (let i = 0; i < n; i++) mus[i] = toSampleSpace(d, obs[i]);
      if (considerPrior) mus[n] = 0.5 * (low + high);
      let sigmas: Float64Array = new Float64Array(m);
      if (options.multivariate) sigmas.fill(sigma0 * (high - low));
      else sigmas = univariateSigmas(mus, low, high, options.considerEndpoints);
      const maxSigma = high - low;
      const minSigma = options.considerMagicClip ? (high - low) / Math.min(100, 1 + m) : 1e-12;
      for (let i = 0; i < m; i++) sigmas[i] = Math.min(Math.max(sigmas[i], minSigma), maxSigma);
      if (considerPrior) sigmas[n] = high - low;
      this.params.set(name, { kind: 'numeric', low, high, step, mus, sigmas });
    }
  }

  /** `size` draws, internal representation, parameter → values. */
  sample(rng: TuneRng, size: number): Record<string, number[]> {
    const active = Array.from({ length: size }, () => rng.choice(this.weights));
    const out: Record<string, number[]> = {};
    for (const [name, p] of this.params) {
      const d = this.space[name];
      if (p.kind === 'categorical') {
        out[name] = active.map((c) => rng.choice(p.probs[c]));
        continue;
      }
      if (d.type === 'categorical') throw new Error('unreachable');
      out[name] = active.map((c) => {
        const mu = p.mus[c];
        const sigma = p.sigmas[c];
        const z = truncnormPpf(rng.random(), (p.low - mu) / sigma, (p.high - mu) / sigma);
        return fromSampleSpace(d, z * sigma + mu);
      });
    }
    return out;
  }

  /** Mixture log density of each sample (internal representation). */
  logPdf(samples: Record<string, readonly number[]>): Float64Array {
    const names = [...this.params.keys()];
    const size = names.length > 0 ? samples[names[0]].length : 0;
    const m = this.weights.length;
    const out = new Float64Array(size);
    const comp = new Float64Array(m);
    for (let s = 0; s < size; s++) {
      comp.set(this.logWeights);
      for (const name of names) {
        const p = this.params.get(name)!;
        const x = samples[name][s];
        if (p.kind === 'categorical') {
          const j = Math.round(x);
          for (let c = 0; c < m; c++) comp[c] += Math.log(p.probs[c][j]);
          continue;
        }
        const d = this.space[name];
        if (d.type === 'categorical') throw new Error('unreachable');
        const y = toSampleSpace(d, x);
        for (let c = 0; c < m; c++) {
          const mu = p.mus[c];
          const sigma = p.sigmas[c];
          // As Optuna 3.1, without the density's −log σ term (its truncnorm.logpdf leaves out the scale):
          // this favours wide components in l(x)/g(x), and measured better on bench/tune-quality.
          if (p.step === null) comp[c] += truncnormLogPdf(y, p.low, p.high, mu, sigma) + Math.log(sigma);
          else {
            // Stepped / int: probability mass of the grid cell around y.
            const lower = Math.max(y - p.step / 2, p.low);
            const upper = Math.min(y + p.step / 2, p.high);
            comp[c] +=
              logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) -
              logGaussMass((p.low - mu) / sigma, (p.high - mu) / sigma);
          }
        }
      }
      let max = -Infinity;
      for (let c = 0; c < m; c++) if (comp[c] > max) max = comp[c];
      let sum = 0;
      for (let c = 0; c < m; c++) sum += Math.exp(comp[c] - max);
      out[s] = Math.log(sum) + max;
    }
    return out;
  }
}

/** Each component's bandwidth: the larger gap to its sorted neighbours (bounds included as neighbours). */
function univariateSigmas(
  mus: Float64Array,
  low: number,
  high: number,
  considerEndpoints: boolean,
): Float64Array {
  const m = mus.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => mus[a] - mus[b] || a - b);
  const ext = [low, ...order.map((i) => mus[i]), high];
  const sorted = new Float64Array(m);
  for (let i = 0; i < m; i++) sorted[i] = Math.max(ext[i + 1] - ext[i], ext[i + 2] - ext[i + 1]);
  if (!considerEndpoints && ext.length >= 4) {
    sorted[0] = ext[2] - ext[1];
    sorted[m - 1] = ext[m] - ext[m - 1];
  }
  const sigmas = new Float64Array(m);
  order.forEach((idx, rank) => (sigmas[idx] = sorted[rank]));
  return sigmas;
}
