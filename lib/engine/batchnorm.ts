/**
 * BatchNorm over the leading axes of channels-last activations (tfjs-layers BatchNormalization with axis -1,
 * after Conv1D / Conv2D / Dense) on the engine's C kernels:
 * - FusedBatchNorm (inference, and the training forward) as one pass y = x·scale + shift;
 * - training as one differentiable op: batch statistics (float64 sums), the gradient in two passes
 *   (per-channel sums, then dx), every pass split over the threads, where tfjs-layers builds it from moments,
 *   tiles, means and elementwise ops (about 40 tfjs ops per layer; a third of a 2-D CNN's step).
 * BatchNormalization.call is routed here while the engine is active, as the LSTM is (lstm.ts): models stay
 * ordinary tfjs-layers models.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory, readFloats, rowSums } from './io';
import { rowsPerThread, type WasmRuntime } from './runtime';

/** Whether t (absent counts) holds one float per channel: shape [C] or [1, …, 1, C]. */
function perChannel(t: tf.TensorInfo | undefined, C: number): boolean {
  if (!t) return true;
  return t.dtype === 'float32' && t.shape[t.shape.length - 1] === C && tf.util.sizeFromShape(t.shape) === C;
}

/** Per channel [scale…, shift…] with y = x·scale + shift ≡ gamma·(x − mean)/√(variance + eps) + beta. */
function scaleShift(
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  eps: number,
): Float32Array {
  const C = mean.length;
  const out = new Float32Array(2 * C);
  for (let c = 0; c < C; c++) {
    const s = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + eps);
    out[c] = s;
    out[C + c] = (beta ? beta[c] : 0) - mean[c] * s;
  }
  return out;
}

/** The FusedBatchNorm kernel when every parameter is per last-axis channel; null otherwise. */
export function fusedBatchNorm(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const { x, mean, variance, offset, scale } = inputs;
  const eps = (attrs as unknown as tf.FusedBatchNormAttrs).varianceEpsilon;
  if (x.dtype !== 'float32' || x.shape.length < 2) return null;
  const C = x.shape[x.shape.length - 1];
  if (![mean, variance, offset, scale].every((t) => perChannel(t, C)) || !mean || !variance) return null;
  const gamma = scale ? readFloats(backend, scale) : null;
  const beta = offset ? readFloats(backend, offset) : null;
  const ss = scaleShift(readFloats(backend, mean), readFloats(backend, variance), gamma, beta, eps);
  const mem = kernelMemory(rt, backend);
  try {
    const px = mem.input(x);
    const pss = mem.put(ss);
    const rows = tf.util.sizeFromShape(x.shape) / C;
    const y = mem.output(x.shape);
    mem.parallel('bn_apply', rows, (r0, r1) => [r0, r1, C, px, pss, y], rowsPerThread(C));
    return mem.result(y);
  } finally {
    mem.release();
  }
}

/**
 * Training-mode BatchNorm over all but the last axis: returns y = gamma · (x − mean) / √(variance + eps) + beta
 * with mean and (biased) variance x's own batch statistics, and those statistics (for the moving averages).
 * y is differentiable in x, gamma and beta, the gradient including the statistics' dependence on x. The
 * statistics and y come from one upload of x.
 */
