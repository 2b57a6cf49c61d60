/**
 * A multilayer perceptron on per-clip feature vectors: the thin-slice model, and a baseline beside the
 * sequence models of the zoo. Every hyperparameter is a field so tuning can set it.
 */
import * as tf from '@tensorflow/tfjs';

export interface MlpConfig {
  kind: 'mlp';
  /** Units of each hidden Dense ReLU layer. Default [128, 64]. */
  hidden: number[];
  /** Dropout after each hidden layer. Default 0.3. */
  dropout: number;
  /** L2 weight decay on hidden kernels. Default 1e-4. */
  l2: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate: number;
}

export const DEFAULT_MLP: MlpConfig = { kind: 'mlp', hidden: [128, 64], dropout: 0.3, l2: 1e-4, learningRate: 1e-3 };

/** Build and compile the MLP for `inputDim` features and `nClasses` classes; `seed` fixes its initial weights. */
export function buildMlp(config: MlpConfig, inputDim: number, nClasses: number, seed: number): tf.LayersModel {
  const model = tf.sequential();
  config.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        inputShape: i === 0 ? [inputDim] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        kernelRegularizer: config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined,
      }),
    );
    if (config.dropout > 0) model.add(tf.layers.dropout({ rate: config.dropout, seed: seed + 100 + i }));
  });
  model.add(
    tf.layers.dense({
      units: nClasses,
      activation: 'softmax',
      inputShape: config.hidden.length === 0 ? [inputDim] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 999 }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
