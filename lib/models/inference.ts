/**
 * A network's inference forward pass as a short list of steps, for models whose layers form one chain (every zoo
 * network): a convolution or Dense layer followed by BatchNormalization has the normalisation folded into its
 * weights (w·γ/√(σ²+ε), β − μ·γ/√(σ²+ε)), a following ReLU is fused into it (one FusedConv2D / _FusedMatMul
 * instead of three kernels), a max pool after a conv runs with it as one engine kernel where the engine runs
 * (lib/engine SerConvMaxPool: the conv output is pooled while in cache), Dropout and noise layers are skipped,
 * and every other layer runs its own `call`.
 * The same probabilities as `model.predict` to float rounding, without tfjs-layers' executor: on the engine the
 * per-layer bookkeeping costs about as much as the seed-002 network's BatchNorm, ReLU and pooling kernels
 * together.
 *
 * {@link predictTensor} keeps one plan per model and rebuilds it when any weight has been reassigned (training
 * steps and weight loading assign new tensors to the variables), so a plan never reads stale weights.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV_MAX_POOL } from '../engine/kernel-names';

type Activation = 'linear' | 'relu';

/** One step: a fused conv or dense with folded weights, or a layer's own call. */
type Step =
  | {
      kind: 'conv';
      rank: 1 | 2;
      filter: tf.Tensor4D;
      bias: tf.Tensor1D | null;
      strides: [number, number];
      pad: 'same' | 'valid';
      activation: Activation;
      /** A max pool that follows (window = stride, 'valid'): run with the conv as one kernel where the engine runs. */
      pool?: { size: [number, number]; layer: tf.layers.Layer };
    }
  | { kind: 'dense'; kernel: tf.Tensor2D; bias: tf.Tensor1D | null; activation: Activation }
  | { kind: 'layer'; layer: tf.layers.Layer };

/** Layers that are the identity at inference. */
const INFERENCE_IDENTITY = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

interface LayerConfig {
  activation?: string;
  padding?: string;
  strides?: number | number[];
  dilationRate?: number | number[];
  dataFormat?: string;
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  useBias?: boolean;
  poolSize?: number | number[];
}

const config = (layer: tf.layers.Layer): LayerConfig => layer.getConfig() as LayerConfig;
const pair = (v: number | number[] | undefined, rank: 1 | 2): [number, number] => {
  const a = Array.isArray(v) ? v : [v ?? 1];
  return rank === 1 ? [1, a[0]] : [a[0], a[1] ?? a[0]];
};

/** The layers of model in order when they form one chain (each fed by the one before), else null. */
function chain(model: tf.LayersModel): tf.layers.Layer[] | null {
  const layers = model.layers;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  for (let i = 1; i < layers.length; i++) {
    const nodes = layers[i].inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1 || nodes[0].inboundLayers[0] !== layers[i - 1])
      return null;
  }
  return layers.length > 0 && layers[0].getClassName() === 'InputLayer' ? layers.slice(1) : null;
}

/** Conv or Dense layer the plan can run fused: channels last, no dilation, ReLU or linear activation. */
function fusable(layer: tf.layers.Layer): { rank: 0 | 1 | 2; activation: Activation } | null {
  const name = layer.getClassName();
  const c = config(layer);
  const activation = c.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  if (name === 'Dense') return layer.getWeights()[0].rank === 2 ? { rank: 0, activation } : null;
  if (name !== 'Conv1D' && name !== 'Conv2D') return null;
  const rank = name === 'Conv1D' ? 1 : 2;
  const dilation = pair(c.dilationRate, rank);
  if (dilation[0] !== 1 || dilation[1] !== 1) return null;
  if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') return null;
  if (c.padding !== 'same' && c.padding !== 'valid') return null;
  return { rank, activation };
}

/** γ/√(σ²+ε) and β − μ·γ/√(σ²+ε) of a last-axis BatchNormalization, or null for another axis. */
function batchNormAffine(layer: tf.layers.Layer): [tf.Tensor1D, tf.Tensor1D] | null {
  const c = config(layer);
  const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
  const rank = (layer.input as tf.SymbolicTensor).shape.length;
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) return null;
  const w = layer.getWeights();
  let i = 0;
  const gamma = c.scale === false ? null : w[i++];
  const beta = c.center === false ? null : w[i++];
  const [mean, variance] = [w[i], w[i + 1]];
  const [scale, shift] = tf.tidy(() => {
    let s = tf.rsqrt(tf.add(variance, c.epsilon ?? 1e-3));
    if (gamma) s = tf.mul(s, gamma);
    let t = tf.neg(tf.mul(mean, s));
    if (beta) t = tf.add(t, beta);
    return [s, t];
  });
  return [scale as tf.Tensor1D, shift as tf.Tensor1D];
}