export function batchNormTrain(
  rt: WasmRuntime,
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const C = x.shape[x.rank - 1];
  const rows = x.size / C;
  const backend = tf.backend();
  const mem = kernelMemory(rt, backend);
  let normalized: tf.Tensor;
  let mean: tf.Tensor1D;
  let variance: tf.Tensor1D;
  try {
    const px = mem.input(x);
    const sum = rowSums(rt, mem, 'bn_row_sums', rows, C, C, (r0, r1, out) => [r0, r1, C, px, 0, out]);
    const m = mem.output([C]);
    mem.view(m, C).set(Float32Array.from(sum, (s) => s / rows));
    const squares = rowSums(rt, mem, 'bn_row_sums', rows, C, C, (r0, r1, out) => [r0, r1, C, px, m, out]);
    const v = mem.output([C]);
    mem.view(v, C).set(Float32Array.from(squares, (s) => s / rows));
    const ss = mem.put(
      scaleShift(mem.view(m, C), mem.view(v, C), readFloats(backend, gamma), readFloats(backend, beta), eps),
    );
    const py = mem.output(x.shape);
    mem.parallel('bn_apply', rows, (r0, r1) => [r0, r1, C, px, ss, py], rowsPerThread(C));
    normalized = mem.resultTensor(py);
    mean = mem.resultTensor<tf.Rank.R1>(m);
    variance = mem.resultTensor<tf.Rank.R1>(v);
  } finally {
    mem.release();
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    save([xs, g, mean, variance]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sg, sm, sv] = saved;
      const gm = kernelMemory(rt, tf.backend());
      try {
        const pxs = gm.input(sx);
        const pdy = gm.input(dy);
        const pm = gm.input(sm);
        const pv = gm.input(sv);
        const pg = gm.input(sg);
        const sums = gm.putTyped(
          rowSums(rt, gm, 'bn_grad_row_sums', rows, C, 2 * C, (r0, r1, out) => [
            r0,
            r1,
            C,
            pxs,
            pdy,
            pm,
            out,
          ]),
        );
        const dgamma = gm.output([C]);
        const dbeta = gm.output([C]);
        const coef = gm.alloc(3 * C);
        gm.call('bn_grad_coef', rows, C, pm, pv, pg, eps, sums, dgamma, dbeta, coef);
        const dx = gm.output(sx.shape);
        gm.parallel('bn_grad_apply', rows, (r0, r1) => [r0, r1, C, pxs, pdy, coef, dx], rowsPerThread(C));
        return [gm.resultTensor(dx), gm.resultTensor(dgamma), gm.resultTensor(dbeta)];
      } finally {
        gm.release();
      }
    };
    // The value was computed above with the statistics; Identity only adds a reference to it.
    return { value: tf.clone(normalized), gradFunc };
  });
  const y = op(x, gamma, beta);
  normalized.dispose();
  return { y, mean, variance };
}

/** The parts of tfjs-layers' BatchNormalization that decide whether the fused path applies. */
interface BatchNormLayerLike {
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor } | null;
  beta: { read(): tf.Tensor } | null;
  movingMean: { read(): tf.Tensor; write(t: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(t: tf.Tensor): void };
}

type LayerCall = (
  this: BatchNormLayerLike,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs?: Record<string, unknown>,
) => unknown;

let installed: { original: LayerCall; proto: { call: LayerCall } } | undefined;

/**
 * Routes tfjs-layers' BatchNormalization.call in training through {@link batchNormTrain} whenever
 * runtimeFor() returns a runtime and the layer normalizes the last axis with both gamma and beta; the
 * moving statistics are updated exactly as tfjs-layers does. Inference keeps tfjs-layers' path (its
 * FusedBatchNorm kernel is the engine's). Idempotent.
 */
export function installFusedBatchNorm(runtimeFor: () => WasmRuntime | null): void {
  if (installed) return;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
  if (!entry) throw new Error('engine: tfjs-layers BatchNormalization class not registered');
  const proto = (entry[0] as unknown as { prototype: { call: LayerCall } }).prototype;
  const original = proto.call;
  proto.call = function fusedBatchNormCall(this: BatchNormLayerLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rt = runtimeFor();
    const training = kwargs?.training === true;
    const lastAxis = this.axis === -1 || this.axis === x.rank - 1;
    if (
      !rt ||
      !training ||
      (Array.isArray(inputs) && inputs.length !== 1) ||
      x.dtype !== 'float32' ||
      x.rank < 2 ||
      !lastAxis ||
      !this.gamma ||
      !this.beta
    ) {
      return original.call(this, inputs, kwargs);
    }
    const gamma = this.gamma;
    const beta = this.beta;
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTrain(
        rt,
        x,
        gamma.read() as tf.Tensor1D,
        beta.read() as tf.Tensor1D,
        this.epsilon,
      );
      // tfjs-layers' moving averages: v ← v − (v − batch value) · (1 − momentum).
      for (const [variable, value] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const orig = variable.read();
          variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - this.momentum)));
        });
      }
      return y;
    });
  };
  installed = { original, proto };
}

/** Restores tfjs-layers' own BatchNormalization.call. */
export function uninstallFusedBatchNorm(): void {
  if (!installed) return;
  installed.proto.call = installed.original;
  installed = undefined;
}
