import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { dropoutTrain, engineInfo, gaussianNoiseTrain, setNativeNoiseEnabled } from '../../lib/engine';
import { nativeTrainingOps } from '../../lib/engine/native-ops';
import {
  assertClose,
  countingCalls,
  onBackend,
  randomArray,
  setUpEngine,
  tidyValues,
  withFastKernels,
} from './helpers';

/** Runs f with Math.random replaced by a seeded stream; returns f's result and how many draws it took. */
function withSeededRandom<T>(seed: number, f: () => T): { result: T; draws: number } {
  const saved = Math.random;
  const stream = randomArray(1000, seed);
  let draws = 0;
  Math.random = () => (stream[draws++ % stream.length] + 1) / 2;
  try {
    return { result: f(), draws };
  } finally {
    Math.random = saved;
  }
}

/** f's result with the native addon's loops (on) or the JS loops (off), restoring the addon afterwards. */
function withNative<T>(on: boolean, f: () => T): T {
  setNativeNoiseEnabled(on);
  try {
    return f();
  } finally {
    setNativeNoiseEnabled(true);
  }
}

const NO_ADDON = 'native addon not built or this CPU lacks AVX2/FMA: only the JS loops run here';

/** x with no zero element, so a zero output marks a dropped element. */
const nonZero = (n: number, seed: number): Float32Array =>
  randomArray(n, seed).map((v) => v + (v < 0 ? -0.1 : 0.1));

/** Output of a Dropout / GaussianNoise layer called in training (or inference) on x. */
function callLayer(layer: tf.layers.Layer, x: Float32Array, shape: number[], training = true): Float32Array {
  return tf.tidy(
    () => (layer.apply(tf.tensor(x, shape), { training }) as tf.Tensor).dataSync() as Float32Array,
  );
}