/** The plan's steps for a chain of layers (tensors it creates are kept: dispose with {@link disposeSteps}). */
function buildSteps(layers: tf.layers.Layer[]): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (INFERENCE_IDENTITY.has(layer.getClassName())) continue;
    const f = fusable(layer);
    if (!f) {
      steps.push({ kind: 'layer', layer });
      continue;
    }
    const [w, b] = layer.getWeights();
    let kernel = w;
    let bias: tf.Tensor | null = b ?? null;
    let activation = f.activation;
    const next = layers[i + 1];
    const affine = activation === 'linear' && next?.getClassName() === 'BatchNormalization' ? batchNormAffine(next) : null;
    if (affine) {
      const [scale, shift] = affine;
      [kernel, bias] = tf.tidy(() => [tf.mul(w, scale), bias ? tf.add(tf.mul(bias, scale), shift) : shift.clone()]);
      tf.dispose(affine);
      i++;
    } else {
      kernel = w.clone();
      bias = bias?.clone() ?? null;
    }
    const after = layers[i + 1];
    const reluAfter =
      after &&
      (after.getClassName() === 'ReLU' || (after.getClassName() === 'Activation' && config(after).activation === 'relu')) &&
      !(after.getConfig() as { maxValue?: number | null }).maxValue;
    if (activation === 'linear' && reluAfter) {
      activation = 'relu';
      i++;
    }
    if (f.rank === 0) {
      steps.push({ kind: 'dense', kernel: kernel as tf.Tensor2D, bias: bias as tf.Tensor1D | null, activation });
    } else {
      const c = config(layer);
      const filter = (f.rank === 1 ? tf.tidy(() => kernel.expandDims(0)) : kernel) as tf.Tensor4D;
      if (filter !== kernel) kernel.dispose();
      const poolSize = fusablePool(layers[i + 1], f.rank);
      const pool = poolSize ? { size: poolSize, layer: layers[++i] } : undefined;
      steps.push({
        kind: 'conv',
        rank: f.rank,
        filter,
        bias: bias as tf.Tensor1D | null,
        strides: pair(c.strides, f.rank),
        pad: c.padding as 'same' | 'valid',
        activation,
        pool,
      });
    }
  }
  return steps;
}

/** The tensors a plan's steps own (its folded weights). */
function stepTensors(steps: Step[]): tf.Tensor[] {
  return steps.flatMap((s) => {
    if (s.kind === 'layer') return [];
    const weights = s.kind === 'conv' ? s.filter : s.kernel;
    return s.bias ? [weights, s.bias] : [weights];
  });
}

/** [ph, pw] of a max pool the fused kernel runs (window = stride, 'valid', channels last) after a conv of rank. */
function fusablePool(layer: tf.layers.Layer | undefined, rank: 1 | 2): [number, number] | null {
  if (!layer || layer.getClassName() !== (rank === 1 ? 'MaxPooling1D' : 'MaxPooling2D')) return null;
  const c = config(layer);
  const size = pair(c.poolSize, rank);
  const strides = pair(c.strides ?? c.poolSize, rank);
  if (c.padding !== 'valid' || (c.dataFormat ?? 'channelsLast') !== 'channelsLast') return null;
  return size[0] === strides[0] && size[1] === strides[1] ? size : null;
}

function disposeSteps(steps: Step[]): void {
  tf.dispose(stepTensors(steps));
}

function runStep(s: Step, x: tf.Tensor): tf.Tensor {
  if (s.kind === 'layer') return s.layer.call(x, {}) as tf.Tensor;
  if (s.kind === 'dense') {
    const shape = x.shape;
    const x2 = shape.length === 2 ? (x as tf.Tensor2D) : x.reshape([-1, shape[shape.length - 1]]);
    const y = tf.fused.matMul({ a: x2 as tf.Tensor2D, b: s.kernel, bias: s.bias ?? undefined, activation: s.activation });
    return shape.length === 2 ? y : y.reshape([...shape.slice(0, -1), s.kernel.shape[1]]);
  }
  if (s.pool && tf.getKernel(CONV_MAX_POOL, tf.getBackend())) {
    const inputs: tf.NamedTensorMap = s.bias ? { x, filter: s.filter, bias: s.bias } : { x, filter: s.filter };
    const attrs = { strides: s.strides, pad: s.pad, activation: s.activation, pool: s.pool.size };
    return tf.engine().runKernel(CONV_MAX_POOL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  const x4 = (s.rank === 1 ? x.expandDims(1) : x) as tf.Tensor4D;
  const y4 = tf.fused.conv2d({
    x: x4,
    filter: s.filter,
    strides: s.strides,
    pad: s.pad,
    bias: s.bias ?? undefined,
    activation: s.activation,
  });
  const y = s.rank === 1 ? y4.squeeze([1]) : y4;
  return s.pool ? (s.pool.layer.call(y, {}) as tf.Tensor) : y;
}

/** A model's inference plan and the weight tensors it was built from. */
interface Plan {
  steps: Step[];
  built: readonly object[];
}

const plans = new WeakMap<tf.LayersModel, Plan | null>();

/** The tensor data behind each weight variable: it changes whenever a weight is assigned. */
const weightData = (model: tf.LayersModel): object[] => model.weights.map((w) => w.read().dataId);

function planFor(model: tf.LayersModel): Plan | null {
  const cached = plans.get(model);
  if (cached === null) return null;
  const data = weightData(model);
  if (cached && cached.built.length === data.length && cached.built.every((d, i) => d === data[i])) return cached;
  if (cached) disposeSteps(cached.steps);
  const layers = chain(model);
  if (!layers) {
    plans.set(model, null);
    return null;
  }
  if (!cached) {
    // The plan's folded weights are freed with the model.
    const dispose = model.dispose.bind(model);
    model.dispose = () => {
      const p = plans.get(model);
      if (p) disposeSteps(p.steps);
      plans.delete(model);
      return dispose();
    };
  }
  const plan: Plan = { steps: buildSteps(layers), built: data };
  // Kept: a plan built inside a caller's tf.tidy outlives it.
  for (const t of stepTensors(plan.steps)) tf.keep(t);
  plans.set(model, plan);
  return plan;
}

/**
 * The model's output for a batch x at inference (Dropout and noise off), through its inference plan when its
 * layers form one chain, else `model.predict`. The caller owns the result.
 */
export function predictTensor(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const plan = planFor(model);
  if (!plan) return model.predict(x) as tf.Tensor;
  return tf.tidy(() => plan.steps.reduce((y, s) => runStep(s, y), x));
}
