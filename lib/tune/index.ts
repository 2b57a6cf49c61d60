/**
 * lib/tune — hyperparameter optimisation with Optuna's API: studies and trials, random / grid / TPE samplers,
 * median / successive-halving / Hyperband pruners, in-memory, journal-file and PostgreSQL storages shared by
 * many workers, heartbeats for dead workers' trials. Plots are in lib/viz/tune.
 */
export * from './types';
export * from './distributions';
export { TuneRng } from './rng';
export type { Sampler, SearchSpace } from './samplers/sampler';
export { RandomSampler } from './samplers/random';
export { GridSampler } from './samplers/grid';
export {
  TpeSampler,
  defaultGamma,
  intersectionSearchSpace,
  OPTUNA31_TPE,
  recombinationWeights,
  TPE_DEFAULTS,
  type TpeOptions,
} from './samplers/tpe';
export { defaultWeights, type ParzenOptions } from './samplers/parzen';
export * from './pruners';
export * from './storages/storage';
export { InMemoryStorage } from './storages/log-storage';
export { JournalFileStorage } from './storages/journal';
export { openStorage } from './storages/open';
export { FIXED_PARAMS_ATTR, Trial } from './trial';
export * from './study';
export { paramImportances, type ImportanceOptions } from './importance';
export { TEST_FUNCTIONS } from './test-functions';
export * from './ser-objective';
