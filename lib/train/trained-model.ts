/**
 * Load a model directory written by {@link trainFold} (version 2, tfjs or classic) as one predictor that
 * applies exactly the stored feature set, normaliser and frame count: what `ser predict`, evaluation,
 * notebooks and benches call. The predictor itself (lib/infer/predictor.ts) has no file system, so the browser
 * demo builds the same one from fetched files.
 */
import { initBackend } from '../backend';
import { createPredictor, isTrainedModelMeta, type TrainedModel } from '../infer/predictor';
import { loadClassicModelDir, loadModelDir, readModelMeta } from '../models/model-dir';
import type { ClassicState } from '../models/zoo';
import { UserError } from '../util/errors';
import type { TrainedModelPayload } from './train-model';

export type { TrainedModel };

/**
 * Whether a model directory was written by `ser train --model` (a zoo model with its split and feature set),
 * as opposed to the thin slice, whose directories share the version-2 format but not this payload.
 */
export function isTrainedModelDir(dir: string): boolean {
  return isTrainedModelMeta(readModelMeta<Partial<TrainedModelPayload>>(dir));
}

/** Load a version-2 model directory (checksums verified) as a {@link TrainedModel}. */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  const meta = readModelMeta<TrainedModelPayload>(dir);
  if (meta.version !== 2 || !meta.payload?.model)
    throw new UserError('not a model directory written by ser train --model (ser.json version 2)', dir);
  if (meta.kind === 'classic') {
    const { state } = loadClassicModelDir<ClassicState, TrainedModelPayload>(dir);
    return createPredictor(meta, { kind: 'classic', state }, dir);
  }
  await initBackend();
  const { model } = await loadModelDir<TrainedModelPayload>(dir);
  return createPredictor(meta, { kind: 'tfjs', model }, dir);
}
