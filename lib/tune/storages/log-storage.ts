/**
 * A storage that is the replay of an operation log ({@link OpLogState}): the in-memory storage keeps the
 * log in memory, the journal storage in an append-only file shared by processes.
 */
import { randomUUID } from 'node:crypto';
import type { Distribution } from '../distributions';
import type { FrozenTrial, JsonValue, StudyDirection, TrialState } from '../types';
import {
  DuplicatedStudyError,
  encodeNumber,
  OpLogState,
  type HeartbeatOptions,
  type StorageOp,
  type StudyRecord,
  type TuneStorage,
} from './storage';

export abstract class LogStorage implements TuneStorage {
  protected readonly state = new OpLogState();
  readonly heartbeatInterval: number | undefined;
  private readonly gracePeriod: number | undefined;

  constructor(options: HeartbeatOptions = {}) {
    this.heartbeatInterval = options.heartbeatInterval;
    this.gracePeriod =
      options.gracePeriod ??
      (options.heartbeatInterval !== undefined ? 2 * options.heartbeatInterval : undefined);
  }

  /** Makes `ops` durable and visible to every reader of the log. */
  protected abstract append(ops: StorageOp[]): void;
  /** Brings `state` up to date with the log. */
  protected abstract sync(): void;

  async createStudy(name: string, direction: StudyDirection): Promise<StudyRecord> {
    const uid = randomUUID();
    this.append([{ op: 'createStudy', uid, name, direction }]);
    this.sync();
    const id = this.state.created.get(uid);
    if (id === undefined) throw new DuplicatedStudyError(name);
    return this.state.studies[id];
  }

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    this.sync();
    return this.state.studies.find((s) => s.name === name);
  }

  async listStudies(): Promise<StudyRecord[]> {
    this.sync();
    return [...this.state.studies];
  }

  async createTrial(studyId: number): Promise<FrozenTrial> {
    const uid = randomUUID();
    const ts = Date.now();
    const ops: StorageOp[] = [{ op: 'createTrial', uid, studyId, ts }];
    this.append(ops);
    this.sync();
    const id = this.state.created.get(uid);
    if (id === undefined) throw new RangeError(`no study with id ${studyId}`);
    if (this.heartbeatInterval !== undefined) {
      this.append([{ op: 'heartbeat', trialId: id, ts }]);
      this.sync();
    }
    return this.state.trial(id);
  }

  private mutate(op: StorageOp & { trialId: number }): void {
    this.sync();
    const t = this.state.trial(op.trialId);
    if (t.state !== 'running') throw new Error(`trial ${t.number} is already ${t.state}`);
    this.append([op]);
  }

  async setTrialParam(
    trialId: number,
    name: string,
    value: number,
    distribution: Distribution,
  ): Promise<void> {
    this.mutate({ op: 'param', trialId, name, value, distribution });
  }
  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    this.mutate({ op: 'intermediate', trialId, step, value: encodeNumber(value) });
  }
  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    this.mutate({ op: 'userAttr', trialId, key, value });
  }
  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    this.mutate({ op: 'systemAttr', trialId, key, value });
  }

  async finishTrial(
    trialId: number,
    state: Exclude<TrialState, 'running'>,
    value: number | null,
  ): Promise<boolean> {
    const uid = randomUUID();
    this.append([
      {
        op: 'finish',
        uid,
        trialId,
        state,
        value: value === null ? null : encodeNumber(value),
        ts: Date.now(),
      },
    ]);
    this.sync();
    return this.state.finishedBy(trialId) === uid;
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    this.sync();
    return this.state.trial(trialId);
  }

  async getAllTrials(studyId: number): Promise<FrozenTrial[]> {
    this.sync();
    return this.state.trialsOf(studyId);
  }

  async recordHeartbeat(trialId: number): Promise<void> {
    this.append([{ op: 'heartbeat', trialId, ts: Date.now() }]);
  }

  async failStaleTrials(studyId: number): Promise<number[]> {
    if (this.gracePeriod === undefined) return [];
    this.sync();
    const now = Date.now();
    const stale = this.state.staleTrials(studyId, now - this.gracePeriod * 1000);
    if (stale.length === 0) return [];
    const uids = stale.map(() => randomUUID());
    this.append(
      stale.map((trialId, i) => ({
        op: 'finish',
        uid: uids[i],
        trialId,
        state: 'fail',
        value: null,
        ts: now,
      })),
    );
    this.sync();
    return stale
      .filter((id, i) => this.state.finishedBy(id) === uids[i])
      .map((id) => this.state.trial(id).number);
  }

  async close(): Promise<void> {}
}

/** Studies kept in this process only (Optuna's InMemoryStorage). */
export class InMemoryStorage extends LogStorage {
  protected append(ops: StorageOp[]): void {
    for (const op of ops) this.state.apply(structuredClone(op));
  }
  protected sync(): void {}
}
