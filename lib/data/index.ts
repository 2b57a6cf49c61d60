export * from './emotions';
export * from './types';
export * from './root';
export * from './tess';
export * from './corpora';
export * from './split';
export * from './synthetic';
export * from './quickstart';
