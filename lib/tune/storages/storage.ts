/**
 * The storage interface every backend implements (in-memory, journal file, PostgreSQL), and the
 * operation log the in-memory and journal storages share: a storage is the replay of its operations,
 * so that processes appending to one journal agree on trial numbers and on which state change won.
 */
import type { Distribution } from '../distributions';
import type { FrozenTrial, JsonValue, StudyDirection, TrialState } from '../types';

export interface StudyRecord {
  readonly studyId: number;
  readonly name: string;
  readonly direction: StudyDirection;
}

/** Heartbeat settings of a persistent storage (Optuna's RDBStorage heartbeat_interval / grace_period). */
export interface HeartbeatOptions {
  /** Seconds between heartbeats of a running trial; undefined disables heartbeats (default, as Optuna). */
  heartbeatInterval?: number;
  /** Seconds without a heartbeat after which a running trial counts as dead (default 2 × interval). */
  gracePeriod?: number;
}

export interface TuneStorage {
  /** Creates a study; throws {@link DuplicatedStudyError} when the name is taken. */
  createStudy(name: string, direction: StudyDirection): Promise<StudyRecord>;
  /** The study of that name, or undefined. */
  getStudy(name: string): Promise<StudyRecord | undefined>;
  listStudies(): Promise<StudyRecord[]>;
  /** A new running trial with the next free number of its study. */
  createTrial(studyId: number): Promise<FrozenTrial>;
  setTrialParam(
    trialId: number,
    name: string,
    internalValue: number,
    distribution: Distribution,
  ): Promise<void>;
  setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void>;
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  /** Moves a running trial to a final state; false when it had already left 'running' (e.g. failed as stale). */
  finishTrial(trialId: number, state: Exclude<TrialState, 'running'>, value: number | null): Promise<boolean>;
  getTrial(trialId: number): Promise<FrozenTrial>;
  getAllTrials(studyId: number): Promise<FrozenTrial[]>;
  /** Heartbeat interval in seconds, or undefined when heartbeats are off. */
  readonly heartbeatInterval: number | undefined;
  recordHeartbeat(trialId: number): Promise<void>;
  /** Fails running trials whose heartbeat is older than the grace period; returns their numbers. */
  failStaleTrials(studyId: number): Promise<number[]>;
  close(): Promise<void>;
}

export class DuplicatedStudyError extends Error {
  readonly userFacing = true;
  constructor(name: string) {
    super(`study "${name}" already exists (pass loadIfExists: true to resume it)`);
    this.name = 'DuplicatedStudyError';
  }
}

/** One state change of a log-structured storage. `uid` identifies the writer's request. */
export type StorageOp =
  | { op: 'createStudy'; uid: string; name: string; direction: StudyDirection }
  | { op: 'createTrial'; uid: string; studyId: number; ts: number }
  | { op: 'param'; trialId: number; name: string; value: number; distribution: Distribution }
  | { op: 'intermediate'; trialId: number; step: number; value: number | string }
  | { op: 'userAttr' | 'systemAttr'; trialId: number; key: string; value: JsonValue }
  | {
      op: 'finish';
      uid: string;
      trialId: number;
      state: Exclude<TrialState, 'running'>;
      value: number | string | null;
      ts: number;
    }
  | { op: 'heartbeat'; trialId: number; ts: number };

/** JSON has no NaN/±Infinity: those travel as strings. */
export function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
export function decodeNumber(x: number | string): number {
  return typeof x === 'number' ? x : Number(x);
}

interface MutableTrial {
  trialId: number;
  studyId: number;
  number: number;
  state: TrialState;
  value: number | null;
  params: Record<string, number>;
  distributions: Record<string, Distribution>;
  intermediateValues: Record<number, number>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  datetimeStart: number;
  datetimeComplete: number | null;
  heartbeat: number | null;
  finishedBy: string | null;
}

