/**
 * Per-clip prosody: statistics of the log-F0 contour (YIN) over the voiced frames, how much of the clip is
 * voiced, its loudest frame and its length. Spectral statistics alone confuse high-arousal emotions across
 * speakers (one speaker's happy looks like another's angry); pitch range, movement and tempo separate them.
 */
import { yin, type YinOptions } from './pitch';
import { rms } from './temporal';

/** Names of the values {@link prosodyStats} returns, in order. */
export const PROSODY_NAMES: readonly string[] = Object.freeze([
  'f0_mean',
  'f0_std',
  'f0_p05',
  'f0_p25',
  'f0_p50',
  'f0_p75',
  'f0_p95',
  'f0_range',
  'f0_delta_abs_mean',
  'f0_delta_std',
  'voiced_fraction',
  'f0_slope',
  'rms_peak_log',
  'frames',
]);

export interface ProsodyOptions {
  /** Sample rate, Hz. */
  sr: number;
  /** Analysis frame (YIN and RMS), samples. Default 2048. */
  frameLength?: number;
  /** Default 512. */
  hopLength?: number;
  /** F0 search range, Hz. Default 65–600 (speech of adults and children). */
  fmin?: number;
  fmax?: number;
  /** A frame is voiced when YIN's aperiodicity is below this… Default 0.2. */
  maxAperiodicity?: number;
  /** …and its RMS is at least this fraction of the clip's loudest frame. Default 0.1. */
  minRelativeRms?: number;
}

/** The YIN settings {@link prosodyStats} tracks F0 with (frames as the RMS frames: centred, same hop). */
export function prosodyYinOptions(options: ProsodyOptions): YinOptions {
  return {
    sr: options.sr,
    fmin: options.fmin ?? 65,
    fmax: Math.min(options.fmax ?? 600, options.sr / 2),
    frameLength: options.frameLength ?? 2048,
    hopLength: options.hopLength ?? 512,
  };
}

/**
 * The prosody of one clip ({@link PROSODY_NAMES}): F0 in octaves (log2 Hz); statistics over the voiced frames,
 * or over every frame when fewer than 3 are voiced; Δ between consecutive voiced frames; slope in octaves per
 * voiced frame (least squares); loudest frame as ln RMS; length in frames.
 */
export function prosodyStats(y: Float32Array, options: ProsodyOptions): Float32Array {
  const yinOptions = prosodyYinOptions(options);
  const track = yin(y, yinOptions);
  const energy = rms(y, { frameLength: yinOptions.frameLength, hopLength: yinOptions.hopLength }).data;
  return prosodyFromFrames(track.f0, track.aperiodicity, energy, options);
}

/**
 * {@link prosodyStats} from the clip's per-frame YIN track and RMS (a stream assembles them from cached
 * frames).
 */
export function prosodyFromFrames(
  f0Track: Float64Array,
  aperiodicity: Float64Array,
  energy: Float32Array,
  options: Pick<ProsodyOptions, 'maxAperiodicity' | 'minRelativeRms'>,
): Float32Array {
  const n = Math.min(f0Track.length, energy.length);
  let peak = 0;
  for (let t = 0; t < n; t++) peak = Math.max(peak, energy[t]);
  const maxAperiodicity = options.maxAperiodicity ?? 0.2;
  const minRms = (options.minRelativeRms ?? 0.1) * peak;
  const voiced: number[] = [];
  for (let t = 0; t < n; t++)
    if (aperiodicity[t] < maxAperiodicity && energy[t] >= minRms) voiced.push(Math.log2(f0Track[t]));
  const f0 = voiced.length >= 3 ? voiced : Array.from(f0Track.subarray(0, n), (f) => Math.log2(f));
  const m = f0.length;
  if (m === 0) return new Float32Array(PROSODY_NAMES.length);
  const mean = f0.reduce((a, b) => a + b, 0) / m;
  const std = Math.sqrt(f0.reduce((a, b) => a + (b - mean) ** 2, 0) / m);
  const sorted = [...f0].sort((a, b) => a - b);
  const quantile = (q: number) => sorted[Math.floor(q * (m - 1))];
  const deltas = f0.slice(1).map((v, i) => v - f0[i]);
  const deltaMean = deltas.length ? deltas.reduce((a, b) => a + b, 0) / deltas.length : 0;
  const deltaAbs = deltas.length ? deltas.reduce((a, b) => a + Math.abs(b), 0) / deltas.length : 0;
  const deltaStd = deltas.length
    ? Math.sqrt(deltas.reduce((a, b) => a + (b - deltaMean) ** 2, 0) / deltas.length)
    : 0;
  const centre = (m - 1) / 2;
  let num = 0;
  let den = 0;
  f0.forEach((v, i) => {
    num += (i - centre) * (v - mean);
    den += (i - centre) ** 2;
  });
  return Float32Array.from([
    mean,
    std,
    quantile(0.05),
    quantile(0.25),
    quantile(0.5),
    quantile(0.75),
    quantile(0.95),
    quantile(0.95) - quantile(0.05),
    deltaAbs,
    deltaStd,
    n > 0 ? voiced.length / n : 0,
    den > 0 ? num / den : 0,
    Math.log(peak + 1e-10),
    n,
  ]);
}
