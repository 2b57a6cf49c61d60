export * from './meyda-stats';
export * from './standardize';
export * from './extract';
