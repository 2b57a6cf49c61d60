/**
 * What inference needs of a model, whatever kind of directory it came from: its labels, the feature set to
 * extract, how inputs are normalised, and a classifier of raw feature vectors. Browser-safe: loading from disk
 * is in ./load-model.ts; the demo page builds the same interface from fetched files.
 */
import type { MonoAudio } from '../audio/types';
import type { FeatureConfig } from '../features/extract';
import { meydaStats } from '../features/meyda-stats';
import { extractSet, setDims } from '../features/sets';
import type { StandardizerState } from '../features/standardize';

export interface InferenceModel {
  /** Registry model name ('best', 'seed000', …). */
  readonly name: string;
  readonly labels: string[];
  /** Feature set the model was trained on (its `sampleRate` is the rate audio is resampled to). */
  readonly features: FeatureConfig;
  /**
   * 'global': inputs are z-scored with statistics stored at training. 'per-speaker': each speaker's inputs
   * with that speaker's own statistics, which the caller supplies to {@link InferenceModel.classify}.
   */
  readonly normalisation: 'global' | 'per-speaker';
  /** Inputs are frames × dims sequences (else one statistics vector per clip). */
  readonly sequence: boolean;
  /** Features per vector (per frame for sequences). */
  readonly dims: number;
  /** Per-speaker models: a typical training speaker's statistics, when the model recorded them. */
  readonly prior?: StandardizerState;
  /**
   * Class probabilities (aligned with `labels`) of raw feature vectors. Per-speaker models need `states`: the
   * statistics to z-score each vector with (one per vector).
   */
  classify(vectors: Float32Array[], states?: StandardizerState[]): number[][];
  dispose(): void;
}

/** The feature vector of one clip (or window) already at `config.sampleRate`, as training extracted it. */
export function featureVector(audio: MonoAudio, config: FeatureConfig): Float32Array {
  return config.kind === 'librosa' ? extractSet(audio, config) : meydaStats(audio, config);
}

/** Features per vector (per frame for sequence sets). */
export function vectorDims(config: FeatureConfig, vector: Float32Array): number {
  return config.kind === 'librosa' && config.output === 'sequence' ? setDims(config) : vector.length;
}
