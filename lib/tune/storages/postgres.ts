/**
 * PostgreSQL storage: workers on many machines share one study. Trial numbers come from an atomic counter
 * row per study, a state change only applies to a running trial (first finish wins), and heartbeats use the
 * server's clock so that worker clocks need not agree.
 */
import { Pool } from 'pg';
import type { Distribution } from '../distributions';
import type { FrozenTrial, JsonValue, ParamValue, StudyDirection, TrialState } from '../types';
import {
  decodeNumber,
  DuplicatedStudyError,
  encodeNumber,
  type HeartbeatOptions,
  type StudyRecord,
  type TuneStorage,
} from './storage';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tune_studies (
  study_id SERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  direction TEXT NOT NULL,
  next_trial_number INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tune_trials (
  trial_id SERIAL PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES tune_studies ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  value DOUBLE PRECISION,
  params JSONB NOT NULL DEFAULT '{}',
  distributions JSONB NOT NULL DEFAULT '{}',
  intermediate JSONB NOT NULL DEFAULT '{}',
  user_attrs JSONB NOT NULL DEFAULT '{}',
  system_attrs JSONB NOT NULL DEFAULT '{}',
  datetime_start TIMESTAMPTZ NOT NULL DEFAULT now(),
  datetime_complete TIMESTAMPTZ,
  heartbeat TIMESTAMPTZ,
  UNIQUE (study_id, number)
);
CREATE INDEX IF NOT EXISTS tune_trials_study_state ON tune_trials (study_id, state);`;

/** Arbitrary constant key of the advisory lock serialising schema creation. */
const SCHEMA_LOCK = 7305412;

interface TrialRow {
  trial_id: number;
  number: number;
  state: TrialState;
  value: number | null;
  params: Record<string, number>;
  distributions: Record<string, Distribution>;
  intermediate: Record<string, number | string>;
  user_attrs: Record<string, JsonValue>;
  system_attrs: Record<string, JsonValue>;
  datetime_start: Date;
  datetime_complete: Date | null;
}

function toFrozen(r: TrialRow): FrozenTrial {
  const params: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(r.params)) {
    const d = r.distributions[k];
    params[k] = d.type === 'categorical' ? d.choices[v] : d.type === 'int' ? Math.round(v) : v;
  }
  const intermediateValues: Record<number, number> = {};
  for (const [k, v] of Object.entries(r.intermediate)) intermediateValues[Number(k)] = decodeNumber(v);
  return {
    trialId: r.trial_id,
    number: r.number,
    state: r.state,
    value: r.value,
    params,
    distributions: r.distributions,
    intermediateValues,
    userAttrs: r.user_attrs,
    systemAttrs: r.system_attrs,
    datetimeStart: r.datetime_start,
    datetimeComplete: r.datetime_complete,
  };
}

const TRIAL_COLUMNS =
  'trial_id, number, state, value, params, distributions, intermediate, user_attrs, system_attrs, datetime_start, datetime_complete';

export class PostgresStorage implements TuneStorage {
  readonly heartbeatInterval: number | undefined;
  private readonly gracePeriod: number | undefined;

  private constructor(
    private readonly pool: Pool,
    options: HeartbeatOptions,
  ) {
    this.heartbeatInterval = options.heartbeatInterval;
    this.gracePeriod =
      options.gracePeriod ??
      (options.heartbeatInterval !== undefined ? 2 * options.heartbeatInterval : undefined);
  }

  /** Connects and creates the tables when missing. */
  static async connect(url: string, options: HeartbeatOptions = {}): Promise<PostgresStorage> {
    const pool = new Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined); // An idle client losing its server must not crash the worker.
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    } finally {
      client.release();
    }
    return new PostgresStorage(pool, options);
  }

  async createStudy(name: string, direction: StudyDirection): Promise<StudyRecord> {
    const r = await this.pool.query<{ study_id: number }>(
      'INSERT INTO tune_studies (name, direction) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING study_id',
      [name, direction],
    );
    if (r.rowCount === 0) throw new DuplicatedStudyError(name);
    return { studyId: r.rows[0].study_id, name, direction };
  }

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    const r = await this.pool.query<{ study_id: number; direction: StudyDirection }>(
      'SELECT study_id, direction FROM tune_studies WHERE name = $1',
      [name],
    );
    return r.rows[0] ? { studyId: r.rows[0].study_id, name, direction: r.rows[0].direction } : undefined;
  }

  async listStudies(): Promise<StudyRecord[]> {
    const r = await this.pool.query<{ study_id: number; name: string; direction: StudyDirection }>(
      'SELECT study_id, name, direction FROM tune_studies ORDER BY study_id',
    );
    return r.rows.map((s) => ({ studyId: s.study_id, name: s.name, direction: s.direction }));
  }

  async createTrial(studyId: number): Promise<FrozenTrial> {
    // The counter row's update lock makes number allocation atomic across workers.
    const r = await this.pool.query<TrialRow>(
      `WITH n AS (UPDATE tune_studies SET next_trial_number = next_trial_number + 1 WHERE study_id = $1
                  RETURNING next_trial_number - 1 AS number)
       INSERT INTO tune_trials (study_id, number, state, heartbeat)
       SELECT $1, number, 'running', CASE WHEN $2 THEN now() END FROM n RETURNING ${TRIAL_COLUMNS}`,
      [studyId, this.heartbeatInterval !== undefined],
    );
    if (r.rowCount === 0) throw new RangeError(`no study with id ${studyId}`);
    return toFrozen(r.rows[0]);
  }

  private async mergeJson(
    trialId: number,
    column: string,
    key: string,
    value: unknown,
    extra?: [string, unknown],
  ): Promise<void> {
    const sets = [`${column} = ${column} || jsonb_build_object($2::text, $3::jsonb)`];
    const args: unknown[] = [trialId, key, JSON.stringify(value)];
    if (extra) {
      sets.push(`${extra[0]} = ${extra[0]} || jsonb_build_object($2::text, $4::jsonb)`);
      args.push(JSON.stringify(extra[1]));
    }
    const r = await this.pool.query(
      `UPDATE tune_trials SET ${sets.join(', ')} WHERE trial_id = $1 AND state = 'running'`,
      args,
    );
    if (r.rowCount === 0) throw new Error(`trial ${trialId} is not running`);
  }

  setTrialParam(trialId: number, name: string, value: number, distribution: Distribution): Promise<void> {
    return this.mergeJson(trialId, 'params', name, value, ['distributions', distribution]);
  }
  setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    return this.mergeJson(trialId, 'intermediate', String(step), encodeNumber(value));
  }
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.mergeJson(trialId, 'user_attrs', key, value);
  }
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.mergeJson(trialId, 'system_attrs', key, value);
  }

  async finishTrial(
    trialId: number,
    state: Exclude<TrialState, 'running'>,
    value: number | null,
  ): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE tune_trials SET state = $2, value = $3, datetime_complete = now() WHERE trial_id = $1 AND state = 'running'`,
      [trialId, state, value],
    );
    return r.rowCount === 1;
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    const r = await this.pool.query<TrialRow>(
      `SELECT ${TRIAL_COLUMNS} FROM tune_trials WHERE trial_id = $1`,
      [trialId],
    );
    if (!r.rows[0]) throw new RangeError(`no trial with id ${trialId}`);
    return toFrozen(r.rows[0]);
  }

  async getAllTrials(studyId: number): Promise<FrozenTrial[]> {
    const r = await this.pool.query<TrialRow>(
      `SELECT ${TRIAL_COLUMNS} FROM tune_trials WHERE study_id = $1 ORDER BY number`,
      [studyId],
    );
    return r.rows.map(toFrozen);
  }

  async recordHeartbeat(trialId: number): Promise<void> {
    await this.pool.query(
      `UPDATE tune_trials SET heartbeat = now() WHERE trial_id = $1 AND state = 'running'`,
      [trialId],
    );
  }

  async failStaleTrials(studyId: number): Promise<number[]> {
    if (this.gracePeriod === undefined) return [];
    const r = await this.pool.query<{ number: number }>(
      `UPDATE tune_trials SET state = 'fail', datetime_complete = now()
       WHERE study_id = $1 AND state = 'running' AND heartbeat < now() - make_interval(secs => $2) RETURNING number`,
      [studyId, this.gracePeriod],
    );
    return r.rows.map((x) => x.number).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
