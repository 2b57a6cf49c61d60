/**
 * A running trial (Optuna's Trial): `suggest*` sample parameters synchronously from the snapshot of the
 * study taken when the trial started; writes go to the storage in the background, in order, and are awaited
 * before the trial is judged or finished.
 */
import {
  categoricalDistribution,
  containsInternal,
  floatDistribution,
  intDistribution,
  sameDistribution,
  toExternal,
  toInternal,
  type Distribution,
} from './distributions';
import type { Pruner } from './pruners';
import type { Sampler } from './samplers/sampler';
import type { TuneStorage } from './storages/storage';
import type { FrozenTrial, JsonValue, ParamValue, StudyView } from './types';

/** What a trial needs from its study. */
export interface TrialContext {
  storage: TuneStorage;
  sampler: Sampler;
  pruner: Pruner;
  /** The study as of the trial's start (refreshed by shouldPrune). */
  view: StudyView;
  /** A fresh snapshot of the study's trials. */
  refresh(): Promise<StudyView>;
}

/** System attribute holding an enqueued trial's parameters (Optuna's name). */
export const FIXED_PARAMS_ATTR = 'fixed_params';

/** The internal value of `name` when the trial was enqueued with it (Study.enqueueTrial). */
function fixedParam(trial: FrozenTrial, name: string, d: Distribution): number | undefined {
  const fixed = trial.systemAttrs[FIXED_PARAMS_ATTR];
  if (fixed === null || typeof fixed !== 'object' || Array.isArray(fixed) || !(name in fixed))
    return undefined;
  const value = fixed[name];
  const internal = value === null || typeof value !== 'object' ? toInternalOrNaN(d, value) : Number.NaN;
  if (!containsInternal(d, internal))
    throw new RangeError(`enqueued value ${JSON.stringify(value)} of "${name}" is outside its distribution`);
  return internal;
}

function toInternalOrNaN(d: Distribution, value: ParamValue): number {
  if (d.type !== 'categorical' && typeof value !== 'number') return Number.NaN;
  try {
    return toInternal(d, value);
  } catch {
    return Number.NaN;
  }
}

export class Trial {
  private frozen: FrozenTrial;
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;

  constructor(
    initial: FrozenTrial,
    private readonly context: TrialContext,
    private readonly relativeParams: Record<string, number>,
    private readonly relativeSpace: Record<string, Distribution>,
  ) {
    this.frozen = initial;
  }

  /** 0-based number of the trial in its study. */
  get number(): number {
    return this.frozen.number;
  }
  /** Parameters suggested so far. */
  get params(): Readonly<Record<string, ParamValue>> {
    return this.frozen.params;
  }
  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return this.frozen.userAttrs;
  }
  /** The trial as known in this process. */
  get snapshot(): FrozenTrial {
    return this.frozen;
  }

  private write(task: () => Promise<void>): void {
    this.writes = this.writes.then(task).catch((err: unknown) => {
      this.writeError ??= err;
    });
  }

  /** Waits for every background write; rethrows the first that failed. */
  async flush(): Promise<void> {
    await this.writes;
    if (this.writeError !== undefined) throw this.writeError;
  }

  private update(patch: Partial<FrozenTrial>): void {
    this.frozen = { ...this.frozen, ...patch };
  }

  private suggest(name: string, d: Distribution): ParamValue {
    const known = this.frozen.distributions[name];
    if (known !== undefined) {
      if (!sameDistribution(known, d))
        throw new RangeError(`parameter "${name}" was already suggested with another distribution`);
      return this.frozen.params[name];
    }
    const fixed = fixedParam(this.frozen, name, d);
    const relative = this.relativeParams[name];
    const internal =
      fixed ??
      (relative !== undefined &&
      this.relativeSpace[name] &&
      sameDistribution(this.relativeSpace[name], d) &&
      containsInternal(d, relative)
        ? relative
        : this.context.sampler.sampleIndependent(this.context.view, this.frozen, name, d));
    const value = toExternal(d, internal);
    this.update({
      params: { ...this.frozen.params, [name]: value },
      distributions: { ...this.frozen.distributions, [name]: d },
    });
    const stored = toInternal(d, value);
    this.write(() => this.context.storage.setTrialParam(this.frozen.trialId, name, stored, d));
    return value;
  }

  /**
   * A float in [low, high].
   * @param options.log sample in log space (default false); options.step discretise (default none).
   */
  suggestFloat(
    name: string,
    low: number,
    high: number,
    options: { log?: boolean; step?: number } = {},
  ): number {
    return this.suggest(name, floatDistribution(low, high, options)) as number;
  }

  /**
   * An integer in [low, high].
   * @param options.log sample in log space (default false); options.step spacing (default 1).
   */
  suggestInt(
    name: string,
    low: number,
    high: number,
    options: { log?: boolean; step?: number } = {},
  ): number {
    return this.suggest(name, intDistribution(low, high, options)) as number;
  }

  /** One of `choices` (strings, numbers, booleans or null). */
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    return this.suggest(name, categoricalDistribution(choices)) as T;
  }

  /** Records the objective's value at `step` (an epoch, say), for pruners and plots. */
  report(value: number, step: number): void {
    if (!Number.isInteger(step) || step < 0)
      throw new RangeError(`step must be a non-negative integer, got ${step}`);
    if (step in this.frozen.intermediateValues) return; // Optuna ignores a second report at one step.
    this.update({ intermediateValues: { ...this.frozen.intermediateValues, [step]: value } });
    this.write(() => this.context.storage.setTrialIntermediateValue(this.frozen.trialId, step, value));
  }

  /** Whether the pruner wants this trial stopped now (throw {@link TrialPruned} then). */
  async shouldPrune(): Promise<boolean> {
    await this.flush();
    const view = await this.context.refresh();
    const trials = view.trials.map((t) => (t.trialId === this.frozen.trialId ? this.frozen : t));
    return this.context.pruner.prune({ ...view, trials }, this.frozen, {
      setSystemAttr: (key, value) => this.setSystemAttr(key, value),
    });
  }

  /** Attaches a JSON value to the trial (kept in the storage, shown in trialsDataFrame()). */
  setUserAttr(key: string, value: JsonValue): void {
    this.update({ userAttrs: { ...this.frozen.userAttrs, [key]: value } });
    this.write(() => this.context.storage.setTrialUserAttr(this.frozen.trialId, key, value));
  }

  /** Library-internal attribute (samplers, pruners). */
  setSystemAttr(key: string, value: JsonValue): void {
    this.update({ systemAttrs: { ...this.frozen.systemAttrs, [key]: value } });
    this.write(() => this.context.storage.setTrialSystemAttr(this.frozen.trialId, key, value));
  }
}
