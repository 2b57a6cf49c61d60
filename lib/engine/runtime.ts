/**
 * The engine's WebAssembly runtime: loads lib/engine/wasm/kernels.wasm into a shared memory, hands
 * out scratch buffers from a bump allocator (reset at the start of every kernel call), and splits a
 * call over a small pool of worker threads that run the same module on the same memory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { envNumber, envThreads } from '../util/env';

/** The C entry points (lib/engine/wasm/kernels.c); every pointer is a byte offset into memory. */
export interface KernelExports {
  gemm_rows(...args: number[]): void;
  transpose(R: number, C: number, src: number, dst: number): void;
  add_into(n: number, dst: number, src: number): void;
  conv2d_forward(...args: number[]): void;
  conv2d_pool_forward(...args: number[]): void;
  conv2d_filter_grad(...args: number[]): void;
  conv_flip_filter(K: number, Cin: number, Cout: number, f: number, ft: number): void;
  bias_act(...args: number[]): void;
  bn_row_sums(r0: number, r1: number, C: number, x: number, center: number, sum: number): void;
  bn_apply(...args: number[]): void;
  bn_grad_row_sums(...args: number[]): void;
  bn_grad_coef(...args: number[]): void;
  bn_grad_apply(...args: number[]): void;
  maxpool_grad(...args: number[]): void;
  maxpool_forward(...args: number[]): void;
  pad_place(...args: number[]): void;
  lstm_forward(...args: number[]): void;
  lstm_backward(...args: number[]): void;
  tanh_range(i0: number, i1: number, x: number, y: number): void;
  rfft_frames(...args: number[]): void;
  irfft_overlap_add(...args: number[]): void;
  phase_vocoder(...args: number[]): void;
  resample_poly(...args: number[]): void;
  rfft_f64(...args: number[]): void;
  rbf_kernel_rows(...args: number[]): void;
  svm_exp(x: number): number;
}
export type KernelName = keyof KernelExports;

/** Entry points callable across threads, by index in this list (shared with worker.ts). */
export const PARALLEL_KERNELS: readonly KernelName[] = [
  'gemm_rows',
  'conv2d_forward',
  'conv2d_filter_grad',
  'lstm_forward',
  'lstm_backward',
  'rbf_kernel_rows',
  'bias_act',
  'bn_apply',
  'bn_grad_apply',
  'maxpool_grad',
  'bn_row_sums',
  'bn_grad_row_sums',
  'tanh_range',
  'pad_place',
  'maxpool_forward',
  'conv2d_pool_forward',
];

/** Kernels the native addon (native/engine.c) also has, by its index for `run` (its enum's order). */
export const NATIVE_KERNELS: Partial<Record<KernelName, number>> = {
  gemm_rows: 0,
  conv2d_forward: 1,
  conv2d_filter_grad: 2,
  bias_act: 3,
  bn_apply: 4,
  bn_grad_apply: 5,
  maxpool_grad: 6,
  bn_row_sums: 7,
  bn_grad_row_sums: 8,
  pad_place: 9,
  transpose: 10,
  add_into: 11,
  conv_flip_filter: 12,
  bn_grad_coef: 13,
  maxpool_forward: 14,
  lstm_forward: 15,
  lstm_backward: 16,
  tanh_range: 17,
  conv2d_pool_forward: 18,
};

/**
 * The native addon: setBase(view) names the memory that pointer arguments are offsets into (process-wide,
 * worker threads included); run(kernel, ...args) runs a kernel with the wasm kernel's arguments against it.
 */
export interface NativeAddon {
  setBase(memory: Uint8Array): void;
  run(kernel: number, ...args: number[]): void;
  supported(): boolean;
}

/** Candidate locations of the native addon, from lib/engine (ts-node) or dist/lib/engine (tsc). */
function nativeCandidates(): string[] {
  return [
    path.join(__dirname, 'native', 'engine.node'),
    path.resolve(__dirname, '..', '..', '..', 'lib', 'engine', 'native', 'engine.node'),
  ];
}

