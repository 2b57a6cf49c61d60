/**
 * Named feature sets: a plain-JSON config saying which librosa-exact features to stack per frame, with
 * which STFT and mel settings, and whether the clip is returned as a sequence or as per-clip statistics.
 * The built-in sets reproduce the seed models' inputs; users define their own with {@link defineFeatureSet}.
 */
import { fixLength } from '../audio/fixed-length';
import type { MonoAudio } from '../audio/types';
import { chromaFromPower } from './chroma';
import { delta } from './delta';
import { prosodyStats, PROSODY_NAMES } from './prosody';
import { melFromSpectrogram, mfccFromLogMel, powerToDb } from './mel';
import { spectralBandwidth, spectralCentroid, spectralContrast, spectralRolloff } from './spectral';
import { spectrogram } from './spectrum';
import { rms, zeroCrossingRate } from './temporal';
import { type FeatureMatrix, type Spectrogram } from './types';

/** Per-frame feature blocks a set can stack (each is the librosa feature of the same name). */
export type FrameBlock =
  | 'mfcc'
  | 'mfcc_delta'
  | 'mfcc_delta2'
  | 'chroma'
  | 'mel'
  | 'logmel'
  | 'zcr'
  | 'rms'
  | 'centroid'
  | 'bandwidth'
  | 'rolloff'
  | 'contrast';

/** A librosa-exact feature set. Every field is JSON so the config can be hashed and stored with a model. */
export interface LibrosaSetConfig {
  kind: 'librosa';
  /** Name shown in logs and used by `ser features --set`. */
  name: string;
  /** Rate the audio is resampled to (Hz). librosa's default 22050. */
  sampleRate: number;
  /** STFT size; also the frame length of ZCR and RMS. librosa's default 2048. */
  nFft: number;
  /** Samples between frames. librosa's default 512. */
  hopLength: number;
  /** Mel bands (mel, logmel, MFCC). librosa's default 128. */
  nMels: number;
  /** Lowest mel frequency (Hz). Default 0. */
  fmin: number;
  /** Highest mel frequency (Hz); null for sampleRate / 2. */
  fmax: number | null;
  /** HTK mel scale instead of Slaney's. Default false. */
  htk: boolean;
  /** MFCC coefficients. librosa's default 20. */
  nMfcc: number;
  /** MFCC lifter (0: none). Default 0. */
  lifter: number;
  /** Reference of the 'logmel' block: 1 (`power_to_db` default) or 'max' (`ref=np.max`, peak at 0 dB). */
  logMelRef: 1 | 'max';
  /** Chroma tuning in fractions of a bin; null estimates it per clip like librosa. Default null. */
  tuning: number | null;
  /** Blocks stacked in this order in each frame. */
  blocks: FrameBlock[];
  /** 'sequence': frames × features; 'stats': per-clip mean of every feature, then every standard deviation. */
  output: 'sequence' | 'stats';
  /**
   * Fixed frame count: the signal is zero-padded or cut to `(frames − 1) × hopLength` samples first
   * (`librosa.util.fix_length`), so padding is silence, not zeros in feature space. null keeps the clip's own.
   */
  frames: number | null;
  /**
   * 'stats' sets only: append the clip's prosody ({@link PROSODY_NAMES}: F0 statistics over voiced frames,
   * voiced fraction, loudest frame, length). Absent (not false) in sets without it, so their cache keys stay.
   */
  prosody?: true;
}

/** librosa's defaults for every field but the name and blocks. */
export const LIBROSA_DEFAULTS: Omit<LibrosaSetConfig, 'name' | 'blocks'> = {
  kind: 'librosa',
  sampleRate: 22050,
  nFft: 2048,
  hopLength: 512,
  nMels: 128,
  fmin: 0,
  fmax: null,
  htk: false,
  nMfcc: 20,
  lifter: 0,
  logMelRef: 1,
  tuning: null,
  output: 'sequence',
  frames: null,
};

/** A set from librosa's defaults and the fields given. */
export function defineFeatureSet(
  config: Partial<LibrosaSetConfig> & Pick<LibrosaSetConfig, 'name' | 'blocks'>,
): LibrosaSetConfig {
  const c: LibrosaSetConfig = { ...LIBROSA_DEFAULTS, ...config, kind: 'librosa' };
  if (c.blocks.length === 0) throw new Error(`feature set ${c.name}: no blocks`);
  if (c.prosody && c.output !== 'stats')
    throw new Error(`feature set ${c.name}: prosody needs output 'stats'`);
  if (c.frames !== null && !(Number.isInteger(c.frames) && c.frames >= 1))
    throw new Error(`feature set ${c.name}: frames must be a positive integer or null`);
  return c;
}

