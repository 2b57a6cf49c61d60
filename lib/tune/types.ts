/**
 * The data model of lib/tune, after Optuna's: a study is a named series of trials, each trial a set of
 * sampled parameters, optional intermediate values (one per step) and a final value.
 */
import type { Distribution } from './distributions';

/** Optuna's TrialState, in lower case (as stored). */
export type TrialState = 'running' | 'complete' | 'pruned' | 'fail';

/** Whether the objective is minimised or maximised. */
export type StudyDirection = 'minimize' | 'maximize';

/** A JSON value, for user and system attributes. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** External parameter value: what `suggest*` returns. */
export type ParamValue = number | string | boolean | null;

/** A trial as stored: immutable snapshot (Optuna's FrozenTrial). */
export interface FrozenTrial {
  /** Storage-wide id. */
  readonly trialId: number;
  /** 0-based, unique and gap-free within its study. */
  readonly number: number;
  readonly state: TrialState;
  /** The objective value (complete), the last intermediate value (pruned) or null. */
  readonly value: number | null;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** step → value, steps ascending. */
  readonly intermediateValues: Readonly<Record<number, number>>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date | null;
  readonly datetimeComplete: Date | null;
}

/** The largest step with an intermediate value, or undefined (Optuna's `FrozenTrial.last_step`). */
export function lastStep(trial: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const k of Object.keys(trial.intermediateValues)) {
    const s = Number(k);
    if (last === undefined || s > last) last = s;
  }
  return last;
}

/** What samplers and pruners see of a study: its direction and a snapshot of its trials. */
export interface StudyView {
  readonly studyName: string;
  readonly direction: StudyDirection;
  readonly trials: readonly FrozenTrial[];
}

/** Thrown by an objective (usually after `trial.shouldPrune()`) to end its trial as pruned. */
export class TrialPruned extends Error {
  constructor(message = 'trial pruned') {
    super(message);
    this.name = 'TrialPruned';
  }
}
