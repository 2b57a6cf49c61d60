/**
 * MaxPool gradient (NHWC; tfjs-layers MaxPooling1D is height 1) on the engine's C kernel, split by example
 * over the threads: each dy goes to the first maximum of its window in row-major order, as tfjs's own
 * kernels do. The stock wasm kernel does per-element index math and the JS loop it replaced was a tenth of
 * a 2-D CNN's step.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './io';
import type { WasmRuntime } from './runtime';

/** dx of a max pool; null for dilated pools and non-float input (the stock kernel runs). */
export function maxPoolGrad(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  dy: tf.TensorInfo,
  input: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  if (info.dilationWidth !== 1 || info.dilationHeight !== 1) return null;
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, inChannels: C } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: KH, effectiveFilterWidth: KW } = info;
  const mem = kernelMemory(rt, backend);
  try {
    const x = mem.input(input);
    const g = mem.input(dy);
    const dx = mem.output(input.shape);
    const { top, left } = info.padInfo;
    mem.parallel('maxpool_grad', B, (b0, b1) => [
      b0,
      b1,
      H,
      W,
      C,
      Ho,
      Wo,
      KH,
      KW,
      sh,
      sw,
      top,
      left,
      x,
      g,
      dx,
    ]);
    return mem.result(dx);
  } finally {
    mem.release();
  }
}
