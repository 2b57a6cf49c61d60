/**
 * Per-clip statistics of Meyda frame features: the thin-slice feature set of the quick start.
 *
 * Frames of `frameSize` samples every `hop` samples (no centring, Meyda's Hann window). Per frame: Meyda's
 * MFCC (HTK-style mel, log(1+x), unnormalised DCT — not librosa's; lib/features documents the differences),
 * log mel-band energies, log RMS, zero-crossing count, spectral centroid, flatness and rolloff, and chroma.
 * Frames more than `silenceDb` below the loudest frame are ignored (pauses carry no emotion and vary
 * with recording). Per clip: mean and standard deviation of each frame feature.
 */
import { configureMeyda } from './meyda-config';
import type { MonoAudio } from '../audio/types';

export interface MeydaStatsConfig {
  kind: 'meyda-stats';
  /** Rate the audio is resampled to before extraction (Hz). Default 16000. */
  sampleRate: number;
  /** Frame length in samples, a power of two. Default 512 (32 ms at 16 kHz). */
  frameSize: number;
  /** Hop between frames in samples. Default 256. */
  hop: number;
  /** MFCC coefficients. Default 20. */
  nMfcc: number;
  /** Mel bands (for MFCC and the log-mel statistics). Default 40. */
  melBands: number;
  /** Frames whose RMS is this many dB below the clip's loudest frame are skipped. Default 35. */
  silenceDb: number;
}

export const DEFAULT_MEYDA_STATS: MeydaStatsConfig = {
  kind: 'meyda-stats',
  sampleRate: 16000,
  frameSize: 512,
  hop: 256,
  nMfcc: 20,
  melBands: 40,
  silenceDb: 35,
};

const CHROMA = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** Names of one frame's features, in order. */
function frameFeatureNames(config: MeydaStatsConfig): string[] {
  return [
    ...Array.from({ length: config.nMfcc }, (_, i) => `mfcc${i}`),
    ...Array.from({ length: config.melBands }, (_, i) => `logmel${i}`),
    'log_rms',
    'zcr',
    'centroid',
    'flatness',
    'rolloff',
    ...CHROMA.map((c) => `chroma_${c}`),
  ];
}

/** Names of the vector's entries, in order (for tables and feature importances). */
export function meydaStatsNames(config: MeydaStatsConfig = DEFAULT_MEYDA_STATS): string[] {
  const base = frameFeatureNames(config);
  return [...base.map((b) => `${b}_mean`), ...base.map((b) => `${b}_std`)];
}

interface MeydaFrame {
  mfcc: number[];
  melBands: number[];
  rms: number;
  zcr: number;
  spectralCentroid: number;
  spectralFlatness: number;
  spectralRolloff: number;
  chroma: number[];
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);

/** The per-clip statistics vector for one mono clip already at `config.sampleRate`. */
export function meydaStats(audio: MonoAudio, config: MeydaStatsConfig = DEFAULT_MEYDA_STATS): Float32Array {
  if (audio.sampleRate !== config.sampleRate) {
    throw new Error(`meydaStats: audio is ${audio.sampleRate} Hz, config expects ${config.sampleRate} Hz`);
  }
  const Meyda = configureMeyda({
    sampleRate: config.sampleRate,
    bufferSize: config.frameSize,
    melBands: config.melBands,
    nMfcc: config.nMfcc,
  });
  const x = audio.samples;
  const frame = new Float32Array(config.frameSize);
  const rows: number[][] = [];
  const rmsOf: number[] = [];
  const last = Math.max(0, x.length - config.frameSize);
  for (let start = 0; start <= last; start += config.hop) {
    frame.fill(0);
    frame.set(x.subarray(start, Math.min(x.length, start + config.frameSize)));
    const f = Meyda.extract(
      ['mfcc', 'melBands', 'rms', 'zcr', 'spectralCentroid', 'spectralFlatness', 'spectralRolloff', 'chroma'],
      frame,
    ) as unknown as MeydaFrame;
    rmsOf.push(f.rms);
    rows.push([
      ...f.mfcc.map(finite),
      ...f.melBands.map((v) => Math.log(finite(v) + 1e-10)),
      Math.log(f.rms + 1e-10),
      finite(f.zcr),
      finite(f.spectralCentroid),
      finite(f.spectralFlatness),
      finite(f.spectralRolloff),
      ...f.chroma.map(finite),
    ]);
  }
  const dims = frameFeatureNames(config).length;
  const floor = Math.max(...rmsOf, 0) * 10 ** (-config.silenceDb / 20);
  const voiced = rows.filter((_, i) => rmsOf[i] >= floor && rmsOf[i] > 0);
  const used = voiced.length > 0 ? voiced : rows;
  const out = new Float32Array(2 * dims);
  if (used.length === 0) return out;
  for (let d = 0; d < dims; d++) {
    let sum = 0;
    for (const r of used) sum += r[d];
    const mean = sum / used.length;
    let sq = 0;
    for (const r of used) sq += (r[d] - mean) ** 2;
    out[d] = mean;
    out[dims + d] = Math.sqrt(sq / used.length);
  }
  return out;
}
