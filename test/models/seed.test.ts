import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend, tf } from '../../lib/backend';
import { AdditiveAttention } from '../../lib/models/layers/attention';
import { buildSeed000, SEED000_DEFAULTS } from '../../lib/models/seed000';
import { buildSeed001, SEED001_DEFAULTS } from '../../lib/models/seed001';
import { roundTrip } from '../helpers/models';

function samples(shape: number[]): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', 3);
}

describe('seed model builders', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('seed-000 has the issue architecture and defaults', () => {
    const model = buildSeed000();
    assert.deepEqual(model.inputs[0].shape, [null, 128, 40]);
    assert.deepEqual(model.outputs[0].shape, [null, 7]);
    assert.deepEqual(
      model.layers.map((l) => l.getClassName()),
      ['InputLayer', 'Conv1D', 'Conv1D', 'MaxPooling1D', 'Bidirectional', 'SerAdditiveAttention', 'Dense', 'Dropout', 'Dense'],
    );
    assert.deepEqual(model.layers[4].outputShape, [null, 64, 2 * SEED000_DEFAULTS.lstmUnits]);
    model.dispose();
  });

  it('seed-001 has four conv blocks on [87 frames, 128 mel bands] and defaults', () => {
    const model = buildSeed001();
    assert.deepEqual(model.inputs[0].shape, [null, 87, 128]);
    assert.deepEqual(model.outputs[0].shape, [null, 7]);
    assert.equal(model.layers.filter((l) => l.getClassName() === 'Conv1D').length, 4);
    const flatten = model.layers.find((l) => l.getClassName() === 'Flatten');
    assert.deepEqual(flatten?.outputShape, [null, 5 * SEED001_DEFAULTS.convFilters[3]]);
    model.dispose();
  });

  it('every hyperparameter is a config field that changes the model', () => {
    const small = buildSeed000({ lstmUnits: 8, conv1Filters: 4 }, [20, 6], 3);
    assert.deepEqual(small.outputs[0].shape, [null, 3]);
    assert.deepEqual(small.layers[1].outputShape, [null, 20, 4]);
    assert.deepEqual(small.layers[4].outputShape, [null, 10, 16]);
    small.dispose();
    const s1 = buildSeed001({ convFilters: [4, 4, 4, 6], denseUnits: 10 }, [32, 6], 3);
    assert.deepEqual(s1.layers.find((l) => l.getClassName() === 'Flatten')?.outputShape, [null, 2 * 6]);
    s1.dispose();
  });

  it('seed-000 (with its attention layer) and seed-001 round-trip through save/load with identical predictions', async () => {
    for (const model of [
      buildSeed000({ conv1Filters: 4, conv2Filters: 8, lstmUnits: 4, attentionUnits: 4, denseUnits: 4 }, [12, 5], 3),
      buildSeed001({ convFilters: [4, 4, 4, 4] }, [32, 5], 3),
    ]) {
      const x = samples([2, ...(model.inputs[0].shape.slice(1) as number[])]);
      const loaded = await roundTrip(model);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
      // (getConfig() itself differs in undefined-vs-null fields after tfjs deserialisation.)
      assert.deepEqual(
        loaded.layers.map((l) => [l.getClassName(), l.countParams()]),
        model.layers.map((l) => [l.getClassName(), l.countParams()]),
      );
      tf.dispose([x, a, b]);
      model.dispose();
      loaded.dispose();
    }
  });
});

describe('AdditiveAttention layer', () => {
  it('computes softmax_t(v·tanh(W h_t + b)) weighted sums', () => {
    const layer = new AdditiveAttention({ units: 3 });
    const x = tf.tensor3d([[[1, 0], [0, 2], [3, 1]]]);
    const y = layer.apply(x) as tf.Tensor;
    const [W, b, v] = layer.getWeights().map((w) => w.arraySync() as number[] | number[][]);
    const h = [[1, 0], [0, 2], [3, 1]];
    const scores = h.map((ht) =>
      [0, 1, 2].reduce(
        (s, u) => s + (v as number[][])[u][0] * Math.tanh(ht[0] * (W as number[][])[0][u] + ht[1] * (W as number[][])[1][u] + (b as number[])[u]),
        0,
      ),
    );
    const e = scores.map(Math.exp);
    const alpha = e.map((s) => s / e.reduce((p, q) => p + q));
    const expected = [0, 1].map((f) => h.reduce((s, ht, t) => s + alpha[t] * ht[f], 0));
    const got = Array.from(y.dataSync());
    expected.forEach((ev, i) => assert.ok(Math.abs(got[i] - ev) < 1e-5, `${got} vs ${expected}`));
    assert.deepEqual(layer.computeOutputShape([null, 3, 2]), [null, 2]);
    tf.dispose([x, y]);
  });

  it('returns the common vector when every time step is the same', () => {
    const layer = new AdditiveAttention({ units: 4 });
    const x = tf.tile(tf.tensor3d([[[0.5, -2, 3]]]), [2, 5, 1]);
    assert.deepEqual(
      Array.from((layer.apply(x) as tf.Tensor).dataSync()).map((v) => Math.round(v * 1e5) / 1e5),
      [0.5, -2, 3, 0.5, -2, 3],
    );
  });

  it('has the gradients of the broadcast form Σ_t alpha_t h_t', () => {
    const layer = new AdditiveAttention({ units: 4 });
    const x = tf.randomNormal([3, 7, 5], 0, 1, 'float32', 1);
    layer.apply(x);
    const [W, b, v] = layer.getWeights();
    const r = tf.randomNormal([3, 5], 0, 1, 'float32', 2);
    const broadcastForm = (xs: tf.Tensor): tf.Tensor => {
      const [n, t, f] = xs.shape;
      const hidden = tf.tanh(tf.add(tf.matMul(tf.reshape(xs, [n * t, f]), W as tf.Tensor2D), b));
      const alpha = tf.softmax(tf.reshape(tf.matMul(hidden as tf.Tensor2D, v as tf.Tensor2D), [n, t]));
      return tf.sum(tf.mul(xs, tf.expandDims(alpha, 2)), 1);
    };
    const loss = (f: (xs: tf.Tensor) => tf.Tensor) => (xs: tf.Tensor) => tf.sum(tf.mul(f(xs), r));
    const got = tf.grad(loss((xs) => layer.apply(xs) as tf.Tensor))(x).dataSync();
    const expected = tf.grad(loss(broadcastForm))(x).dataSync();
    got.forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-5, `dx[${i}]: ${g} vs ${expected[i]}`));
    tf.dispose([x, r]);
  });

  it('rejects invalid configuration and input rank', () => {
    assert.throws(() => new AdditiveAttention({ units: 0 }), /units/);
    assert.throws(() => new AdditiveAttention({ units: 2 }).apply(tf.zeros([2, 3])), /batch, time, features/);
  });
});
