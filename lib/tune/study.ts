/**
 * Studies (Optuna's Study): `createStudy` / `loadStudy`, `optimize` with concurrent trials, ask/tell, the
 * best trial and the trials as a Danfo.js DataFrame. Any number of processes may run `optimize` on one
 * study through a shared storage (journal file on one machine, PostgreSQL across machines).
 */
import type { DataFrame } from 'danfojs-node';
import { MedianPruner, type Pruner } from './pruners';
import type { Sampler } from './samplers/sampler';
import { TpeSampler } from './samplers/tpe';
import { openStorage } from './storages/open';
import type { StudyRecord, TuneStorage } from './storages/storage';
import { FIXED_PARAMS_ATTR, Trial } from './trial';
import {
  TrialPruned,
  lastStep,
  type FrozenTrial,
  type ParamValue,
  type StudyDirection,
  type StudyView,
  type TrialState,
} from './types';

export interface CreateStudyOptions {
  /** Study name (default: a generated "no-name-<uuid>"). */
  name?: string;
  /** A storage or its URL: "memory" (default), "journal:<file>" / a *.jsonl path, "postgresql://...". */
  storage?: TuneStorage | string;
  /** Default: TPE (Optuna's default). */
  sampler?: Sampler;
  /** Default: median pruner (Optuna's default). */
  pruner?: Pruner;
  /** Default 'minimize'. */
  direction?: StudyDirection;
  /** Resume a study of the same name instead of failing (default false). */
  loadIfExists?: boolean;
}

export type Objective = (trial: Trial) => number | Promise<number>;
export type StudyCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

export interface OptimizeOptions {
  /** Trials this call runs (default: until timeout, or forever). */
  nTrials?: number;
  /** Seconds after which no new trial starts (default: none). */
  timeout?: number;
  /** Trials in flight at once in this process (Optuna's n_jobs; default 1). */
  concurrency?: number;
  /** Error classes that fail the trial but not the study (default: none: any error stops optimize). */
  catch?: (new (...args: never[]) => Error)[];
  /** Called after every finished trial. */
  callbacks?: StudyCallback[];
}

/** Creates (or with loadIfExists resumes) a study. */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  const storage =
    typeof options.storage === 'string' || options.storage === undefined
      ? await openStorage(options.storage ?? 'memory')
      : options.storage;
  const name = options.name ?? `no-name-${crypto.randomUUID()}`;
  const direction = options.direction ?? 'minimize';
  let record = options.loadIfExists ? await storage.getStudy(name) : undefined;
  if (record === undefined) {
    try {
      record = await storage.createStudy(name, direction);
    } catch (err) {
      // Another worker created it between our lookup and create.
      if (!options.loadIfExists) throw err;
      record = await storage.getStudy(name);
      if (record === undefined) throw err;
    }
  }
  const study = new Study(
    record,
    storage,
    options.sampler ?? new TpeSampler(),
    options.pruner ?? new MedianPruner(),
  );
  await study.refresh();
  return study;
}

/** Opens an existing study (its direction comes from the storage). */
export async function loadStudy(
  options: Omit<CreateStudyOptions, 'direction' | 'loadIfExists'> & { name: string },
): Promise<Study> {
  const storage =
    typeof options.storage === 'string' || options.storage === undefined
      ? await openStorage(options.storage ?? 'memory')
      : options.storage;
  const record = await storage.getStudy(options.name);
  if (record === undefined)
    throw Object.assign(new Error(`no study named "${options.name}"`), { userFacing: true });
  const study = new Study(
    record,
    storage,
    options.sampler ?? new TpeSampler(),
    options.pruner ?? new MedianPruner(),
  );
  await study.refresh();
  return study;
}

export class Study {
  private cached: FrozenTrial[] = [];
  private stopped = false;

  constructor(
    private readonly record: StudyRecord,
    readonly storage: TuneStorage,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
  ) {}

  get name(): string {
    return this.record.name;
  }
  get direction(): StudyDirection {
    return this.record.direction;
  }

  /** Trials as of the last refresh (optimize/tell refresh; call `refresh()` to see other workers' trials). */
  get trials(): readonly FrozenTrial[] {
    return this.cached;
  }

  /** Re-reads the study's trials from the storage. */
  async refresh(): Promise<readonly FrozenTrial[]> {
    this.cached = await this.storage.getAllTrials(this.record.studyId);
    return this.cached;
  }

  private view(): StudyView {
    return { studyName: this.name, direction: this.direction, trials: this.cached };
  }

