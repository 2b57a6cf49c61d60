/**
 * Seed-001: 4 × (Conv1D → MaxPool1D → Dropout) → Flatten → Dense (+ Dropout) → Dense softmax on a
 * log-mel spectrogram laid out [time, mel bands]: default 87 frames (2 s at 22050 Hz, hop 512) ×
 * 128 mel bands, the bands being the conv channels (PyTorch's Conv1d sees [batch, 128, 87]).
 */
import * as tf from '@tensorflow/tfjs';

export interface Seed001Config {
  /** Filters of the four conv blocks. */
  convFilters: [number, number, number, number];
  kernelSize: number;
  poolSize: number;
  convDropout: number;
  denseUnits: number;
  denseDropout: number;
  learningRate: number;
}

export const SEED001_DEFAULTS: Readonly<Seed001Config> = Object.freeze({
  convFilters: [64, 128, 128, 128] as [number, number, number, number],
  kernelSize: 5,
  poolSize: 2,
  convDropout: 0.25,
  denseUnits: 256,
  denseDropout: 0.5,
  learningRate: 1e-3,
});

/** Builds and compiles (Adam, categorical cross-entropy) seed-001 for inputs [time, mel bands]. */
export function buildSeed001(
  config: Partial<Seed001Config> = {},
  inputShape: [number, number] = [87, 128],
  nClasses = 7,
): tf.LayersModel {
  const c: Seed001Config = { ...SEED001_DEFAULTS, ...config };
  const input = tf.input({ shape: inputShape });
  let x: tf.SymbolicTensor = input;
  for (const filters of c.convFilters) {
    x = tf.layers
      .conv1d({ filters, kernelSize: c.kernelSize, padding: 'same', activation: 'relu' })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling1d({ poolSize: c.poolSize }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dropout({ rate: c.convDropout }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: c.denseUnits, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: c.denseDropout }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: nClasses, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'seed001' });
  model.compile({ optimizer: tf.train.adam(c.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
