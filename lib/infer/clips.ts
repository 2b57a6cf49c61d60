/**
 * Predict emotions of whole clips (in-memory buffers, decoded audio, or files where a reader is installed) with
 * a model loaded once: each clip goes through exactly the feature set and normaliser stored with the model (mono
 * mix, resampling to the set's rate, features, z-scoring), and clips are classified in batches. A clip that
 * cannot be used gets a one-line error of its own; the others are still predicted. Browser-safe: the demo page
 * predicts uploads with this; ./predict.ts adds reading files in Node.
 */
import { decodeAudio } from '../audio/decode';
import { prepareAudio } from '../audio/prepare';
import type { DecodedAudio } from '../audio/types';
import { argmax } from '../metrics/summary';
import { fitSequenceStandardizer, fitStandardizer } from '../features/standardize';
import { UserError, oneLine } from '../util/errors';
import { featureVector, type InferenceModel } from './model';
import { MIN_CLIPS_PER_SPEAKER } from './predictor';

/** One clip's outcome: a prediction, or the reason it has none; notes flag inputs unlike the training audio. */
export interface ClipResult {
  file: string;
  label?: string;
  scores?: Record<string, number>;
  /** Seconds of audio. */
  seconds?: number;
  notes?: string[];
  error?: string;
}

/** Below this native rate a clip lacks the upper speech band the corpora were recorded with. */
const NARROWBAND_HZ = 16000;
/** Clips longer than this are still one prediction, but a timeline (`ser stream`) says more. */
const LONG_CLIP_SECONDS = 60;
/** Shorter clips carry too few frames to classify. */
const MIN_CLIP_SECONDS = 0.1;

/** A clip to predict: a file path, encoded bytes (WAV/AIFF/FLAC), or decoded audio. */
export type ClipInput =
  | { name: string; path: string }
  | { name: string; bytes: Uint8Array }
  | { name: string; audio: DecodedAudio };

export interface PredictOptions {
  /** Clips classified per model call. Default 32. */
  batchSize?: number;
  /** Called after each clip's features (done, total). */
  onClip?: (done: number, total: number) => void;
}

/** Reads a `{ path }` clip; set by ./predict.ts (Node), absent in the browser, which passes bytes. */
let readClipFile: ((path: string) => Uint8Array) | undefined;

/** Let `{ path }` clips be read with `reader` (./predict.ts installs the Node file reader). */
export function setClipFileReader(reader: (path: string) => Uint8Array): void {
  readClipFile = reader;
}

function decoded(input: ClipInput): DecodedAudio {
  if ('audio' in input) return input.audio;
  let bytes: Uint8Array;
  if ('bytes' in input) bytes = input.bytes;
  else if (readClipFile) bytes = readClipFile(input.path);
  else throw new UserError('cannot read files here: give the clip as bytes or decoded audio', input.path);
  if (bytes.length === 0) throw new UserError('empty file (0 bytes), not audio', input.name);
  return decodeAudio(bytes, input.name);
}

/** Features of one clip with notes on how it differs from training audio. */
function clipVector(
  model: InferenceModel,
  input: ClipInput,
): { vector: Float32Array; seconds: number; notes: string[] } {
  const audio = decoded(input);
  const seconds = audio.channels[0].length / audio.sampleRate;
  if (seconds < MIN_CLIP_SECONDS)
    throw new UserError(
      `too short to classify (${seconds.toFixed(3)} s; at least ${MIN_CLIP_SECONDS} s)`,
      input.name,
    );
  const notes: string[] = [];
  if (audio.sampleRate < NARROWBAND_HZ)
    notes.push(
      `${audio.sampleRate} Hz audio has nothing above ${audio.sampleRate / 2} Hz; the model learned from wideband speech, expect lower accuracy`,
    );
  if (audio.channels.length > 2) notes.push(`${audio.channels.length} channels mixed down to mono`);
  if (seconds > LONG_CLIP_SECONDS)
    notes.push(`${seconds.toFixed(0)} s predicted as one clip; ser stream gives a timeline`);
  const mono = prepareAudio(audio, input.name, { sampleRate: model.features.sampleRate });
  return { vector: featureVector(mono, model.features), seconds, notes };
}

/** Predict every clip (see the module comment); results are aligned with `inputs`. */
export function predictClips(
  model: InferenceModel,
  inputs: ClipInput[],
  options: PredictOptions = {},
): ClipResult[] {
  const batchSize = options.batchSize ?? 32;
  const results: ClipResult[] = [];
  const vectors: Float32Array[] = [];
  const usable: number[] = [];
  inputs.forEach((input, i) => {
    try {
      const { vector, seconds, notes } = clipVector(model, input);
      results.push({ file: input.name, seconds, ...(notes.length ? { notes } : {}) });
      vectors.push(vector);
      usable.push(i);
    } catch (err) {
      results.push({ file: input.name, error: oneLine(err) });
    }
    options.onClip?.(i + 1, inputs.length);
  });
  let states;
  if (model.normalisation === 'per-speaker' && vectors.length > 0) {
    if (vectors.length < MIN_CLIPS_PER_SPEAKER) {
      throw new UserError(
        `this model (${model.name}) normalises each speaker with that speaker's own statistics: give at least ` +
          `${MIN_CLIPS_PER_SPEAKER} clips of one speaker in one call (got ${vectors.length} readable), or use ` +
          `ser stream, which normalises a recording with its own speech`,
      );
    }
    const state = model.sequence ? fitSequenceStandardizer(vectors, model.dims) : fitStandardizer(vectors);
    states = vectors.map(() => state);
  }
  for (let b = 0; b < vectors.length; b += batchSize) {
    const probs = model.classify(vectors.slice(b, b + batchSize), states?.slice(b, b + batchSize));
    probs.forEach((p, k) => {
      const r = results[usable[b + k]];
      r.label = model.labels[argmax(p)];
      r.scores = Object.fromEntries(model.labels.map((l, j) => [l, p[j]]));
    });
  }
  return results;
}
