/**
 * Predict emotions of whole clips (in-memory buffers, decoded audio, or files where a reader is installed) with
 * a model loaded once: each clip goes through exactly the feature set and normaliser stored with the model (mono
 * mix, resampling to the set's rate, features, z-scoring), and clips are classified in batches. A clip that
 * cannot be used gets a one-line error of its own; the others are still predicted. A clip without speech gets no
 * label (note "no speech"); audio longer than {@link MAX_CLIP_SECONDS} is decoded in blocks and classified as the
 * streaming core's segments (./long-audio.ts). Browser-safe: the demo page predicts uploads with this;
 * ./predict.ts adds reading files in Node.
 */
import { openAudio, noSamples, type AudioBlocks } from '../audio/decode';
import { audioNotes, formatNotes, silentChannelNote, truncationNote } from '../audio/notes';
import { checkPlausibleRate, prepareAudio } from '../audio/prepare';
import type { DecodedAudio } from '../audio/types';
import { argmax } from '../metrics/summary';
import { fitSequenceStandardizer, fitStandardizer } from '../features/standardize';
import { UserError, oneLine } from '../util/errors';
import {
  blocksOf,
  MAX_CLIP_SECONDS,
  pushBlocks,
  recordingScores,
  routeAudio,
  segmentResult,
  type SegmentResult,
} from './long-audio';
import { featureVector, type InferenceModel } from './model';
import { MIN_CLIPS_PER_SPEAKER } from './predictor';
import { EmotionStream, STREAM_DEFAULTS, type StreamOptions } from './stream';
import { speechSeconds, type VadOptions } from './vad';

/**
 * One clip's outcome: a prediction, or the reason it has none; notes flag inputs unlike the training audio.
 * `label` and `scores` are null where the clip holds no speech (note {@link NO_SPEECH}).
 */
export interface ClipResult {
  file: string;
  label?: string | null;
  scores?: Record<string, number> | null;
  /** Seconds of audio. */
  seconds?: number;
  notes?: string[];
  error?: string;
  /** Recordings longer than {@link MAX_CLIP_SECONDS}: the speech segments they were classified by. */
  segments?: SegmentResult[];
}

/** The note of a clip or recording in which the voice-activity detector finds no speech. */
export const NO_SPEECH = 'no speech';

/** Shorter clips carry too few frames to classify. */
const MIN_CLIP_SECONDS = 0.1;

export { MAX_CLIP_SECONDS };

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
  /**
   * Called while a recording longer than {@link MAX_CLIP_SECONDS} streams: seconds done and, when the header
   * says, seconds in all.
   */
  onLongProgress?: (file: string, seconds: number, totalSeconds: number | undefined) => void;
  /** Options of the stream long recordings go through (`ser stream`'s defaults). */
  stream?: StreamOptions;
}

/** Reads a `{ path }` clip; set by ./predict.ts (Node), absent in the browser, which passes bytes. */
let readClipFile: ((path: string) => Uint8Array) | undefined;

/** Let `{ path }` clips be read with `reader` (./predict.ts installs the Node file reader). */
export function setClipFileReader(reader: (path: string) => Uint8Array): void {
  readClipFile = reader;
}

/** A clip's header, its samples still to decode (in blocks), after the checks every clip gets. */
function openClip(input: ClipInput): AudioBlocks {
  let source: AudioBlocks;
  if ('audio' in input) source = blocksOf(input.audio);
  else {
    let bytes: Uint8Array;
    if ('bytes' in input) bytes = input.bytes;
    else if (readClipFile) bytes = readClipFile(input.path);
    else throw new UserError('cannot read files here: give the clip as bytes or decoded audio', input.name);
    if (bytes.length === 0) throw new UserError('empty file (0 bytes), not audio', input.name);
    source = openAudio(bytes, input.name);
  }
  // The rate first: a damaged rate makes every duration meaningless (1 MHz: "0.000 s"; 1 Hz: hours).
  checkPlausibleRate(source.sampleRate, input.name);
  return source;
}

