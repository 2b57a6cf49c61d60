/**
 * Model directories of pipelines (version 2, tfjs or classic) on disk: loading one as a {@link Pipeline} that
 * applies exactly the stored feature set, normaliser and frame count (what `ser evaluate`, `ser predict`,
 * streams, notebooks and benches call). The browser demo builds the same Pipeline from fetched files.
 */
import { initBackend } from '../backend';
import { loadClassicModelDir, loadModelDir, readModelMeta } from '../models/model-dir';
import type { SerModelMeta } from '../models/model-format';
import type { ClassicState } from '../models/zoo';
import { UserError } from '../util/errors';
import { isPipelineMeta, Pipeline } from './pipeline';
import type { TrainedModelPayload } from './train-model';

/** Whether a model directory holds a pipeline, as `ser train` writes them. */
export function isPipelineDir(dir: string): boolean {
  return isPipelineMeta(readModelMeta<Partial<TrainedModelPayload>>(dir));
}

/**
 * Load a model directory (checksums verified) as a {@link Pipeline}. Directories of earlier versions (the thin
 * slice's) are refused in one line saying how to retrain.
 */
export async function loadPipeline(dir: string): Promise<Pipeline> {
  const meta = readModelMeta<Partial<TrainedModelPayload>>(dir);
  if (!isPipelineMeta(meta))
    throw new UserError(
      'written by an earlier version of ser (the thin slice, now retired): retrain it with `ser train --out DIR`',
      dir,
    );
  const full = meta as SerModelMeta<TrainedModelPayload>;
  if (meta.kind === 'classic') {
    const { state } = loadClassicModelDir<ClassicState, TrainedModelPayload>(dir);
    return new Pipeline(full, { kind: 'classic', state }, dir);
  }
  await initBackend();
  const { model } = await loadModelDir<TrainedModelPayload>(dir);
  return new Pipeline(full, { kind: 'tfjs', model }, dir);
}
