/**
 * A {@link Pipeline} as the {@link InferenceModel} batch prediction and streams take: per-speaker pipelines get
 * the statistics to normalise with from the caller (a stream's running normaliser), plus the stored prior.
 * Browser-safe: Node's loader (lib/infer/load-model.ts) and the browser demo both go through it.
 */
import { MIN_CLIPS_PER_SPEAKER, type Pipeline } from '../train/pipeline';
import { UserError } from '../util/errors';
import type { InferenceModel } from './model';

export { MIN_CLIPS_PER_SPEAKER };

export function inferenceModelOf(pipeline: Pipeline): InferenceModel {
  const n = pipeline.normaliser;
  return {
    name: pipeline.name,
    labels: pipeline.labels,
    features: pipeline.features,
    normalisation: n.perSpeaker ? 'per-speaker' : 'global',
    sequence: n.sequence,
    dims: pipeline.dims,
    prior: n.prior,
    classify(vectors, states) {
      if (!n.perSpeaker) return pipeline.predictProba(vectors);
      if (!states || states.length !== vectors.length)
        throw new UserError(
          'this model normalises per speaker: give the statistics of every input',
          pipeline.source,
        );
      return pipeline.predictProbaNormalised(vectors.map((v, i) => pipeline.normaliseWith(states[i], v)));
    },
    dispose: () => pipeline.dispose(),
  };
}
