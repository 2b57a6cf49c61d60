/** lib/audio: decode audio files, mix to mono, resample (librosa.load semantics); trim, denoise, normalise, fix length. */
export * from './types';
export * from './errors';
export { decodeAudio, openAudio, sniffContainer, type AudioBlocks } from './decode';
export * from './notes';
export { toMono } from './mono';
export { resample, type ResampleOptions } from './resample';
export * from './load';
export { encodeWav, writeWavSync, type WavEncoding, type WavEncodeOptions } from './encode';
export { trim, frameRms, type TrimOptions, type TrimResult } from './trim';
export {
  clipReport,
  normaliseOutOfRange,
  peakNormalise,
  rmsDb,
  rmsNormalise,
  type ClipReport,
  type PeakNormaliseOptions,
  type RmsNormaliseOptions,
} from './normalize';
export { fixLength, type FixLengthOptions } from './fixed-length';
export { reduceNoise, type ReduceNoiseOptions } from './denoise';
