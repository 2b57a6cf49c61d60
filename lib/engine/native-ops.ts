/**
 * The native addon's elementwise training ops (native/engine.c, last section): the Dropout mask, Gaussian
 * noise, the Adam update and ReLU, on Float32Array views of the backend's memory, on the calling thread.
 */
import { getRuntime, loadNativeAddon } from './runtime';

export interface NativeTrainingOps {
  /** out[i] = bits24(seed, i) < threshold ? 0 : src[i] · scale (noise.ts's applyMask, bit for bit). */
  dropoutMask(src: Float32Array, out: Float32Array, seed: number, threshold: number, scale: number): void;
  /** out = src + stddev · N(0, 1) from noise.ts's hashes (Box–Muller in float32). */
  gaussianNoise(src: Float32Array, out: Float32Array, seed: number, stddev: number): void;
  /** One Adam step; k = [β1, 1 − β1, β2, 1 − β2, 1 − β1ᵗ, 1 − β2ᵗ, ε, −lr] (adam.ts). */
  adamUpdate(
    x: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    xOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    k: Float32Array,
  ): void;
  /** out = x where x > 0 or NaN, else +0 (the stock Relu kernel, bit for bit). */
  reluForward(x: Float32Array, out: Float32Array): void;
  /** out = dy · step(x) (tfjs's ReLU gradient, bit for bit). */
  reluGrad(dy: Float32Array, x: Float32Array, out: Float32Array): void;
}

const OPS: (keyof NativeTrainingOps)[] = [
  'dropoutMask',
  'gaussianNoise',
  'adamUpdate',
  'reluForward',
  'reluGrad',
];

let cached: { path: string; ops: NativeTrainingOps | null } | undefined;

/**
 * The addon's training ops while the native kernels are in use (`setNativeKernelsEnabled`,
 * SER_NATIVE_KERNELS), else null (an addon built before these ops existed also gives null).
 */
export function nativeTrainingOps(): NativeTrainingOps | null {
  const rt = getRuntime();
  if (!rt?.useNative || rt.nativePath === null) return null;
  if (cached?.path !== rt.nativePath) {
    const addon = loadNativeAddon(rt.nativePath) as unknown as Partial<NativeTrainingOps>;
    const complete = OPS.every((op) => typeof addon[op] === 'function');
    cached = { path: rt.nativePath, ops: complete ? (addon as NativeTrainingOps) : null };
  }
  return cached.ops;
}
