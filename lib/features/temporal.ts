/**
 * Frame-wise time-domain features with librosa 0.10's definitions: `feature.zero_crossing_rate` and
 * `feature.rms` (from the signal).
 */
import { frameCount, padSignal, type PadMode } from '../dsp/spectrum';
import { featureMatrix, type FeatureMatrix } from './types';

/** Framing options shared by {@link zeroCrossingRate} and {@link rms}. */
export interface FrameOptions {
  /** Samples per frame. Default 2048. */
  frameLength?: number;
  /** Samples between frames. Default 512. */
  hopLength?: number;
  /** Pad `frameLength / 2` samples at both ends so frames are centred. Default true. */
  center?: boolean;
}

function framing(options: FrameOptions): { frameLength: number; hopLength: number; center: boolean } {
  const frameLength = options.frameLength ?? 2048;
  const hopLength = options.hopLength ?? 512;
  if (!Number.isInteger(frameLength) || frameLength < 1 || !Number.isInteger(hopLength) || hopLength < 1)
    throw new Error(`framing: frameLength and hopLength must be positive integers`);
  return { frameLength, hopLength, center: options.center ?? true };
}

/** Options of {@link zeroCrossingRate}. */
export interface ZeroCrossingOptions extends FrameOptions {
  /** Samples with |x| ≤ threshold count as zero (positive). Default 1e-10 (librosa's `zero_crossings`). */
  threshold?: number;
}

/**
 * `librosa.feature.zero_crossing_rate(y, frame_length=2048, hop_length=512, center=True)`: the fraction of
 * adjacent sample pairs in each frame whose signs differ (zero counts as positive, the first sample of a
 * frame never counts), with edge padding when centred. `1 × frames`.
 */
export function zeroCrossingRate(y: Float32Array, options: ZeroCrossingOptions = {}): FeatureMatrix {
  const { frameLength, hopLength, center } = framing(options);
  const threshold = options.threshold ?? 1e-10;
  const signal = center ? padSignal(y, Math.floor(frameLength / 2), 'edge') : y;
  const frames = frameCount(signal.length, frameLength, hopLength);
  // crossings[i] counts sign changes between consecutive samples up to i; each frame counts those after
  // its first sample (librosa's `pad=False`).
  const crossings = new Int32Array(signal.length);
  let previous = signal.length > 0 && signal[0] < -threshold;
  for (let i = 1; i < signal.length; i++) {
    const negative = signal[i] < -threshold;
    crossings[i] = crossings[i - 1] + (negative !== previous ? 1 : 0);
    previous = negative;
  }
  const out = featureMatrix(1, frames);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    out.data[t] = (crossings[start + frameLength - 1] - crossings[start]) / frameLength;
  }
  return out;
}

/** Options of {@link rms}. */
export interface RmsOptions extends FrameOptions {
  /** Padding when centred. Default 'constant' (zeros). */
  padMode?: PadMode;
}

/**
 * `librosa.feature.rms(y=y, frame_length=2048, hop_length=512, center=True, pad_mode='constant')`: the root
 * mean square of each (zero-padded, centred) frame. `1 × frames`.
 */
export function rms(y: Float32Array, options: RmsOptions = {}): FeatureMatrix {
  const { frameLength, hopLength, center } = framing(options);
  const signal = center ? padSignal(y, Math.floor(frameLength / 2), options.padMode ?? 'constant') : y;
  const frames = frameCount(signal.length, frameLength, hopLength);
  const out = featureMatrix(1, frames);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    let sum = 0;
    for (let i = start; i < start + frameLength; i++) {
      // librosa squares in float32 (util.abs2 with dtype float32).
      sum += Math.fround(signal[i] * signal[i]);
    }
    out.data[t] = Math.sqrt(sum / frameLength);
  }
  return out;
}
