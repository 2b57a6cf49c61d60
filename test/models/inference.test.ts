import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend, tf } from '../../lib/backend';
import { CONV_MAX_POOL } from '../../lib/engine/kernel-names';
import { profileOps } from '../../lib/engine/profile';
import { buildBest } from '../../lib/models/best';
import { buildCnn2d } from '../../lib/models/cnn2d';
import { predictTensor } from '../../lib/models/inference';
import { buildMlp } from '../../lib/models/mlp';
import { buildSeed000 } from '../../lib/models/seed000';
import { buildSeed001 } from '../../lib/models/seed001';
import { buildSeed002 } from '../../lib/models/seed002';
import { buildSeed003 } from '../../lib/models/seed003';

/** Small instances of every zoo network (input shapes cut to keep the test quick). */
const NETWORKS: [string, () => tf.LayersModel, number[]][] = [
  ['seed000', () => buildSeed000({}, [24, 10], 4), [24, 10]],
  ['seed001', () => buildSeed001({}, [32, 16], 4), [32, 16]],
  ['seed002', () => buildSeed002({}, [24, 10], 4), [24, 10]],
  ['seed003', () => buildSeed003({}, [24, 10], 4), [24, 10]],
  ['best', () => buildBest({}, [24, 16], 4), [24, 16]],
  ['best-cnn2d', () => buildCnn2d({ convFilters: [4, 8] }, [20, 12], 4), [20, 12]],
  ['mlp', () => buildMlp({ kind: 'mlp', hidden: [16, 8], dropout: 0.2, l2: 1e-4, learningRate: 1e-3 }, 12, 4, 1), [12]],
];

/** BatchNorm statistics far from their initial 1s and 0s, so that a wrong fold shows. */
function scrambleBatchNorms(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const [n] = layer.getWeights()[0].shape;
    layer.setWeights([
      tf.randomUniform([n], 0.5, 1.5, 'float32', seed),
      tf.randomNormal([n], 0, 1, 'float32', seed + 1),
      tf.randomNormal([n], 0, 1, 'float32', seed + 2),
      tf.randomUniform([n], 0.5, 2, 'float32', seed + 3),
    ]);
  }
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  assert.equal(x.length, y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

describe('inference plan (predictTensor)', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  for (const [name, build, shape] of NETWORKS) {
    it(`gives ${name}'s model.predict probabilities to 1e-5, BatchNorm statistics scrambled`, () => {
      const model = build();
      scrambleBatchNorms(model, 7);
      const x = tf.randomNormal([5, ...shape], 0, 1, 'float32', 3);
      const expected = model.predict(x) as tf.Tensor;
      const got = predictTensor(model, x);
      assert.deepEqual(got.shape, expected.shape);
      assert.ok(maxAbsDiff(got, expected) < 1e-5, `${name}: ${maxAbsDiff(got, expected)}`);
      tf.dispose([x, expected, got]);
      model.dispose();
    });
  }

  it('follows the weights: a training step and setWeights rebuild the plan', async () => {
    const model = buildSeed002({}, [24, 10], 4);
    const x = tf.randomNormal([8, 24, 10], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
    const first = predictTensor(model, x);
    await model.trainOnBatch(x, y);
    const afterStep = predictTensor(model, x);
    assert.ok(maxAbsDiff(first, afterStep) > 1e-6, 'a training step changes the prediction');
    const expected = model.predict(x) as tf.Tensor;
    assert.ok(maxAbsDiff(afterStep, expected) < 1e-5);
    scrambleBatchNorms(model, 11);
    const afterSet = predictTensor(model, x);
    const expectedSet = model.predict(x) as tf.Tensor;
    assert.ok(maxAbsDiff(afterSet, afterStep) > 1e-4, 'new BatchNorm statistics change the prediction');
    assert.ok(maxAbsDiff(afterSet, expectedSet) < 1e-5);
    tf.dispose([x, y, first, afterStep, expected, afterSet, expectedSet]);
    model.dispose();
  });

  it('runs each conv + BatchNorm + ReLU + max pool block as one engine kernel, with no BatchNorm, ReLU or pool kernel', async () => {
    const model = buildSeed002({}, [24, 10], 4);
    const x = tf.randomNormal([4, 24, 10]);
    tf.dispose(predictTensor(model, x));
    const profile = await profileOps(async () => {
      const p = predictTensor(model, x);
      await p.data();
      p.dispose();
    });
    assert.equal(profile.ops[CONV_MAX_POOL]?.calls, 3);
    for (const stock of ['FusedConv2D', 'Conv2D', 'FusedBatchNorm', 'Relu', 'MaxPool'])
      assert.equal(profile.ops[stock]?.calls ?? 0, 0, stock);
    x.dispose();
    model.dispose();
  });

  it('runs the same plan with separate kernels on a backend without the engine (conv, then the pool layer)', async () => {
    const model = buildSeed001({}, [32, 16], 4);
    const x = tf.randomNormal([3, 32, 16]);
    const fused = predictTensor(model, x).dataSync();
    await tf.setBackend('cpu');
    try {
      assert.equal(tf.getKernel(CONV_MAX_POOL, 'cpu'), undefined, 'the engine is not registered on cpu here');
      const xc = tf.tensor(x.dataSync(), x.shape);
      const expected = (model.predict(xc) as tf.Tensor).dataSync();
      const separate = predictTensor(model, xc).dataSync();
      for (let i = 0; i < expected.length; i++) {
        assert.ok(Math.abs(separate[i] - expected[i]) < 1e-5);
        assert.ok(Math.abs(fused[i] - expected[i]) < 1e-5);
      }
    } finally {
      await tf.setBackend('wasm');
    }
    x.dispose();
    model.dispose();
  });

  it('keeps a plan first built inside a tf.tidy for the calls after it', () => {
    const model = buildSeed002({}, [24, 10], 4);
    const x = tf.randomNormal([2, 24, 10]);
    const first = tf.tidy(() => predictTensor(model, x).dataSync());
    const second = tf.tidy(() => predictTensor(model, x).dataSync());
    assert.deepEqual(Array.from(second), Array.from(first));
    x.dispose();
    model.dispose();
  });

  it('runs a network that is not one chain through model.predict', () => {
    const input = tf.input({ shape: [6] });
    const a = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const x = tf.randomNormal([4, 6]);
    const expected = model.predict(x) as tf.Tensor;
    const got = predictTensor(model, x);
    assert.equal(maxAbsDiff(got, expected), 0);
    tf.dispose([x, expected, got]);
    model.dispose();
  });

  it('keeps no tensor per call, and frees its folded weights with the model', () => {
    // What building and disposing a model leaves behind without a plan (tfjs-layers keeps a couple of tensors).
    let before0 = tf.memory().numTensors;
    buildBest({}, [24, 16], 4).dispose();
    const leftByModel = tf.memory().numTensors - before0;
    before0 = tf.memory().numTensors;
    const model = buildBest({}, [24, 16], 4);
    const x = tf.randomNormal([3, 24, 16]);
    const withModel = tf.memory().numTensors;
    tf.dispose(predictTensor(model, x));
    const withPlan = tf.memory().numTensors;
    assert.ok(withPlan > withModel, 'the plan holds folded weights');
    for (let i = 0; i < 5; i++) tf.dispose(predictTensor(model, x));
    assert.equal(tf.memory().numTensors, withPlan);
    model.dispose();
    x.dispose();
    assert.equal(tf.memory().numTensors - before0, leftByModel);
  });
});
