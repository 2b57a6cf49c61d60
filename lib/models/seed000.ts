/**
 * Seed-000: Conv1D → Conv1D → MaxPool → BiLSTM → additive attention → Dense → Dropout → Dense softmax,
 * on [time, features] inputs (default 128 frames × 40 coefficients). Every hyperparameter is a
 * field of {@link Seed000Config}; the config is plain JSON so it can be saved with a run.
 */
import * as tf from '@tensorflow/tfjs';
import { AdditiveAttention } from './layers/attention';

export interface Seed000Config {
  conv1Filters: number;
  conv2Filters: number;
  kernelSize: number;
  poolSize: number;
  /** Units per direction of the bidirectional LSTM. */
  lstmUnits: number;
  attentionUnits: number;
  denseUnits: number;
  dropout: number;
  learningRate: number;
}

export const SEED000_DEFAULTS: Readonly<Seed000Config> = Object.freeze({
  conv1Filters: 64,
  conv2Filters: 128,
  kernelSize: 5,
  poolSize: 2,
  lstmUnits: 64,
  attentionUnits: 64,
  denseUnits: 64,
  dropout: 0.3,
  learningRate: 1e-3,
});

/**
 * Builds and compiles (Adam, categorical cross-entropy) seed-000 for inputs [time, features].
 * The LSTM uses a sigmoid recurrent activation (as PyTorch and Keras 2.x+ do), which the engine's
 * fused LSTM kernel computes.
 */
export function buildSeed000(
  config: Partial<Seed000Config> = {},
  inputShape: [number, number] = [128, 40],
  nClasses = 7,
): tf.LayersModel {
  const c: Seed000Config = { ...SEED000_DEFAULTS, ...config };
  const input = tf.input({ shape: inputShape });
  let x = tf.layers
    .conv1d({ filters: c.conv1Filters, kernelSize: c.kernelSize, padding: 'same', activation: 'relu' })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .conv1d({ filters: c.conv2Filters, kernelSize: c.kernelSize, padding: 'same', activation: 'relu' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling1d({ poolSize: c.poolSize }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .bidirectional({
      layer: tf.layers.lstm({ units: c.lstmUnits, returnSequences: true, recurrentActivation: 'sigmoid' }),
      mergeMode: 'concat',
    })
    .apply(x) as tf.SymbolicTensor;
  x = new AdditiveAttention({ units: c.attentionUnits }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: c.denseUnits, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: c.dropout }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: nClasses, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'seed000' });
  model.compile({ optimizer: tf.train.adam(c.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
