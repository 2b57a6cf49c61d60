/**
 * Composable, seeded augmentation pipelines described by JSON recipes: `Compose` (each step in turn, each
 * with its own probability), `OneOf` (one step, chosen uniformly) and named transforms whose parameters are
 * drawn from ranges per application, as audiomentations does. The same JSON is what `ser augment --recipe`
 * reads and what a model directory stores.
 */
import { createHash } from 'node:crypto';
import { clipReport } from '../audio/normalize';
import { fixLength } from '../audio/fixed-length';
import { canonicalJson } from '../features/cache';
import { UserError } from '../util/errors';
import { Rng } from '../util/rng';
import { gain, invertPolarity, timeShift } from './basic';
import { addBackgroundNoise, addColorNoise, loadNoiseFolder, type NoiseColor } from './noise';
import { simulateRoom } from './room';
import type { SpecAugmentOptions } from './spec';
import { pitchShift, speedPerturb, timeStretch } from './stretch';

/** A step of a recipe. `p` is the probability the step runs (default 0.5 for transforms, as audiomentations). */
export type TransformSpec =
  | {
      /** Gaussian noise at an SNR drawn uniformly from [minSnrDb, maxSnrDb] (defaults 5, 40: AddGaussianSNR). */
      name: 'addNoise';
      p?: number;
      /** One colour, or a list to draw from uniformly. Default 'white'. */
      color?: NoiseColor | NoiseColor[];
      minSnrDb?: number;
      maxSnrDb?: number;
    }
  | {
      /** A real noise recording from `dir` at an SNR in [minSnrDb, maxSnrDb] (defaults 3, 30: AddBackgroundNoise). */
      name: 'backgroundNoise';
      p?: number;
      dir: string;
      minSnrDb?: number;
      maxSnrDb?: number;
    }
  | {
      /** Pitch shift by semitones uniform in [minSemitones, maxSemitones] (defaults -4, 4: PitchShift). */
      name: 'pitchShift';
      p?: number;
      minSemitones?: number;
      maxSemitones?: number;
    }
  | {
      /** Time stretch by a rate uniform in [minRate, maxRate] (defaults 0.8, 1.25: TimeStretch). */
      name: 'timeStretch';
      p?: number;
      minRate?: number;
      maxRate?: number;
      /** Cut or pad back to the input length (audiomentations' default). Default true. */
      leaveLengthUnchanged?: boolean;
    }
  | {
      /** Speed perturbation by a factor drawn from `factors` (default [0.9, 1.1], Kaldi's). */
      name: 'speed';
      p?: number;
      factors?: number[];
    }
  | {
      /** Time shift by a fraction of the length uniform in [minFraction, maxFraction] (defaults -0.5, 0.5: Shift). */
      name: 'shift';
      p?: number;
      minFraction?: number;
      maxFraction?: number;
      /** Roll (true) or pad with zeros. Default true. */
      rollover?: boolean;
    }
  | {
      /** Gain in dB uniform in [minGainDb, maxGainDb] (defaults -12, 12: Gain). */
      name: 'gain';
      p?: number;
      minGainDb?: number;
      maxGainDb?: number;
    }
  | { /** Polarity inversion (PolarityInversion). */ name: 'polarity'; p?: number }
  | {
      /** Synthetic room with RT60 uniform in [minRt60, maxRt60] s (defaults 0.2, 0.8). */
      name: 'room';
      p?: number;
      minRt60?: number;
      maxRt60?: number;
      /** Direct-to-reverberant ratio, dB. Default 0. */
      directToReverberantDb?: number;
    }
  | { /** Every step in turn. Default p 1. */ name: 'compose'; p?: number; transforms: TransformSpec[] }
  | { /** One step chosen uniformly. Default p 1. */ name: 'oneOf'; p?: number; transforms: TransformSpec[] };

/** What to do when an augmented clip strays beyond ±1. Whatever is chosen is recorded with the copy. */
export type OutOfRangePolicy = 'peak-normalize' | 'clip' | 'keep';

