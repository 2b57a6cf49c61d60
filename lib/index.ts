/**
 * The public API of `ser`, one namespace per pipeline stage (lib/README.md lists them with an example each):
 *
 *   import { audio, data, features, augment, models, metrics, train, evaluate, tune, inference, viz, notebook } from 'ser';
 *
 * Each stage is also a subpath (`ser/audio`, `ser/features`, …; package.json `exports`).
 */
export * as backend from './backend';
export * as dsp from './dsp';
export * as audio from './audio';
export * as data from './data';
export * as features from './features';
export * as augment from './augment';
export * as models from './models';
export * as metrics from './metrics';
export * as train from './train';
export * as evaluate from './evaluate';
export * as tune from './tune';
// lib/infer's namespace is `inference`: `infer` is a TypeScript keyword in type positions, so a type such as
// `infer.InferenceModel` cannot be written (tslab cannot carry it from one notebook cell to the next).
export * as inference from './infer';
export * as viz from './viz';
export * as notebook from './notebook';
export { UserError, isUserError } from './util/errors';
export { Rng } from './util/rng';
