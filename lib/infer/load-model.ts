/**
 * Load a model directory once as an {@link InferenceModel}: both kinds of directory, the thin slice's and
 * those of `ser train --model` (neural or classic). Node-only (reads files).
 */
import { initBackend } from '../backend';
import { predictProbabilities } from '../evaluate/evaluate-dir';
import { standardize } from '../features/standardize';
import { featureDims } from '../features/extract';
import { loadModelDir } from '../models/model-dir';
import type { SlicePayload } from '../train/slice';
import { isPipelineDir, loadPipeline } from '../train/pipeline-dir';
import type { InferenceModel } from './model';
import { inferenceModelOf } from './predictor';

export async function loadInferenceModel(dir: string): Promise<InferenceModel> {
  if (isPipelineDir(dir)) return inferenceModelOf(await loadPipeline(dir));
  await initBackend();
  const { model, meta } = await loadModelDir<SlicePayload>(dir);
  const p = meta.payload;
  return {
    name: 'slice',
    labels: meta.labels,
    features: p.features,
    normalisation: 'global',
    sequence: false,
    dims: featureDims(p.features),
    classify: (vectors) =>
      predictProbabilities(
        model,
        vectors.map((v) => standardize(p.normaliser, v)),
      ),
    dispose: () => model.dispose(),
  };
}
