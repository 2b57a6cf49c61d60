import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { onBackend, randomArray, setUpEngine, withFastKernels } from './helpers';

/** Values over tanh's whole range: both branches (|x| below and above 0.625), tiny and huge magnitudes. */
function sampleInputs(): Float32Array {
  const wide = randomArray(70_000, 21).map((v) => v * 12); // over two threads' worth of elements
  const small = randomArray(4_000, 22).map((v) => v * 0.7);
  const special = [0, -0, 1e-30, -1e-7, 0.625, -0.625, 0.62499, 9, -9, 50, -50, 100, Infinity, -Infinity];
  return Float32Array.from([...wide, ...small, ...special]);
}

describe('engine Tanh kernel', () => {
  before(setUpEngine);

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`agrees with the stock ${backend} Tanh to 4e-7 relative (a few float32 ulps), keeps signs and saturates at ±1`, async () => {
      const values = sampleInputs();
      const run = (): Float32Array => tf.tidy(() => tf.tanh(tf.tensor1d(values)).dataSync() as Float32Array);
      const [fast, stock] = await onBackend(backend, () => [run(), withFastKernels(false, run)]);
      for (let i = 0; i < values.length; i++) {
        const err = Math.abs(fast[i] - stock[i]);
        assert.ok(
          err <= 4e-7 * Math.abs(stock[i]) || err <= 1e-45,
          `tanh(${values[i]}) = ${fast[i]}, stock ${stock[i]}`,
        );
        assert.equal(Math.sign(fast[i]), Math.sign(stock[i]), `sign of tanh(${values[i]})`);
      }
      assert.equal(fast[values.length - 2], 1);
      assert.equal(fast[values.length - 1], -1);
      const nan = await onBackend(backend, () => tf.tidy(() => tf.tanh(tf.tensor1d([NaN])).dataSync()[0]));
      assert.ok(Number.isNaN(nan));
    });
  }

  it('gives the stock gradient through a tanh of a matrix product', () => {
    const x = tf.tensor2d(randomArray(96 * 16, 23), [96, 16]);
    const w = tf.tensor2d(randomArray(16 * 8, 24), [16, 8]);
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
          tf.sum(tf.tanh(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)));
        return tf
          .grads(f)([x, w])
          .map((g) => g.dataSync() as Float32Array);
      });
    const fast = run();
    const stock = withFastKernels(false, run);
    fast.forEach((g, k) => {
      for (let i = 0; i < g.length; i++)
        assert.ok(Math.abs(g[i] - stock[k][i]) <= 1e-5 * (1 + Math.abs(stock[k][i])), `grad ${k}[${i}]`);
    });
    tf.dispose([x, w]);
  });
});