/** The state a sequence of {@link StorageOp}s describes; ops on finished trials are ignored (first finish wins). */
export class OpLogState {
  readonly studies: StudyRecord[] = [];
  private readonly trials: MutableTrial[] = [];
  private readonly trialsOfStudy = new Map<number, number[]>();
  /** uid of createStudy/createTrial → the id it got. */
  readonly created = new Map<string, number>();

  apply(op: StorageOp): void {
    switch (op.op) {
      case 'createStudy': {
        const existing = this.studies.find((s) => s.name === op.name);
        if (existing) return;
        const studyId = this.studies.length;
        this.studies.push({ studyId, name: op.name, direction: op.direction });
        this.trialsOfStudy.set(studyId, []);
        this.created.set(op.uid, studyId);
        return;
      }
      case 'createTrial': {
        const list = this.trialsOfStudy.get(op.studyId);
        if (!list) return;
        const trialId = this.trials.length;
        this.trials.push({
          trialId,
          studyId: op.studyId,
          number: list.length,
          state: 'running',
          value: null,
          params: {},
          distributions: {},
          intermediateValues: {},
          userAttrs: {},
          systemAttrs: {},
          datetimeStart: op.ts,
          datetimeComplete: null,
          heartbeat: null,
          finishedBy: null,
        });
        list.push(trialId);
        this.created.set(op.uid, trialId);
        return;
      }
    }
    const t = this.trials[op.trialId];
    if (!t || t.state !== 'running') return;
    switch (op.op) {
      case 'param':
        t.params[op.name] = op.value;
        t.distributions[op.name] = op.distribution;
        return;
      case 'intermediate':
        t.intermediateValues[op.step] = decodeNumber(op.value);
        return;
      case 'userAttr':
        t.userAttrs[op.key] = op.value;
        return;
      case 'systemAttr':
        t.systemAttrs[op.key] = op.value;
        return;
      case 'heartbeat':
        t.heartbeat = op.ts;
        return;
      case 'finish':
        t.state = op.state;
        t.value = op.value === null ? null : decodeNumber(op.value);
        t.datetimeComplete = op.ts;
        t.finishedBy = op.uid;
        return;
    }
  }

  /** Running trials of a study whose last heartbeat is older than `cutoff` (ms epoch). */
  staleTrials(studyId: number, cutoff: number): number[] {
    return (this.trialsOfStudy.get(studyId) ?? [])
      .map((id) => this.trials[id])
      .filter((t) => t.state === 'running' && t.heartbeat !== null && t.heartbeat < cutoff)
      .map((t) => t.trialId);
  }

  finishedBy(trialId: number): string | null {
    return this.trials[trialId]?.finishedBy ?? null;
  }

  hasTrial(trialId: number): boolean {
    return trialId >= 0 && trialId < this.trials.length;
  }

  trial(trialId: number): FrozenTrial {
    const t = this.trials[trialId];
    if (!t) throw new RangeError(`no trial with id ${trialId}`);
    return freeze(t);
  }

  trialsOf(studyId: number): FrozenTrial[] {
    return (this.trialsOfStudy.get(studyId) ?? []).map((id) => freeze(this.trials[id]));
  }
}

function freeze(t: MutableTrial): FrozenTrial {
  const params: Record<string, number | string | boolean | null> = {};
  for (const [k, v] of Object.entries(t.params)) {
    const d = t.distributions[k];
    params[k] = d.type === 'categorical' ? d.choices[v] : d.type === 'int' ? Math.round(v) : v;
  }
  return {
    trialId: t.trialId,
    number: t.number,
    state: t.state,
    value: t.value,
    params,
    distributions: { ...t.distributions },
    intermediateValues: { ...t.intermediateValues },
    userAttrs: structuredClone(t.userAttrs),
    systemAttrs: structuredClone(t.systemAttrs),
    datetimeStart: new Date(t.datetimeStart),
    datetimeComplete: t.datetimeComplete === null ? null : new Date(t.datetimeComplete),
  };
}
