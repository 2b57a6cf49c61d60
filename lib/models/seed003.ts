/**
 * Seed-003: a CNN front end (Conv1D blocks with BatchNorm and MaxPool) feeding an LSTM whose last state is
 * classified, on MFCC sequences (the `seed002` feature set).
 */
import * as tf from '@tensorflow/tfjs';
import { classifierHead, convBlock } from './seed002';

export interface Seed003Config {
  /** Filters of each conv block. Default [64, 128]. */
  convFilters: number[];
  /** Default 5. */
  kernelSize: number;
  /** Default 2. */
  poolSize: number;
  /** Default 0.2. */
  convDropout: number;
  /** LSTM units (a multiple of 4 runs on the engine's fused kernel). Default 128. */
  lstmUnits: number;
  /** Default 64. */
  denseUnits: number;
  /** Default 0.4. */
  denseDropout: number;
  /** Default 1e-3. */
  learningRate: number;
}

export const SEED003_DEFAULTS: Readonly<Seed003Config> = Object.freeze({
  convFilters: [64, 128],
  kernelSize: 5,
  poolSize: 2,
  convDropout: 0.2,
  lstmUnits: 128,
  denseUnits: 64,
  denseDropout: 0.4,
  learningRate: 1e-3,
});

/** Build and compile seed-003 for inputs [time, features]. */
export function buildSeed003(config: Partial<Seed003Config> = {}, inputShape: [number, number] = [128, 42], nClasses = 7): tf.LayersModel {
  const c: Seed003Config = { ...SEED003_DEFAULTS, ...config };
  const input = tf.input({ shape: inputShape });
  let x: tf.SymbolicTensor = input;
  for (const filters of c.convFilters) x = convBlock(x, filters, c.kernelSize, c.poolSize, c.convDropout);
  x = tf.layers.lstm({ units: c.lstmUnits, recurrentActivation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return classifierHead(input, x, { ...c, nClasses, name: 'seed003' });
}
