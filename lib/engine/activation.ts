/**
 * Tanh on the engine's SIMD exp: the stock wasm kernel calls libm's tanh per element (additive attention's
 * scores: ~2 ms of a seed-000 predict). The gradient stays stock (TanhGrad reads the output).
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './io';
import { ELEMENTWISE_MIN_PER_THREAD, type WasmRuntime } from './runtime';

/** tanh(x) for float32 x (null otherwise: the stock kernel runs); within 4e-7 relative of libm (a few float32 ulps). */
export function tanhFloat32(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
): tf.TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  const n = tf.util.sizeFromShape(x.shape);
  const mem = kernelMemory(rt, backend);
  try {
    const py = mem.output(x.shape);
    const px = mem.input(x);
    mem.parallel('tanh_range', n, (i0, i1) => [i0, i1, px, py], ELEMENTWISE_MIN_PER_THREAD);
    return mem.result(py);
  } finally {
    mem.release();
  }
}
