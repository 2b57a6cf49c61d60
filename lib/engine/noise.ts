/**
 * Training-time Dropout and GaussianNoise (tfjs-layers) as one op each, reading and writing the backend's
 * tensors in place. tfjs draws their random numbers element by element through seeded `alea` streams in JS
 * and then runs four or five elementwise ops (and as many in the gradient); here each element's random
 * number is a hash of (seed, element index), so the forward and the gradient are one loop each and the
 * gradient recomputes the Dropout mask instead of keeping it. The seed is one `Math.random()` draw per call,
 * as tfjs's own draw is, so runs that seed `Math.random` (lib/train) stay deterministic; the masks and
 * noise differ from stock tfjs's for the same seed. Layers with their own `seed`, a `noiseShape`, or
 * non-float32 inputs keep tfjs-layers' path. With the native addon the loops run in C (native-ops.ts): the
 * Dropout mask bit for bit as here, the Gaussian noise within float32 rounding of this file's.
 */
import * as tf from '@tensorflow/tfjs';
import { mapFloats } from './io';
import { nativeTrainingOps, type NativeTrainingOps } from './native-ops';

let nativeOn = true;

/** Runs the JS loops (off) or the native addon's (on, when loaded) for Dropout and GaussianNoise: A/B tests. */
export function setNativeNoiseEnabled(on: boolean): void {
  nativeOn = on;
}

/** The addon's loops when loaded, in use and not turned off here. */
const nativeNoise = (): NativeTrainingOps | null => (nativeOn ? nativeTrainingOps() : null);

/** 32-bit avalanche hash of (seed, i) (murmur3's finalizer over a Weyl step), as a signed int32. */
function hash32(seed: number, i: number): number {
  let h = (seed + Math.imul(i, 0x9e3779b1)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** 24 uniform random bits for (seed, i): small integers keep the loops in V8's integer fast path. */
function bits24(seed: number, i: number): number {
  return hash32(seed, i) >>> 8;
}

const TWO_24 = 0x1000000;

/** A 32-bit seed from one Math.random() draw. */
function drawSeed(): number {
  return Math.floor(Math.random() * 0x100000000) | 0;
}

/** The drop threshold on bits24: element i is dropped when bits24(seed, i) < threshold (P = rate). */
function dropThreshold(rate: number): number {
  return Math.min(TWO_24, Math.round(rate * TWO_24));
}

/** out[i] = src[i] · scale where element i is kept, 0 where dropped. */
function applyMask(
  src: Float32Array,
  out: Float32Array,
  seed: number,
  threshold: number,
  scale: number,
): void {
  for (let i = 0; i < src.length; i++) out[i] = bits24(seed, i) < threshold ? 0 : src[i] * scale;
}

/** A new tensor of x's shape from fill(x's values, output values), written in the backend's memory. */
function mapTensor(x: tf.Tensor, fill: (src: Float32Array, out: Float32Array) => void): tf.Tensor {
  const backend = tf.backend();
  return tf.engine().makeTensorFromTensorInfo(mapFloats(backend, x, fill), backend);
}

/**
 * Dropout in training: x · mask / (1 − rate) with mask 0 for a fraction `rate` of the elements, as
 * tf.dropout computes it (the same float32 scale 1 / (1 − rate)); differentiable in x. seed picks the mask.
 */
export function dropoutTrain(x: tf.Tensor, rate: number, seed: number = drawSeed()): tf.Tensor {
  const threshold = dropThreshold(rate);
  const scale = Math.fround(1 / Math.fround(1 - rate));
  const native = nativeNoise();
  const mask = native
    ? (src: Float32Array, out: Float32Array) => native.dropoutMask(src, out, seed, threshold, scale)
    : (src: Float32Array, out: Float32Array) => applyMask(src, out, seed, threshold, scale);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const value = mapTensor(args[0] as tf.Tensor, mask);
    return { value, gradFunc: (dy: tf.Tensor): tf.Tensor => mapTensor(dy, mask) };
  });
  return op(x);
}

