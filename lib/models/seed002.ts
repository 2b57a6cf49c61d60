/**
 * Seed-002: blocks of Conv1D → BatchNorm → ReLU → MaxPool → Dropout over a [time, features] sequence (the
 * `seed002` feature set: ZCR + RMS + 40 MFCC per frame), global average pooling over time, Dense, softmax.
 */
import * as tf from '@tensorflow/tfjs';

export interface Seed002Config {
  /** Filters of each conv block. Default [64, 128, 128]. */
  convFilters: number[];
  /** Default 5. */
  kernelSize: number;
  /** Default 2. */
  poolSize: number;
  /** Dropout after each block. Default 0.25. */
  convDropout: number;
  /** Default 128. */
  denseUnits: number;
  /** Default 0.4. */
  denseDropout: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate: number;
}

export const SEED002_DEFAULTS: Readonly<Seed002Config> = Object.freeze({
  convFilters: [64, 128, 128],
  kernelSize: 5,
  poolSize: 2,
  convDropout: 0.25,
  denseUnits: 128,
  denseDropout: 0.4,
  learningRate: 1e-3,
});

/** Conv1D → BatchNorm → ReLU → MaxPool → Dropout, applied to `x` (shared by seed002, seed003 and best). */
export function convBlock(
  x: tf.SymbolicTensor,
  filters: number,
  kernelSize: number,
  poolSize: number,
  dropout: number,
): tf.SymbolicTensor {
  let y = tf.layers.conv1d({ filters, kernelSize, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU().apply(y) as tf.SymbolicTensor;
  if (poolSize > 1) y = tf.layers.maxPooling1d({ poolSize }).apply(y) as tf.SymbolicTensor;
  if (dropout > 0) y = tf.layers.dropout({ rate: dropout }).apply(y) as tf.SymbolicTensor;
  return y;
}

/** Dense (ReLU) → Dropout → Dense softmax head, and compile with Adam and categorical cross-entropy. */
export function classifierHead(
  input: tf.SymbolicTensor,
  x: tf.SymbolicTensor,
  options: { denseUnits: number; denseDropout: number; learningRate: number; nClasses: number; name: string },
): tf.LayersModel {
  let y = x;
  if (options.denseUnits > 0) y = tf.layers.dense({ units: options.denseUnits, activation: 'relu' }).apply(y) as tf.SymbolicTensor;
  if (options.denseDropout > 0) y = tf.layers.dropout({ rate: options.denseDropout }).apply(y) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: options.nClasses, activation: 'softmax' }).apply(y) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: options.name });
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Build and compile seed-002 for inputs [time, features]. */
export function buildSeed002(config: Partial<Seed002Config> = {}, inputShape: [number, number] = [128, 42], nClasses = 7): tf.LayersModel {
  const c: Seed002Config = { ...SEED002_DEFAULTS, ...config };
  const input = tf.input({ shape: inputShape });
  let x: tf.SymbolicTensor = input;
  for (const filters of c.convFilters) x = convBlock(x, filters, c.kernelSize, c.poolSize, c.convDropout);
  x = tf.layers.globalAveragePooling1d().apply(x) as tf.SymbolicTensor;
  return classifierHead(input, x, { ...c, nClasses, name: 'seed002' });
}
