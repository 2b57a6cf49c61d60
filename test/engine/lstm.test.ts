import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { getRuntime, lstmSequence } from '../../lib/engine';
import { assertClose, randomArray, setUpEngine, withFastKernels } from './helpers';

const [B, T, D, H] = [3, 6, 5, 8];
const G = 4 * H;

interface Order {
  reverse: boolean;
  lastOnly: boolean;
}

/**
 * Float64 LSTM (Keras layout, sigmoid/tanh, zero state), stepping backwards in time when reverse; h in the
 * input's time order. Returns Σ r ⊙ h over the sequence (over the final state only when lastOnly), and h.
 */
function referenceLoss(
  x: Float64Array,
  W: Float64Array,
  U: Float64Array,
  b: Float64Array,
  r: Float64Array,
  { reverse, lastOnly }: Order,
) {
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const h = new Float64Array(B * T * H);
  let loss = 0;
  for (let n = 0; n < B; n++) {
    const hPrev = new Float64Array(H);
    const cPrev = new Float64Array(H);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const z = Float64Array.from(b);
      for (let j = 0; j < G; j++) {
        for (let d = 0; d < D; d++) z[j] += x[(n * T + t) * D + d] * W[d * G + j];
        for (let k = 0; k < H; k++) z[j] += hPrev[k] * U[k * G + j];
      }
      for (let j = 0; j < H; j++) {
        const c = sig(z[H + j]) * cPrev[j] + sig(z[j]) * Math.tanh(z[2 * H + j]);
        const hj = sig(z[3 * H + j]) * Math.tanh(c);
        cPrev[j] = c;
        h[(n * T + t) * H + j] = hj;
        if (!lastOnly) loss += r[(n * T + t) * H + j] * hj;
        else if (s === T - 1) loss += r[n * H + j] * hj;
      }
      hPrev.set(h.subarray((n * T + t) * H, (n * T + t + 1) * H));
    }
  }
  return { loss, h };
}

/** Names of the tfjs kernels f runs. */
async function kernelNames(f: () => tf.Tensor): Promise<string[]> {
  return (await tf.profile(f)).kernels.map((k) => k.name);
}

