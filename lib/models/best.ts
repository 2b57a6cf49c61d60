/**
 * `best`: the zoo's speaker-independent candidate — Conv1D blocks with BatchNorm over a z-scored log-mel
 * spectrogram (mel bands as channels), additive attention pooling over time, Dense, softmax; trained with
 * SpecAugment masks (lib/train) and, as a separately reported protocol, per-speaker feature normalisation.
 * 2-D convolutions were not used: the fast engine runs 1-D convs only, and 2-D ones train on stock kernels.
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
  attention: true,
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
