export * from './mlp';
export * from './model-dir';
export * from './forest';
export * from './svm';
export * from './seed002';
export * from './seed003';
export * from './best';
export * from './zoo';