/** A recipe: waveform steps run as a Compose, plus the training-time feature and batch augmentations. */
export interface Recipe {
  version: 1;
  /** Waveform steps, run in order (a Compose with p = 1). */
  transforms: TransformSpec[];
  /** Augmented copies made of each training clip offline. Default 1. */
  copies?: number;
  /** Beyond ±1: scale the clip so its peak is 1 ('peak-normalize', default), hard-clip, or keep. */
  outOfRange?: OutOfRangePolicy;
  /** SpecAugment on feature matrices in the training batch stream, applied with probability `p` (default 1). */
  specAugment?: SpecAugmentOptions & { p?: number };
  /** mixup on training batches (α default 0.2), with probability `p` per batch (default 1). */
  mixup?: { alpha?: number; p?: number };
}

/** One step that ran, with the parameters it drew. */
export interface AppliedStep {
  name: string;
  params: Record<string, number | string | boolean>;
}

/** The result of {@link applyRecipe}. */
export interface AugmentResult {
  audio: Float32Array;
  /** Steps that ran (those whose probability draw failed are absent), in order. */
  steps: AppliedStep[];
  /** Largest |sample| before the out-of-range policy, samples beyond ±1 then, and what was done. */
  range: { maxAbs: number; outOfRange: number; action: 'none' | OutOfRangePolicy };
}

const TRANSFORM_KEYS: Record<TransformSpec['name'], string[]> = {
  addNoise: ['color', 'minSnrDb', 'maxSnrDb'],
  backgroundNoise: ['dir', 'minSnrDb', 'maxSnrDb'],
  pitchShift: ['minSemitones', 'maxSemitones'],
  timeStretch: ['minRate', 'maxRate', 'leaveLengthUnchanged'],
  speed: ['factors'],
  shift: ['minFraction', 'maxFraction', 'rollover'],
  gain: ['minGainDb', 'maxGainDb'],
  polarity: [],
  room: ['minRt60', 'maxRt60', 'directToReverberantDb'],
  compose: ['transforms'],
  oneOf: ['transforms'],
};

function fail(where: string, message: string): never {
  throw new UserError(`recipe: ${where}: ${message}`);
}

function checkSpec(spec: unknown, where: string): TransformSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail(where, 'must be an object');
  const s = spec as Record<string, unknown>;
  const name = s.name;
  if (typeof name !== 'string' || !(name in TRANSFORM_KEYS))
    fail(
      where,
      `unknown transform ${JSON.stringify(name)} (known: ${Object.keys(TRANSFORM_KEYS).join(', ')})`,
    );
  const allowed = new Set(['name', 'p', ...TRANSFORM_KEYS[name as TransformSpec['name']]]);
  for (const key of Object.keys(s))
    if (!allowed.has(key)) fail(`${where}.${key}`, `not an option of ${name}`);
  for (const [key, value] of Object.entries(s)) {
    if (key === 'name' || key === 'transforms' || key === 'color' || key === 'factors') continue;
    if (key === 'dir') {
      if (typeof value !== 'string' || value === '') fail(`${where}.dir`, 'must be a folder path');
    } else if (key === 'leaveLengthUnchanged' || key === 'rollover') {
      if (typeof value !== 'boolean') fail(`${where}.${key}`, 'must be true or false');
    } else if (typeof value !== 'number' || !Number.isFinite(value))
      fail(`${where}.${key}`, 'must be a finite number');
  }
  if (s.p !== undefined && !((s.p as number) >= 0 && (s.p as number) <= 1))
    fail(`${where}.p`, 'must be in [0, 1]');
  if (name === 'backgroundNoise' && s.dir === undefined) fail(where, 'backgroundNoise needs "dir"');
  if (s.color !== undefined) {
    const colors = Array.isArray(s.color) ? s.color : [s.color];
    if (colors.length === 0 || colors.some((c) => c !== 'white' && c !== 'pink' && c !== 'brown'))
      fail(`${where}.color`, 'must be white, pink, brown or a non-empty list of them');
  }
  if (s.factors !== undefined) {
    const f = s.factors;
    if (!Array.isArray(f) || f.length === 0 || f.some((v) => typeof v !== 'number' || !(v >= 0.25 && v <= 4)))
      fail(`${where}.factors`, 'must be a non-empty list of numbers in [0.25, 4]');
  }
  if (name === 'compose' || name === 'oneOf') {
    if (!Array.isArray(s.transforms) || s.transforms.length === 0)
      fail(`${where}.transforms`, 'must be a non-empty list');
    (s.transforms as unknown[]).forEach((t, i) => checkSpec(t, `${where}.transforms[${i}]`));
  }
  return spec as TransformSpec;
}

