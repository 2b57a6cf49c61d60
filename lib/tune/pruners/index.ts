/**
 * Pruners (Optuna's): decide from a running trial's intermediate values whether to stop it early.
 * `prune` sees a snapshot of the study; a pruner that needs to remember something on the trial (successive
 * halving's rungs) writes system attributes through `setSystemAttr`.
 */
import { crc32 } from 'node:zlib';
import { lastStep, type FrozenTrial, type JsonValue, type StudyView } from '../types';

export interface PruneContext {
  /** Records a system attribute on the trial being judged (visible to later prune calls and other workers). */
  setSystemAttr(key: string, value: JsonValue): void;
}

export interface Pruner {
  prune(study: StudyView, trial: FrozenTrial, context: PruneContext): boolean;
}

/** Never prunes (Optuna's NopPruner). */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}

export interface PercentilePrunerOptions {
  /** No pruning until this many trials are complete (default 5). */
  nStartupTrials?: number;
  /** No pruning before this step (default 0). */
  nWarmupSteps?: number;
  /** Judge only at steps warmup + k·interval (default 1). */
  intervalSteps?: number;
  /** Need at least this many complete trials with a value at the step (default 1). */
  nMinTrials?: number;
}

/** Prunes a trial whose best value so far is worse than the given percentile of complete trials at that step. */
export class PercentilePruner implements Pruner {
  private readonly nStartupTrials: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;
  private readonly nMinTrials: number;

  /** @param percentile in [0, 100]; 50 is the median pruner. */
  constructor(
    private readonly percentile: number,
    options: PercentilePrunerOptions = {},
  ) {
    if (!(percentile >= 0 && percentile <= 100)) throw new RangeError('percentile must be in [0, 100]');
    this.nStartupTrials = options.nStartupTrials ?? 5;
    this.nWarmupSteps = options.nWarmupSteps ?? 0;
    this.intervalSteps = options.intervalSteps ?? 1;
    this.nMinTrials = options.nMinTrials ?? 1;
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const complete = study.trials.filter((t) => t.state === 'complete');
    if (complete.length === 0 || complete.length < this.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === undefined || step < this.nWarmupSteps) return false;
    const nearestLower =
      Math.floor((step - this.nWarmupSteps) / this.intervalSteps) * this.intervalSteps + this.nWarmupSteps;
    const steps = Object.keys(trial.intermediateValues)
      .map(Number)
      .sort((a, b) => a - b);
    const secondLast = steps.length >= 2 ? steps[steps.length - 2] : -1;
    if (secondLast >= nearestLower) return false;

    const maximize = study.direction === 'maximize';
    const own = Object.values(trial.intermediateValues).filter((v) => !Number.isNaN(v));
    if (own.length === 0) return true;
    const best = maximize ? Math.max(...own) : Math.min(...own);
    const atStep = complete
      .map((t) => t.intermediateValues[step])
      .filter((v): v is number => v !== undefined && !Number.isNaN(v));
    if (atStep.length === 0 || atStep.length < this.nMinTrials) return false;
    const p = percentileOf(atStep, maximize ? 100 - this.percentile : this.percentile);
    return maximize ? best < p : best > p;
  }
}

/** Median stopping rule (Optuna's MedianPruner): the 50th percentile pruner. */
export class MedianPruner extends PercentilePruner {
  constructor(options: PercentilePrunerOptions = {}) {
    super(50, options);
  }
}

