import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { engineInfo, setNativeReluEnabled } from '../../lib/engine';
import { nativeTrainingOps } from '../../lib/engine/native-ops';
import { randomArray, setUpEngine, spyCalls, tidyValues } from './helpers';

describe('engine ReLU (native forward and gradient)', () => {
  before(setUpEngine);

  it('equals the stock Relu, Step and Multiply kernels bit for bit, signed zeros and NaN included', (t) => {
    if (!engineInfo().native) return t.skip('native addon not built or this CPU lacks AVX2/FMA');
    // An activation of best-cnn2d's second block, [32, 43, 32, 16], plus 5 elements for the scalar tail.
    const n = 32 * 43 * 32 * 16 + 5;
    const x = randomArray(n, 5);
    const dy = randomArray(n, 6);
    [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40].forEach((v, k) => {
      x[1000 + k] = v;
      x[n - 1 - k] = v;
      dy[2000 + k] = v;
      x[2000 + k] = -0.5 + k * 0.25;
    });
    const run = (): Float32Array[] =>
      tidyValues(() => {
        const xs = tf.tensor1d(x);
        return [tf.relu(xs), tf.grad((a: tf.Tensor) => tf.relu(a))(xs, tf.tensor1d(dy))];
      });
    const ops = nativeTrainingOps();
    assert.ok(ops);
    const forward = spyCalls(ops, 'reluForward');
    const backward = spyCalls(ops, 'reluGrad');
    let native: Float32Array[];
    let stock: Float32Array[];
    try {
      native = run();
      assert.deepEqual([forward.count(), backward.count()], [2, 1]);
      setNativeReluEnabled(false);
      stock = run();
      assert.deepEqual([forward.count(), backward.count()], [2, 1]);
    } finally {
      setNativeReluEnabled(true);
      forward.restore();
      backward.restore();
    }
    // Object.is per element: deepEqual would treat +0 and -0 as equal.
    for (const k of [0, 1]) {
      const i = native[k].findIndex((v, j) => !Object.is(v, stock[k][j]));
      assert.equal(i, -1, `output ${k}[${i}]: ${native[k][i]} vs ${stock[k][i]}`);
    }
    assert.ok(Object.is(native[0][1001], 0) && Number.isNaN(native[0][1002]));
    assert.ok(native[1].some((v) => Object.is(v, -0)));
  });
});