describe('engine Dropout and GaussianNoise (training)', () => {
  before(setUpEngine);

  const shape = [16, 40, 32, 8];
  const n = shape.reduce((a, b) => a * b, 1);
  const x = nonZero(n, 7);

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`keeps each element with probability 1 − rate and scales it as tf.dropout does (${backend})`, async () => {
      const rate = 0.3;
      const layer = tf.layers.dropout({ rate });
      const y = await onBackend(backend, () => withSeededRandom(1, () => callLayer(layer, x, shape)).result);
      const mask = y.map((v) => (v === 0 ? 0 : 1));
      const dropped = 1 - mask.reduce((a, b) => a + b, 0) / n;
      // Binomial standard deviation √(rate (1 − rate) / n) ≈ 0.0009: 0.005 is over five of them.
      assert.ok(Math.abs(dropped - rate) < 0.005, `dropped fraction ${dropped}`);
      // The stock formula x · mask / (1 − rate) with the engine's mask, bit for bit.
      const stock = withFastKernels(false, () =>
        tf.tidy(() => tf.mul(tf.tensor(x, shape), tf.div(tf.tensor(mask, shape), 1 - rate)).dataSync()),
      );
      assertClose(y, stock, 0, 'dropout output');
    });
  }

  it('draws one Math.random per call, as stock tfjs does, and repeats its mask for the same draws', () => {
    const layer = tf.layers.dropout({ rate: 0.5 });
    const engine = withSeededRandom(3, () => callLayer(layer, x, shape));
    const again = withSeededRandom(3, () => callLayer(layer, x, shape));
    const other = withSeededRandom(4, () => callLayer(layer, x, shape));
    const stock = withFastKernels(false, () => withSeededRandom(3, () => callLayer(layer, x, shape)));
    assert.equal(engine.draws, 1);
    assert.equal(stock.draws, engine.draws);
    assert.deepEqual(again.result, engine.result);
    assert.notDeepEqual(other.result, engine.result);
  });

  it('passes inputs through unchanged at inference', () => {
    assert.deepEqual(callLayer(tf.layers.dropout({ rate: 0.4 }), x, shape, false), x);
    assert.deepEqual(callLayer(tf.layers.gaussianNoise({ stddev: 0.4 }), x, shape, false), x);
  });

  it('leaves seeded layers and SpatialDropout1D to tfjs-layers (same output as stock)', () => {
    const seeded = tf.layers.dropout({ rate: 0.3, seed: 11 });
    const fast = callLayer(seeded, x, shape);
    const stock = withFastKernels(false, () => callLayer(seeded, x, shape));
    assert.deepEqual(fast, stock);
    const spatial = tf.layers.spatialDropout1d({ rate: 0.5 });
    const seq = [64, 20, 32];
    const y = withSeededRandom(5, () => callLayer(spatial, x.subarray(0, 64 * 20 * 32), seq)).result;
    const yStock = withFastKernels(false, () =>
      withSeededRandom(5, () => callLayer(spatial, x.subarray(0, 64 * 20 * 32), seq)),
    ).result;
    assert.deepEqual(y, yStock);
  });

  it("has dropout's gradient: dy where kept, scaled by 1 / (1 − rate), matching finite differences", () => {
    const rate = 0.25;
    const small = [4, 30, 6];
    const m = 4 * 30 * 6;
    const xs = nonZero(m, 21);
    const r = randomArray(m, 22);
    const loss = (a: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(dropoutTrain(a, rate, 12345), tf.tensor(r, small)));
    const [dx, y] = tf.tidy(() => {
      const t = tf.tensor(xs, small);
      return [tf.grad(loss)(t).dataSync(), dropoutTrain(t, rate, 12345).dataSync()];
    });
    const scale = 1 / (1 - rate);
    assertClose(
      dx,
      r.map((v, i) => (y[i] === 0 ? 0 : v * scale)),
      1e-6,
      'dx',
    );
    // Central differences in float32 steps of h at a few elements (the op is linear in x).
    const h = 0.01;
    for (const i of [0, 17, 100, m - 1]) {
      const at = (d: number): number =>
        tf.tidy(() => {
          const a = xs.slice();
          a[i] += d;
          return loss(tf.tensor(a, small)).dataSync()[0];
        });
      const fd = (at(h) - at(-h)) / (2 * h);
      assert.ok(Math.abs(fd - dx[i]) <= 1e-3 * (1 + Math.abs(dx[i])), `element ${i}: ${fd} vs ${dx[i]}`);
    }
  });

  // Activation-sized: best-cnn2d's first block, [32, 43, 32, 16]; 7 more elements exercise the tails.
  const act = randomArray(32 * 43 * 32 * 16 + 7, 41).map((v) => Math.max(0, v) * 3);
  const actShape = [act.length];

  it('native Dropout masks equal the JS loop bit for bit on an activation-sized tensor (and its gradient)', (t) => {
    if (!engineInfo().native) return t.skip(NO_ADDON);
    const run = (): Float32Array[] =>
      tidyValues(() => {
        const a = tf.tensor(act, actShape);
        const dy = tf.tensor(
          act.map((v, i) => v - (i % 5)),
          actShape,
        );
        const y = dropoutTrain(a, 0.1, 2024);
        const dx = tf.grad((z: tf.Tensor) => dropoutTrain(z, 0.5, 2025))(a, dy);
        return [y, dx];
      });
    const ops = nativeTrainingOps();
    assert.ok(ops);
    const native = countingCalls(ops, 'dropoutMask', () => withNative(true, run));
    const js = countingCalls(ops, 'dropoutMask', () => withNative(false, run));
    // y, then the gradient's forward and backward.
    assert.deepEqual([native.calls, js.calls], [3, 0]);
    assert.deepEqual(native.result[0], js.result[0]);
    assert.deepEqual(native.result[1], js.result[1]);
    assert.ok(
      native.result[0].some((v) => v !== 0) && native.result[0].some((v, i) => v === 0 && act[i] !== 0),
    );
  });

  it('native GaussianNoise is within 1e-5 of the JS loop (float32 polynomials vs double Math)', (t) => {
    if (!engineInfo().native) return t.skip(NO_ADDON);
    for (const stddev of [0.05, 1]) {
      const run = (): Float32Array =>
        tidyValues(() => [gaussianNoiseTrain(tf.tensor(act, actShape), stddev, 99)])[0];
      const ops = nativeTrainingOps();
      assert.ok(ops);
      const { result: native, calls } = countingCalls(ops, 'gaussianNoise', () => withNative(true, run));
      assert.equal(calls, 1);
      const js = withNative(false, run);
      // |error| ≤ 1e-5 · (1 + |js|): the noise itself reaches 5.7 · stddev, rounded to float32 in both.
      assertClose(native, js, 1e-5, `noise (stddev ${stddev})`);
      assert.notDeepEqual(native, act);
    }
  });

  for (const native of [true, false])
    it(`adds zero-mean noise of the layer stddev and passes the gradient through (${native ? 'native' : 'JS'} loop)`, (t) => {
      if (native && !engineInfo().native) return t.skip(NO_ADDON);
      withNative(native, () => checkGaussianNoise());
    });

  function checkGaussianNoise(): void {
    const stddev = 0.5;
    const noise = withSeededRandom(9, () =>
      callLayer(tf.layers.gaussianNoise({ stddev }), x, shape),
    ).result.map((v, i) => v - x[i]);
    let sum = 0;
    let sq = 0;
    let within = 0;
    for (const v of noise) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) <= stddev) within++;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    assert.ok(Math.abs(mean) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(sd - stddev) < 0.005, `stddev ${sd}`);
    // A normal distribution has 68.27 % of its mass within one standard deviation.
    assert.ok(Math.abs(within / n - 0.6827) < 0.005, `within one stddev: ${within / n}`);
    const r = randomArray(n, 3);
    const dx = tf.tidy(() =>
      tf
        .grad((a: tf.Tensor) => tf.sum(tf.mul(gaussianNoiseTrain(a, stddev, 77), tf.tensor(r, shape))))(
          tf.tensor(x, shape),
        )
        .dataSync(),
    );
    assert.deepEqual(dx, r);
  }
});
