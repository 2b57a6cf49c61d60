/**
 * Tree-structured Parzen Estimator (Optuna 3.1's TPESampler): after `nStartupTrials` random trials, split
 * the finished trials into the best `gamma(n)` ("below") and the rest, fit a Parzen estimator to each, draw
 * `nEiCandidates` from the below one and keep the candidate maximising l(x)/g(x). Pruned trials take part,
 * ranked after complete ones by how far they got. Independent per parameter by default; `multivariate`
 * samples the intersection search space of complete trials jointly.
 */
import { isSingle, sameDistribution, toInternal, type Distribution } from '../distributions';
import { TuneRng } from '../rng';
import { lastStep, type FrozenTrial, type StudyView } from '../types';
import { defaultWeights, ParzenEstimator, type ParzenOptions } from './parzen';
import { sampleUniform } from './random';
import type { Sampler, SearchSpace } from './sampler';

/** Optuna's default_gamma: min(⌈0.1 n⌉, 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export interface TpeOptions extends Partial<ParzenOptions> {
  /** Random trials before TPE starts (default 10). */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per sample (default 24). */
  nEiCandidates?: number;
  /** Size of the "below" group given the number of finished trials (default {@link defaultGamma}). */
  gamma?: (n: number) => number;
  /** Seed for reproducible runs (default: random). */
  seed?: number;
}

/** Ranking key of a finished trial: lexicographic (step key, sign × value), smaller is better. */
type Score = [number, number];

export class TpeSampler implements Sampler {
  private readonly rng: TuneRng;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly parzen: ParzenOptions;

  /** Defaults are Optuna 3.1's: prior weight 1, magic clip on, endpoints off, 10 startup trials, 24 candidates. */
  constructor(options: TpeOptions = {}) {
    this.rng = new TuneRng(options.seed);
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.gamma = options.gamma ?? defaultGamma;
    this.parzen = {
      considerPrior: options.considerPrior ?? true,
      priorWeight: options.priorWeight ?? 1,
      considerMagicClip: options.considerMagicClip ?? true,
      magicClipExponent: options.magicClipExponent ?? 1,
      minBandwidthFactor: options.minBandwidthFactor ?? 0.01,
      considerEndpoints: options.considerEndpoints ?? false,
      weights: options.weights ?? defaultWeights,
      multivariate: options.multivariate ?? false,
      normalizedKernels: options.normalizedKernels ?? false,
    };
  }

  inferRelativeSearchSpace(study: StudyView): SearchSpace {
    if (!this.parzen.multivariate) return {};
    return intersectionSearchSpace(study.trials.filter((t) => t.state === 'complete'));
  }

  sampleRelative(study: StudyView, _trial: FrozenTrial, space: SearchSpace): Record<string, number> {
    if (Object.keys(space).length === 0) return {};
    return this.sampleTpe(study, space) ?? {};
  }

  sampleIndependent(study: StudyView, _trial: FrozenTrial, name: string, d: Distribution): number {
    return this.sampleTpe(study, { [name]: d })?.[name] ?? sampleUniform(this.rng, d);
  }

  /** TPE draw of `space`, or undefined while fewer than nStartupTrials trials are finished. */
  private sampleTpe(study: StudyView, space: SearchSpace): Record<string, number> | undefined {
    const fitted = this.fitEstimators(study, space);
    if (fitted === undefined) return undefined;
    const names = Object.keys(space);
    const candidates = fitted.below.sample(this.rng, this.nEiCandidates);
    const logL = fitted.below.logPdf(candidates);
    const logG = fitted.above.logPdf(candidates);
    let best = 0;
    for (let i = 1; i < logL.length; i++) if (logL[i] - logG[i] > logL[best] - logG[best]) best = i;
    const out: Record<string, number> = {};
    for (const name of names) out[name] = candidates[name][best];
    return out;
  }

  /**
   * The Parzen estimators l(x) of the best gamma(n) finished trials and g(x) of the rest over `space`, or
   * undefined while fewer than nStartupTrials trials are finished.
   */
  fitEstimators(
    study: StudyView,
    space: SearchSpace,
  ): { below: ParzenEstimator; above: ParzenEstimator } | undefined {
    const names = Object.keys(space);
    const sign = study.direction === 'minimize' ? 1 : -1;
    const scores: Score[] = [];
    const values: (number | null)[][] = [];
    for (const t of study.trials) {
      if (t.state === 'complete') {
        if (t.value === null) continue;
        scores.push([-Infinity, sign * t.value]);
      } else if (t.state === 'pruned') {
        const step = lastStep(t);
        if (step === undefined) scores.push([1, 0]);
        else {
          const v = t.intermediateValues[step];
          scores.push([-step, Number.isNaN(v) ? Infinity : sign * v]);
        }
      } else continue;
      values.push(names.map((n) => (n in t.params ? toInternal(t.distributions[n], t.params[n]) : null)));
    }
    const n = scores.length;
    if (n < this.nStartupTrials) return undefined;

    const order = scores.map((_, i) => i).sort((a, b) => cmp(scores[a], scores[b]) || a - b);
    const nBelow = this.gamma(n);
    const isBelow = new Uint8Array(n);
    for (let i = 0; i < nBelow && i < n; i++) isBelow[order[i]] = 1;
    const below: Record<string, number[]> = {};
    const above: Record<string, number[]> = {};
    for (const name of names) {
      below[name] = [];
      above[name] = [];
    }
    // Chronological order within each group (the weights ramp favours recent trials); trials without
    // the parameter are left out, as all parameters of a relative space share one mask.
    for (let i = 0; i < n; i++) {
      if (values[i].some((v) => v === null)) continue;
      const target = isBelow[i] ? below : above;
      names.forEach((name, j) => target[name].push(values[i][j] as number));
    }
    return {
      below: new ParzenEstimator(below, space, this.parzen),
      above: new ParzenEstimator(above, space, this.parzen),
    };
  }
}

function cmp(a: Score, b: Score): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  return 0;
}

/** Parameters present with the same distribution in every given trial, single-valued ones left out. */
export function intersectionSearchSpace(trials: readonly FrozenTrial[]): SearchSpace {
  let space: SearchSpace | undefined;
  for (const t of trials) {
    if (space === undefined) {
      space = { ...t.distributions };
      continue;
    }
    for (const name of Object.keys(space)) {
      const d = t.distributions[name];
      if (d === undefined || !sameDistribution(d, space[name])) delete space[name];
    }
  }
  const out: SearchSpace = {};
  for (const name of Object.keys(space ?? {}).sort()) if (!isSingle(space![name])) out[name] = space![name];
  return out;
}
