export * from './mlp';
export * from './model-dir';
