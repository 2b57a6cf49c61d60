import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { batchNormTrain, getRuntime } from '../../lib/engine';
import { assertClose, onBackend, randomArray, setUpEngine, withFastKernels } from './helpers';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const tensor = (shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor =>
  tf.tensor(
    randomArray(size(shape), seed).map((v) => v * scale + shift),
    shape,
  );

/** A BatchNormalization layer's training output, moving statistics and gradients of sum(y ⊙ r). */
function trainBatchNormLayer(shape: number[], seed: number): Float32Array[] {
  return tf.tidy(() => {
    const C = shape[shape.length - 1];
    const layer = tf.layers.batchNormalization({
      momentum: 0.9,
      gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed }),
      betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed + 1 }),
    });
    layer.build([null, ...shape.slice(1)]);
    // Channels with offsets and scales far from 0 and 1: the statistics matter.
    const x = tf.add(tf.mul(tensor(shape, seed + 2), tf.linspace(0.5, 3, C)), tf.linspace(-2, 4, C));
    const r = tensor(shape, seed + 3);
    const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = (a: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, r));
    const { value, grads } = tf.variableGrads(() => loss(x), [gamma, beta]);
    const dx = tf.grad(loss)(x);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    // Three training calls so far: the moving statistics moved three times.
    const [movingMean, movingVariance] = layer.nonTrainableWeights.map((w) => w.read());
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    return [
      y,
      dx,
      grads[gamma.name],
      grads[beta.name],
      movingMean,
      movingVariance,
      inference,
      value.reshape([1]),
    ].map((t) => t.dataSync() as Float32Array);
  });
}

const PARTS = ['y', 'dx', 'dgamma', 'dbeta', 'moving mean', 'moving variance', 'inference y', 'loss'];

/** float64 loss Σ r ⊙ BN(x) with the batch's own statistics (x [rows, C]), for finite differences. */
function referenceLoss(
  x: Float64Array,
  gamma: Float64Array,
  beta: Float64Array,
  r: Float32Array,
  eps: number,
): number {
  const C = gamma.length;
  const rows = x.length / C;
  let loss = 0;
  for (let c = 0; c < C; c++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += x[i * C + c];
    mean /= rows;
    let variance = 0;
    for (let i = 0; i < rows; i++) variance += (x[i * C + c] - mean) ** 2;
    variance /= rows;
    for (let i = 0; i < rows; i++)
      loss += r[i * C + c] * ((gamma[c] * (x[i * C + c] - mean)) / Math.sqrt(variance + eps) + beta[c]);
  }
  return loss;
}

