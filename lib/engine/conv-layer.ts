/**
 * tfjs-layers Conv1D with a ReLU or linear activation as one FusedConv2D (bias and activation in the conv's
 * output pass), as tfjs-layers already runs Conv2D. Its own Conv1D path runs conv1d, then a bias Add, then the
 * activation: two more passes over the output forward and more ops to record and differentiate. The arithmetic is
 * the same (conv, then + bias in float32, then max(0, ·)), and so is the gradient (tfjs-core's fused conv2d
 * gradient). Causal padding, dilation, channels-first and other activations keep tfjs-layers' path.
 */
import * as tf from '@tensorflow/tfjs';

interface Conv1DLike {
  activation: { getClassName(): string };
  padding: string;
  dataFormat: string;
  strides: number[];
  dilationRate: number[];
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
}

type LayerCall = (
  this: Conv1DLike,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs?: Record<string, unknown>,
) => unknown;

let installed: { proto: { call?: LayerCall }; hadOwn: boolean; original: LayerCall } | undefined;

/** Routes Conv1D.call through tf.fused.conv2d whenever enabled() is true. Idempotent. */
export function installFusedConv1d(enabled: () => boolean): void {
  if (installed) return;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.Conv1D;
  if (!entry) throw new Error('engine: tfjs-layers Conv1D class not registered');
  const proto = (entry[0] as unknown as { prototype: { call: LayerCall } }).prototype;
  const hadOwn = Object.prototype.hasOwnProperty.call(proto, 'call');
  const original = proto.call;
  proto.call = function fusedConv1dCall(this: Conv1DLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    const activation = this.activation.getClassName();
    const plain =
      x !== null &&
      x.rank === 3 &&
      x.dtype === 'float32' &&
      (activation === 'relu' || activation === 'linear') &&
      (this.padding === 'same' || this.padding === 'valid') &&
      this.dataFormat === 'channelsLast' &&
      this.dilationRate.every((d) => d === 1);
    if (!plain || !enabled()) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const y = tf.fused.conv2d({
        x: tf.expandDims(x as tf.Tensor3D, 1) as tf.Tensor4D,
        filter: tf.expandDims(this.kernel.read(), 0) as tf.Tensor4D,
        strides: [1, this.strides[0]],
        pad: this.padding as 'same' | 'valid',
        dataFormat: 'NHWC',
        bias: this.bias?.read(),
        activation: activation as 'relu' | 'linear',
      });
      return tf.squeeze(y, [1]);
    });
  };
  installed = { proto, hadOwn, original };
}

/** Restores tfjs-layers' own Conv1D.call. */
export function uninstallFusedConv1d(): void {
  if (!installed) return;
  if (installed.hadOwn) installed.proto.call = installed.original;
  else delete installed.proto.call;
  installed = undefined;
}
