/**
 * Moving tensor data between a tfjs backend and the engine's memory with one copy each way:
 * the wasm backend's heap and the cpu backend's arrays are read in place.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { rowsPerThread, type KernelName, type PerChunkArg, type WasmRuntime } from './runtime';

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

/** Whether backend is the tfjs wasm backend (its tensors live in one heap). */
export function isWasm(backend: tf.KernelBackend): backend is BackendWasm {
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
  // The cpu backend keeps the array it is given: hand it a copy, not a view of the engine's memory.
  const values = rt.view(ptr, n);
  return writeFloats(backend, isWasm(backend) ? values : values.slice(), shape);
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
  if (isWasm(backend)) return mapHeap(backend, x.shape, [x], (out, src) => fill(src, out));
  const src = readFloats(backend, x);
  const values = new Float32Array(src.length);
  fill(src, values);
  return { dataId: backend.write(values, x.shape, 'float32'), shape: x.shape, dtype: 'float32' };
}

/** A new float32 tensor of `shape` from fill(its values, ...the inputs' values), all in place in the wasm heap. */
export function mapHeap(
  backend: BackendWasm,
  shape: number[],
  inputs: TensorInfo[],
  fill: (out: Float32Array, ...src: Float32Array[]) => void,
): TensorInfo {
  // Allocate first: growing the heap detaches views taken before.
  const out = backend.makeOutput(shape, 'float32');
  fill(backend.typedArrayFromHeap(out) as Float32Array, ...inputs.map((t) => readFloats(backend, t)));
  return out;
}

/** The parts of the tfjs wasm backend's Emscripten module the in-place path uses. */
interface WasmHeapModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/**
 * Where one engine kernel call's inputs, outputs and scratch live; pointers are byte offsets into that memory.
 * Two kinds: the tfjs wasm backend's own heap, with every kernel run natively in place (inputs read at their
 * offsets, outputs written into the output tensors, scratch from the backend's allocator), or the engine's
 * shared memory with one copy in per input and one out per output (no addon, cpu backend, SER_NATIVE_HEAP=0).
 * Call {@link KernelMemory.release} when done (a `finally`): it frees scratch and unclaimed outputs.
 */
export interface KernelMemory {
  /** True when the kernels run natively on the backend's heap. */
  readonly inPlace: boolean;
  /** Offset of t's float32 data. */
  input(t: TensorInfo): number;
  /** Offset of a new output of the given shape; {@link result} turns it into the backend tensor. */
  output(shape: number[]): number;
  /** The backend tensor of an output from {@link output}. */
  result(ptr: number): TensorInfo;
  /** Like {@link result}, as a tf.Tensor registered with the engine (for use outside kernels). */
  resultTensor<R extends tf.Rank>(ptr: number): tf.Tensor<R>;
  /** Scratch of n floats, 64-byte aligned (contents undefined). */
  alloc(n: number): number;
  /** Scratch of n float64 values (contents undefined). */
  allocF64(n: number): number;
  /** Scratch of n zeros. */
  zeros(n: number): number;
  /** Scratch holding a float32 copy of src. */
  put(src: ArrayLike<number>): number;
  /** Scratch holding a bit-for-bit copy of src. */
  putTyped(src: Float64Array): number;
  /** Float32 view of n floats at ptr (valid until the next allocation). */
  view(ptr: number, n: number): Float32Array;
  /** Float64 view of n doubles at ptr (valid until the next allocation). */
  viewF64(ptr: number, n: number): Float64Array;
  /** rt.parallel on this memory (chunks claimed by the threads as they go). */
  parallel(
    kernel: KernelName,
    total: number,
    args: (r0: number, r1: number) => number[],
    minPerPart?: number,
    perChunk?: PerChunkArg,
  ): void;
  /** rt.parallelParts on this memory (one fixed range per thread, for per-part results). */
  parallelParts(
    kernel: KernelName,
    total: number,
    args: (r0: number, r1: number, part: number) => number[],
    minPerPart?: number,
  ): void;
  /** One kernel call on the calling thread. */
  call(kernel: KernelName, ...args: number[]): void;
  release(): void;
}