describe('engine BatchNorm (fused training op, FusedBatchNorm), FusedConv2D with bias and ReLU', () => {
  before(setUpEngine);

  // The first is large enough to split over the threads (the others run on one).
  for (const shape of [
    [8, 32, 16, 16],
    [4, 6, 5, 16],
    [3, 7, 5, 9],
    [5, 11, 12],
    [6, 20],
  ]) {
    it(`BatchNormalization trains like stock tfjs-layers to 1e-4 on ${JSON.stringify(shape)}: output, gradients, moving statistics`, async () => {
      const stock = await onBackend('cpu', () => withFastKernels(false, () => trainBatchNormLayer(shape, 3)));
      const fastCpu = await onBackend('cpu', () =>
        withFastKernels(true, () => trainBatchNormLayer(shape, 3)),
      );
      const fastWasm = withFastKernels(true, () => trainBatchNormLayer(shape, 3));
      PARTS.forEach((part, i) => {
        assertClose(fastCpu[i], stock[i], 1e-4, `cpu ${part}`);
        assertClose(fastWasm[i], stock[i], 1e-4, `wasm ${part}`);
      });
    });
  }

  it('a BatchNormalization training step leaks no tensors (moving statistics replace their old values)', () => {
    const layer = tf.layers.batchNormalization({});
    layer.build([null, 5, 6, 8]);
    const x = tensor([4, 5, 6, 8], 9);
    const before = tf.memory().numTensors;
    const dx = tf.grad((a: tf.Tensor) => tf.sum(layer.apply(a, { training: true }) as tf.Tensor))(x);
    dx.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, ...layer.weights.map((w) => w.read())]);
  });

  it('the training op gradients match central finite differences of a float64 reference', () => {
    const rt = getRuntime();
    assert.ok(rt);
    const shape = [3, 4, 5, 6];
    const C = 6;
    const eps = 1e-3;
    const xData = randomArray(size(shape), 31).map((v, i) => v * (1 + (i % C)) + (i % C) - 2);
    const gData = randomArray(C, 32).map((v) => 1 + 0.5 * v);
    const bData = randomArray(C, 33);
    const r = randomArray(size(shape), 34);
    const [dx, dg, db] = tf.tidy(() => {
      const x = tf.tensor(xData, shape);
      const g = tf.tensor1d(gData);
      const b = tf.tensor1d(bData);
      const f = (a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Scalar => {
        const { y } = batchNormTrain(rt, a, gg as tf.Tensor1D, bb as tf.Tensor1D, eps);
        return tf.sum(tf.mul(y, tf.tensor(r, shape)));
      };
      return tf
        .grads(f)([x, g, b])
        .map((t) => t.dataSync() as Float32Array);
    });
    const x64 = Float64Array.from(xData);
    const g64 = Float64Array.from(gData);
    const b64 = Float64Array.from(bData);
    const h = 1e-4;
    const fd = (data: Float64Array, i: number): number => {
      const keep = data[i];
      data[i] = keep + h;
      const lp = referenceLoss(x64, g64, b64, r, eps);
      data[i] = keep - h;
      const lm = referenceLoss(x64, g64, b64, r, eps);
      data[i] = keep;
      return (lp - lm) / (2 * h);
    };
    for (const i of [0, 5, 17, 90, 200, xData.length - 1])
      assertClose([dx[i]], [fd(x64, i)], 1e-4, `dx[${i}]`);
    for (let c = 0; c < C; c++) {
      assertClose([dg[c]], [fd(g64, c)], 1e-4, `dgamma[${c}]`);
      assertClose([db[c]], [fd(b64, c)], 1e-4, `dbeta[${c}]`);
    }
  });

  it('FusedBatchNorm (inference) agrees with stock with and without offset and scale', () => {
    for (const withParams of [true, false]) {
      const run = (): Float32Array =>
        tf.tidy(() => {
          const x = tensor([2, 5, 7, 12], 41, 2, 1);
          const mean = tensor([12], 42);
          const variance = tf.abs(tensor([12], 43, 2, 0.5));
          const offset = withParams ? tensor([12], 44) : undefined;
          const scale = withParams ? tensor([12], 45, 1, 1) : undefined;
          return tf.batchNorm(x, mean, variance, offset, scale, 1e-3).dataSync() as Float32Array;
        });
      assertClose(
        withFastKernels(true, run),
        withFastKernels(false, run),
        1e-5,
        `offset and scale: ${withParams}`,
      );
    }
  });

  for (const activation of ['linear', 'relu'] as const) {
    for (const withBias of [true, false]) {
      it(`FusedConv2D (${activation}, ${withBias ? 'bias' : 'no bias'}) and its gradients agree with stock cpu to 1e-4`, async () => {
        const run = (): Float32Array[] =>
          tf.tidy(() => {
            const x = tensor([8, 24, 20, 5], 51) as tf.Tensor4D;
            const f = tensor([3, 3, 5, 12], 52) as tf.Tensor4D;
            const b = withBias ? tensor([12], 53) : undefined;
            const conv = (a: tf.Tensor, ff: tf.Tensor, bb?: tf.Tensor): tf.Tensor =>
              tf.fused.conv2d({
                x: a as tf.Tensor4D,
                filter: ff as tf.Tensor4D,
                strides: 1,
                pad: 'same',
                bias: bb,
                activation,
              });
            const r = tensor([8, 24, 20, 12], 54);
            const inputs = b ? [x, f, b] : [x, f];
            const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(conv(a[0], a[1], a[2]), r)))(inputs);
            return [conv(x, f, b), ...grads].map((t) => t.dataSync() as Float32Array);
          });
        const stock = await onBackend('cpu', () => withFastKernels(false, run));
        const fast = withFastKernels(true, run);
        stock.forEach((s, i) => assertClose(fast[i], s, 1e-4, `output ${i}`));
      });
    }
  }
});
