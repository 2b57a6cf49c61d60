export * from './metrics';
export * from './evaluate-dir';
