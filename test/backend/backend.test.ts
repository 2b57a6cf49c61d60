import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { engineInfo } from '../../lib/engine';
import { findKernelsWasm } from '../../lib/engine/runtime';

test('initBackend: one answer per process; the tfjs-node alias is not mistaken for native TensorFlow', async () => {
  const a = await initBackend();
  const b = await initBackend();
  assert.equal(a, b, 'same object on every call');
  assert.equal(tf.getBackend(), a.name);
  // Here @tensorflow/tfjs-node is plain tfjs under an alias (danfojs-node override): no "tensorflow" backend.
  assert.equal(a.nativeAvailable, tf.findBackendFactory('tensorflow') !== null);
  if (!a.nativeAvailable) {
    assert.notEqual(a.name, 'tensorflow');
    assert.ok(a.notes.some((n) => /tfjs-node/.test(n)));
  }
  // The chosen backend computes.
  const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
  assert.deepEqual(sum, [4, 6]);
});

test('initBackend loads lib/engine and registers its fast kernels on wasm or cpu when kernels.wasm is built', async () => {
  const info = await initBackend();
  if (info.name === 'tensorflow' || process.env.SER_FAST_KERNELS === '0') return;
  assert.equal(info.fastKernels, findKernelsWasm() !== undefined, info.notes.join('; '));
  if (info.fastKernels) assert.deepEqual(engineInfo().backends, [info.name]);
});
