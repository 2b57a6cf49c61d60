/**
 * The classic models' node-only accelerations, or null where plain TypeScript on one thread runs: the engine's
 * shared WebAssembly runtime for the SVM's kernel matrix (lib/engine/wasm/svm.c; not when kernels.wasm was not
 * built or predates the kernel, or SER_WASM_SVM=0), and a pool of worker threads (lib/models/classic-worker.ts)
 * that train SVM pairs and forest trees: one per core beside the calling thread (SER_THREADS, as the engine),
 * started on first use and unref'd. The browser bundle swaps this module for lib/browser/classic-threads.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { defaultThreads, findKernelsWasm, getRuntime, type WasmRuntime } from '../engine/runtime';
import type { ClassicJob } from './classic-worker';

export function svmRuntime(): WasmRuntime | null {
  if (process.env.SER_WASM_SVM === '0') return null;
  const rt = getRuntime();
  return rt && typeof rt.kernels.rbf_kernel_rows === 'function' ? rt : null;
}

let kernelModule: { module: WebAssembly.Module; heapBase: number } | null | undefined;

/**
 * The engine's compiled kernels.wasm and the end of its static data, for the SVM's own per-fit shared memory
 * (its lazily filled kernel matrix, which every pair thread instantiates the module on); null where
 * {@link svmRuntime} is.
 */
export function svmKernelModule(): { module: WebAssembly.Module; heapBase: number } | null {
  if (kernelModule === undefined) {
    kernelModule = null;
    const file = svmRuntime() ? findKernelsWasm() : undefined;
    if (file) {
      const module = new WebAssembly.Module(fs.readFileSync(file));
      const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
      const probe = new WebAssembly.Instance(module, { env: { memory } }).exports as { __heap_base: WebAssembly.Global };
      kernelModule = { module, heapBase: Number(probe.__heap_base.value) };
    }
  }
  return kernelModule;
}

/** Control slots shared with a worker: job sequence number (main → worker), finished sequence (back). */
export const CLASSIC_CTRL = { seq: 0, done: 1 } as const;
const WORKER_TIMEOUT_MS = 600_000;

interface Slot {
  worker: Worker;
  port: MessagePort;
  ctrl: Int32Array;
}

export class ClassicPool {
  private readonly slots: Slot[] = [];
  private seq = 0;

  /** Threads a job runs on: the workers and the caller. */
  get threads(): number {
    return this.slots.length + 1;
  }

  constructor(workers: number) {
    for (let i = 0; i < workers; i++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(8));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(path.join(__dirname, 'classic-worker.js'), {
        workerData: { ctrl, port: port2 },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      this.slots.push({ worker, port: port1, ctrl });
    }
  }

  /**
   * Run `job` on every worker and on this thread (`work`), each taking items from the job's shared counter
   * until none is left; returns this thread's result and each worker's. Synchronous: a woken worker reads the
   * job with receiveMessageOnPort and posts its result back before it reports through its control slot.
   */
  run<R>(job: ClassicJob, work: () => R): { own: R; workers: unknown[] } {
    this.seq++;
    for (const s of this.slots) {
      s.port.postMessage(job);
      Atomics.store(s.ctrl, CLASSIC_CTRL.seq, this.seq);
      Atomics.notify(s.ctrl, CLASSIC_CTRL.seq);
    }
    let own: R | undefined;
    let error: unknown;
    try {
      own = work();
    } catch (err) {
      error = err;
    }
    const workers: unknown[] = [];
    for (const s of this.slots) {
      const deadline = Date.now() + WORKER_TIMEOUT_MS;
      for (;;) {
        const done = Atomics.load(s.ctrl, CLASSIC_CTRL.done);
        if (done === this.seq) break;
        if (done < 0) throw new Error('classic models: a worker thread failed');
        if (Date.now() > deadline) throw new Error('classic models: a worker thread did not answer');
        Atomics.wait(s.ctrl, CLASSIC_CTRL.done, done, 1000);
      }
      workers.push(receiveMessageOnPort(s.port)?.message);
    }
    if (error) throw error;
    return { own: own as R, workers };
  }
}

let pool: ClassicPool | null | undefined;

/** The process-wide pool, or null with a single thread. */
export function classicPool(): ClassicPool | null {
  if (pool === undefined) {
    const workers = defaultThreads() - 1;
    try {
      pool = workers > 0 ? new ClassicPool(workers) : null;
    } catch {
      pool = null;
    }
  }
  return pool;
}