/**
 * The speech check of a clip: the stream's voice-activity detector with its absolute gate lowered from −50 to
 * −70 dBFS. A whole clip is judged against its own noise floor, and corpora are recorded at any gain: five of
 * RAVDESS's 960 clips (actor 09) speak at −55 dBFS, below the stream's gate; with −70 every TESS and RAVDESS
 * clip has at least 1.1 s of speech, while silence, white and pink noise (−60 to −20 dBFS) and mains hum have none.
 */
export const CLIP_VAD: VadOptions = { minLevelDb: -70 };

/** Whether a mono clip holds enough speech to classify: as much as a stream's window needs (0.25 s). */
export function hasSpeech(
  samples: Float32Array,
  sampleRate: number,
  minSeconds = STREAM_DEFAULTS.minSpeechSeconds,
): boolean {
  const speech = speechSeconds(samples, sampleRate, CLIP_VAD);
  return speech > 0 && speech >= minSeconds;
}

/** Features of one clip with notes on how it differs from training audio; no vector when it holds no speech. */
function clipVector(
  model: InferenceModel,
  name: string,
  audio: DecodedAudio,
): { vector: Float32Array | null; seconds: number; notes: string[] } {
  const frames = audio.channels[0]?.length ?? 0;
  if (frames === 0) throw noSamples(name);
  const seconds = frames / audio.sampleRate;
  if (seconds < MIN_CLIP_SECONDS)
    throw new UserError(
      `too short to classify (${seconds.toFixed(3)} s; at least ${MIN_CLIP_SECONDS} s)`,
      name,
    );
  const notes = audioNotes(audio);
  const mono = prepareAudio(audio, name, { sampleRate: model.features.sampleRate });
  if (!hasSpeech(mono.samples, mono.sampleRate))
    return { vector: null, seconds, notes: [...notes, NO_SPEECH] };
  return { vector: featureVector(mono, model.features), seconds, notes };
}

/**
 * A recording longer than {@link MAX_CLIP_SECONDS}, classified as `ser stream` classifies it: its speech
 * segments (bounded memory: blocks in, events out), and the recording's scores as their duration-weighted mean.
 */
function predictLong(
  model: InferenceModel,
  name: string,
  source: AudioBlocks,
  blocks: Iterable<Float32Array[]>,
  options: PredictOptions,
): ClipResult {
  const stream = new EmotionStream(model, source.sampleRate, options.stream);
  const segments: SegmentResult[] = [];
  const total = source.declaredFrames === undefined ? undefined : source.declaredFrames / source.sampleRate;
  const pushed = pushBlocks(
    stream,
    blocks,
    source.channelCount,
    (events) => {
      for (const e of events) if (e.type === 'segment') segments.push(segmentResult(e));
    },
    (done) => options.onLongProgress?.(name, done, total),
  );
  const seconds = pushed.frames / source.sampleRate;
  const overall = recordingScores(segments, model.labels);
  const notes = [
    ...formatNotes(source.sampleRate, source.channelCount),
    ...silentChannelNote(pushed.silentChannels, source.channelCount),
    ...truncationNote(pushed.frames, source.declaredFrames, source.sampleRate),
    `${seconds.toFixed(0)} s is longer than ${MAX_CLIP_SECONDS} s: classified as ${segments.length} speech segment${segments.length === 1 ? '' : 's'} as ser stream does (scores: their duration-weighted mean)`,
  ];
  if (overall === null) notes.push(NO_SPEECH);
  return {
    file: name,
    label: overall?.label ?? null,
    scores: overall?.scores ?? null,
    seconds,
    notes,
    segments,
  };
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
      const routed = routeAudio(openClip(input));
      if (routed.kind === 'long') {
        results.push(predictLong(model, input.name, routed.source, routed.blocks, options));
      } else {
        const { vector, seconds, notes } = clipVector(model, input.name, routed.audio);
        if (vector === null) results.push({ file: input.name, label: null, scores: null, seconds, notes });
        else {
          results.push({ file: input.name, seconds, ...(notes.length ? { notes } : {}) });
          vectors.push(vector);
          usable.push(i);
        }
      }
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
