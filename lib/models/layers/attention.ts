/**
 * Additive (Bahdanau-style) attention pooling over time: score_t = v · tanh(W h_t + b),
 * alpha = softmax_t(score), output = Σ_t alpha_t h_t. Input [batch, time, features] → [batch, features].
 * A serialisable tfjs layer (registered as 'SerAdditiveAttention'), so models using it save and load
 * in Node and in the browser once this module is imported.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdditiveAttentionConfig {
  /** Width of the hidden scoring layer (W: features → units). */
  units: number;
  name?: string;
  trainable?: boolean;
}

export class AdditiveAttention extends tf.layers.Layer {
  static readonly className = 'SerAdditiveAttention';
  readonly units: number;
  private scoreKernel: tf.LayerVariable | null = null;
  private scoreBias: tf.LayerVariable | null = null;
  private scoreVector: tf.LayerVariable | null = null;

  constructor(config: AdditiveAttentionConfig) {
    super(config);
    if (!Number.isInteger(config.units) || config.units <= 0) throw new Error('AdditiveAttention: units must be a positive integer');
    this.units = config.units;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 3) throw new Error(`AdditiveAttention expects [batch, time, features], got ${JSON.stringify(shape)}`);
    const features = shape[2] as number;
    this.scoreKernel = this.addWeight('kernel', [features, this.units], 'float32', tf.initializers.glorotUniform({}));
    this.scoreBias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.scoreVector = this.addWeight('score', [this.units, 1], 'float32', tf.initializers.glorotUniform({}));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], shape[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [batch, time, features] = x.shape;
      const W = (this.scoreKernel as tf.LayerVariable).read() as tf.Tensor2D;
      const b = (this.scoreBias as tf.LayerVariable).read();
      const v = (this.scoreVector as tf.LayerVariable).read() as tf.Tensor2D;
      const hidden = tf.tanh(tf.add(tf.matMul(tf.reshape(x, [batch * time, features]), W), b));
      const alpha = tf.softmax(tf.reshape(tf.matMul(hidden as tf.Tensor2D, v), [batch, time]));
      // Σ_t alpha_t h_t as one batched [1, time]·[time, features] product: its gradient is two products too,
      // where a broadcast multiply and a sum over time cost a transpose, a reduction and their gradients.
      return tf.reshape(tf.matMul(tf.reshape(alpha, [batch, 1, time]), x), [batch, features]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(AdditiveAttention);
