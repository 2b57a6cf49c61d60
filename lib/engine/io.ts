/**
 * Moving tensor data between a tfjs backend and the engine's memory with one copy each way:
 * the wasm backend's heap and the cpu backend's arrays are read in place.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmRuntime } from './runtime';

type TensorInfo = tf.TensorInfo;

/** Copies into and out of the engine's memory since start (read by profile.ts). */
export const copyStats = { in: 0, inBytes: 0, out: 0, outBytes: 0 };

/** Records one copy of n floats into the engine's memory. */
export function countCopyIn(n: number): void {
  copyStats.in++;
  copyStats.inBytes += 4 * n;
}

/** Structural view of tfjs-backend-cpu's MathBackendCPU (not a direct dependency). */
interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
}

function isWasm(backend: tf.KernelBackend): backend is BackendWasm {
  return typeof (backend as Partial<BackendWasm>).typedArrayFromHeap === 'function';
}

/** The float32 contents of t, in place when the backend allows it (copy before the backend allocates). */
export function readFloats(backend: tf.KernelBackend, t: TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`engine: expected float32, got ${t.dtype}`);
  if (isWasm(backend)) return backend.typedArrayFromHeap(t) as Float32Array;
  const cpu = (backend as unknown as CpuBackendLike).data?.get(t.dataId)?.values;
  if (cpu instanceof Float32Array) return cpu;
  return backend.readSync(t.dataId) as Float32Array;
}

/** Copies t into a fresh scratch buffer of rt; returns its offset. */
export function upload(rt: WasmRuntime, backend: tf.KernelBackend, t: TensorInfo): number {
  const data = readFloats(backend, t);
  countCopyIn(data.length);
  return rt.put(data);
}

/** A new backend tensor of the given shape holding a copy of rt's buffer at ptr. */
export function download(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  ptr: number,
  shape: number[],
): TensorInfo {
  const n = shape.reduce((a, b) => a * b, 1);
  copyStats.out++;
  copyStats.outBytes += 4 * n;
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).set(rt.view(ptr, n));
    return out;
  }
  const dataId = backend.write(rt.view(ptr, n).slice(), shape, 'float32');
  return { dataId, shape, dtype: 'float32' };
}

/** Like {@link download}, as a tf.Tensor registered with the engine (for use outside kernels). */
export function downloadTensor<R extends tf.Rank>(
  rt: WasmRuntime,
  ptr: number,
  shape: number[],
): tf.Tensor<R> {
  const backend = tf.backend();
  return tf.engine().makeTensorFromTensorInfo(download(rt, backend, ptr, shape), backend) as tf.Tensor<R>;
}

/** Copies a tf.Tensor into a fresh scratch buffer of rt. */
export function uploadTensor(rt: WasmRuntime, t: tf.Tensor): number {
  return upload(rt, tf.backend(), t);
}

/** A new backend tensor of the given shape holding a copy of data (a plain JS array). */
export function writeFloats(backend: tf.KernelBackend, data: Float32Array, shape: number[]): TensorInfo {
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).set(data);
    return out;
  }
  return { dataId: backend.write(data, shape, 'float32'), shape, dtype: 'float32' };
}

/**
 * A new backend tensor of x's shape whose values fill(x's values, output) writes, both read and written in
 * place in the backend's memory (no copy through the engine's).
 */
export function mapFloats(
  backend: tf.KernelBackend,
  x: TensorInfo,
  fill: (src: Float32Array, out: Float32Array) => void,
): TensorInfo {
  if (isWasm(backend)) {
    // Allocate first: growing the heap would detach a view of x taken before.
    const out = backend.makeOutput(x.shape, 'float32');
    fill(readFloats(backend, x), backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  }
  const src = readFloats(backend, x);
  const values = new Float32Array(src.length);
  fill(src, values);
  return { dataId: backend.write(values, x.shape, 'float32'), shape: x.shape, dtype: 'float32' };
}
