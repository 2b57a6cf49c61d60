export * from './fft';
export * from './spectrum';
export * from './istft';
