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
import { isTrainedModelDir, loadTrainedModel } from '../train/trained-model';
import type { InferenceModel } from './model';
import { inferenceModelOf } from './predictor';

export async function loadInferenceModel(dir: string): Promise<InferenceModel> {
  if (isTrainedModelDir(dir)) return inferenceModelOf(await loadTrainedModel(dir), dir);
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
