/** The microphone's sliding window: every window is the last `size` samples at a hop boundary, whatever the chunking. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelDb, SlidingWindow } from '../../lib/browser/microphone';

test('SlidingWindow: windows end on hop boundaries and hold the latest samples, for any chunk sizes', () => {
  const signal = Float32Array.from({ length: 1000 }, (_, i) => i);
  for (const chunk of [1, 7, 128, 333, 1000]) {
    const w = new SlidingWindow(100, 30);
    const windows: Float32Array[] = [];
    for (let at = 0; at < signal.length; at += chunk)
      windows.push(...w.push(signal.subarray(at, at + chunk)));
    // First window once 100 samples arrived, then one per 30 new samples: ends at 100, 130, …, 970.
    assert.equal(windows.length, 1 + Math.floor((1000 - 100) / 30), `chunk ${chunk}`);
    windows.forEach((win, k) => {
      const end = 100 + 30 * k;
      assert.deepEqual(
        Array.from(win),
        Array.from(signal.subarray(end - 100, end)),
        `chunk ${chunk} window ${k}`,
      );
    });
  }
  assert.throws(() => new SlidingWindow(0, 1), /positive integers/);
});

test('levelDb: full-scale square wave is 0 dBFS, half amplitude −6 dB, silence −∞', () => {
  const square = Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? 1 : -1));
  assert.equal(levelDb(square), 0);
  assert.ok(Math.abs(levelDb(square.map((x) => x / 2)) - -6.0206) < 1e-3);
  assert.equal(levelDb(new Float32Array(64)), -Infinity);
});
