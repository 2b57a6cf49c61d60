import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '../../lib/backend';
import { engineInfo, getRuntime } from '../../lib/engine';
import { buildSeed000 } from '../../lib/models/seed000';
import { buildSeed001 } from '../../lib/models/seed001';
import { randomArray, setUpEngine } from './helpers';

describe('engine memory', () => {
  before(setUpEngine);

  for (const [name, build] of [
    [
      'seed000',
      () =>
        buildSeed000(
          { conv1Filters: 8, conv2Filters: 16, lstmUnits: 8, attentionUnits: 8, denseUnits: 8 },
          [16, 6],
          3,
        ),
    ],
    ['seed001', () => buildSeed001({ convFilters: [8, 8, 8, 8], denseUnits: 16 }, [32, 6], 3)],
  ] as const) {
    it(`stays flat across epochs while ${name} trains on the fast kernels (tf.memory, engine heap)`, async () => {
      assert.deepEqual(engineInfo().backends.includes('wasm'), true);
      const model = build();
      const shape = model.inputs[0].shape.slice(1) as number[];
      const n = 24;
      const x = tf.tensor(randomArray(n * shape[0] * shape[1], 7), [n, ...shape]);
      const y = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: n }, (_, i) => i % 3),
          'int32',
        ),
        3,
      );
      const perEpoch: { tensors: number; bytes: number; heap: number }[] = [];
      await model.fit(x, y, {
        epochs: 4,
        batchSize: 8,
        verbose: 0,
        callbacks: {
          onEpochEnd: async () => {
            const m = tf.memory();
            perEpoch.push({
              tensors: m.numTensors,
              bytes: m.numBytes,
              heap: getRuntime()?.memory.buffer.byteLength ?? 0,
            });
          },
        },
      });
      assert.equal(perEpoch.length, 4);
      for (const e of perEpoch.slice(2))
        assert.deepEqual(e, perEpoch[1], 'memory after each epoch matches epoch 2');
      const before = tf.memory().numTensors;
      tf.dispose([x, y]);
      model.dispose();
      assert.ok(tf.memory().numTensors < before - 2, 'model and data tensors are released');
    });
  }
});
