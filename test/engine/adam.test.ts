import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { engineInfo, setFusedAdamEnabled } from '../../lib/engine';
import { nativeTrainingOps } from '../../lib/engine/native-ops';
import { randomArray, setUpEngine, spyCalls } from './helpers';

const NO_ADDON = 'native addon not built or this CPU lacks AVX2/FMA: tfjs’s own Adam runs here';

/** A small conv net with every kind of trainable weight the zoo uses (conv, BatchNorm, dense). */
function buildModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv1d({ inputShape: [40, 12], filters: 16, kernelSize: 5, kernelInitializer: init(1) }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 7, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
  return model;
}

function compile(model: tf.LayersModel): tf.AdamOptimizer {
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return optimizer;
}

const batch = (seed: number): [tf.Tensor, tf.Tensor] => [
  tf.tensor(randomArray(32 * 40 * 12, seed), [32, 40, 12]),
  tf.oneHot(
    tf.tensor1d(
      Array.from(randomArray(32, seed + 1), (v) => Math.floor((v + 1) * 3.5)),
      'int32',
    ),
    7,
  ),
];

/** Trains model for `steps` batches with the native route on or off (asserting which one ran). */
async function train(model: tf.LayersModel, steps: number, fused: boolean, from = 0): Promise<void> {
  const ops = nativeTrainingOps();
  assert.ok(ops);
  setFusedAdamEnabled(fused);
  const spy = spyCalls(ops, 'adamUpdate');
  try {
    for (let s = from; s < from + steps; s++) {
      const [x, y] = batch(100 + s);
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
  } finally {
    spy.restore();
    setFusedAdamEnabled(true);
  }
  // One native call per trainable weight and step on the native route, none on tfjs's.
  assert.equal(spy.count(), fused ? steps * model.trainableWeights.length : 0);
}

const values = (ts: tf.Tensor[]): Float32Array[] => ts.map((t) => t.dataSync() as Float32Array);

async function optimizerState(o: tf.Optimizer): Promise<Float32Array[]> {
  return values((await o.getWeights()).map((w) => w.tensor));
}

/** |a − b| ≤ 1e-6 · |b| for every element of every array (relative: m and v are tiny). */
function assertAllClose(a: Float32Array[], b: Float32Array[], what: string): void {
  assert.equal(a.length, b.length, `${what}: count`);
  a.forEach((v, i) => {
    assert.equal(v.length, b[i].length, `${what} ${i}: length`);
    const j = v.findIndex((x, k) => !(Math.abs(x - b[i][k]) <= 1e-6 * Math.abs(b[i][k])));
    assert.equal(j, -1, `${what} ${i}[${j}]: ${v[j]} vs ${b[i][j]}`);
  });
}

describe('engine Adam update (native)', () => {
  before(setUpEngine);

  it('matches tfjs’s AdamOptimizer within 1e-6 on every weight, m, v and the iteration count after 6 steps', async (t) => {
    if (!engineInfo().native) return t.skip(NO_ADDON);
    const fused = buildModel();
    const stock = buildModel();
    stock.setWeights(fused.getWeights());
    const fusedOpt = compile(fused);
    const stockOpt = compile(stock);
    await train(fused, 6, true);
    await train(stock, 6, false);
    const w = values(fused.getWeights());
    assertAllClose(w, values(stock.getWeights()), 'weight');
    const state = await optimizerState(fusedOpt);
    assertAllClose(state, await optimizerState(stockOpt), 'optimizer weight');
    // iterations, then one m and one v per trainable weight (conv kernel and bias, gamma, beta, dense ×2)
    assert.equal(state.length, 1 + 2 * 6);
    assert.equal(state[0][0], 6);
    assert.ok(state.slice(1).every((s) => s.some((v) => v !== 0)));
    fused.dispose();
    stock.dispose();
  });

  it('continues from saved optimizer weights (setWeights) as the stock optimizer does', async (t) => {
    if (!engineInfo().native) return t.skip(NO_ADDON);
    const first = buildModel();
    const firstOpt = compile(first);
    await train(first, 3, true);
    const resumed = buildModel();
    resumed.setWeights(first.getWeights());
    const resumedOpt = compile(resumed);
    await resumedOpt.setWeights(await firstOpt.getWeights());
    await train(first, 2, false, 3);
    await train(resumed, 2, true, 3);
    assertAllClose(values(resumed.getWeights()), values(first.getWeights()), 'weight');
    assertAllClose(await optimizerState(resumedOpt), await optimizerState(firstOpt), 'optimizer weight');
    first.dispose();
    resumed.dispose();
  });

  it('assigns new tensors: a clone of a weight taken before a step keeps its values', async (t) => {
    if (!engineInfo().native) return t.skip(NO_ADDON);
    const model = buildModel();
    compile(model);
    await train(model, 1, true);
    const clones = model.getWeights().map((w) => tf.clone(w));
    const before = values(clones);
    await train(model, 1, true, 1);
    assert.deepEqual(values(clones), before);
    assert.notDeepEqual(values(model.getWeights())[0], before[0]);
    tf.dispose(clones);
    model.dispose();
  });
});