  /** The complete trial with the best value (as of the last refresh); throws when there is none. */
  get bestTrial(): FrozenTrial {
    let best: FrozenTrial | undefined;
    for (const t of this.cached) {
      if (t.state !== 'complete' || t.value === null) continue;
      if (
        best === undefined ||
        (this.direction === 'minimize' ? t.value < best.value! : t.value > best.value!)
      )
        best = t;
    }
    if (best === undefined)
      throw Object.assign(new Error(`study "${this.name}" has no complete trial yet`), { userFacing: true });
    return best;
  }
  get bestValue(): number {
    return this.bestTrial.value!;
  }
  get bestParams(): FrozenTrial['params'] {
    return this.bestTrial.params;
  }

  private readonly queued: Record<string, ParamValue>[] = [];

  /**
   * Makes the next trial this process asks for use `params` (Optuna's enqueue_trial; here the queue lives in
   * this Study object, not in the storage): e.g. a default configuration as trial 0, evaluated under the same
   * budget as the sampled ones. Parameters it does not name are sampled as usual.
   */
  enqueueTrial(params: Record<string, ParamValue>): void {
    this.queued.push({ ...params });
  }

  /** Stops optimize() after the trials in flight. */
  stop(): void {
    this.stopped = true;
  }

  /** Fails the running trials of dead workers (heartbeat older than the storage's grace period). */
  failStaleTrials(): Promise<number[]> {
    return this.storage.failStaleTrials(this.record.studyId);
  }

  /** Starts a trial (Optuna's ask): fails stale trials, creates the trial, samples its relative parameters. */
  async ask(): Promise<Trial> {
    await this.failStaleTrials();
    let frozen = await this.storage.createTrial(this.record.studyId);
    const fixed = this.queued.shift();
    if (fixed !== undefined) {
      await this.storage.setTrialSystemAttr(frozen.trialId, FIXED_PARAMS_ATTR, fixed);
      frozen = { ...frozen, systemAttrs: { ...frozen.systemAttrs, [FIXED_PARAMS_ATTR]: fixed } };
    }
    await this.refresh();
    const before = this.sampler.beforeTrial?.(this.view(), frozen) ?? {};
    for (const [k, v] of Object.entries(before)) await this.storage.setTrialSystemAttr(frozen.trialId, k, v);
    if (Object.keys(before).length > 0)
      frozen = { ...frozen, systemAttrs: { ...frozen.systemAttrs, ...before } };
    const space = this.sampler.inferRelativeSearchSpace(this.view(), frozen);
    const relative = this.sampler.sampleRelative(this.view(), frozen, space);
    const trial = new Trial(
      frozen,
      {
        storage: this.storage,
        sampler: this.sampler,
        pruner: this.pruner,
        view: this.view(),
        refresh: async () => {
          await this.refresh();
          return this.view();
        },
      },
      relative,
      space,
    );
    this.startHeartbeat(trial);
    return trial;
  }

  private readonly heartbeats = new Map<Trial, NodeJS.Timeout>();

  private startHeartbeat(trial: Trial): void {
    const interval = this.storage.heartbeatInterval;
    if (interval === undefined) return;
    const timer = setInterval(() => {
      this.storage.recordHeartbeat(trial.snapshot.trialId).catch(() => undefined);
    }, interval * 1000);
    timer.unref();
    this.heartbeats.set(trial, timer);
  }

  /**
   * Finishes a trial (Optuna's tell). A pruned trial keeps its last intermediate value; a complete one with a
   * non-finite-number value fails. Returns the trial as stored (its state may be 'fail' if a peer already
   * failed it as stale).
   */
  async tell(
    trial: Trial,
    outcome: { state: Exclude<TrialState, 'running'>; value?: number },
  ): Promise<FrozenTrial> {
    clearInterval(this.heartbeats.get(trial));
    this.heartbeats.delete(trial);
    try {
      await trial.flush();
    } catch (err) {
      // A peer failed this trial as stale while it ran (e.g. heartbeats starved by a blocking objective): keep
      // the peer's verdict, as Optuna's tell does for a finished trial.
      const stored = await this.storage.getTrial(trial.snapshot.trialId);
      if (stored.state !== 'running') return stored;
      throw err;
    }
    let { state } = outcome;
    let value: number | null = null;
    if (state === 'complete') {
      if (typeof outcome.value === 'number' && !Number.isNaN(outcome.value)) value = outcome.value;
      else state = 'fail';
    } else if (state === 'pruned') {
      const step = lastStep(trial.snapshot);
      value = step === undefined ? null : trial.snapshot.intermediateValues[step];
    }
    await this.storage.finishTrial(trial.snapshot.trialId, state, value);
    await this.refresh();
    return this.storage.getTrial(trial.snapshot.trialId);
  }

