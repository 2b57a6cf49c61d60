/**
 * MaxPool forward and gradient (NHWC; tfjs-layers MaxPooling1D is height 1) on the engine's C kernels, split by
 * example over the threads. The forward runs only natively on the wasm backend's heap (the stock kernel is fast;
 * a copy in and out would cost more than it saves). The gradient sends each dy to the first maximum of its
 * window in row-major order, as tfjs's own kernels do; the stock wasm kernel does per-element index math and
 * the JS loop it replaced was a tenth of a 2-D CNN's step.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory, type KernelMemory } from './io';
import type { WasmRuntime } from './runtime';

/** Batch and the C kernels' geometry arguments (H, W, C, Ho, Wo, KH, KW, sh, sw, top, left); null if dilated. */
function poolGeometry(
  inputShape: number[],
  attrs: tf.NamedAttrMap,
): { batch: number; outShape: number[]; dims: number[] } | null {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolAttrs;
  const info = tf.backend_util.computePool2DInfo(
    inputShape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  if (info.dilationWidth !== 1 || info.dilationHeight !== 1) return null;
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, inChannels: C } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: KH, effectiveFilterWidth: KW } = info;
  const { top, left } = info.padInfo;
  return { batch: B, outShape: [B, Ho, Wo, C], dims: [H, W, C, Ho, Wo, KH, KW, sh, sw, top, left] };
}

/** Runs f on a kernel memory of rt, releasing its scratch afterwards. */
function withMemory<T>(rt: WasmRuntime, backend: tf.KernelBackend, f: (mem: KernelMemory) => T): T {
  const mem = kernelMemory(rt, backend);
  try {
    return f(mem);
  } finally {
    mem.release();
  }
}

/** y of a max pool on the backend's heap; null elsewhere, for dilated pools and non-float input. */
export function maxPool(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const g = x.dtype === 'float32' && x.shape.length === 4 ? poolGeometry(x.shape, attrs) : null;
  if (!g) return null;
  return withMemory(rt, backend, (mem) => {
    if (!mem.inPlace) return null;
    const px = mem.input(x);
    const y = mem.output(g.outShape);
    mem.parallel('maxpool_forward', g.batch, (b0, b1) => [b0, b1, ...g.dims, px, y]);
    return mem.result(y);
  });
}

/** dx of a max pool; null for dilated pools and non-float input (the stock kernel runs). */
export function maxPoolGrad(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  dy: tf.TensorInfo,
  input: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const g = poolGeometry(input.shape, attrs);
  if (!g) return null;
  return withMemory(rt, backend, (mem) => {
    const x = mem.input(input);
    const pdy = mem.input(dy);
    const dx = mem.output(input.shape);
    mem.parallel('maxpool_grad', g.batch, (b0, b1) => [b0, b1, ...g.dims, x, pdy, dx]);
    return mem.result(dx);
  });
}
