/**
 * ReLU on the native addon for the wasm backend: the `Relu` kernel (one AVX2 pass) and Relu's gradient as
 * one pass dy · step(x) instead of tfjs's Step, Cast and Multiply kernels. Bit for bit the stock results
 * (step is 1 for x > 0, NaN for NaN, else 0). Without the addon, on another backend or while the engine is
 * off, tfjs's own kernel and gradient run.
 */
import * as tf from '@tensorflow/tfjs';
import { isWasm, mapHeap } from './io';
import { nativeTrainingOps } from './native-ops';

let routeOn = true;

/** Turns the native ReLU forward and gradient off (stock kernels) or on: tests, benches A/B. */
export function setNativeReluEnabled(on: boolean): void {
  routeOn = on;
}

/** The Relu kernel for a float32 x on the wasm backend with the addon; null: the stock kernel runs. */
export function reluForward(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo | null {
  if (!routeOn || x.dtype !== 'float32' || !isWasm(backend)) return null;
  const native = nativeTrainingOps();
  if (!native) return null;
  return mapHeap(backend, x.shape, [x], (out, xs) => native.reluForward(xs, out));
}

let stockGradient: tf.GradConfig | null = null;

/** Replaces Relu's registered gradient by the one-pass native one while enabled() is true. Idempotent. */
export function installFusedReluGrad(enabled: () => boolean): void {
  if (stockGradient) return;
  const stock = tf.getGradient('Relu');
  stockGradient = stock;
  tf.unregisterGradient('Relu');
  tf.registerGradient({
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const backend = tf.backend();
      const one = Array.isArray(dy) ? null : dy;
      const fused = routeOn && one?.dtype === 'float32' && x.dtype === 'float32' && enabled();
      const native = fused && isWasm(backend) ? nativeTrainingOps() : null;
      if (!native || !one || !isWasm(backend)) return stock.gradFunc(dy, saved, attrs);
      return {
        x: () =>
          tf.engine().makeTensorFromTensorInfo(
            mapHeap(backend, x.shape, [one, x], (out, d, xs) => native.reluGrad(d, xs, out)),
            backend,
          ),
      };
    },
  });
}

/** Restores tfjs's own Relu gradient. */
export function uninstallFusedReluGrad(): void {
  if (!stockGradient) return;
  tf.unregisterGradient('Relu');
  tf.registerGradient(stockGradient);
  stockGradient = null;
}
