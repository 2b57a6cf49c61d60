/**
 * Parameter distributions (Optuna's FloatDistribution, IntDistribution, CategoricalDistribution) and the
 * "internal" representation samplers work in: numbers as themselves, categories as their index.
 */
import type { ParamValue } from './types';

export interface FloatDistribution {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  /** Sample in log space (low > 0); incompatible with step. */
  readonly log: boolean;
  /** Discretisation step, or null. */
  readonly step: number | null;
}

export interface IntDistribution {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** 1 unless given; must be 1 when log. */
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly type: 'categorical';
  readonly choices: readonly ParamValue[];
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** A float distribution, validated as Optuna does (low ≤ high; log needs low > 0 and no step). */
export function floatDistribution(
  low: number,
  high: number,
  opts: { log?: boolean; step?: number } = {},
): FloatDistribution {
  const log = opts.log ?? false;
  const step = opts.step ?? null;
  if (!(low <= high)) throw new RangeError(`float distribution: low (${low}) must be ≤ high (${high})`);
  if (log && step !== null) throw new RangeError('float distribution: log and step cannot be combined');
  if (log && low <= 0) throw new RangeError(`float distribution: log needs low > 0, got ${low}`);
  if (step !== null && !(step > 0)) throw new RangeError(`float distribution: step must be > 0, got ${step}`);
  // Optuna shrinks high to the last point of the step grid.
  const top = step !== null ? low + Math.floor((high - low) / step + 1e-9) * step : high;
  return { type: 'float', low, high: step !== null ? roundTo(top, step) : top, log, step };
}

/** An int distribution (step 1 unless given; log needs low ≥ 1 and step 1). */
export function intDistribution(
  low: number,
  high: number,
  opts: { log?: boolean; step?: number } = {},
): IntDistribution {
  const log = opts.log ?? false;
  const step = opts.step ?? 1;
  if (!Number.isInteger(low) || !Number.isInteger(high))
    throw new RangeError('int distribution: low and high must be integers');
  if (!(low <= high)) throw new RangeError(`int distribution: low (${low}) must be ≤ high (${high})`);
  if (log && step !== 1) throw new RangeError('int distribution: log needs step 1');
  if (log && low < 1) throw new RangeError(`int distribution: log needs low ≥ 1, got ${low}`);
  if (!Number.isInteger(step) || step < 1)
    throw new RangeError(`int distribution: step must be a positive integer`);
  return { type: 'int', low, high: low + Math.floor((high - low) / step) * step, log, step };
}

/** A categorical distribution over at least one choice. */
export function categoricalDistribution(choices: readonly ParamValue[]): CategoricalDistribution {
  if (choices.length === 0) throw new RangeError('categorical distribution: needs at least one choice');
  return { type: 'categorical', choices: [...choices] };
}

function roundTo(x: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 6);
  return Number(x.toFixed(Math.min(digits, 20)));
}

/** True when the distribution has a single possible value (samplers skip those). */
export function isSingle(d: Distribution): boolean {
  if (d.type === 'categorical') return d.choices.length === 1;
  if (d.type === 'int') return d.low === d.high;
  return d.low === d.high;
}

/** Structural equality (same kind, bounds, log, step / choices). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'categorical' && b.type === 'categorical')
    return a.choices.length === b.choices.length && a.choices.every((c, i) => c === b.choices[i]);
  if (a.type === 'categorical' || b.type === 'categorical') return false;
  return a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
}

/** External value → internal number (category index for categoricals). */
export function toInternal(d: Distribution, value: ParamValue): number {
  if (d.type === 'categorical') {
    const i = d.choices.indexOf(value);
    if (i < 0) throw new RangeError(`${String(value)} is not one of the choices`);
    return i;
  }
  return value as number;
}

/** Internal number → external value. */
export function toExternal(d: Distribution, internal: number): ParamValue {
  if (d.type === 'categorical') return d.choices[Math.round(internal)];
  return d.type === 'int' ? Math.round(internal) : internal;
}

/** Whether an internal value lies in the distribution (on its step grid). */
export function containsInternal(d: Distribution, x: number): boolean {
  if (d.type === 'categorical') return Number.isInteger(x) && x >= 0 && x < d.choices.length;
  if (!(x >= d.low && x <= d.high)) return false;
  if (d.step === null) return true;
  const k = (x - d.low) / d.step;
  return Math.abs(k - Math.round(k)) < 1e-8;
}

/**
 * The continuous interval samplers draw numeric parameters from (Optuna's Parzen bounds): log space for
 * log distributions, widened by half a step on each side for stepped and int ones so that every grid
 * point gets the same width.
 */
export function sampleBounds(d: FloatDistribution | IntDistribution): {
  low: number;
  high: number;
  step: number | null;
} {
  if (d.type === 'float') {
    if (d.log) return { low: Math.log(d.low), high: Math.log(d.high), step: null };
    if (d.step !== null) return { low: d.low - 0.5 * d.step, high: d.high + 0.5 * d.step, step: d.step };
    return { low: d.low, high: d.high, step: null };
  }
  if (d.log) return { low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5), step: null };
  return { low: d.low - 0.5 * d.step, high: d.high + 0.5 * d.step, step: d.step };
}

/** Maps a value of the sampling space ({@link sampleBounds}) back onto the distribution. */
export function fromSampleSpace(d: FloatDistribution | IntDistribution, x: number): number {
  const clip = (v: number) => Math.min(Math.max(v, d.low), d.high);
  if (d.log) return d.type === 'int' ? clip(Math.round(Math.exp(x))) : clip(Math.exp(x));
  if (d.step === null) return x;
  return clip(Math.round((x - d.low) / d.step) * d.step + d.low);
}

/** A value of the distribution → the sampling space ({@link sampleBounds}). */
export function toSampleSpace(d: FloatDistribution | IntDistribution, x: number): number {
  return d.log ? Math.log(x) : x;
}
