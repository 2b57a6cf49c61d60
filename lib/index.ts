export * from './backend';
export * from './audio';
export * from './data';
export * from './features';
export * from './models';
export * from './train';
export * from './evaluate';
export * from './infer';
export { UserError, isUserError } from './util/errors';
