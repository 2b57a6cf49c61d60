/** Shared set-up and numeric checks for the engine tests. */
import * as assert from 'node:assert/strict';
import { initBackend, tf } from '../../lib/backend';
import { registerFastKernels, setFastKernelsEnabled } from '../../lib/engine';

/** wasm backend with the engine registered, plus the engine on cpu (stock cpu has every kernel). */
export async function setUpEngine(): Promise<void> {
  const info = await initBackend({ prefer: 'wasm' });
  assert.equal(info.name, 'wasm');
  assert.ok(info.fastKernels, 'engine kernels must be registered (was kernels.wasm built?)');
  assert.ok(registerFastKernels('cpu'));
}

/** Runs f with the fast kernels on or off (stock tfjs kernels), restoring them afterwards. */
export function withFastKernels<T>(on: boolean, f: () => T): T {
  setFastKernelsEnabled(on);
  try {
    return f();
  } finally {
    setFastKernelsEnabled(true);
  }
}

/** Runs f on the given backend, switching back to wasm afterwards. */
export async function onBackend<T>(name: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await tf.setBackend(name);
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** Asserts |a - e| ≤ tol · (1 + |e|) elementwise. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  assert.ok(
    worst <= tol,
    `${what}: scaled error ${worst} at ${at} (${actual[at]} vs ${expected[at]}) > ${tol}`,
  );
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function randomArray(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** A tensor of the given shape filled by {@link randomArray}. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** Counts calls of obj[name] (still calling through) until restore(). */
export function spyCalls<O extends object>(obj: O, name: keyof O): { count(): number; restore(): void } {
  const saved = obj[name] as unknown as (...a: unknown[]) => unknown;
  let calls = 0;
  (obj as Record<keyof O, unknown>)[name] = function (this: unknown, ...a: unknown[]) {
    calls++;
    return saved.apply(this, a);
  };
  return { count: () => calls, restore: () => ((obj as Record<keyof O, unknown>)[name] = saved) };
}

/** Runs f while counting calls of obj[name]; returns f's result and the count. */
export function countingCalls<T, O extends object>(
  obj: O,
  name: keyof O,
  f: () => T,
): { result: T; calls: number } {
  const spy = spyCalls(obj, name);
  try {
    return { result: f(), calls: spy.count() };
  } finally {
    spy.restore();
  }
}

/**
 * The float32 values of the tensors f returns, computed in a tidy scope (values are read outside it: tidy
 * walks a returned typed array element by element looking for tensors).
 */
export function tidyValues(f: () => tf.Tensor[]): Float32Array[] {
  const ts = tf.tidy(f);
  try {
    return ts.map((t) => t.dataSync() as Float32Array);
  } finally {
    tf.dispose(ts);
  }
}
