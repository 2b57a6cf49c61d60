/**
 * A kernel worker thread: instantiates the engine's module on the shared memory and runs the
 * calls that WasmRuntime.parallel posts in its control block, forever (see runtime.ts).
 */
import { workerData } from 'node:worker_threads';
import {
  CTRL,
  PARALLEL_KERNELS,
  SCHED,
  SPIN_MS,
  loadNativeAddon,
  runChunks,
  type KernelExports,
} from './runtime';

interface WorkerInit {
  wasmModule: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: Int32Array;
  sched: Int32Array;
  nativePath: string | null;
}

// (`module` would shadow CommonJS's own binding and make Node load this file as ESM.)
const { wasmModule, memory, ctrl, sched, nativePath } = workerData as WorkerInit;
const kernels = new WebAssembly.Instance(wasmModule, { env: { memory } }).exports as unknown as KernelExports;
const native = nativePath ? loadNativeAddon(nativePath) : null;
let seen = 0;
for (;;) {
  // Spin a little before sleeping: within a training step the next call usually comes within microseconds,
  // and waking from Atomics.wait costs tens of them.
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(ctrl, CTRL.seq) === seen && performance.now() < until);
  Atomics.wait(ctrl, CTRL.seq, seen);
  seen = Atomics.load(ctrl, CTRL.seq);
  const args: number[] = [];
  for (let i = 0; i < ctrl[CTRL.nargs]; i++) args.push(ctrl[CTRL.args + i]);
  const chunks = ctrl[CTRL.chunks];
  const nativeIndex = ctrl[CTRL.native];
  // The native kernels use the base pointer the calling thread set for this call (runtime.ts parallel).
  const run = (a: number[]): void => {
    if (native && nativeIndex >= 0) native.run(nativeIndex, ...a);
    else (kernels[PARALLEL_KERNELS[ctrl[CTRL.kernel]]] as (...x: number[]) => void)(...a);
  };
  if (chunks > 0) {
    try {
      const chunkArg = ctrl[CTRL.chunkArg];
      const first = chunkArg >= 0 ? args[chunkArg] : 0;
      runChunks(sched, seen & 0x7fff, chunks, ctrl[CTRL.total], ctrl[CTRL.chunkSize], (r0, r1, c) => {
        args[0] = r0;
        args[1] = r1;
        if (chunkArg >= 0) args[chunkArg] = first + c * ctrl[CTRL.chunkStride];
        run(args);
      });
    } catch {
      Atomics.store(sched, SCHED.failed, 1);
      Atomics.notify(sched, SCHED.finished);
    }
    continue;
  }
  try {
    run(args);
    Atomics.store(ctrl, CTRL.done, seen);
  } catch {
    Atomics.store(ctrl, CTRL.done, -1);
  }
  Atomics.notify(ctrl, CTRL.done);
}