/**
 * Check a parsed JSON value as a {@link Recipe}: known transforms, known options with the right types,
 * probabilities in [0, 1]. Errors name the offending path (e.g. `transforms[1].minSnrDb`).
 *
 * @throws {UserError}
 */
export function parseRecipe(value: unknown): Recipe {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail('top level', 'must be an object');
  const r = value as Record<string, unknown>;
  const allowed = new Set([
    'version',
    'transforms',
    'copies',
    'outOfRange',
    'specAugment',
    'mixup',
    'description',
  ]);
  for (const key of Object.keys(r)) if (!allowed.has(key)) fail(key, 'unknown key');
  if (r.version !== 1) fail('version', 'must be 1');
  if (!Array.isArray(r.transforms)) fail('transforms', 'must be a list');
  r.transforms.forEach((t, i) => checkSpec(t, `transforms[${i}]`));
  if (
    r.copies !== undefined &&
    !(Number.isInteger(r.copies) && (r.copies as number) >= 1 && (r.copies as number) <= 100)
  )
    fail('copies', 'must be an integer in [1, 100]');
  if (r.outOfRange !== undefined && !['peak-normalize', 'clip', 'keep'].includes(r.outOfRange as string))
    fail('outOfRange', 'must be peak-normalize, clip or keep');
  return value as Recipe;
}

/** 16 hex digits naming a recipe's content (key order does not matter). */
export function recipeHash(recipe: Recipe): string {
  return createHash('sha256').update(canonicalJson(recipe)).digest('hex').slice(0, 16);
}

/**
 * The seed of one augmented copy: 32 bits of SHA-256(`seed/sourceId/copyIndex`), so a copy is reproducible
 * alone, whatever else was augmented before it.
 */
