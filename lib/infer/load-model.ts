/**
 * Load a model directory once as an {@link InferenceModel}: both kinds of directory, the thin slice's and
 * those of `ser train --model` (neural or classic). Node-only (reads files).
 */
import { initBackend } from '../backend';
import { predictProbabilities } from '../evaluate/evaluate-dir';
import { setDims } from '../features/sets';
import { standardize } from '../features/standardize';
import { featureDims } from '../features/extract';
import { loadModelDir } from '../models/model-dir';
import type { SlicePayload } from '../train/slice';
import { isTrainedModelDir, loadTrainedModel } from '../train/trained-model';
import { UserError } from '../util/errors';
import { normaliseVector, type InferenceModel } from './model';

export async function loadInferenceModel(dir: string): Promise<InferenceModel> {
  if (isTrainedModelDir(dir)) {
    const model = await loadTrainedModel(dir);
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
          throw new UserError('this model normalises per speaker: give the statistics of every input', dir);
        return model.predictNormalised(vectors.map((v, i) => normaliseVector(states[i], v, sequence)));
      },
      dispose: () => model.dispose(),
    };
  }
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
