/**
 * Load a model directory once as an {@link InferenceModel} (its Pipeline, for batch prediction and streams).
 * Node-only (reads files).
 */
import { loadPipeline } from '../train/pipeline-dir';
import type { InferenceModel } from './model';
import { inferenceModelOf } from './predictor';

export async function loadInferenceModel(dir: string): Promise<InferenceModel> {
  return inferenceModelOf(await loadPipeline(dir));
}
