import { AudioError } from './errors';

/**
 * Root-mean-square energy per frame, as `librosa.feature.rms(y=signal, frame_length, hop_length,
 * center=True, pad_mode='constant')[0]`: the signal is zero-padded by `frameLength / 2` on both sides
 * and frame `t` covers padded samples `[t * hopLength, t * hopLength + frameLength)`, so there are
 * `1 + floor((length + 2 * floor(frameLength / 2) - frameLength) / hopLength)` frames. Sums are in
 * float64 (librosa sums in float32; the difference is below float32 rounding of the result).
 *
 * @param frameLength samples per frame; default 2048 (librosa's)
 * @param hopLength samples between frame starts; default 512 (librosa's)
 * @throws {AudioError} `bad-option` for a non-positive or non-integer frame or hop length
 */
export function frameRms(signal: Float32Array, frameLength = 2048, hopLength = 512): Float64Array {
  checkFraming('frameRms', frameLength, hopLength);
  const pad = Math.floor(frameLength / 2);
  const paddedLength = signal.length + 2 * pad;
  if (paddedLength < frameLength) return new Float64Array(0);
  const frames = 1 + Math.floor((paddedLength - frameLength) / hopLength);
  const rms = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    // Frame t in padded coordinates, clipped to where the real samples are (the padding is zeros).
    const from = Math.max(0, t * hopLength - pad);
    const to = Math.min(signal.length, t * hopLength - pad + frameLength);
    let sum = 0;
    for (let i = from; i < to; i++) sum += signal[i] * signal[i];
    rms[t] = Math.sqrt(sum / frameLength);
  }
  return rms;
}

function checkFraming(subject: string, frameLength: number, hopLength: number): void {
  for (const [name, value] of [
    ['frameLength', frameLength],
    ['hopLength', hopLength],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0))
      throw new AudioError('bad-option', subject, `${name} must be a positive integer, got ${value}`, false);
  }
}

/** Options of {@link trim}; defaults are librosa.effects.trim's. */
export interface TrimOptions {
  /** Frames more than this many dB below the reference are silence. Default 60. */
  topDb?: number;
  /** Samples per RMS frame. Default 2048. */
  frameLength?: number;
  /** Samples between RMS frames. Default 512. */
  hopLength?: number;
  /**
   * The reference amplitude 0 dB stands for: a number, or a function of the per-frame RMS values.
   * Default: the largest frame RMS (librosa's `ref=np.max`).
   */
  ref?: number | ((frameRms: Float64Array) => number);
}

/** What {@link trim} keeps: `samples` is `signal.subarray(start, end)` (a view, not a copy). */
export interface TrimResult {
  samples: Float32Array;
  /** First kept sample. */
  start: number;
  /** One past the last kept sample. */
  end: number;
}

/** librosa's amplitude_to_db floor: amin = 1e-5, squared because the comparison is on power. */
const POWER_FLOOR = 1e-10;

/**
 * Trim leading and trailing silence, exactly as `librosa.effects.trim(y, top_db=60, ref=np.max,
 * frame_length=2048, hop_length=512)`: a frame is non-silent when
 * `10 log10(max(1e-10, rms²)) - 10 log10(max(1e-10, ref²)) > -topDb`; the kept interval runs from the
 * first non-silent frame's index × hop to (last + 1) × hop, capped at the signal's length. A signal with
 * no non-silent frame (a fixed ref more than topDb above every frame) trims to `[0, 0)`; an all-zero
 * signal is kept whole, as in librosa (its reference is floored like every frame, so all sit at 0 dB).
 *
 * @throws {AudioError} `bad-option` for a negative or non-finite topDb, bad framing, or a ref that is
 *   not a finite number >= 0
 */
export function trim(signal: Float32Array, options: TrimOptions = {}): TrimResult {
  const { topDb = 60, frameLength = 2048, hopLength = 512, ref } = options;
  if (!(Number.isFinite(topDb) && topDb >= 0))
    throw new AudioError('bad-option', 'trim', `topDb must be a finite number >= 0, got ${topDb}`, false);
  checkFraming('trim', frameLength, hopLength);
  const rms = frameRms(signal, frameLength, hopLength);
  const refValue = ref === undefined ? maxOf(rms) : typeof ref === 'number' ? ref : ref(rms);
  if (!(Number.isFinite(refValue) && refValue >= 0))
    throw new AudioError('bad-option', 'trim', `ref must be a finite amplitude >= 0, got ${refValue}`, false);
  const refDb = 10 * Math.log10(Math.max(POWER_FLOOR, refValue * refValue));
  const loud = (t: number): boolean =>
    10 * Math.log10(Math.max(POWER_FLOOR, rms[t] * rms[t])) - refDb > -topDb;

  let first = 0;
  while (first < rms.length && !loud(first)) first++;
  if (first === rms.length) return { samples: signal.subarray(0, 0), start: 0, end: 0 };
  let last = rms.length - 1;
  while (!loud(last)) last--;
  const start = first * hopLength;
  const end = Math.min(signal.length, (last + 1) * hopLength);
  return { samples: signal.subarray(start, end), start, end };
}

function maxOf(values: Float64Array): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}
