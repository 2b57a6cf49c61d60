/**
 * The predictor of a model directory written by `ser train --model`, built from its parsed `ser.json` and its
 * model (tfjs or classic state) without touching the file system: Node's loader (lib/train/trained-model.ts)
 * and the browser demo (lib/browser) both predict through this code, with the same features, normaliser and
 * frame count.
 */
import * as tf from '@tensorflow/tfjs';
import { setDims } from '../features/sets';
import {
  fitSequenceStandardizer,
  fitStandardizer,
  standardize,
  standardizeSequence,
} from '../features/standardize';
import type { SerModelMeta } from '../models/model-format';
// The zoo imports every model builder, so custom layers (attention) are registered before deserialising.
import { predictClassic, type ClassicState } from '../models/zoo';
import { predictRows } from '../train/fit';
import { fixFrames } from '../train/frames';
import type { TrainedModelPayload } from '../train/train-model';
import { UserError } from '../util/errors';
import { normaliseVector, type InferenceModel } from './model';

/**
 * Models trained with per-speaker normalisation z-score each speaker with that speaker's own statistics, so
 * prediction needs several clips of one speaker: all files of one call are taken as one speaker.
 */
export const MIN_CLIPS_PER_SPEAKER = 10;

export interface TrainedModel {
  meta: SerModelMeta<TrainedModelPayload>;
  labels: string[];
  /**
   * Class scores of raw feature vectors (as the stored feature set extracts them). With per-speaker
   * normalisation, `speakers[i]` names the speaker of vector i and each speaker is z-scored with the
   * statistics of its vectors in this call, so pass all of a speaker's clips together.
   */
  predict(vectors: Float32Array[], speakers?: string[]): number[][];
  /** Class scores of vectors already normalised (by statistics the caller chose, e.g. a stream's own). */
  predictNormalised(rows: Float32Array[]): number[][];
  dispose(): void;
}

/** What holds a model directory's fitted parameters, once read. */
export type LoadedModel = { kind: 'tfjs'; model: tf.LayersModel } | { kind: 'classic'; state: ClassicState };

/**
 * Whether `meta` describes a directory written by `ser train --model` (a zoo model with its split and
 * feature set), as opposed to the thin slice's, which share the version-2 format but not this payload.
 */
export function isTrainedModelMeta(meta: SerModelMeta<Partial<TrainedModelPayload>>): boolean {
  const model = meta.payload?.model as { name?: unknown } | undefined;
  return meta.version === 2 && typeof model?.name === 'string' && Array.isArray(meta.payload?.shape);
}

/** The predictor of a parsed `ser.json` and its loaded model; `source` names the directory in errors. */
export function createPredictor(
  meta: SerModelMeta<TrainedModelPayload>,
  loaded: LoadedModel,
  source: string,
): TrainedModel {
  const p = meta.payload;
  const sequence = p.normaliser.sequence;
  const dims = setDims(p.features);
  const scores =
    loaded.kind === 'classic'
      ? (rows: Float32Array[]) => rows.map((r) => predictClassic(loaded.state, r))
      : (rows: Float32Array[]) =>
          predictRows(loaded.model, { rows, shape: p.shape }).map((r) => Array.from(r));
  const apply = (state: { mean: number[]; std: number[] }, v: Float32Array) =>
    sequence ? standardizeSequence(state, v) : standardize(state, v);
  const normalise = (vectors: Float32Array[], speakers?: string[]): Float32Array[] => {
    const normaliser = p.normaliser;
    if (normaliser.kind === 'global') return vectors.map((v) => apply(normaliser.state, v));
    if (!speakers || speakers.length !== vectors.length)
      throw new UserError(
        'this model uses per-speaker normalisation: give the speaker of every clip',
        source,
      );
    const out = new Array<Float32Array>(vectors.length);
    for (const s of new Set(speakers)) {
      const idx = speakers.flatMap((x, i) => (x === s ? [i] : []));
      const group = idx.map((i) => vectors[i]);
      const state = sequence ? fitSequenceStandardizer(group, dims) : fitStandardizer(group);
      idx.forEach((i) => (out[i] = apply(state, vectors[i])));
    }
    return out;
  };
  const predictNormalised = (rows: Float32Array[]): number[][] => {
    if (rows.length === 0) return [];
    const fixed = sequence ? rows.map((r) => fixFrames(r, dims, p.shape[0])) : rows;
    return tf.tidy(() => scores(fixed));
  };
  return {
    meta,
    labels: meta.labels,
    predict: (vectors, speakers) =>
      vectors.length === 0 ? [] : predictNormalised(normalise(vectors, speakers)),
    predictNormalised,
    dispose: () => {
      if (loaded.kind === 'tfjs') loaded.model.dispose();
    },
  };
}

/**
 * A trained model as the {@link InferenceModel} batch prediction and streams take: per-speaker models get the
 * statistics to normalise with from the caller (a stream's running normaliser), plus the stored prior.
 */
export function inferenceModelOf(model: TrainedModel, source: string): InferenceModel {
  const p = model.meta.payload;
  const n = p.normaliser;
  const sequence = n.sequence;
  return {
    name: p.model.name,
    labels: model.labels,
    features: p.features,
    normalisation: n.kind,
    sequence,
    dims: setDims(p.features),
    prior: n.kind === 'per-speaker' ? n.prior : undefined,
    classify(vectors, states) {
      if (n.kind === 'global') return model.predict(vectors);
      if (!states || states.length !== vectors.length)
        throw new UserError('this model normalises per speaker: give the statistics of every input', source);
      return model.predictNormalised(vectors.map((v, i) => normaliseVector(states[i], v, sequence)));
    },
    dispose: () => model.dispose(),
  };
}
