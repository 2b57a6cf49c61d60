/**
 * The SVM's node-only accelerations, or null where plain TypeScript on one thread runs: the engine's shared
 * WebAssembly runtime for the kernel matrix (lib/engine/wasm/svm.c; not when kernels.wasm was not built or
 * predates the kernel, or SER_WASM_SVM=0), and a pool of worker threads that train one-vs-one pairs (one
 * per core beside the calling thread, SER_THREADS like the engine; started on first use, unref'd). The
 * browser bundle swaps this module for lib/browser/svm-node.ts.
 */
import * as path from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { defaultThreads, getRuntime, type WasmRuntime } from '../engine/runtime';
import type { PairJob } from './svm-pair';

export function svmRuntime(): WasmRuntime | null {
  if (process.env.SER_WASM_SVM === '0') return null;
  const rt = getRuntime();
  return rt && typeof rt.kernels.rbf_kernel_rows === 'function' ? rt : null;
}

/** Control slots shared with a pair worker: job sequence number (main → worker), finished sequence (back). */
export const PAIR_CTRL = { seq: 0, done: 1 } as const;
const WORKER_TIMEOUT_MS = 600_000;

interface Slot {
  worker: Worker;
  port: MessagePort;
  ctrl: Int32Array;
}

export class PairPool {
  private readonly slots: Slot[] = [];
  private seq = 0;

  constructor(workers: number) {
    for (let i = 0; i < workers; i++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(8));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(path.join(__dirname, 'svm-worker.js'), {
        workerData: { ctrl, port: port2 },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      this.slots.push({ worker, port: port1, ctrl });
    }
  }

  /**
   * Run `job` on every worker and on this thread (`work`), each taking pairs from the job's shared counter
   * until none is left; returns when all are done. Synchronous: workers read the job with
   * receiveMessageOnPort once woken, and report through their control slots.
   */
  run(job: PairJob, work: (job: PairJob) => void): void {
    this.seq++;
    for (const s of this.slots) {
      s.port.postMessage(job);
      Atomics.store(s.ctrl, PAIR_CTRL.seq, this.seq);
      Atomics.notify(s.ctrl, PAIR_CTRL.seq);
    }
    let error: unknown;
    try {
      work(job);
    } catch (err) {
      error = err;
    }
    for (const s of this.slots) {
      const deadline = Date.now() + WORKER_TIMEOUT_MS;
      for (;;) {
        const done = Atomics.load(s.ctrl, PAIR_CTRL.done);
        if (done === this.seq) break;
        if (done < 0) throw new Error('fitSvm: a pair worker failed');
        if (Date.now() > deadline) throw new Error('fitSvm: a pair worker did not answer');
        Atomics.wait(s.ctrl, PAIR_CTRL.done, done, 1000);
      }
    }
    if (error) throw error;
  }
}

let pool: PairPool | null | undefined;

/** The process-wide pair pool, or null with a single thread. */
export function svmPairPool(): PairPool | null {
  if (pool === undefined) {
    const workers = defaultThreads() - 1;
    try {
      pool = workers > 0 ? new PairPool(workers) : null;
    } catch {
      pool = null;
    }
  }
  return pool;
}