/**
 * Path of the native addon when it was built and this CPU runs it (AVX2 + FMA), else undefined;
 * SER_NATIVE_KERNELS=0 turns it off.
 */
export function findNativeAddon(): string | undefined {
  if (process.env.SER_NATIVE_KERNELS === '0') return undefined;
  const file = nativeCandidates().find((p) => fs.existsSync(p));
  if (!file) return undefined;
  try {
    return loadNativeAddon(file).supported() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Loads the addon at file (also from worker threads: Node-API addons are context-aware). */
export function loadNativeAddon(file: string): NativeAddon {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as NativeAddon;
}

/**
 * How long the calling thread and an idle worker spin on the control block before sleeping in Atomics.wait
 * (ms; SER_SPIN_US sets it in microseconds). Chunks of one call finish within microseconds of each other, and
 * between a step's kernel calls tfjs-layers runs for tens to hundreds of microseconds, while waking a sleeping
 * thread costs 30–70 µs on this project's 2-vCPU machine: spinning 1 ms took seed-001's predict from 8.7 to
 * 6.6 ms (median of five alternating runs each). OpenMP runtimes spin likewise before they sleep.
 */
export const SPIN_MS = spinMs();

/** SER_SPIN_US (microseconds; 0: sleep at once), else 1 ms. */
function spinMs(): number {
  return (envNumber('SER_SPIN_US', (us) => us >= 0) ?? 1000) / 1000;
}

/**
 * Control block layout (Int32 slots) shared with one worker. `chunks` > 0 marks a call split into chunks that the
 * threads claim from {@link SCHED} (the args then hold the first chunk's, r0 and r1 replaced per chunk, and the
 * argument at `chunkArg`, when ≥ 0, advanced by `chunkStride` per chunk); 0 a call whose args are this worker's
 * part.
 */
export const CTRL = {
  seq: 0,
  done: 1,
  kernel: 2,
  nargs: 3,
  native: 4,
  chunks: 5,
  total: 6,
  chunkSize: 7,
  chunkArg: 8,
  chunkStride: 9,
  args: 10,
  maxArgs: 28,
} as const;

/**
 * The schedule every thread of a chunked call shares (Int32 slots): `claim` is the call's tag (its sequence
 * number's low 15 bits) << 16 | the next unclaimed chunk, so a worker that wakes after its call ended finds
 * another tag or no chunk left and runs nothing; `finished` counts chunks done; `failed` is set by a failing worker.
 */
export const SCHED = { claim: 0, finished: 1, failed: 2, size: 3 } as const;

/**
 * An argument of a chunked call that differs per chunk: chunk c's is chunk 0's + c·stride (a per-chunk output
 * buffer; the caller's args(r0, r1) must give the same, with c = r0 / chunkSize of {@link WasmRuntime.chunkPlan}).
 */
export interface PerChunkArg {
  arg: number;
  stride: number;
}

/** How a chunked call is cut (what its control block tells each worker). */
interface Chunking {
  chunks: number;
  total: number;
  chunkSize: number;
  perChunk?: PerChunkArg;
}

/** A call whose args are one worker's own part ({@link WasmRuntime.parallelParts}). */
const UNCHUNKED: Chunking = { chunks: 0, total: 0, chunkSize: 0 };

/** Chunks per thread of a chunked call: enough that a thread slowed by another job hands its share over. */
const CHUNKS_PER_THREAD = 4;

/**
 * Claims and runs chunks of the call tagged `tag` until none is left (the calling thread and the workers alike);
 * run(r0, r1, chunk) runs one.
 */
export function runChunks(
  sched: Int32Array,
  tag: number,
  chunks: number,
  total: number,
  chunkSize: number,
  run: (r0: number, r1: number, chunk: number) => void,
): void {
  for (;;) {
    const v = Atomics.load(sched, SCHED.claim);
    const c = v & 0xffff;
    if (v >>> 16 !== tag || c >= chunks) return;
    if (Atomics.compareExchange(sched, SCHED.claim, v, v + 1) !== v) continue;
    run(c * chunkSize, Math.min(total, (c + 1) * chunkSize), c);
    if (Atomics.add(sched, SCHED.finished, 1) + 1 === chunks) Atomics.notify(sched, SCHED.finished);
  }
}

const PAGE = 65536;
const WORKER_TIMEOUT_MS = 120_000;
const MAX_PAGES = 32768; // must match --max-memory in wasm/build.js

/** Candidate locations of the compiled module, from lib/engine (ts-node) or dist/lib/engine (tsc). */
function wasmCandidates(): string[] {
  return [
    path.join(__dirname, 'wasm', 'kernels.wasm'),
    path.resolve(__dirname, '..', '..', '..', 'lib', 'engine', 'wasm', 'kernels.wasm'),
  ];
}

/** Path of kernels.wasm, or undefined when it was not built (no clang). */
export function findKernelsWasm(): string | undefined {
  return wasmCandidates().find((p) => fs.existsSync(p));
}

interface WorkerSlot {
  worker: Worker;
  ctrl: Int32Array;
}

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly kernels: KernelExports;
  readonly threads: number;
  /** The native addon's path when it runs the GEMM-bound kernels (see {@link useNative}). */
  readonly nativePath: string | null;
  /** Whether calls of NATIVE_KERNELS go to the native addon (when it loaded). */
  useNative: boolean;
  /**
   * Whether kernels on the wasm backend run natively on its own heap (no copies; see io.ts kernelMemory) when
   * the addon is in use; SER_NATIVE_HEAP=0 turns it off.
   */
  inPlace: boolean;
  private readonly native: NativeAddon | null;
  private bytesView: Uint8Array;
  private readonly module: WebAssembly.Module;
  private readonly heapBase: number;
  private top: number;
  private f32View: Float32Array;
  private readonly workers: WorkerSlot[] = [];
  private readonly sched = new Int32Array(new SharedArrayBuffer(4 * SCHED.size));
  private seq = 0;

  constructor(wasmPath: string, threads: number, nativePath?: string) {
    this.nativePath = nativePath ?? null;
    this.native = nativePath ? loadNativeAddon(nativePath) : null;
    this.useNative = this.native !== null;
    this.inPlace = process.env.SER_NATIVE_HEAP !== '0';
    this.module = new WebAssembly.Module(fs.readFileSync(wasmPath));
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    const exports = instance.exports as unknown as KernelExports & { __heap_base: WebAssembly.Global };
    this.kernels = exports;
    this.heapBase = align(Number(exports.__heap_base.value));
    this.top = this.heapBase;
    this.f32View = new Float32Array(this.memory.buffer);
    this.bytesView = new Uint8Array(this.memory.buffer);
    for (let i = 1; i < threads; i++) this.workers.push(this.startWorker());
    this.threads = threads;
  }

  private startWorker(): WorkerSlot {
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * (CTRL.args + CTRL.maxArgs)));
    const worker = new Worker(path.join(__dirname, 'worker.js'), {
      workerData: {
        wasmModule: this.module,
        memory: this.memory,
        ctrl,
        sched: this.sched,
        nativePath: this.nativePath,
      },
    });
    // Idle workers sleep in Atomics.wait; they must not keep the process alive.
    worker.unref();
    return { worker, ctrl };
  }

  /** Float32 view of the whole memory (refreshed after growth). */
  get f32(): Float32Array {
    if (
      this.f32View.buffer !== this.memory.buffer ||
      this.f32View.length * 4 !== this.memory.buffer.byteLength
    ) {
      this.f32View = new Float32Array(this.memory.buffer);
    }
    return this.f32View;
  }

  /** Byte view of the whole memory (refreshed after growth), for the native addon. */
  private get bytes(): Uint8Array {
    if (this.bytesView.length !== this.memory.buffer.byteLength)
      this.bytesView = new Uint8Array(this.memory.buffer);
    return this.bytesView;
  }

  /** Forget every scratch buffer (start of a kernel call). */
  reset(): void {
    this.top = this.heapBase;
  }

  /** A scratch buffer of n floats (16-byte aligned); returns its byte offset. */
  alloc(n: number): number {
    const ptr = this.top;
    this.top = align(ptr + 4 * n);
    const needed = Math.ceil(this.top / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (needed > have) this.memory.grow(needed - have);
    return ptr;
  }

  /** A scratch buffer holding a copy of src. */
  put(src: ArrayLike<number>): number {
    const ptr = this.alloc(src.length);
    this.f32.set(src, ptr / 4);
    return ptr;
  }

  /** A scratch copy of a float64 or uint32 array, bit for bit (`put` converts to float32); its byte offset. */
  putTyped(src: Float64Array | Uint32Array): number {
    const ptr = this.alloc((src.BYTES_PER_ELEMENT / 4) * src.length);
    if (src instanceof Float64Array) new Float64Array(this.memory.buffer, ptr, src.length).set(src);
    else new Uint32Array(this.memory.buffer, ptr, src.length).set(src);
    return ptr;
  }

  /** A scratch buffer of n float64 values; returns its byte offset. */
  allocF64(n: number): number {
    return this.alloc(2 * n);
  }

  /** A scratch buffer of n zeros. */
  zeros(n: number): number {
    const ptr = this.alloc(n);
    this.f32.fill(0, ptr / 4, ptr / 4 + n);
    return ptr;
  }

  /** Float32 view of a scratch buffer. */
  view(ptr: number, n: number): Float32Array {
    return this.f32.subarray(ptr / 4, ptr / 4 + n);
  }

  /** Whether the native addon is loaded and in use (then {@link parallel} and {@link call} take a heap). */
  get nativeActive(): boolean {
    return this.useNative && this.native !== null;
  }

  /**
   * The native index of kernel with the addon's base set to heap (else this runtime's memory), or undefined
   * when the wasm kernel runs (heap must then be absent).
   */
  private nativeFor(kernel: KernelName, heap: Uint8Array | undefined): number | undefined {
    const index = this.nativeActive ? NATIVE_KERNELS[kernel] : undefined;
    if (index === undefined || !this.native) {
      if (heap) throw new Error(`engine: ${kernel} has no native kernel for the backend's heap`);
      return undefined;
    }
    this.native.setBase(heap ?? this.bytes);
    return index;
  }

  /**
   * One kernel call on the calling thread: natively when the addon is in use (pointers into heap when given,
   * else into this runtime's memory), else the wasm kernel.
   */
  call(kernel: KernelName, args: number[], heap?: Uint8Array): void {
    const nativeIndex = this.nativeFor(kernel, heap);
    if (nativeIndex !== undefined && this.native) this.native.run(nativeIndex, ...args);
    else (this.kernels[kernel] as (...a: number[]) => void)(...args);
  }

  /**
   * Runs kernel over [0, total) in chunks that the threads claim as they go, so a thread that the machine slows
   * (another job, a late wake-up) takes fewer: args(r0, r1) gives one chunk's arguments, which must start with r0
   * and r1 and otherwise be the same for every chunk. The calling thread takes part; it returns when every chunk
   * is done. minPerPart: the fewest units worth a chunk (memory-bound kernels on small tensors run on the calling
   * thread alone). heap: run natively with pointers into this memory (the tfjs wasm backend's heap) instead of the
   * runtime's own. Each unit's result must not depend on the split (every chunked kernel is row-wise).
   *
   * The native addon's base pointer is set here and used by every thread until the call returns: this
   * thread blocks until all chunks are done, and no chunk allocates, so the memory cannot grow or move meanwhile.
   */
  parallel(
    kernel: KernelName,
    total: number,
    args: (r0: number, r1: number) => number[],
    minPerPart = 1,
    heap?: Uint8Array,
    perChunk?: PerChunkArg,
  ): void {
    const { chunks, chunkSize } = this.chunkPlan(total, minPerPart);
    if (chunks === 1) {
      const own = args(0, total);
      const nativeIndex = this.nativeFor(kernel, heap);
      if (nativeIndex !== undefined && this.native) this.native.run(nativeIndex, ...own);
      else (this.kernels[kernel] as (...a: number[]) => void)(...own);
      return;
    }
    const first = args(0, chunkSize);
    if (first[0] !== 0 || first[1] !== chunkSize)
      throw new Error(`engine: ${kernel}'s arguments must start with r0, r1`);
    const nativeIndex = this.post(kernel, heap, first, { chunks, total, chunkSize, perChunk });
    const tag = this.seq & 0x7fff;
    const { sched } = this;
    const runOwn =
      nativeIndex !== undefined && this.native
        ? (r0: number, r1: number) => this.native?.run(nativeIndex, ...args(r0, r1))
        : (r0: number, r1: number) => (this.kernels[kernel] as (...a: number[]) => void)(...args(r0, r1));
    runChunks(sched, tag, chunks, total, chunkSize, runOwn);
    this.waitUntil(sched, SCHED.finished, (finished) => {
      if (Atomics.load(sched, SCHED.failed) !== 0) throw new Error('engine: a kernel worker failed');
      return finished === chunks;
    });
  }

  /**
   * How {@link parallel} splits [0, total): chunks of chunkSize units (the last may be shorter), every chunk
   * non-empty; one chunk when the work is too small to share (fewer than 2·minPerPart units) or with one thread.
   */
  chunkPlan(total: number, minPerPart = 1): { chunks: number; chunkSize: number } {
    const wanted = Math.max(1, Math.min(this.threads * CHUNKS_PER_THREAD, Math.floor(total / minPerPart)));
    if (this.threads === 1 || wanted === 1 || total <= 1) return { chunks: 1, chunkSize: Math.max(total, 1) };
    const chunkSize = Math.ceil(total / wanted);
    return { chunks: Math.ceil(total / chunkSize), chunkSize };
  }

  /**
   * Runs kernel over [0, total) split into one contiguous range per thread: args(r0, r1, part) gives part
   * `part`'s arguments (for kernels that write per-part partial results). The calling thread runs part 0; it
   * returns when every part is done. Parts with an empty range are skipped; minPerPart and heap as in
   * {@link parallel}.
   */
  parallelParts(
    kernel: KernelName,
    total: number,
    args: (r0: number, r1: number, part: number) => number[],
    minPerPart = 1,
    heap?: Uint8Array,
  ): void {
    const parts = Math.max(1, Math.min(this.threads, Math.floor(total / minPerPart)));
    const bounds = (p: number): number => Math.round((total * p) / parts);
    const nativeIndex = this.nativeFor(kernel, heap);
    this.seq++;
    for (let p = 1; p < parts; p++)
      this.postTo(this.workers[p - 1], kernel, nativeIndex, args(bounds(p), bounds(p + 1), p));
    const own = args(bounds(0), bounds(1), 0);
    if (nativeIndex !== undefined && this.native) this.native.run(nativeIndex, ...own);
    else (this.kernels[kernel] as (...a: number[]) => void)(...own);
    for (let p = 1; p < parts; p++) {
      const { ctrl } = this.workers[p - 1];
      this.waitUntil(ctrl, CTRL.done, (done) => {
        if (done < 0) throw new Error('engine: a kernel worker failed');
        return done === this.seq;
      });
    }
  }

  /** Posts a chunked call to every worker (next sequence number, schedule reset); the kernel's native index. */
  private post(
    kernel: KernelName,
    heap: Uint8Array | undefined,
    args: number[],
    chunking: Chunking,
  ): number | undefined {
    const nativeIndex = this.nativeFor(kernel, heap);
    this.seq++;
    Atomics.store(this.sched, SCHED.finished, 0);
    Atomics.store(this.sched, SCHED.failed, 0);
    Atomics.store(this.sched, SCHED.claim, (this.seq & 0x7fff) << 16);
    for (const slot of this.workers) this.postTo(slot, kernel, nativeIndex, args, chunking);
    return nativeIndex;
  }

  /** Writes one call into a worker's control block and wakes it. */
  private postTo(
    { ctrl }: WorkerSlot,
    kernel: KernelName,
    nativeIndex: number | undefined,
    args: number[],
    chunking: Chunking = UNCHUNKED,
  ): void {
    const kernelIndex = PARALLEL_KERNELS.indexOf(kernel);
    if (kernelIndex < 0) throw new Error(`engine: ${kernel} is not a parallel kernel`);
    if (args.length > CTRL.maxArgs) throw new Error('engine: too many kernel arguments');
    ctrl[CTRL.kernel] = kernelIndex;
    ctrl[CTRL.native] = nativeIndex ?? -1;
    ctrl[CTRL.nargs] = args.length;
    ctrl[CTRL.chunks] = chunking.chunks;
    ctrl[CTRL.total] = chunking.total;
    ctrl[CTRL.chunkSize] = chunking.chunkSize;
    ctrl[CTRL.chunkArg] = chunking.perChunk?.arg ?? -1;
    ctrl[CTRL.chunkStride] = chunking.perChunk?.stride ?? 0;
    for (let i = 0; i < args.length; i++) ctrl[CTRL.args + i] = args[i];
    Atomics.store(ctrl, CTRL.seq, this.seq);
    Atomics.notify(ctrl, CTRL.seq);
  }

  /**
   * Waits until ready(cell[index]) (which may throw a worker's failure): spins SPIN_MS, then sleeps in
   * Atomics.wait on the value ready saw, so a change between reading and sleeping wakes it at once; a worker that
   * died cannot report it while this thread blocks, so it gives up after a long wait.
   */
  private waitUntil(cells: Int32Array, index: number, ready: (value: number) => boolean): void {
    const until = performance.now() + SPIN_MS;
    let value = Atomics.load(cells, index);
    while (!ready(value) && performance.now() < until) value = Atomics.load(cells, index);
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    while (!ready(value)) {
      if (Date.now() > deadline) throw new Error('engine: a kernel worker did not answer');
      Atomics.wait(cells, index, value, 1000);
      value = Atomics.load(cells, index);
    }
  }

  /** Stops the worker threads (the runtime is unusable afterwards). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

/** Elements below which a memory-bound kernel is not worth splitting over threads. */
export const ELEMENTWISE_MIN_PER_THREAD = 1 << 15;

/** minPerPart for a row-wise memory-bound kernel over rows of `cols` floats. */
export function rowsPerThread(cols: number): number {
  return Math.ceil(ELEMENTWISE_MIN_PER_THREAD / Math.max(1, cols));
}

function align(n: number): number {
  return (n + 63) & ~63;
}

let shared: WasmRuntime | null | undefined;

/** Worker threads to use: SER_THREADS, else every core (at most 8). */
export function defaultThreads(): number {
  return envThreads() ?? Math.max(1, Math.min(8, os.availableParallelism()));
}

/** The process-wide runtime, or null when kernels.wasm is missing or cannot load. */
export function getRuntime(): WasmRuntime | null {
  if (shared === undefined) {
    const file = findKernelsWasm();
    try {
      shared = file ? new WasmRuntime(file, defaultThreads(), findNativeAddon()) : null;
    } catch {
      shared = null;
    }
  }
  return shared;
}
