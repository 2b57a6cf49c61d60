/**
 * Named feature sets: a plain-JSON config saying which librosa-exact features to stack per frame, with
 * which STFT and mel settings, and whether the clip is returned as a sequence or as per-clip statistics.
 * The built-in sets reproduce the seed models' inputs; users define their own with {@link defineFeatureSet}.
 */
import { fixLength } from '../audio/fixed-length';
import { UserError } from '../util/errors';
import type { MonoAudio } from '../audio/types';
import { chromaFromPower, piptrack, tuningFromPeaks, type PitchPeaks } from './chroma';
import { delta } from './delta';
import { yin } from './pitch';
import { prosodyFromFrames, prosodyYinOptions, PROSODY_NAMES } from './prosody';
import { melFromSpectrogram, mfccFromLogMel, powerToDb, raiseToFloor, topDbFloor } from './mel';
import { spectralBandwidth, spectralCentroid, spectralContrast, spectralRolloff } from './spectral';
import { spectrogram } from '../dsp/spectrum';
import { rms, zeroCrossingRate } from './temporal';
import { featureMatrix, type FeatureMatrix, type Spectrogram } from './types';

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
 * The feature-set registry: every named set, for every command and function that takes a set name.
 * - `seed000`: MFCC 40 + Δ + ΔΔ + chroma (n_fft 512, hop 256, 128 mels), a variable-length sequence of
 *   132 features per frame.
 * - `seed000-bench`: seed000 + ZCR + RMS, the configuration `bench/features` times against librosa.
 * - `seed001`: 128-band log-mel (`power_to_db(ref=np.max)`, n_fft 2048, hop 512), 87 frames (2 s at
 *   22050 Hz); z-score it with a normaliser fitted on the training split ({@link fitSequenceNormaliser}).
 * - `seed002`: ZCR + RMS + MFCC 40 (librosa's default STFT), a sequence.
 * - `seed004` (alias `stats`): per-clip mean and standard deviation of MFCC 40, chroma, 128-band mel,
 *   spectral centroid, bandwidth, rolloff, contrast, ZCR and RMS — for classic models.
 * - `stats-plus`: per-clip mean and standard deviation of MFCC 40, its delta, chroma, 64-band log-mel, ZCR, RMS,
 *   spectral centroid, bandwidth and rolloff: the reference baseline's features, with log-mel instead of
 *   seed004's raw mel power.
 * - `stats-prosody`: `stats-plus` and the clip's prosody (lib/features/prosody.ts: F0 statistics, voicing,
 *   length).
 * - `logmel64`: 64-band log-mel (`power_to_db(ref=np.max)`, n_fft 2048, hop 512), 87 frames: the 2-D CNN's
 *   image; half of seed001's bands, which halves the conv work at the resolution published TESS 2-D CNNs use.
 */
const STATS_PLUS: LibrosaSetConfig = defineFeatureSet({
  name: 'stats-plus',
  nMels: 64,
  nMfcc: 40,
  output: 'stats',
  blocks: ['mfcc', 'mfcc_delta', 'chroma', 'logmel', 'zcr', 'rms', 'centroid', 'bandwidth', 'rolloff'],
});

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
  'stats-plus': STATS_PLUS,
  'stats-prosody': defineFeatureSet({ ...STATS_PLUS, name: 'stats-prosody', prosody: true }),
  logmel64: defineFeatureSet({
    name: 'logmel64',
    nMels: 64,
    blocks: ['logmel'],
    logMelRef: 'max',
    frames: 87,
  }),
});

/** Other names of registered sets (`stats` is `seed004`). */
export const FEATURE_SET_ALIASES: Readonly<Record<string, string>> = Object.freeze({ stats: 'seed004' });

/** Every name {@link featureSet} accepts: the registered sets, then their aliases. */
export function featureSetNames(): string[] {
  return [...Object.keys(FEATURE_SETS), ...Object.keys(FEATURE_SET_ALIASES)];
}