/** Standard normal deviates for elements 2j and 2j + 1 of a seeded stream (Box–Muller on two hashes). */
function fillGaussian(src: Float32Array, out: Float32Array, seed: number, stddev: number): void {
  const seed2 = (seed ^ 0x5bd1e995) | 0;
  const n = src.length;
  for (let i = 0; i < n; i += 2) {
    // u1 in (0, 1]: log never sees 0.
    const u1 = (bits24(seed, i) + 1) / TWO_24;
    const angle = (2 * Math.PI * bits24(seed2, i)) / TWO_24;
    const r = stddev * Math.sqrt(-2 * Math.log(u1));
    out[i] = src[i] + r * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = src[i + 1] + r * Math.sin(angle);
  }
}

/** GaussianNoise in training: x + N(0, stddev²) noise per element; the gradient passes dy through. */
export function gaussianNoiseTrain(x: tf.Tensor, stddev: number, seed: number = drawSeed()): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as tf.Tensor;
    const native = nativeNoise();
    const value = mapTensor(xs, (src, out) =>
      native ? native.gaussianNoise(src, out, seed, stddev) : fillGaussian(src, out, seed, stddev),
    );
    return { value, gradFunc: (dy: tf.Tensor) => tf.clone(dy) };
  });
  return op(x);
}

type LayerCall<T> = (this: T, inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>) => unknown;

interface DropoutLike {
  rate: number;
  seed?: number;
  getNoiseShape(x: tf.Tensor): number[] | null | undefined;
}

interface GaussianNoiseLike {
  stddev: number;
}

/** Functions restoring the layers' own call methods. */
const restore: (() => void)[] = [];

function layerPrototype<T>(className: string): { call: LayerCall<T> } {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`engine: tfjs-layers ${className} class not registered`);
  return (entry[0] as unknown as { prototype: { call: LayerCall<T> } }).prototype;
}

/** The single float32 input of a training call, or null when the layer's own path must run. */
function trainingInput(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor | null {
  if (kwargs?.training !== true) return null;
  if (Array.isArray(inputs) && inputs.length !== 1) return null;
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  return x.dtype === 'float32' ? x : null;
}

/**
 * Routes tfjs-layers' Dropout (without a noise shape, so not SpatialDropout1D) and GaussianNoise calls in
 * training through {@link dropoutTrain} and {@link gaussianNoiseTrain} whenever enabled() is true.
 * Inference keeps the layers' own path (the identity). Idempotent.
 */
export function installFusedNoise(enabled: () => boolean): void {
  if (restore.length > 0) return;
  const dropout = layerPrototype<DropoutLike>('Dropout');
  const originalDropout = dropout.call;
  dropout.call = function fusedDropoutCall(inputs, kwargs) {
    const x = trainingInput(inputs, kwargs);
    const plain = this.seed == null && this.rate > 0 && this.rate < 1;
    if (!x || !plain || this.getNoiseShape(x) != null || !enabled())
      return originalDropout.call(this, inputs, kwargs);
    return tf.tidy(() => dropoutTrain(x, this.rate));
  };
  restore.push(() => (dropout.call = originalDropout));
  const noise = layerPrototype<GaussianNoiseLike>('GaussianNoise');
  const originalNoise = noise.call;
  noise.call = function fusedGaussianNoiseCall(inputs, kwargs) {
    const x = trainingInput(inputs, kwargs);
    if (!x || !enabled()) return originalNoise.call(this, inputs, kwargs);
    return tf.tidy(() => gaussianNoiseTrain(x, this.stddev));
  };
  restore.push(() => (noise.call = originalNoise));
}

/** Restores tfjs-layers' own Dropout.call and GaussianNoise.call. */
export function uninstallFusedNoise(): void {
  for (const f of restore) f();
  restore.length = 0;
}
