export * from './predict';
export * from './predictor';