export function copySeed(seed: number, sourceId: string, copyIndex: number): number {
  return createHash('sha256').update(`${seed}/${sourceId}/${copyIndex}`).digest().readUInt32LE(0);
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

function range(where: string, lo: number, hi: number): void {
  if (!(lo <= hi)) throw new UserError(`recipe: ${where}: min ${lo} exceeds max ${hi}`);
}

/** Run one step on `y` (probability already drawn); pushes what it did onto `steps`. */
function runStep(
  spec: TransformSpec,
  y: Float32Array,
  sr: number,
  rng: Rng,
  steps: AppliedStep[],
): Float32Array {
  switch (spec.name) {
    case 'compose':
      return spec.transforms.reduce((audio, t) => maybeRun(t, audio, sr, rng, steps), y);
    case 'oneOf':
      return maybeRun({ ...spec.transforms[rng.int(spec.transforms.length)], p: 1 }, y, sr, rng, steps);
    case 'addNoise': {
      const colors = Array.isArray(spec.color) ? spec.color : [spec.color ?? 'white'];
      const color = colors[rng.int(colors.length)];
      const [lo, hi] = [spec.minSnrDb ?? 5, spec.maxSnrDb ?? 40];
      range('addNoise', lo, hi);
      const snrDb = uniform(rng, lo, hi);
      steps.push({ name: spec.name, params: { color, snrDb } });
      return addColorNoise(y, { color, snrDb }, rng);
    }
    case 'backgroundNoise': {
      const [lo, hi] = [spec.minSnrDb ?? 3, spec.maxSnrDb ?? 30];
      range('backgroundNoise', lo, hi);
      const snrDb = uniform(rng, lo, hi);
      steps.push({ name: spec.name, params: { dir: spec.dir, snrDb } });
      return addBackgroundNoise(y, loadNoiseFolder(spec.dir, sr), snrDb, rng);
    }
    case 'pitchShift': {
      const [lo, hi] = [spec.minSemitones ?? -4, spec.maxSemitones ?? 4];
      range('pitchShift', lo, hi);
      const semitones = uniform(rng, lo, hi);
      steps.push({ name: spec.name, params: { semitones } });
      return pitchShift(y, semitones);
    }
    case 'timeStretch': {
      const [lo, hi] = [spec.minRate ?? 0.8, spec.maxRate ?? 1.25];
      range('timeStretch', lo, hi);
      const rate = uniform(rng, lo, hi);
      const keep = spec.leaveLengthUnchanged ?? true;
      steps.push({ name: spec.name, params: { rate, leaveLengthUnchanged: keep } });
      const stretched = timeStretch(y, rate);
      return keep ? fixLength(stretched, y.length) : stretched;
    }
    case 'speed': {
      const factors = spec.factors ?? [0.9, 1.1];
      const factor = factors[rng.int(factors.length)];
      steps.push({ name: spec.name, params: { factor } });
      return speedPerturb(y, factor);
    }
    case 'shift': {
      const [lo, hi] = [spec.minFraction ?? -0.5, spec.maxFraction ?? 0.5];
      range('shift', lo, hi);
      const samples = Math.round(uniform(rng, lo, hi) * y.length);
      const rollover = spec.rollover ?? true;
      steps.push({ name: spec.name, params: { samples, rollover } });
      return timeShift(y, samples, { rollover });
    }
    case 'gain': {
      const [lo, hi] = [spec.minGainDb ?? -12, spec.maxGainDb ?? 12];
      range('gain', lo, hi);
      const gainDb = uniform(rng, lo, hi);
      steps.push({ name: spec.name, params: { gainDb } });
      return gain(y, gainDb);
    }
    case 'polarity':
      steps.push({ name: spec.name, params: {} });
      return invertPolarity(y);
    case 'room': {
      const [lo, hi] = [spec.minRt60 ?? 0.2, spec.maxRt60 ?? 0.8];
      range('room', lo, hi);
      const rt60 = uniform(rng, lo, hi);
      const directToReverberantDb = spec.directToReverberantDb ?? 0;
      steps.push({ name: spec.name, params: { rt60, directToReverberantDb } });
      return simulateRoom(y, sr, { rt60, directToReverberantDb }, rng);
    }
  }
}

/** Draw the step's probability (always one draw, so later draws do not depend on `p`), then maybe run it. */
function maybeRun(
  spec: TransformSpec,
  y: Float32Array,
  sr: number,
  rng: Rng,
  steps: AppliedStep[],
): Float32Array {
  const p = spec.p ?? (spec.name === 'compose' || spec.name === 'oneOf' ? 1 : 0.5);
  return rng.next() < p ? runStep(spec, y, sr, rng, steps) : y;
}

/**
 * Run a recipe's waveform steps on `y` (rate `sr`) with `rng`, then apply its out-of-range policy. Pure:
 * the input is never modified, and the same seed gives the same output bit for bit. The result records
 * every step that ran with its drawn parameters, and the range before the policy acted.
 */
export function applyRecipe(recipe: Recipe, y: Float32Array, sr: number, rng: Rng): AugmentResult {
  const steps: AppliedStep[] = [];
  const out = runStep({ name: 'compose', transforms: recipe.transforms }, y, sr, rng, steps);
  let audio = out === y ? y.slice() : out;
  const report = clipReport(audio);
  if (report.nonFinite > 0)
    throw new Error(
      `augment: ${report.nonFinite} non-finite samples after ${steps.map((s) => s.name).join(' → ')}`,
    );
  const policy = recipe.outOfRange ?? 'peak-normalize';
  let action: AugmentResult['range']['action'] = 'none';
  if (report.outOfRange > 0) {
    action = policy;
    if (policy === 'peak-normalize') {
      const scale = 1 / report.maxAbs;
      audio = audio.map((v) => v * scale);
      // float32 rounding can leave a peak a hair above 1.
      for (let i = 0; i < audio.length; i++) audio[i] = Math.max(-1, Math.min(1, audio[i]));
    } else if (policy === 'clip') audio = audio.map((v) => Math.max(-1, Math.min(1, v)));
  }
  return { audio, steps, range: { maxAbs: report.maxAbs, outOfRange: report.outOfRange, action } };
}