  /** Runs one trial of `objective` to its end; errors not in `caught` are rethrown after failing the trial. */
  private async runTrial(objective: Objective, caught: OptimizeOptions['catch'] = []): Promise<FrozenTrial> {
    const trial = await this.ask();
    let result: { state: Exclude<TrialState, 'running'>; value?: number };
    let error: unknown;
    try {
      result = { state: 'complete', value: await objective(trial) };
    } catch (err) {
      if (err instanceof TrialPruned) result = { state: 'pruned' };
      else {
        result = { state: 'fail' };
        if (!caught.some((c) => err instanceof c)) error = err;
        else trial.setUserAttr('fail_reason', err instanceof Error ? err.message : String(err));
      }
    }
    // A peer that failed this trial as stale makes its writes throw: that ends the trial, not this worker.
    const lost =
      error !== undefined && (await this.storage.getTrial(trial.snapshot.trialId)).state !== 'running';
    const frozen = await this.tell(trial, result);
    if (error !== undefined && !lost) throw error;
    return frozen;
  }

  /**
   * Runs trials until `nTrials` ran in this call, `timeout` seconds passed, stop() was called or the sampler
   * is exhausted; `concurrency` trials run at once (their objectives interleave on this thread's event loop:
   * use async objectives that wait on worker threads or processes, or several processes on one storage).
   */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    const concurrency = Math.max(1, options.concurrency ?? 1);
    const deadline = options.timeout !== undefined ? Date.now() + options.timeout * 1000 : Infinity;
    const nTrials = options.nTrials ?? Infinity;
    let started = 0;
    let failure: unknown;
    this.stopped = false;
    const lane = async (): Promise<void> => {
      while (!this.stopped && failure === undefined && started < nTrials && Date.now() < deadline) {
        if (this.sampler.isExhausted?.(this.view())) break;
        started++;
        try {
          const frozen = await this.runTrial(objective, options.catch);
          for (const cb of options.callbacks ?? []) await cb(this, frozen);
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    await this.refresh();
    if (failure !== undefined) throw failure;
  }

  /**
   * The trials as a Danfo.js DataFrame (Optuna's trials_dataframe): number, value, datetime_start,
   * datetime_complete, duration (s), params_<name>, user_attrs_<key>, state.
   */
  async trialsDataFrame(): Promise<DataFrame> {
    const dfd = await import('danfojs-node');
    const trials = await this.refresh();
    const paramNames = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
    const attrNames = [...new Set(trials.flatMap((t) => Object.keys(t.userAttrs)))].sort();
    const columns = [
      'number',
      'value',
      'datetime_start',
      'datetime_complete',
      'duration',
      ...paramNames.map((p) => `params_${p}`),
      ...attrNames.map((a) => `user_attrs_${a}`),
      'state',
    ];
    const cell = (v: unknown): string | number | boolean | null =>
      v === undefined || v === null
        ? null
        : typeof v === 'object'
          ? JSON.stringify(v)
          : (v as string | number | boolean);
    const data: Record<string, (string | number | boolean | null)[]> = {};
    for (const c of columns) data[c] = [];
    for (const t of trials) {
      data.number.push(t.number);
      data.value.push(t.value);
      data.datetime_start.push(t.datetimeStart?.toISOString() ?? null);
      data.datetime_complete.push(t.datetimeComplete?.toISOString() ?? null);
      data.duration.push(
        t.datetimeStart && t.datetimeComplete
          ? (t.datetimeComplete.getTime() - t.datetimeStart.getTime()) / 1000
          : null,
      );
      for (const p of paramNames) data[`params_${p}`].push(cell(t.params[p]));
      for (const a of attrNames) data[`user_attrs_${a}`].push(cell(t.userAttrs[a]));
      data.state.push(t.state.toUpperCase());
    }
    if (trials.length === 0) return new dfd.DataFrame([], { columns });
    return new dfd.DataFrame(data, { columns });
  }
}

/** Stops optimize() once the study holds `n` trials in `states` (Optuna's MaxTrialsCallback; default complete). */
export function maxTrialsCallback(n: number, states: readonly TrialState[] = ['complete']): StudyCallback {
  return (study) => {
    if (study.trials.filter((t) => states.includes(t.state)).length >= n) study.stop();
  };
}
