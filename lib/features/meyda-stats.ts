/**
 * Per-clip statistics of Meyda frame features: the thin-slice feature set of the quick start.
 *
 * Frames of `frameSize` samples every `hop` samples (no centring, Meyda's own Hann window); per frame
 * Meyda's MFCC (HTK-style mel, log(1+x), unnormalised DCT — not librosa's, see lib/features docs), RMS,
 * zero-crossing count and spectral centroid; per clip the mean and standard deviation of each over frames.
 */
import Meyda from 'meyda';
import type { MonoAudio } from '../audio/types';

export interface MeydaStatsConfig {
  kind: 'meyda-stats';
  /** Rate the audio is resampled to before extraction (Hz). Default 16000. */
  sampleRate: number;
  /** Frame length in samples, a power of two. Default 512 (32 ms at 16 kHz). */
  frameSize: number;
  /** Hop between frames in samples. Default 256. */
  hop: number;
  /** MFCC coefficients. Default 13. */
  nMfcc: number;
  /** Mel bands behind the MFCC. Default 26 (Meyda's default). */
  melBands: number;
}

export const DEFAULT_MEYDA_STATS: MeydaStatsConfig = {
  kind: 'meyda-stats',
  sampleRate: 16000,
  frameSize: 512,
  hop: 256,
  nMfcc: 13,
  melBands: 26,
};

/** Names of the vector's entries, in order (for tables and feature importances). */
export function meydaStatsNames(config: MeydaStatsConfig = DEFAULT_MEYDA_STATS): string[] {
  const base = [...Array.from({ length: config.nMfcc }, (_, i) => `mfcc${i}`), 'rms', 'zcr', 'centroid'];
  return [...base.map((b) => `${b}_mean`), ...base.map((b) => `${b}_std`)];
}

interface MeydaFrame {
  mfcc: number[];
  rms: number;
  zcr: number;
  spectralCentroid: number;
}

/**
 * Meyda keeps its settings (and a mel filter bank built on first use) in module-level state, so a later call
 * with another size or rate would silently reuse the old bank. Configure it on every call; the bank is rebuilt
 * when the size or rate changed.
 */
let configured = '';
function configureMeyda(config: MeydaStatsConfig): void {
  const key = `${config.sampleRate}/${config.frameSize}/${config.nMfcc}/${config.melBands}`;
  const m = Meyda as unknown as Record<string, unknown>;
  m.bufferSize = config.frameSize;
  m.sampleRate = config.sampleRate;
  m.numberOfMFCCCoefficients = config.nMfcc;
  m.melBands = config.melBands;
  m.windowingFunction = 'hanning';
  if (key !== configured) {
    // Meyda caches the filter bank on its extractor state; dropping it forces a rebuild for the new settings.
    delete m.melFilterBank;
    delete m.chromaFilterBank;
    delete m.barkScale;
    configured = key;
  }
}

/** The per-clip statistics vector for one mono clip already at `config.sampleRate`. */
export function meydaStats(audio: MonoAudio, config: MeydaStatsConfig = DEFAULT_MEYDA_STATS): Float32Array {
  if (audio.sampleRate !== config.sampleRate) {
    throw new Error(`meydaStats: audio is ${audio.sampleRate} Hz, config expects ${config.sampleRate} Hz`);
  }
  configureMeyda(config);
  const dims = config.nMfcc + 3;
  const sum = new Float64Array(dims);
  const sumSq = new Float64Array(dims);
  const frame = new Float32Array(config.frameSize);
  let frames = 0;
  const x = audio.samples;
  const last = Math.max(0, x.length - config.frameSize);
  for (let start = 0; start <= last; start += config.hop) {
    frame.fill(0);
    frame.set(x.subarray(start, Math.min(x.length, start + config.frameSize)));
    const f = Meyda.extract(['mfcc', 'rms', 'zcr', 'spectralCentroid'], frame) as unknown as MeydaFrame;
    const values = [...f.mfcc, f.rms, f.zcr, Number.isFinite(f.spectralCentroid) ? f.spectralCentroid : 0];
    for (let d = 0; d < dims; d++) {
      const v = Number.isFinite(values[d]) ? values[d] : 0;
      sum[d] += v;
      sumSq[d] += v * v;
    }
    frames++;
  }
  const out = new Float32Array(2 * dims);
  for (let d = 0; d < dims; d++) {
    const mean = frames > 0 ? sum[d] / frames : 0;
    out[d] = mean;
    out[dims + d] = frames > 0 ? Math.sqrt(Math.max(0, sumSq[d] / frames - mean * mean)) : 0;
  }
  return out;
}