/** A registered set by name or alias; an unknown name is a one-line {@link UserError} listing the valid ones. */
export function featureSet(name: string): LibrosaSetConfig {
  const key = Object.hasOwn(FEATURE_SET_ALIASES, name) ? FEATURE_SET_ALIASES[name] : name;
  const set = Object.hasOwn(FEATURE_SETS, key) ? FEATURE_SETS[key] : undefined;
  if (!set) throw new UserError(`unknown feature set "${name}" (valid: ${featureSetNames().join(', ')})`);
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

/**
 * What a set's blocks need of each frame, for a run of consecutive frames: everything that depends on one
 * frame's samples alone (spectra, mel power and its dB before `top_db`, piptrack's peaks, the time-domain and
 * spectral-shape blocks, the YIN track). What depends on the whole clip (`top_db`'s peak, chroma's tuning,
 * deltas, spectral contrast's dB clipping, statistics) is left to {@link blocksFromFrames}. A clip computes it
 * over its frames; a stream computes each frame once and joins runs of frames into a window's
 * ({@link joinFrameData}), so that the window's features are exactly the clip-level ones.
 */
export interface FrameData {
  frames: number;
  /** Magnitude spectra ('contrast'). */
  magnitude?: Spectrogram;
  /** Power spectra ('chroma'). */
  power?: Spectrogram;
  /** Mel power ('mel'; 'logmel' with ref 'max'). */
  mel?: FeatureMatrix;
  /** `power_to_db(mel, ref=1, top_db=None)` ('mfcc' and its deltas; 'logmel' with ref 1). */
  melDb?: FeatureMatrix;
  /** piptrack's peaks (chroma's tuning estimate). */
  peaks?: PitchPeaks;
  /** Blocks that are per frame as they stand: zcr, rms (also for prosody), centroid, bandwidth, rolloff. */
  perFrame: Partial<Record<FrameBlock, FeatureMatrix>>;
  /** Prosody's YIN track. */
  pitch?: { f0: Float64Array; aperiodicity: Float64Array };
  /**
   * Chroma at a tuning and MFCC at a `top_db` floor, where a stream has them for these frames already; used
   * when the tuning ({@link chromaTuning}) and floor ({@link melDbFloor}) of these frames are the same.
   */
  chroma?: DerivedFrames;
  mfcc?: DerivedFrames;
}

/** Frames' chroma or MFCC columns (`matrix`) at a tuning or `top_db` floor (`at`). */
export interface DerivedFrames {
  at: number;
  matrix: FeatureMatrix;
}

/** power_to_db's default `top_db`, which the 'mfcc' and ref-1 'logmel' blocks apply. */
const TOP_DB = 80;

/** Chroma's tuning over these frames: the set's own, or estimated from their peaks (librosa's `estimate_tuning`). */
export function chromaTuning(data: FrameData, config: LibrosaSetConfig): number {
  return config.tuning ?? tuningFromPeaks(data.peaks!);
}

/** The chroma of frames [from, to) (all by default) at `tuning`. */
export function chromaAt(
  data: FrameData,
  config: LibrosaSetConfig,
  tuning: number,
  from = 0,
  to = data.frames,
): FeatureMatrix {
  const power = data.power!;
  const frames = {
    ...power,
    frames: to - from,
    data: power.data.subarray(from * power.bins, to * power.bins),
  };
  return chromaFromPower(frames, { sr: config.sampleRate, tuning }).chroma;
}

/** The floor `top_db` clips these frames' mel dB at (80 dB below their peak). */
export function melDbFloor(data: FrameData): number {
  return topDbFloor(data.melDb!, TOP_DB);
}

/** The mel dB of frames [from, to) (all by default) clipped at `floor` (a copy). */
function clippedMelDb(data: FrameData, floor: number, from = 0, to = data.frames): FeatureMatrix {
  return raiseToFloor(joinMatrices([{ matrix: data.melDb!, from, to }]), floor);
}

/** The MFCC of frames [from, to) (all by default) with their mel dB clipped at `floor`. */
export function mfccAt(
  data: FrameData,
  config: LibrosaSetConfig,
  floor: number,
  from = 0,
  to = data.frames,
): FeatureMatrix {
  return mfccFromLogMel(clippedMelDb(data, floor, from, to), config.nMfcc, config.lifter);
}

/**
 * {@link FrameData} of `signal`: its centred frames as the clip-level extractor frames it (`center` true), or
 * the uncentred frames `signal[t · hop, t · hop + nFft)` (`center` false). ZCR, which librosa pads with the
 * edge samples rather than zeros, is taken from `zcrSignal` (the same signal unless the caller padded it).
 */
export function frameData(
  signal: Float32Array,
  config: LibrosaSetConfig,
  center = true,
  zcrSignal = signal,
): FrameData {
  const { sampleRate: sr, nFft, hopLength } = config;
  const blocks = new Set(config.blocks);
  const needs = (...names: FrameBlock[]) => names.some((n) => blocks.has(n));
  const magnitude = spectrogram(signal, { nFft, hopLength, power: 1, center });
  const power = needs('mfcc', 'mfcc_delta', 'mfcc_delta2', 'chroma', 'mel', 'logmel')
    ? powerFromMagnitude(magnitude)
    : undefined;
  const mel =
    power && needs('mfcc', 'mfcc_delta', 'mfcc_delta2', 'mel', 'logmel')
      ? melFromSpectrogram(power, sr, {
          nMels: config.nMels,
          fmin: config.fmin,
          fmax: config.fmax ?? undefined,
          htk: config.htk,
        })
      : undefined;
  const logMelMax = needs('logmel') && config.logMelRef === 'max';
  const melDb =
    mel && (needs('mfcc', 'mfcc_delta', 'mfcc_delta2') || (needs('logmel') && !logMelMax))
      ? powerToDb(mel, { topDb: null })
      : undefined;
  const frame = { frameLength: nFft, hopLength, center };
  const perFrame: Partial<Record<FrameBlock, FeatureMatrix>> = {};
  if (needs('zcr')) perFrame.zcr = zeroCrossingRate(zcrSignal, frame);
  if (needs('rms') || config.prosody) perFrame.rms = rms(signal, frame);
  if (needs('centroid')) perFrame.centroid = spectralCentroid(magnitude, { sr });
  if (needs('bandwidth')) perFrame.bandwidth = spectralBandwidth(magnitude, { sr });
  if (needs('rolloff')) perFrame.rolloff = spectralRolloff(magnitude, { sr });
  const track = config.prosody
    ? yin(signal, { ...prosodyYinOptions({ sr, frameLength: nFft, hopLength }), center })
    : undefined;
  return {
    frames: magnitude.frames,
    magnitude: needs('contrast') ? magnitude : undefined,
    power: needs('chroma') ? power : undefined,
    mel: needs('mel') || logMelMax ? mel : undefined,
    melDb,
    peaks: needs('chroma') && config.tuning === null ? piptrack(power!, { sr }) : undefined,
    perFrame,
    pitch: track && { f0: track.f0, aperiodicity: track.aperiodicity },
  };
}

/**
 * Frames `[from, to)` of {@link frameData}`(signal, config)` (the clip's centred frames), computing only
 * those: the samples they span, padded where they reach past the signal's ends as the clip is padded.
 */
export function centredFrames(
  signal: Float32Array,
  config: LibrosaSetConfig,
  from: number,
  to: number,
): FrameData {
  const { nFft, hopLength: hop } = config;
  const start = from * hop - (nFft >> 1);
  const span = (to - 1 - from) * hop + nFft;
  const padded = (edge: boolean): Float32Array => {
    const out = new Float32Array(span);
    const a = Math.max(0, start);
    const b = Math.min(signal.length, start + span);
    out.set(signal.subarray(a, b), a - start);
    if (edge && signal.length > 0) {
      out.fill(signal[0], 0, a - start);
      out.fill(signal[signal.length - 1], b - start);
    }
    return out;
  };
  const inside = start >= 0 && start + span <= signal.length;
  const samples = inside ? signal.subarray(start, start + span) : padded(false);
  const zcr = inside || !config.blocks.includes('zcr') ? samples : padded(true);
  return frameData(samples, config, false, zcr);
}

/** Frames `[from, to)` of some frame data. */
export interface FrameRange {
  data: FrameData;
  from: number;
  to: number;
}

/** Columns (frames) `[from, to)` of each matrix, joined in order. */
export function joinMatrices(parts: { matrix: FeatureMatrix; from: number; to: number }[]): FeatureMatrix {
  const frames = parts.reduce((n, p) => n + p.to - p.from, 0);
  const out = featureMatrix(parts[0].matrix.rows, frames);
  let at = 0;
  for (const { matrix: m, from, to } of parts) {
    for (let r = 0; r < m.rows; r++)
      out.data.set(m.data.subarray(r * m.cols + from, r * m.cols + to), r * frames + at);
    at += to - from;
  }
  return out;
}

/**
 * Frames `[from, to)` of each part, joined in order into one run (without cached chroma or MFCC). `power`
 * false leaves out the power spectra, which only chroma reads (for callers that supply the chroma).
 */
export function joinFrameData(parts: FrameRange[], power = true): FrameData {
  const frames = parts.reduce((n, p) => n + p.to - p.from, 0);
  const first = parts[0].data;
  const matrices = (pick: (d: FrameData) => FeatureMatrix | undefined): FeatureMatrix | undefined =>
    pick(first) && joinMatrices(parts.map((p) => ({ matrix: pick(p.data)!, from: p.from, to: p.to })));
  const spectra = (pick: (d: FrameData) => Spectrogram | undefined): Spectrogram | undefined => {
    const s0 = pick(first);
    if (!s0) return undefined;
    const out: Spectrogram = { ...s0, frames, data: new Float32Array(frames * s0.bins) };
    let at = 0;
    for (const { data, from, to } of parts) {
      out.data.set(pick(data)!.data.subarray(from * s0.bins, to * s0.bins), at * s0.bins);
      at += to - from;
    }
    return out;
  };
  const tracks = (pick: (d: FrameData) => Float64Array) => {
    const out = new Float64Array(frames);
    let at = 0;
    for (const { data, from, to } of parts) {
      out.set(pick(data).subarray(from, to), at);
      at += to - from;
    }
    return out;
  };
  let peaks: PitchPeaks | undefined;
  if (first.peaks) {
    const count = parts.reduce(
      (n, p) => n + p.data.peaks!.frameStart[p.to] - p.data.peaks!.frameStart[p.from],
      0,
    );
    peaks = {
      pitches: new Float32Array(count),
      magnitudes: new Float32Array(count),
      frameStart: new Int32Array(frames + 1),
    };
    let frame = 0;
    for (const { data, from, to } of parts) {
      const { pitches, magnitudes, frameStart } = data.peaks!;
      const base = peaks.frameStart[frame] - frameStart[from];
      peaks.pitches.set(pitches.subarray(frameStart[from], frameStart[to]), frameStart[from] + base);
      peaks.magnitudes.set(magnitudes.subarray(frameStart[from], frameStart[to]), frameStart[from] + base);
      for (let t = from; t < to; t++) peaks.frameStart[++frame] = frameStart[t + 1] + base;
    }
  }
  const perFrame: Partial<Record<FrameBlock, FeatureMatrix>> = {};
  for (const block of Object.keys(first.perFrame) as FrameBlock[])
    perFrame[block] = matrices((d) => d.perFrame[block]);
  return {
    frames,
    magnitude: spectra((d) => d.magnitude),
    power: power ? spectra((d) => d.power) : undefined,
    mel: matrices((d) => d.mel),
    melDb: matrices((d) => d.melDb),
    peaks,
    perFrame,
    pitch: first.pitch && {
      f0: tracks((d) => d.pitch!.f0),
      aperiodicity: tracks((d) => d.pitch!.aperiodicity),
    },
  };
}

/** Every block of the set as a features × frames matrix, from a clip's (or window's) frame data. */
export function blocksFromFrames(data: FrameData, config: LibrosaSetConfig): FeatureMatrix[] {
  const sr = config.sampleRate;
  // power_to_db's top_db clips at the peak of the whole clip.
  const floor = data.melDb && melDbFloor(data);
  const db = floor === undefined ? undefined : clippedMelDb(data, floor);
  const blocks = new Set(config.blocks);
  const mfcc =
    db && ['mfcc', 'mfcc_delta', 'mfcc_delta2'].some((b) => blocks.has(b as FrameBlock))
      ? data.mfcc !== undefined && data.mfcc.at === floor
        ? data.mfcc.matrix
        : mfccFromLogMel(db, config.nMfcc, config.lifter)
      : undefined;
  const compute = (block: FrameBlock): FeatureMatrix => {
    switch (block) {
      case 'mfcc':
        return mfcc!;
      case 'mfcc_delta':
        return delta(mfcc!);
      case 'mfcc_delta2':
        return delta(mfcc!, { order: 2 });
      case 'chroma': {
        const tuning = chromaTuning(data, config);
        return data.chroma?.at === tuning ? data.chroma.matrix : chromaAt(data, config, tuning);
      }
      case 'mel':
        return data.mel!;
      case 'logmel':
        return config.logMelRef === 'max' ? powerToDb(data.mel!, { ref: 'max' }) : db!;
      case 'contrast':
        return spectralContrast(data.magnitude!, { sr });
      default:
        return data.perFrame[block]!;
    }
  };
  return config.blocks.map(compute);
}

/** Every block of the set as a features × frames matrix, computing shared intermediates once. */
export function computeBlocks(y: Float32Array, config: LibrosaSetConfig): FeatureMatrix[] {
  return blocksFromFrames(frameData(setSignal(y, config), config), config);
}

/** The signal the set's frames are taken from: the clip, or the clip fixed to `frames` frames. */
function setSignal(y: Float32Array, config: LibrosaSetConfig): Float32Array {
  return config.frames === null ? y : fixLength(y, (config.frames - 1) * config.hopLength);
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
  return setVectorFromFrames(frameData(setSignal(audio.samples, config), config), config);
}

/** {@link extractSet}'s result from the clip's (or a window's) frame data. */
export function setVectorFromFrames(data: FrameData, config: LibrosaSetConfig): Float32Array {
  const blocks = blocksFromFrames(data, config);
  const perFrame = blocks.reduce((n, b) => n + b.rows, 0);
  const frames = blocks[0].cols;
  if (config.output === 'stats') {
    const out = new Float32Array(setDims(config));
    if (config.prosody)
      out.set(
        prosodyFromFrames(data.pitch!.f0, data.pitch!.aperiodicity, data.perFrame.rms!.data, {}),
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
