/**
 * `best-cnn`: Conv1D blocks with BatchNorm over a z-scored log-mel spectrogram (mel bands as channels), global
 * average pooling (or additive attention), Dense, softmax; trained with SpecAugment masks and balanced class
 * weights. The 2-D CNN route is `best-cnn2d` (lib/models/cnn2d.ts).
 *
 * The zoo's `best` is not this network but an RBF SVM (C 10) on per-clip statistics with prosody, weighted ×2
 * in the kernel, and speed-perturbed training voices (lib/models/zoo.ts): it won every speaker-independent
 * protocol measured. The studies and ablations behind these choices are in docs/experiments.md.
 */
import * as tf from '@tensorflow/tfjs';
import { AdditiveAttention } from './layers/attention';
import { classifierHead, convBlock } from './seed002';

export interface BestConfig {
  /** Filters of each conv block. Default [64, 128, 128]. */
  convFilters: number[];
  /** Default 5. */
  kernelSize: number;
  /** Default 2. */
  poolSize: number;
  /** Default 0.2. */
  convDropout: number;
  /** Attention pooling instead of global average pooling. Default true. */
  attention: boolean;
  /** Default 64. */
  attentionUnits: number;
  /** Default 128. */
  denseUnits: number;
  /** Default 0.4. */
  denseDropout: number;
  /** Default 1e-3. */
  learningRate: number;
}

export const BEST_DEFAULTS: Readonly<BestConfig> = Object.freeze({
  convFilters: [64, 128, 128],
  kernelSize: 5,
  poolSize: 2,
  convDropout: 0.2,
  attention: false,
  attentionUnits: 64,
  denseUnits: 128,
  denseDropout: 0.4,
  learningRate: 1e-3,
});

/** Build and compile `best` for inputs [time, mel bands]. */
export function buildBest(config: Partial<BestConfig> = {}, inputShape: [number, number] = [87, 128], nClasses = 7): tf.LayersModel {
  const c: BestConfig = { ...BEST_DEFAULTS, ...config };
  const input = tf.input({ shape: inputShape });
  let x: tf.SymbolicTensor = input;
  for (const filters of c.convFilters) x = convBlock(x, filters, c.kernelSize, c.poolSize, c.convDropout);
  x = (c.attention ? new AdditiveAttention({ units: c.attentionUnits }) : tf.layers.globalAveragePooling1d()).apply(
    x,
  ) as tf.SymbolicTensor;
  return classifierHead(input, x, { ...c, nClasses, name: 'best' });
}
