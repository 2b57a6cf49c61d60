/** Shared access to the reference values written by test/fixtures/audio/make-golden.py (not a test file). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The project root from dist/test/audio (compiled) or test/audio (ts-node/tslab). */
const projectRoot = path.resolve(
  __dirname,
  '..',
  '..',
  path.basename(path.resolve(__dirname, '..', '..')) === 'dist' ? '..' : '.',
);

/** Where the corpora live: SER_DATA_DIR, else the project's data/ folder. */
export const dataRoot = process.env.SER_DATA_DIR || path.join(projectRoot, 'data');

/** The shared FLAC corpora (see its README): SER_SHARED_DATASETS, else ../shared/datasets next to the project. */
export const sharedDatasets =
  process.env.SER_SHARED_DATASETS || path.resolve(projectRoot, '..', 'shared', 'datasets');

export interface Summary {
  length: number;
  sumSquares: number;
  maxAbs: number;
  /** Every `stride`-th sample, starting at 0. */
  stride: number;
  values: number[];
}

export interface GoldenFile {
  path: string;
  why: string;
  nativeRate: number;
  channelCount: number;
  /** Channel 0 as decoded (float32, native rate). */
  decoded: Summary;
  /** Channels averaged, native rate. */
  mono: Summary;
  targetRate: number;
  /** librosa.load(path, sr=targetRate, res_type='polyphase'). */
  output: Summary;
}

export interface GoldenSynthetic {
  length: number;
  seed: number;
  nativeRate: number;
  targetRate: number;
  output: number[];
}

export const golden: { files: GoldenFile[]; synthetic: GoldenSynthetic[] } = JSON.parse(
  fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'audio', 'golden.json'), 'utf8'),
);

/** The generator's deterministic int16-valued signal (same LCG as make-golden.py). */
export function lcgSignal(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    // BigInt: state * 1103515245 exceeds 2^53.
    state = Number((BigInt(state) * 1103515245n + 12345n) % 2147483648n);
    out[i] = (((state >> 8) % 65536) - 32768) / 32768;
  }
  return out;
}

/** First index where `actual` differs from the summary's kept samples, or -1; with the sum of squares. */
export function compareToSummary(
  actual: Float32Array,
  expected: Summary,
): { firstMismatch: number; sumSquares: number } {
  let firstMismatch = -1;
  for (let k = 0; k < expected.values.length; k++) {
    if (actual[k * expected.stride] !== Math.fround(expected.values[k])) {
      firstMismatch = k * expected.stride;
      break;
    }
  }
  let sumSquares = 0;
  for (const v of actual) sumSquares += v * v;
  return { firstMismatch, sumSquares };
}
