/** The sampler interface (Optuna's BaseSampler): relative (joint) sampling at trial start, then independent. */
import type { Distribution } from '../distributions';
import type { FrozenTrial, JsonValue, StudyView } from '../types';

export type SearchSpace = Record<string, Distribution>;

export interface Sampler {
  /** The parameters to sample jointly for this trial ({} for independent samplers). */
  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): SearchSpace;
  /** Joint sample of `space`, internal representation; may leave parameters out (then sampled independently). */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): Record<string, number>;
  /** One parameter, internal representation. */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number;
  /** System attributes to record on a new trial before sampling (the grid sampler's grid id). */
  beforeTrial?(study: StudyView, trial: FrozenTrial): Record<string, JsonValue>;
  /** True when the sampler has nothing left to propose (a finished grid): optimize() stops. */
  isExhausted?(study: StudyView): boolean;
}
