/**
 * One place that decides which TensorFlow.js backend runs.
 *
 * Order: native `tensorflow` (real @tensorflow/tfjs-node, when the user installed it), then `wasm`
 * (with the project's fast kernels from lib/engine registered), then `cpu`. Every entry point
 * (CLI, notebooks, tests, benches) calls {@link initBackend} once; later calls return the same answer.
 *
 * danfojs-node depends on "@tensorflow/tfjs-node", which this project aliases to plain tfjs
 * (see package.json overrides), so `require` succeeding proves nothing: real tfjs-node is detected
 * by the `tensorflow` backend it registers.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as path from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The backend tfjs now runs on. */
  name: BackendName;
  /** tfjs version in use. */
  tfjsVersion: string;
  /** Whether the native tfjs-node package was found and registered its backend. */
  nativeAvailable: boolean;
  /** Whether the project's fast kernels (lib/engine) were registered for this backend. */
  fastKernels: boolean;
  /** Why a preferred backend was not used, if any. */
  notes: string[];
}

export interface BackendOptions {
  /** Force a backend; default: best available. Also read from the SER_BACKEND environment variable. */
  prefer?: BackendName;
  /** Register lib/engine kernels on wasm/cpu (default true; SER_FAST_KERNELS=0 turns them off). */
  fastKernels?: boolean;
}

let current: Promise<BackendInfo> | undefined;

type RegisterFastKernels = (backend: 'wasm' | 'cpu') => boolean;

/**
 * lib/engine's kernel registration, loaded on first use: a process on the native backend never loads the
 * engine. Null (with a note) when it cannot load.
 */
function loadEngine(notes: string[]): RegisterFastKernels | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../engine') as typeof import('../engine')).registerFastKernels;
  } catch (err) {
    notes.push(`engine: ${(err as Error).message}`);
    return null;
  }
}

function tryLoadNative(notes: string[]): boolean {
  try {
    // Dynamic: the package is optional and, on most machines here, only an alias of plain tfjs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  } catch {
    notes.push('@tensorflow/tfjs-node not installed');
    return false;
  }
  const native = tf.findBackendFactory('tensorflow') !== null;
  if (!native) notes.push('@tensorflow/tfjs-node resolves to plain tfjs (no native "tensorflow" backend)');
  return native;
}

function wasmDir(): string {
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  // .../tfjs-backend-wasm/dist/tf-backend-wasm.node.js → the .wasm binaries sit in that same dist folder.
  return path.dirname(entry) + path.sep;
}

async function pick(options: BackendOptions): Promise<BackendInfo> {
  // PROD silences tfjs's console banners and debug warnings in notebooks and CLI output.
  tf.env().set('PROD', true);
  const notes: string[] = [];
  const envPrefer = process.env.SER_BACKEND as BackendName | undefined;
  const prefer = options.prefer ?? envPrefer;
  const wantFast = (options.fastKernels ?? true) && process.env.SER_FAST_KERNELS !== '0';
  const nativeAvailable = tryLoadNative(notes);

  const order: BackendName[] = prefer ? [prefer] : nativeAvailable ? ['tensorflow'] : ['wasm', 'cpu'];
  for (const name of order) {
    if (name === 'wasm') setWasmPaths(wasmDir());
    if (name === 'tensorflow' && !nativeAvailable) {
      notes.push('tensorflow backend requested but not available');
      continue;
    }
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      await tf.ready();
    } catch (err) {
      notes.push(`${name}: ${(err as Error).message}`);
      ok = false;
    }
    if (!ok) continue;
    let fastKernels = false;
    if (wantFast && name !== 'tensorflow') {
      fastKernels = loadEngine(notes)?.(name) ?? false;
      if (!fastKernels)
        notes.push('fast kernels unavailable (lib/engine/wasm/kernels.wasm not built?): stock kernels run');
    }
    return { name, tfjsVersion: tf.version.tfjs, nativeAvailable, fastKernels, notes };
  }
  throw new Error(`no usable tfjs backend (${notes.join('; ')})`);
}

/** Select and initialise the backend once per process; returns what runs. */
export function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  current ??= pick(options);
  return current;
}

/** Forget the choice (tests only): the next {@link initBackend} picks again. */
export function resetBackendForTests(): void {
  current = undefined;
}

export { tf };