/**
 * The seeds' feature sets.
 * - `seed000`: MFCC 40 + Δ + ΔΔ + chroma (n_fft 512, hop 256, 128 mels), a variable-length sequence of
 *   132 features per frame.
 * - `seed001`: 128-band log-mel (`power_to_db(ref=np.max)`, n_fft 2048, hop 512), 87 frames (2 s at
 *   22050 Hz); z-score it with a normaliser fitted on the training split ({@link fitSequenceNormaliser}).
 * - `seed002`: ZCR + RMS + MFCC 40 (librosa's default STFT), a sequence.
 * - `seed004` (alias `stats`): per-clip mean and standard deviation of MFCC 40, chroma, 128-band mel,
 *   spectral centroid, bandwidth, rolloff, contrast, ZCR and RMS — for classic models.
 * - `seed000-bench`: seed000 + ZCR + RMS, the configuration `bench/features` times against librosa.
 */
export const FEATURE_SETS: Readonly<Record<string, LibrosaSetConfig>> = Object.freeze({
  seed000: defineFeatureSet({
    name: 'seed000',
    nFft: 512,
    hopLength: 256,
    nMfcc: 40,
    blocks: ['mfcc', 'mfcc_delta', 'mfcc_delta2', 'chroma'],
  }),
  'seed000-bench': defineFeatureSet({
    name: 'seed000-bench',
    nFft: 512,
    hopLength: 256,
    nMfcc: 40,
    blocks: ['mfcc', 'mfcc_delta', 'mfcc_delta2', 'chroma', 'zcr', 'rms'],
  }),
  seed001: defineFeatureSet({ name: 'seed001', blocks: ['logmel'], logMelRef: 'max', frames: 87 }),
  seed002: defineFeatureSet({ name: 'seed002', nMfcc: 40, blocks: ['zcr', 'rms', 'mfcc'] }),
  seed004: defineFeatureSet({
    name: 'seed004',
    nMfcc: 40,
    output: 'stats',
    blocks: ['mfcc', 'chroma', 'mel', 'centroid', 'bandwidth', 'rolloff', 'contrast', 'zcr', 'rms'],
  }),
});

/** A built-in set by name (`stats` is `seed004`); throws listing the names when unknown. */
export function featureSet(name: string): LibrosaSetConfig {
  const set = FEATURE_SETS[name === 'stats' ? 'seed004' : name];
  if (!set)
    throw new Error(
      `unknown feature set "${name}" (known: ${[...Object.keys(FEATURE_SETS), 'stats'].join(', ')})`,
    );
  return set;
}

/** Features per frame of each block. */
function blockWidth(config: LibrosaSetConfig, block: FrameBlock): number {
  switch (block) {
    case 'mfcc':
    case 'mfcc_delta':
    case 'mfcc_delta2':
      return config.nMfcc;
    case 'chroma':
      return 12;
    case 'mel':
    case 'logmel':
      return config.nMels;
    case 'contrast':
      return 7;
    default:
      return 1;
  }
}

/** Names of one frame's features, in order (`mfcc0`, `chroma_C`, …). */
export function frameFeatureNames(config: LibrosaSetConfig): string[] {
  const chroma = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
  return config.blocks.flatMap((block) => {
    const width = blockWidth(config, block);
    if (block === 'chroma') return chroma.map((c) => `chroma_${c}`);
    return width === 1 ? [block] : Array.from({ length: width }, (_, i) => `${block}${i}`);
  });
}

/** Length of a stats vector, or features per frame of a sequence. */
export function setDims(config: LibrosaSetConfig): number {
  const perFrame = config.blocks.reduce((n, b) => n + blockWidth(config, b), 0);
  if (config.output !== 'stats') return perFrame;
  return 2 * perFrame + (config.prosody ? PROSODY_NAMES.length : 0);
}

/** Names of the output's features (per frame for sequences; `_mean`/`_std` entries for stats). */
export function setFeatureNames(config: LibrosaSetConfig): string[] {
  const base = frameFeatureNames(config);
  if (config.output !== 'stats') return base;
  return [
    ...base.map((b) => `${b}_mean`),
    ...base.map((b) => `${b}_std`),
    ...(config.prosody ? PROSODY_NAMES : []),
  ];
}

