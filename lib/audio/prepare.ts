/**
 * Decoded audio → the mono signal at the rate features expect, as librosa.load gives it. No file system here:
 * the browser demo runs exactly this on uploaded files and microphone audio.
 */
import { AudioError } from './errors';
import { toMono } from './mono';
import { clipReport, normaliseOutOfRange, type ClipReport } from './normalize';
import { resample } from './resample';
import type { AudioContainer, DecodedAudio, MonoAudio, SampleEncoding } from './types';

/** librosa's default target rate, which the feature stage assumes unless told otherwise. */
export const DEFAULT_SAMPLE_RATE = 22050;

/** Native rates outside this range are refused when resampling (damaged headers; see prepareAudio). */
export const MIN_PLAUSIBLE_RATE = 1000;
export const MAX_PLAUSIBLE_RATE = 768000;

/** Options of {@link loadAudio}. */
export interface LoadOptions {
  /** Target rate in Hz (positive integer); `null` keeps the file's own rate. Default 22050. */
  sampleRate?: number | null;
  /** Start reading this many seconds in (truncated to a whole frame at the file's rate). Default 0. */
  offset?: number;
  /** Read at most this many seconds (truncated to whole frames at the file's rate). Default: to the end. */
  duration?: number;
  /**
   * Divide the loaded signal by its peak when it strays beyond ±1 (float files can; librosa keeps such
   * samples as they are). Signals within ±1 are left bit-exact. Default false.
   */
  normaliseOutOfRange?: boolean;
}

/** A loaded mono signal and what the file held before conversion. */
export interface LoadedAudio extends MonoAudio {
  path: string;
  /** The rate stored in the file. */
  nativeSampleRate: number;
  /** Channels in the file (averaged into one). */
  channelCount: number;
  container: AudioContainer;
  encoding: SampleEncoding;
  /** Samples beyond ±1 in the loaded signal, before any `normaliseOutOfRange`. */
  clipping: ClipReport;
}

/**
 * Real recordings lie between telephone rates and 768 kHz; a header outside that range is damaged, and
 * resampling from it would cost minutes or gigabytes, so it is refused up front (found by bench/fuzz-wav
 * --load), with this one message whatever else is wrong with the file.
 */
export function checkPlausibleRate(native: number, path: string): void {
  if (native < MIN_PLAUSIBLE_RATE || native > MAX_PLAUSIBLE_RATE)
    throw new AudioError(
      'unsupported',
      path,
      `implausible sample rate ${native} Hz in the header (expected ${MIN_PLAUSIBLE_RATE}–${MAX_PLAUSIBLE_RATE} Hz)`,
    );
}

function checkSeconds(value: number | undefined, name: string, path: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new AudioError('bad-option', path, `${name} must be a finite number of seconds >= 0, got ${value}`);
  }
}

/** {@link resample}, with its errors (a damaged header's absurd rate) naming the file. */
function resampleFile(mono: Float32Array, native: number, rate: number, path: string): Float32Array {
  try {
    return resample(mono, native, rate);
  } catch (err) {
    if (!(err instanceof AudioError)) throw err;
    throw new AudioError('unsupported', path, `cannot resample ${native} Hz to ${rate} Hz: ${err.problem}`);
  }
}

/**
 * Turn a decoded file into the mono signal librosa.load would give: cut `offset`/`duration` at the
 * native rate, average channels, then resample (polyphase, see {@link resample}).
 */
export function prepareAudio(decoded: DecodedAudio, path: string, options: LoadOptions = {}): LoadedAudio {
  const { offset, duration } = options;
  checkSeconds(offset, 'offset', path);
  checkSeconds(duration, 'duration', path);
  const target = options.sampleRate === undefined ? DEFAULT_SAMPLE_RATE : options.sampleRate;
  if (target !== null && !(Number.isInteger(target) && target > 0)) {
    throw new AudioError(
      'bad-option',
      path,
      `sampleRate must be a positive integer in Hz or null, got ${target}`,
    );
  }
  const native = decoded.sampleRate;
  if (target !== null && target !== native) checkPlausibleRate(native, path);
  const total = decoded.channels[0].length;
  const start = Math.min(total, Math.trunc((offset ?? 0) * native));
  const end = duration === undefined ? total : Math.min(total, start + Math.trunc(duration * native));
  const cut =
    start === 0 && end === total ? decoded.channels : decoded.channels.map((c) => c.subarray(start, end));
  const mono = toMono(cut);
  const rate = target ?? native;
  // toMono returns a single channel as is; copy so the caller never aliases the decoder's buffer view.
  const loaded =
    rate === native ? (mono === cut[0] ? mono.slice() : mono) : resampleFile(mono, native, rate, path);
  const clipping = clipReport(loaded);
  const samples = options.normaliseOutOfRange ? normaliseOutOfRange(loaded, clipping) : loaded;
  return {
    path,
    samples,
    sampleRate: rate,
    nativeSampleRate: native,
    channelCount: decoded.channels.length,
    container: decoded.container,
    encoding: decoded.encoding,
    clipping,
  };
}