/**
 * What both memories derive from their own `alloc`, views and heap: zeroed and filled scratch, and kernel calls
 * on the runtime (one way to make and run them).
 */
abstract class ScratchMemory {
  constructor(protected readonly rt: WasmRuntime) {}

  abstract alloc(n: number): number;
  abstract view(ptr: number, n: number): Float32Array;
  abstract viewF64(ptr: number, n: number): Float64Array;
  /** The memory native kernels read (the backend's heap), or undefined for the runtime's own. */
  protected abstract heapBytes(): Uint8Array | undefined;

  parallel(
    kernel: KernelName,
    total: number,
    args: (r0: number, r1: number) => number[],
    minPerPart?: number,
    perChunk?: PerChunkArg,
  ): void {
    this.rt.parallel(kernel, total, args, minPerPart, this.heapBytes(), perChunk);
  }

  parallelParts(
    kernel: KernelName,
    total: number,
    args: (r0: number, r1: number, part: number) => number[],
    minPerPart?: number,
  ): void {
    this.rt.parallelParts(kernel, total, args, minPerPart, this.heapBytes());
  }

  call(kernel: KernelName, ...args: number[]): void {
    this.rt.call(kernel, args, this.heapBytes());
  }

  allocF64(n: number): number {
    return this.alloc(2 * n);
  }

  zeros(n: number): number {
    const ptr = this.alloc(n);
    this.view(ptr, n).fill(0);
    return ptr;
  }

  put(src: ArrayLike<number>): number {
    const ptr = this.alloc(src.length);
    this.view(ptr, src.length).set(src);
    return ptr;
  }

  putTyped(src: Float64Array): number {
    const ptr = this.allocF64(src.length);
    this.viewF64(ptr, src.length).set(src);
    return ptr;
  }
}

/** The engine's memory with one copy per input and output (resets rt's scratch). */
class CopyMemory extends ScratchMemory implements KernelMemory {
  readonly inPlace = false;
  private readonly shapes = new Map<number, number[]>();

  constructor(
    rt: WasmRuntime,
    private readonly backend: tf.KernelBackend,
  ) {
    super(rt);
    rt.reset();
  }

  input(t: TensorInfo): number {
    return upload(this.rt, this.backend, t);
  }

  output(shape: number[]): number {
    // At least one float: every output gets its own offset, empty ones included.
    const ptr = this.rt.alloc(
      Math.max(
        1,
        shape.reduce((a, b) => a * b, 1),
      ),
    );
    this.shapes.set(ptr, shape);
    return ptr;
  }

  result(ptr: number): TensorInfo {
    return download(this.rt, this.backend, ptr, this.shapeOf(ptr));
  }

  resultTensor<R extends tf.Rank>(ptr: number): tf.Tensor<R> {
    return downloadTensor<R>(this.rt, ptr, this.shapeOf(ptr));
  }

  private shapeOf(ptr: number): number[] {
    const shape = this.shapes.get(ptr);
    if (!shape) throw new Error('engine: not an output');
    return shape;
  }

  alloc(n: number): number {
    return this.rt.alloc(n);
  }

  view(ptr: number, n: number): Float32Array {
    return this.rt.view(ptr, n);
  }

  viewF64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.rt.memory.buffer, ptr, n);
  }

  protected heapBytes(): undefined {
    return undefined;
  }

  release(): void {
    this.shapes.clear();
  }
}

/** The wasm backend's heap, every kernel native and in place (see {@link KernelMemory}). */
class HeapMemory extends ScratchMemory implements KernelMemory {
  readonly inPlace = true;
  private readonly scratch: number[] = [];
  // Unclaimed outputs with their offsets (a list: empty tensors may share an offset).
  private readonly outputs: [number, TensorInfo][] = [];
  private readonly heap: WasmHeapModule;

