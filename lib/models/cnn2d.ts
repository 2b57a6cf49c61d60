/**
 * `best-cnn2d`: a 2-D CNN on a z-scored log-mel spectrogram, the published route to speaker-independent TESS
 * (a 2-D CNN on log-mel with SpecAugment and noise: 77.2 % OAF → YAF). The input [time, mel bands] is one
 * image channel; blocks of Conv2D (k × k, no bias) → BatchNorm → ReLU → MaxPool (p × p) → Dropout; then either
 * global average pooling over time and frequency, or frequency averaging followed by additive attention over
 * time; Dense → Dropout → softmax. Gaussian noise on the z-scored input (training only) is the model's part of
 * the augmentation; SpecAugment masks come from the fit loop (zoo training config). Trains on the engine's
 * 2-D convolutions (lib/engine).
 */
import * as tf from '@tensorflow/tfjs';
import { AdditiveAttention } from './layers/attention';
import { classifierHead } from './seed002';

export interface Cnn2dConfig {
  /** Filters of each conv block. Default [16, 32, 64, 64]. */
  convFilters: number[];
  /** Square kernel side. Default 3. */
  kernelSize: number;
  /** Square max-pool side after each block (time and frequency). Default 2. */
  poolSize: number;
  /** Default 0.1. */
  convDropout: number;
  /**
   * Momentum of BatchNorm's moving statistics (used at inference). Default 0.9 (PyTorch's 0.1): with Keras's
   * 0.99 they lag hundreds of steps behind on a 40-step TESS epoch, so early validation predicts one class and
   * early stopping restores an epoch-1 model.
   */
  batchNormMomentum: number;
  /** 'average': global average over time and frequency; 'attention': mean over frequency, attention over time. */
  pooling: 'average' | 'attention';
  /** Default 64. */
  attentionUnits: number;
  /** Standard deviation of Gaussian noise added to the z-scored input while training (0: none). Default 0.1. */
  inputNoise: number;
  /** Default 64. */
  denseUnits: number;
  /** Default 0.4. */
  denseDropout: number;
  /** Default 1e-3. */
  learningRate: number;
}

export const CNN2D_DEFAULTS: Readonly<Cnn2dConfig> = Object.freeze({
  convFilters: [16, 32, 64, 64],
  kernelSize: 3,
  poolSize: 2,
  convDropout: 0.1,
  batchNormMomentum: 0.9,
  pooling: 'average',
  attentionUnits: 64,
  inputNoise: 0.1,
  denseUnits: 64,
  denseDropout: 0.4,
  learningRate: 1e-3,
});

function conv2dBlock(x: tf.SymbolicTensor, filters: number, c: Cnn2dConfig): tf.SymbolicTensor {
  let y = tf.layers
    .conv2d({ filters, kernelSize: c.kernelSize, padding: 'same', useBias: false })
    .apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ momentum: c.batchNormMomentum }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU().apply(y) as tf.SymbolicTensor;
  const [height, width] = y.shape.slice(1, 3) as number[];
  // Pool only along axes still long enough, so deep stacks on short inputs stay valid.
  const pool: [number, number] = [height >= c.poolSize ? c.poolSize : 1, width >= c.poolSize ? c.poolSize : 1];
  if (pool[0] * pool[1] > 1) y = tf.layers.maxPooling2d({ poolSize: pool }).apply(y) as tf.SymbolicTensor;
  if (c.convDropout > 0) y = tf.layers.dropout({ rate: c.convDropout }).apply(y) as tf.SymbolicTensor;
  return y;
}

/** Build and compile `best-cnn2d` for inputs [time, mel bands]. */
export function buildCnn2d(
  config: Partial<Cnn2dConfig> = {},
  inputShape: [number, number] = [87, 64],
  nClasses = 7,
): tf.LayersModel {
  const c: Cnn2dConfig = { ...CNN2D_DEFAULTS, ...config };
  const input = tf.input({ shape: inputShape });
  let x = tf.layers.reshape({ targetShape: [...inputShape, 1] }).apply(input) as tf.SymbolicTensor;
  if (c.inputNoise > 0) x = tf.layers.gaussianNoise({ stddev: c.inputNoise }).apply(x) as tf.SymbolicTensor;
  for (const filters of c.convFilters) x = conv2dBlock(x, filters, c);
  if (c.pooling === 'attention') {
    const [time, bands, channels] = x.shape.slice(1) as number[];
    x = tf.layers.averagePooling2d({ poolSize: [1, bands] }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reshape({ targetShape: [time, channels] }).apply(x) as tf.SymbolicTensor;
    x = new AdditiveAttention({ units: c.attentionUnits }).apply(x) as tf.SymbolicTensor;
  } else {
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  }
  return classifierHead(input, x, { ...c, nClasses, name: 'best-cnn2d' });
}