/** `|X|²` from `|X|` with librosa's float32 rounding (power = fround(magnitude²)). */
function powerFromMagnitude(S: Spectrogram): Spectrogram {
  const data = new Float32Array(S.data.length);
  for (let i = 0; i < data.length; i++) data[i] = S.data[i] * S.data[i];
  return { ...S, power: 2, data };
}

/** Every block of the set as a features × frames matrix, computing shared intermediates once. */
export function computeBlocks(y: Float32Array, config: LibrosaSetConfig): FeatureMatrix[] {
  const { sampleRate: sr, nFft, hopLength } = config;
  const signal = config.frames === null ? y : fixLength(y, (config.frames - 1) * hopLength);
  const blocks = new Set(config.blocks);
  const needs = (...names: FrameBlock[]) => names.some((n) => blocks.has(n));
  const magnitude = spectrogram(signal, { nFft, hopLength, power: 1 });
  const power = needs('mfcc', 'mfcc_delta', 'mfcc_delta2', 'chroma', 'mel', 'logmel')
    ? powerFromMagnitude(magnitude)
    : undefined;
  const melOptions = {
    nMels: config.nMels,
    fmin: config.fmin,
    fmax: config.fmax ?? undefined,
    htk: config.htk,
  };
  const mel =
    power && needs('mfcc', 'mfcc_delta', 'mfcc_delta2', 'mel', 'logmel')
      ? melFromSpectrogram(power, sr, melOptions)
      : undefined;
  const mfcc =
    mel && needs('mfcc', 'mfcc_delta', 'mfcc_delta2')
      ? mfccFromLogMel(powerToDb(mel), config.nMfcc, config.lifter)
      : undefined;
  const frame = { frameLength: nFft, hopLength };
  const compute = (block: FrameBlock): FeatureMatrix => {
    switch (block) {
      case 'mfcc':
        return mfcc!;
      case 'mfcc_delta':
        return delta(mfcc!);
      case 'mfcc_delta2':
        return delta(mfcc!, { order: 2 });
      case 'chroma':
        return chromaFromPower(power!, { sr, tuning: config.tuning }).chroma;
      case 'mel':
        return mel!;
      case 'logmel':
        return powerToDb(mel!, { ref: config.logMelRef });
      case 'zcr':
        return zeroCrossingRate(signal, frame);
      case 'rms':
        return rms(signal, frame);
      case 'centroid':
        return spectralCentroid(magnitude, { sr });
      case 'bandwidth':
        return spectralBandwidth(magnitude, { sr });
      case 'rolloff':
        return spectralRolloff(magnitude, { sr });
      case 'contrast':
        return spectralContrast(magnitude, { sr });
    }
  };
  return config.blocks.map(compute);
}

/**
 * One clip's features: for 'sequence' sets a frames × features array (time-major, flattened; frames =
 * length / {@link setDims}), for 'stats' sets the means then the standard deviations (population) of
 * every frame feature.
 */
export function extractSet(audio: MonoAudio, config: LibrosaSetConfig): Float32Array {
  if (audio.sampleRate !== config.sampleRate)
    throw new Error(
      `feature set ${config.name}: audio is ${audio.sampleRate} Hz, the set expects ${config.sampleRate} Hz`,
    );
  const blocks = computeBlocks(audio.samples, config);
  const perFrame = blocks.reduce((n, b) => n + b.rows, 0);
  const frames = blocks[0].cols;
  if (config.output === 'stats') {
    const out = new Float32Array(setDims(config));
    if (config.prosody)
      out.set(
        prosodyStats(
          config.frames === null
            ? audio.samples
            : fixLength(audio.samples, (config.frames - 1) * config.hopLength),
          { sr: config.sampleRate, frameLength: config.nFft, hopLength: config.hopLength },
        ),
        2 * perFrame,
      );
    let d = 0;
    for (const b of blocks)
      for (let r = 0; r < b.rows; r++, d++) {
        let sum = 0;
        for (let t = 0; t < frames; t++) sum += b.data[r * frames + t];
        const mean = sum / frames;
        let sq = 0;
        for (let t = 0; t < frames; t++) sq += (b.data[r * frames + t] - mean) ** 2;
        out[d] = mean;
        out[perFrame + d] = Math.sqrt(sq / frames);
      }
    return out;
  }
  const out = new Float32Array(frames * perFrame);
  let offset = 0;
  for (const b of blocks) {
    for (let r = 0; r < b.rows; r++)
      for (let t = 0; t < frames; t++) out[t * perFrame + offset + r] = b.data[r * frames + t];
    offset += b.rows;
  }
  return out;
}