/** numpy.percentile with linear interpolation. */
export function percentileOf(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = ((s.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export interface SuccessiveHalvingOptions {
  /** Steps before the first rung; 'auto' = max(⌊last step of the first complete trial / 100⌋, 1) (default 'auto'). */
  minResource?: number | 'auto';
  /** Keep the top 1/reductionFactor at each rung (default 4). */
  reductionFactor?: number;
  /** Shifts the rungs up by this many levels (default 0). */
  minEarlyStoppingRate?: number;
  /** Competitors needed at a rung before promoting anyone (default 0). */
  bootstrapCount?: number;
}

const rungKey = (rung: number) => `completed_rung_${rung}`;

/**
 * Asynchronous successive halving (ASHA, Optuna's SuccessiveHalvingPruner): at steps
 * minResource·η^(rate + rung) a trial is promoted only if it is in the top 1/η of the values recorded at that
 * rung so far, by any trial.
 */
export class SuccessiveHalvingPruner implements Pruner {
  private minResource: number | undefined;
  private readonly reductionFactor: number;
  private readonly minEarlyStoppingRate: number;
  private readonly bootstrapCount: number;

  constructor(options: SuccessiveHalvingOptions = {}) {
    const min = options.minResource ?? 'auto';
    if (min !== 'auto' && !(min >= 1)) throw new RangeError('minResource must be ≥ 1 or "auto"');
    this.minResource = min === 'auto' ? undefined : min;
    this.reductionFactor = options.reductionFactor ?? 4;
    if (this.reductionFactor < 2) throw new RangeError('reductionFactor must be ≥ 2');
    this.minEarlyStoppingRate = options.minEarlyStoppingRate ?? 0;
    this.bootstrapCount = options.bootstrapCount ?? 0;
  }

  prune(study: StudyView, trial: FrozenTrial, context: PruneContext): boolean {
    const step = lastStep(trial);
    if (step === undefined) return false;
    let rung = 0;
    while (rungKey(rung) in trial.systemAttrs) rung++;
    const value = trial.intermediateValues[step];
    for (;;) {
      if (this.minResource === undefined) {
        const steps = study.trials
          .filter((t) => t.state === 'complete')
          .map(lastStep)
          .filter((s): s is number => s !== undefined);
        if (steps.length === 0) return false;
        this.minResource = Math.max(Math.floor(Math.max(...steps) / 100), 1);
      }
      const promotionStep = this.minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
      if (step < promotionStep) return false;
      if (Number.isNaN(value)) return true;
      const key = rungKey(rung);
      context.setSystemAttr(key, value);
      const competing = study.trials
        .filter((t) => t.trialId !== trial.trialId && typeof t.systemAttrs[key] === 'number')
        .map((t) => t.systemAttrs[key] as number);
      competing.push(value);
      if (competing.length <= this.bootstrapCount) return true;
      const idx = Math.max(Math.floor(competing.length / this.reductionFactor) - 1, 0);
      competing.sort((a, b) => a - b);
      const promotable =
        study.direction === 'maximize'
          ? value >= competing[competing.length - 1 - idx]
          : value <= competing[idx];
      if (!promotable) return true;
      rung++;
    }
  }
}

export interface HyperbandOptions {
  /** Smallest budget in steps (default 1). */
  minResource?: number;
  /** Largest budget; 'auto' = last step of the first complete trial + 1 (default 'auto'). */
  maxResource?: number | 'auto';
  /** η (default 3). */
  reductionFactor?: number;
  /** Competitors needed at a rung (default 0). */
  bootstrapCount?: number;
}

/**
 * Hyperband (Optuna's HyperbandPruner): several successive-halving brackets with different early-stopping
 * rates; each trial joins one bracket by a hash of (study name, trial number) weighted by the brackets'
 * budgets, and competes only with the trials of its bracket.
 */
export class HyperbandPruner implements Pruner {
  private readonly minResource: number;
  private maxResource: number | undefined;
  private readonly reductionFactor: number;
  private readonly bootstrapCount: number;
  private pruners: SuccessiveHalvingPruner[] = [];
  private budgets: number[] = [];
  private totalBudget = 0;

  constructor(options: HyperbandOptions = {}) {
    this.minResource = options.minResource ?? 1;
    const max = options.maxResource ?? 'auto';
    this.maxResource = max === 'auto' ? undefined : max;
    this.reductionFactor = options.reductionFactor ?? 3;
    this.bootstrapCount = options.bootstrapCount ?? 0;
  }

  /** Number of brackets, once known (after the first complete trial with 'auto'). */
  get nBrackets(): number {
    return this.pruners.length;
  }

  private init(study: StudyView): void {
    if (this.maxResource === undefined) {
      const steps = study.trials
        .filter((t) => t.state === 'complete')
        .map(lastStep)
        .filter((s): s is number => s !== undefined);
      if (steps.length === 0) return;
      this.maxResource = Math.max(...steps) + 1;
    }
    const n =
      Math.floor(Math.log(this.maxResource / this.minResource) / Math.log(this.reductionFactor) + 1e-9) + 1;
    for (let id = 0; id < n; id++) {
      const s = n - 1 - id;
      const budget = Math.ceil((n * this.reductionFactor ** s) / (s + 1));
      this.budgets.push(budget);
      this.totalBudget += budget;
      this.pruners.push(
        new SuccessiveHalvingPruner({
          minResource: this.minResource,
          reductionFactor: this.reductionFactor,
          minEarlyStoppingRate: id,
          bootstrapCount: this.bootstrapCount,
        }),
      );
    }
  }

  /** The bracket of a trial number (crc32 of "<study>_<number>", as Optuna). */
  bracketOf(studyName: string, trialNumber: number): number {
    let r = crc32(`${studyName}_${trialNumber}`) % this.totalBudget;
    for (let id = 0; id < this.budgets.length; id++) {
      r -= this.budgets[id];
      if (r < 0) return id;
    }
    return this.budgets.length - 1;
  }

  prune(study: StudyView, trial: FrozenTrial, context: PruneContext): boolean {
    if (this.pruners.length === 0) this.init(study);
    if (this.pruners.length === 0) return false;
    const bracket = this.bracketOf(study.studyName, trial.number);
    const bracketStudy: StudyView = {
      ...study,
      trials: study.trials.filter((t) => this.bracketOf(study.studyName, t.number) === bracket),
    };
    return this.pruners[bracket].prune(bracketStudy, trial, context);
  }
}
