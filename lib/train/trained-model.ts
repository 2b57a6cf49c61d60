/**
 * Load a model directory written by {@link trainFold} (version 2, tfjs or classic) as one predictor that
 * applies exactly the stored feature set, normaliser and frame count: what `ser predict`, evaluation,
 * notebooks and benches call.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { setDims } from '../features/sets';
import {
  fitSequenceStandardizer,
  fitStandardizer,
  standardize,
  standardizeSequence,
} from '../features/standardize';
import { loadClassicModelDir, loadModelDir, readModelMeta, type SerModelMeta } from '../models/model-dir';
import { predictClassic, type ClassicState } from '../models/zoo';
import { UserError } from '../util/errors';
import { fixFrames } from './dataset';
import { predictRows } from './fit';
import type { TrainedModelPayload } from './train-model';

export interface TrainedModel {
  meta: SerModelMeta<TrainedModelPayload>;
  labels: string[];
  /**
   * Class scores of raw feature vectors (as the stored feature set extracts them). With per-speaker
   * normalisation, `speakers[i]` names the speaker of vector i and each speaker is z-scored with the
   * statistics of its vectors in this call, so pass all of a speaker's clips together.
   */
  predict(vectors: Float32Array[], speakers?: string[]): number[][];
  dispose(): void;
}

/**
 * Whether a model directory was written by `ser train --model` (a zoo model with its split and feature set),
 * as opposed to the thin slice, whose directories share the version-2 format but not this payload.
 */
export function isTrainedModelDir(dir: string): boolean {
  const meta = readModelMeta<Partial<TrainedModelPayload>>(dir);
  const model = meta.payload?.model as { name?: unknown } | undefined;
  return meta.version === 2 && typeof model?.name === 'string' && Array.isArray(meta.payload?.shape);
}

/** Load a version-2 model directory (checksums verified) as a {@link TrainedModel}. */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  const meta = readModelMeta<TrainedModelPayload>(dir);
  if (meta.version !== 2 || !meta.payload?.model)
    throw new UserError('not a model directory written by ser train --model (ser.json version 2)', dir);
  const p = meta.payload;
  const sequence = p.normaliser.sequence;
  const dims = setDims(p.features);
  let scores: (rows: Float32Array[]) => number[][];
  let dispose = () => {};
  if (meta.kind === 'classic') {
    const { state } = loadClassicModelDir<ClassicState, TrainedModelPayload>(dir);
    scores = (rows) => rows.map((r) => predictClassic(state, r));
  } else {
    await initBackend();
    const { model } = await loadModelDir<TrainedModelPayload>(dir);
    scores = (rows) => predictRows(model, { rows, shape: p.shape }).map((r) => Array.from(r));
    dispose = () => model.dispose();
  }
  const normalise = (vectors: Float32Array[], speakers?: string[]): Float32Array[] => {
    if (p.normaliser.kind === 'global') {
      const state = p.normaliser.state;
      return vectors.map((v) => (sequence ? standardizeSequence(state, v) : standardize(state, v)));
    }
    if (!speakers || speakers.length !== vectors.length)
      throw new UserError('this model uses per-speaker normalisation: give the speaker of every clip', dir);
    const out = new Array<Float32Array>(vectors.length);
    for (const s of new Set(speakers)) {
      const idx = speakers.flatMap((x, i) => (x === s ? [i] : []));
      const group = idx.map((i) => vectors[i]);
      const state = sequence ? fitSequenceStandardizer(group, dims) : fitStandardizer(group);
      idx.forEach(
        (i) => (out[i] = sequence ? standardizeSequence(state, vectors[i]) : standardize(state, vectors[i])),
      );
    }
    return out;
  };
  return {
    meta,
    labels: meta.labels,
    predict(vectors, speakers) {
      if (vectors.length === 0) return [];
      let rows = normalise(vectors, speakers);
      if (sequence) rows = rows.map((r) => fixFrames(r, dims, p.shape[0]));
      return tf.tidy(() => scores(rows));
    },
    dispose,
  };
}
