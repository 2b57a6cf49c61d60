/**
 * tfjs's AdamOptimizer.applyGradients with one native call per variable (native-ops.ts) instead of ~12
 * tfjs ops per variable. Same float32 arithmetic, operation for operation (m, v, the bias corrections
 * from accBeta1 / accBeta2, ε added after the square root, −lr), and the same optimizer state: the m / v
 * variables, accBeta1 / accBeta2 and the iteration count, so getWeights / setWeights, serialisation and
 * switching between this route and the stock one mid-training keep working. New values go into freshly
 * allocated tensors that the variables are assigned (never written in place: clones may share the data).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { readFloats } from './io';
import { nativeTrainingOps, type NativeTrainingOps } from './native-ops';

/** The AdamOptimizer fields applyGradients uses (protected / private in tfjs-core's typings). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];
type ApplyGradients = (this: AdamState, variableGradients: Gradients) => void;

const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
let original: ApplyGradients | null = null;
let routeOn = true;

/** Turns the native route off (tfjs's own update) or on without reinstalling (tests, benches A/B). */
export function setFusedAdamEnabled(on: boolean): void {
  routeOn = on;
}

function gradientList(g: Gradients): { name: string; tensor: tf.Tensor | undefined }[] {
  return Array.isArray(g) ? g : Object.keys(g).map((name) => ({ name, tensor: g[name] }));
}

/** A new backend tensor of t's shape (data written afterwards through its heap view). */
function freshLike(backend: BackendWasm, t: tf.Tensor): tf.TensorInfo {
  return backend.makeOutput(t.shape, 'float32');
}

function fusedApply(this: AdamState, native: NativeTrainingOps, variableGradients: Gradients): void {
  const backend = tf.backend() as BackendWasm;
  const grads = gradientList(variableGradients);
  const acc1 = this.accBeta1.dataSync()[0];
  const acc2 = this.accBeta2.dataSync()[0];
  // Float32Array rounds each constant as tfjs's scalar operands are rounded; 1 − accβ is a float32 sub.
  const k = new Float32Array([
    this.beta1,
    1 - this.beta1,
    this.beta2,
    1 - this.beta2,
    1 - acc1,
    1 - acc2,
    this.epsilon,
    -this.learningRate,
  ]);
  tf.tidy(() => {
    grads.forEach(({ name, tensor: gradient }, i) => {
      const value = tf.engine().registeredVariables[name];
      if (this.accumulatedFirstMoment[i] == null)
        this.accumulatedFirstMoment[i] = {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      if (this.accumulatedSecondMoment[i] == null)
        this.accumulatedSecondMoment[i] = {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      if (gradient == null) return;
      const m = this.accumulatedFirstMoment[i].variable;
      const v = this.accumulatedSecondMoment[i].variable;
      // Allocate first: growing the heap detaches views taken before.
      const outs = [freshLike(backend, value), freshLike(backend, m), freshLike(backend, v)];
      const [xo, mo, vo] = outs.map((o) => backend.typedArrayFromHeap(o) as Float32Array);
      const [x, g, mi, vi] = [value, gradient, m, v].map((t) => readFloats(backend, t));
      native.adamUpdate(x, g, mi, vi, xo, mo, vo, k);
      const [xt, mt, vt] = outs.map((o) => tf.engine().makeTensorFromTensorInfo(o, backend));
      m.assign(mt);
      v.assign(vt);
      value.assign(xt);
    });
    this.accBeta1.assign(tf.scalar(Math.fround(acc1 * Math.fround(this.beta1))));
    this.accBeta2.assign(tf.scalar(Math.fround(acc2 * Math.fround(this.beta2))));
  });
  this.incrementIterations();
}

/** Whether every gradient and its variable are float32 (the native update's only type). */
function allFloat32(grads: Gradients): boolean {
  return gradientList(grads).every(
    ({ name, tensor }) =>
      (tensor == null || tensor.dtype === 'float32') &&
      tf.engine().registeredVariables[name]?.dtype === 'float32',
  );
}

/**
 * Routes AdamOptimizer.applyGradients through the native update whenever enabled() is true, the backend
 * is wasm and the native addon is in use; otherwise tfjs's own runs. Idempotent.
 */
export function installFusedAdam(enabled: () => boolean): void {
  if (original) return;
  const stock = prototype.applyGradients;
  original = stock;
  prototype.applyGradients = function fusedAdamApplyGradients(variableGradients) {
    const native = routeOn && enabled() && tf.getBackend() === 'wasm' ? nativeTrainingOps() : null;
    if (!native || !allFloat32(variableGradients)) return stock.call(this, variableGradients);
    fusedApply.call(this, native, variableGradients);
  };
}

/** Restores tfjs's own AdamOptimizer.applyGradients. */
export function uninstallFusedAdam(): void {
  if (!original) return;
  prototype.applyGradients = original;
  original = null;
}