describe('engine fused LSTM (forward + backward through time)', () => {
  before(setUpEngine);

  const orders: Order[] = [
    { reverse: false, lastOnly: false },
    { reverse: true, lastOnly: false },
    { reverse: false, lastOnly: true },
    { reverse: true, lastOnly: true },
  ];
  for (const order of orders) {
    it(`matches a float64 reference and its finite-difference gradients to 1e-4 (${JSON.stringify(order)})`, () => {
      const rt = getRuntime();
      assert.ok(rt);
      const data = {
        x: randomArray(B * T * D, 1),
        W: randomArray(D * G, 2).map((v) => v * 0.5),
        U: randomArray(H * G, 3).map((v) => v * 0.5),
        b: randomArray(G, 4),
      };
      const r = Float64Array.from(randomArray(order.lastOnly ? B * H : B * T * H, 5));
      const shapes = { x: [B, T, D], W: [D, G], U: [H, G], b: [G] };
      const [h, grads] = tf.tidy(() => {
        const ts = [
          tf.tensor(data.x, shapes.x),
          tf.tensor(data.W, shapes.W),
          tf.tensor(data.U, shapes.U),
          tf.tensor(data.b, shapes.b),
        ];
        const f = (x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor): tf.Tensor =>
          lstmSequence(rt, x as tf.Tensor3D, W as tf.Tensor2D, U as tf.Tensor2D, b as tf.Tensor1D, order);
        const gs = tf.grads((x, W, U, b) =>
          tf.sum(tf.mul(f(x, W, U, b), tf.tensor(Float32Array.from(r), order.lastOnly ? [B, H] : [B, T, H]))),
        )(ts);
        return [f(ts[0], ts[1], ts[2], ts[3]).dataSync(), gs.map((g) => g.dataSync())];
      });
      const f64 = {
        x: Float64Array.from(data.x),
        W: Float64Array.from(data.W),
        U: Float64Array.from(data.U),
        b: Float64Array.from(data.b),
      };
      const hRef = referenceLoss(f64.x, f64.W, f64.U, f64.b, r, order).h;
      const tLast = order.reverse ? 0 : T - 1;
      const hExpected = order.lastOnly
        ? Float64Array.from({ length: B * H }, (_, i) => hRef[(Math.floor(i / H) * T + tLast) * H + (i % H)])
        : hRef;
      assertClose(h, hExpected, 1e-4, 'h');
      const eps = 1e-5;
      (['x', 'W', 'U', 'b'] as const).forEach((key, which) => {
        const arr = f64[key];
        const picks = [0, 1, Math.floor(arr.length / 3), Math.floor(arr.length / 2) + 1, arr.length - 1];
        for (const i of picks) {
          const keep = arr[i];
          arr[i] = keep + eps;
          const lp = referenceLoss(f64.x, f64.W, f64.U, f64.b, r, order).loss;
          arr[i] = keep - eps;
          const lm = referenceLoss(f64.x, f64.W, f64.U, f64.b, r, order).loss;
          arr[i] = keep;
          assertClose([grads[which][i]], [(lp - lm) / (2 * eps)], 1e-4, `d${key}[${i}]`);
        }
      });
    });
  }

  const layerCases: { what: string; make: (returnSequences: boolean) => tf.layers.Layer; weights: number }[] =
    [
      {
        what: 'Bidirectional(LSTM), concat',
        make: (returnSequences) =>
          tf.layers.bidirectional({
            layer: tf.layers.lstm({ units: H, returnSequences, recurrentActivation: 'sigmoid' }),
          }),
        weights: 6,
      },
      {
        what: 'Bidirectional(LSTM), sum',
        make: (returnSequences) =>
          tf.layers.bidirectional({
            layer: tf.layers.lstm({ units: H, returnSequences, recurrentActivation: 'sigmoid' }),
            mergeMode: 'sum',
          }),
        weights: 6,
      },
      {
        what: 'LSTM with goBackwards',
        make: (returnSequences) =>
          tf.layers.lstm({ units: H, returnSequences, goBackwards: true, recurrentActivation: 'sigmoid' }),
        weights: 3,
      },
    ];
  for (const { what, make, weights: nWeights } of layerCases) {
    for (const returnSequences of [true, false]) {
      it(`${what} layer agrees with stock tfjs-layers in outputs and gradients (returnSequences ${returnSequences})`, () => {
        const layer = make(returnSequences);
        const x = tf.tensor3d(randomArray(B * T * D, 9), [B, T, D]);
        layer.apply(x); // build
        const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const run = (): Float32Array[] =>
          tf.tidy(() => {
            const y = layer.apply(x) as tf.Tensor;
            const r = tf.tensor(randomArray(y.size, 10), y.shape);
            const loss = (): tf.Scalar => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r));
            const { grads } = tf.variableGrads(loss, weights);
            const dx = tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(layer.apply(xs) as tf.Tensor, r)))(x);
            return [y, dx, ...weights.map((w) => grads[w.name])].map((t) => t.dataSync() as Float32Array);
          });
        const stock = withFastKernels(false, run);
        const fast = withFastKernels(true, run);
        assert.equal(fast.length, 2 + nWeights);
        fast.forEach((a, i) =>
          assertClose(a, stock[i], 1e-4, i === 0 ? 'y' : i === 1 ? 'dx' : `d${weights[i - 2].name}`),
        );
        tf.dispose(x);
        layer.dispose();
      });
    }
  }

  it('weight gradients over more rows than one GEMM call takes (B·T = 320) agree with stock tfjs-layers', () => {
    const layer = tf.layers.bidirectional({
      layer: tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid' }),
    });
    const x = tf.tensor3d(randomArray(4 * 80 * D, 11), [4, 80, D]);
    layer.apply(x);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const r = tf.tensor3d(randomArray(4 * 80 * 2 * H, 12), [4, 80, 2 * H]);
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)), weights);
        return weights.map((w) => grads[w.name].dataSync() as Float32Array);
      });
    const stock = withFastKernels(false, run);
    run().forEach((g, i) => assertClose(g, stock[i], 1e-4, `d${weights[i].name}`));
    tf.dispose([x, r]);
    layer.dispose();
  });

  it('runs Bidirectional(LSTM) without reversing in time or concatenating, and takes the final states without a slice', async () => {
    const x = tf.tensor3d(randomArray(B * T * D, 4), [B, T, D]);
    for (const returnSequences of [true, false]) {
      const layer = tf.layers.bidirectional({
        layer: tf.layers.lstm({ units: H, returnSequences, recurrentActivation: 'sigmoid' }),
      });
      layer.apply(x);
      const fast = await kernelNames(() => layer.apply(x) as tf.Tensor);
      const stock = await withFastKernels(false, () => kernelNames(() => layer.apply(x) as tf.Tensor));
      assert.ok(!fast.includes('Reverse'), `fused route ran ${fast.join(', ')}`);
      assert.ok(!fast.includes('Slice'), `fused route ran ${fast.join(', ')}`);
      assert.ok(!fast.includes('Concat'), `fused route ran ${fast.join(', ')}`);
      assert.ok(stock.includes('Reverse'), 'stock tfjs-layers reverses the input of the backward LSTM');
      layer.dispose();
    }
    tf.dispose(x);
  });

  it('runs the whole sequence as a few kernels, and leaves other LSTM configurations to tfjs', async () => {
    const x = tf.tensor3d(randomArray(2 * 32 * 4, 3), [2, 32, 4]);
    const kernelsOf = async (layer: tf.layers.Layer): Promise<number> =>
      (await tf.profile(() => layer.apply(x) as tf.Tensor)).kernels.length;
    const fused = tf.layers.lstm({ units: 8, recurrentActivation: 'sigmoid' });
    const hard = tf.layers.lstm({ units: 8 }); // default hardSigmoid: not what the kernel computes
    fused.apply(x);
    hard.apply(x);
    const fusedKernels = await kernelsOf(fused);
    assert.ok(fusedKernels < 10, `fused LSTM ran ${fusedKernels} kernels`);
    assert.ok((await kernelsOf(hard)) > 32, 'hardSigmoid LSTM must run stock, step by step');
    const stock = withFastKernels(false, () => (hard.apply(x) as tf.Tensor).dataSync());
    // Equal to a few float32 ulps: its tanh runs on the engine's Tanh kernel instead of libm's.
    assertClose((hard.apply(x) as tf.Tensor).dataSync(), stock, 1e-6, 'hardSigmoid LSTM output');
    tf.dispose(x);
  });
});
