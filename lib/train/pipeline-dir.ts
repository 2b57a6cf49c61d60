/**
 * Model directories of pipelines (version 2, tfjs or classic) on disk: loading one as a {@link Pipeline} that
 * applies exactly the stored feature set, normaliser and frame count (what `ser evaluate`, `ser predict`,
 * streams, notebooks and benches call). The browser demo builds the same Pipeline from fetched files.
 */
import { initBackend } from '../backend';
import { loadClassicModelDir, loadModelDir, readModelMeta } from '../models/model-dir';
import type { ClassicState } from '../models/zoo';
import { UserError } from '../util/errors';
import { isPipelineMeta, Pipeline } from './pipeline';
import type { TrainedModelPayload } from './train-model';

/**
 * Whether a model directory holds a pipeline (written by `ser train`), as opposed to the thin slice's, whose
 * directories share the version-2 format but not this payload.
 */
export function isPipelineDir(dir: string): boolean {
  return isPipelineMeta(readModelMeta<Partial<TrainedModelPayload>>(dir));
}

/** Load a model directory (checksums verified) as a {@link Pipeline}. */
export async function loadPipeline(dir: string): Promise<Pipeline> {
  const meta = readModelMeta<TrainedModelPayload>(dir);
  if (meta.version !== 2 || !meta.payload?.model)
    throw new UserError(
      'not a model directory of this version of ser (retrain it with `ser train --out DIR`)',
      dir,
    );
  if (meta.kind === 'classic') {
    const { state } = loadClassicModelDir<ClassicState, TrainedModelPayload>(dir);
    return new Pipeline(meta, { kind: 'classic', state }, dir);
  }
  await initBackend();
  const { model } = await loadModelDir<TrainedModelPayload>(dir);
  return new Pipeline(meta, { kind: 'tfjs', model }, dir);
}