  constructor(
    rt: WasmRuntime,
    private readonly backend: BackendWasm,
  ) {
    super(rt);
    this.heap = backend.wasm as unknown as WasmHeapModule;
  }

  input(t: TensorInfo): number {
    if (t.dtype !== 'float32') throw new Error(`engine: expected float32, got ${t.dtype}`);
    return this.backend.getMemoryOffset(t.dataId);
  }

  output(shape: number[]): number {
    const out = this.backend.makeOutput(shape, 'float32');
    const ptr = this.backend.getMemoryOffset(out.dataId);
    this.outputs.push([ptr, out]);
    return ptr;
  }

  result(ptr: number): TensorInfo {
    const at = this.outputs.findIndex(([p]) => p === ptr);
    if (at < 0) throw new Error('engine: not an output');
    const [[, out]] = this.outputs.splice(at, 1);
    return out;
  }

  resultTensor<R extends tf.Rank>(ptr: number): tf.Tensor<R> {
    return tf.engine().makeTensorFromTensorInfo(this.result(ptr), this.backend) as tf.Tensor<R>;
  }

  alloc(n: number): number {
    // Rounded up to 64 bytes (a cache line, as the runtime's own memory) from malloc's 8-byte alignment: the GEMM's
    // 16-float rows then sit in one line each. At least one float so every buffer has its own offset.
    const ptr = this.heap._malloc(4 * Math.max(1, n) + 60);
    if (!ptr) throw new Error('engine: out of memory in the wasm heap');
    this.scratch.push(ptr);
    return ptr + ((64 - (ptr % 64)) % 64);
  }

  view(ptr: number, n: number): Float32Array {
    // HEAPU8 is replaced when the heap grows: take the current one.
    return new Float32Array(this.heap.HEAPU8.buffer, ptr, n);
  }

  viewF64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.heap.HEAPU8.buffer, ptr, n);
  }

  protected heapBytes(): Uint8Array {
    // HEAPU8 is replaced when the heap grows: take the current one.
    return this.heap.HEAPU8;
  }

  release(): void {
    for (const ptr of this.scratch) this.heap._free(ptr);
    this.scratch.length = 0;
    for (const [, out] of this.outputs) this.backend.disposeData(out.dataId);
    this.outputs.length = 0;
  }
}

/**
 * The memory for one engine kernel call on backend: the wasm backend's heap in place when the native addon
 * runs (rt.nativeActive and rt.inPlace), else the engine's own memory with copies.
 */
export function kernelMemory(rt: WasmRuntime, backend: tf.KernelBackend): KernelMemory {
  if (rt.inPlace && rt.nativeActive && isWasm(backend)) return new HeapMemory(rt, backend);
  return new CopyMemory(rt, backend);
}

/**
 * Per-channel float64 sums over all rows from a row-range kernel split into chunks over the threads: each chunk
 * writes `width` doubles of its own (args gives its call's arguments with that buffer last), added up here.
 */
export function rowSums(
  rt: WasmRuntime,
  mem: KernelMemory,
  kernel: KernelName,
  rows: number,
  C: number,
  width: number,
  args: (r0: number, r1: number, out: number) => number[],
): Float64Array {
  // One buffer per chunk, added in chunk order: the same sums whichever thread ran which chunk.
  const minPerPart = rowsPerThread(C);
  const { chunks, chunkSize } = rt.chunkPlan(rows, minPerPart);
  const base = mem.zeros(2 * width * chunks);
  const stride = 8 * width;
  const template = args(0, 0, base);
  mem.parallel(kernel, rows, (r0, r1) => args(r0, r1, base + (r0 / chunkSize) * stride), minPerPart, {
    arg: template.length - 1,
    stride,
  });
  const total = new Float64Array(width);
  for (let c = 0; c < chunks; c++) {
    const part = mem.viewF64(base + c * stride, width);
    for (let i = 0; i < width; i++) total[i] += part[i];
  }
  return total;
}
