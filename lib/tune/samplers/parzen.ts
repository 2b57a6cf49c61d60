/**
 * The Parzen estimator of Optuna 3.1's TPE: a weighted mixture of truncated normals (numeric parameters,
 * in the sampling space of {@link sampleBounds}) and smoothed one-hot rows (categoricals), one component
 * per observation plus a prior component; bandwidths from neighbour gaps or Scott's rule (see
 * {@link ParzenOptions.bandwidth}), floored by the "magic clip". With Optuna 3.1's options, log densities match
 * Optuna 3.1's to rounding (test/tune/parzen.test.ts).
 */
import { fromSampleSpace, sampleBounds, toSampleSpace, type Distribution } from '../distributions';
import type { TuneRng } from '../rng';
import { logGaussMass, truncnormLogPdf, truncnormPpf } from '../special';

export interface ParzenOptions {
  /** Add a wide prior component (default true). */
  considerPrior: boolean;
  /** Weight of the prior component (default 1). */
  priorWeight: number;
  /**
   * Floor bandwidths at range / min(1 / minBandwidthFactor, (1 + m)^magicClipExponent), m the number of
   * components (default true; Optuna 3.1's floor is range / min(100, 1 + m)).
   */
  considerMagicClip: boolean;
  /** Exponent α of the magic clip (Watanabe 2023's b_magic exponent; Optuna 3.1: 1). */
  magicClipExponent: number;
  /** Lowest bandwidth floor of the magic clip, as a fraction of the range (Optuna 3.1: 0.01). */
  minBandwidthFactor: number;
  /** Let the outermost components reach the bounds (default false). */
  considerEndpoints: boolean;
  /** Observation weights by count, oldest first (default {@link defaultWeights}). */
  weights: (n: number) => number[];
  /** Shared bandwidth rule and component choice across parameters. */
  multivariate: boolean;
  /**
   * Numeric bandwidths before the clip: 'optuna' as Optuna 3.1 (the larger neighbour gap when univariate,
   * 0.2 · n^(−1/(d+4)) · range when multivariate); 'scott' Scott's rule on the observations,
   * 1.059 · min(IQR / 1.34, sd) · m^(−1/5), shared by a parameter's components (Watanabe 2023's "scott");
   * 'gaps' the univariate rule (larger neighbour gap per component) also when multivariate; 'local' the gaps
   * rule for continuous parameters and 'scott' for int and stepped ones, whose repeated values make neighbour
   * gaps zero (a component's kernel then narrows to the floor wherever the good trials repeat a value).
   */
  bandwidth: 'optuna' | 'scott' | 'gaps' | 'local';
  /**
   * Continuous kernels are true densities, with their −log σ term. Optuna 3.1's truncnorm.logpdf leaves it
   * out (false), which makes l(x)/g(x) favour wide kernels; Optuna 3.5 fixed it (optuna/optuna#5110).
   */
  normalisedKernels: boolean;
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
  private readonly normalisedKernels: boolean;

  /**
   * @param observations parameter → internal values of the observations (same length for all).
   * @param observationWeights one weight per observation in place of `options.weights(n)` (the prior keeps
   *   `priorWeight` beside them).
   */
  constructor(
    observations: Record<string, readonly number[]>,
    private readonly space: Record<string, Distribution>,
    options: ParzenOptions,
    observationWeights?: readonly number[],
  ) {
    this.normalisedKernels = options.normalisedKernels;
    const names = Object.keys(space);
    const n = names.length > 0 ? observations[names[0]].length : 0;
    if (observationWeights !== undefined && observationWeights.length !== n)
      throw new Error(`ParzenEstimator: ${observationWeights.length} weights for ${n} observations`);
    const considerPrior = options.considerPrior || n === 0;
    const w = (observationWeights ?? options.weights(n)).slice(0, n);
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
      const discrete = d.type === 'int' || d.step !== null;
      if (options.bandwidth === 'scott' || (options.bandwidth === 'local' && discrete))
        sigmas.fill(scottBandwidth(mus));
      else if (options.multivariate && options.bandwidth === 'optuna') sigmas.fill(sigma0 * (high - low));
      else sigmas = univariateSigmas(mus, low, high, options.considerEndpoints);
      const maxSigma = high - low;
      const minSigma = options.considerMagicClip
        ? (high - low) / Math.min(1 / options.minBandwidthFactor, (1 + m) ** options.magicClipExponent)
        : 1e-12;
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
    const normalised = this.normalisedKernels;
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
          if (p.step === null)
            comp[c] += truncnormLogPdf(y, p.low, p.high, mu, sigma) + (normalised ? 0 : Math.log(sigma));
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

/** Scott's rule: 1.059 · min(IQR / 1.34, sd) · m^(−1/5) (sample sd; IQR with numpy's linear quantiles). */
function scottBandwidth(mus: Float64Array): number {
  const m = mus.length;
  const mean = mus.reduce((a, b) => a + b, 0) / m;
  const sd = Math.sqrt(mus.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(m - 1, 1));
  const sorted = Float64Array.from(mus).sort();
  const quantile = (q: number): number => {
    const pos = (m - 1) * q;
    const lo = Math.floor(pos);
    return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
  };
  return 1.059 * Math.min((quantile(0.75) - quantile(0.25)) / 1.34, sd) * m ** -0.2;
}

/** Each component's bandwidth: the larger gap to its sorted neighbours (bounds included as neighbours). */
function univariateSigmas(
  mus: Float64Array,
  low: number,
  high: number,
  considerEndpoints: boolean,
): Float64Array {
  const m = mus.length;
  const order = numpyArgsort(mus);
  const ext = [low, ...Array.from(order, (i) => mus[i]), high];
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

/**
 * The permutation numpy 1.24's default argsort gives (introsort: median-of-3 quicksort, insertion sort on 16
 * elements or fewer). It is not stable: equal values (repeated int observations) come out in its order, which
 * decides which of them gets which bandwidth, and the weights ramp tells them apart.
 */
export function numpyArgsort(v: ArrayLike<number>): Int32Array {
  const n = v.length;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const swap = (i: number, j: number): void => {
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  };
  const stack: number[] = [];
  let pl = 0;
  let pr = n - 1;
  for (;;) {
    while (pr - pl > 15) {
      const pm = pl + ((pr - pl) >> 1);
      if (v[idx[pm]] < v[idx[pl]]) swap(pm, pl);
      if (v[idx[pr]] < v[idx[pm]]) swap(pr, pm);
      if (v[idx[pm]] < v[idx[pl]]) swap(pm, pl);
      const vp = v[idx[pm]];
      let pi = pl;
      let pj = pr - 1;
      swap(pm, pj);
      for (;;) {
        do pi++;
        while (v[idx[pi]] < vp);
        do pj--;
        while (vp < v[idx[pj]]);
        if (pi >= pj) break;
        swap(pi, pj);
      }
      swap(pi, pr - 1);
      // Continue with the smaller side; the larger waits on the stack.
      if (pi - pl < pr - pi) {
        stack.push(pi + 1, pr);
        pr = pi - 1;
      } else {
        stack.push(pl, pi - 1);
        pl = pi + 1;
      }
    }
    for (let pi = pl + 1; pi <= pr; pi++) {
      const vi = idx[pi];
      const x = v[vi];
      let pj = pi;
      while (pj > pl && x < v[idx[pj - 1]]) {
        idx[pj] = idx[pj - 1];
        pj--;
      }
      idx[pj] = vi;
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
  }
  return idx;
}
