/**
 * The training engine: fast kernels registered into tfjs for the `wasm` and `cpu` backends, so
 * models stay ordinary tfjs Layers models (same save/load and API) while training runs on the
 * engine's WebAssembly SIMD kernels (lib/engine/wasm/kernels.c) over worker threads.
 *
 * - Conv2D / Conv2DBackpropInput / Conv2DBackpropFilter for tfjs-layers Conv1D and Conv2D (NHWC,
 *   dilation 1); the stock wasm backend has no Conv2DBackpropFilter at all, so without the engine it
 *   cannot train a conv net.
 * - BatchMatMul on the same GEMM, over both threads.
 * - FusedConv2D (tfjs-layers Conv2D) with its bias and ReLU; FusedBatchNorm; MaxPoolGrad on C kernels.
 * - SerConvMaxPool (kernel-names.ts): conv + bias + ReLU + max pool in one pass, for inference plans.
 * - Identity and same-dtype Cast (no copy), Slice and SplitV (read in place), Reverse, Tile and Sum / Mean over leading axes, where the stock wasm kernels are slow.
 * - tfjs-layers BatchNormalization in training runs as one fused op (statistics, normalization, gradient).
 * - tfjs-layers LSTM (and so Bidirectional(LSTM)) runs as one fused op per sequence.
 * - tfjs-layers Dropout and GaussianNoise in training run as one op each (hash-based random numbers).
 * - tfjs's AdamOptimizer updates each variable in one native call, and ReLU and its gradient run in one
 *   native pass each (when the native addon is in use).
 *
 * lib/backend loads this module and calls {@link registerFastKernels}; nothing is registered on
 * the native `tensorflow` backend, which is used instead whenever real tfjs-node is installed.
 */
import * as tf from '@tensorflow/tfjs';
import { tanhFloat32 } from './activation';
import { installFusedAdam } from './adam';
import { fusedBatchNorm, installFusedBatchNorm } from './batchnorm';
import { convFilterGrad, convForward, convInputGrad, convPoolForward } from './conv';
import { installFusedConv1d } from './conv-layer';
import { CONV_MAX_POOL } from './kernel-names';
import { identityShared, reduceLeadingAxes, reverseFloat32, tileFloat32 } from './layout-kernels';
import { installFusedLstm } from './lstm';
import { fusedMatMul } from './fused-matmul';
import { batchMatMul } from './matmul';
import { installFusedNoise } from './noise';
import { maxPool, maxPoolGrad } from './pool';
import { installFusedReluGrad, reluForward } from './relu';
import { sliceInPlace, splitInPlace } from './slice';
import { findKernelsWasm, getRuntime, type WasmRuntime } from './runtime';

export { lstmSequence, installFusedLstm, uninstallFusedLstm } from './lstm';
export { batchNormTrain, installFusedBatchNorm, uninstallFusedBatchNorm } from './batchnorm';
export { installFusedConv1d, uninstallFusedConv1d } from './conv-layer';
export {
  dropoutTrain,
  gaussianNoiseTrain,
  installFusedNoise,
  setNativeNoiseEnabled,
  uninstallFusedNoise,
} from './noise';
export { installFusedAdam, setFusedAdamEnabled, uninstallFusedAdam } from './adam';
export { installFusedReluGrad, setNativeReluEnabled, uninstallFusedReluGrad } from './relu';
export { getRuntime, type WasmRuntime } from './runtime';

export type EngineBackend = 'wasm' | 'cpu';

/** What the engine is doing in this process. */
export interface EngineInfo {
  /** Backends the fast kernels are registered on. */
  backends: EngineBackend[];
  /** Whether the fast kernels are currently used (see {@link setFastKernelsEnabled}). */
  enabled: boolean;
  /** Worker threads the kernels split over (including the calling thread); 0 without the module. */
  threads: number;
  /** Path of the WebAssembly module, or null when it was not built (no clang). */
  wasmPath: string | null;
  /** Whether the native AVX2/FMA addon runs the GEMM-bound kernels (conv, BatchMatMul). */
  native: boolean;
  /** One line on what runs: 'wasm-simd kernels, N threads' or why stock kernels run. */
  summary: string;
}

/** An engine kernel: returns null when it does not handle this call (the stock kernel then runs). */
type Impl = (
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: tf.NamedAttrMap,
) => tf.TensorInfo | tf.TensorInfo[] | null;

const reduction = (attrs: tf.NamedAttrMap): [number | number[], boolean] => {
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  return [axis, keepDims];
};

const KERNELS: [string, Impl][] = [
  ['Conv2D', (rt, be, i, a) => convForward(rt, be, i.x, i.filter, a)],
  // tfjs-layers Conv2D; a PReLU activation (its weights input) stays stock.
  [
    'FusedConv2D',
    (rt, be, i, a) => (i.preluActivationWeights ? null : convForward(rt, be, i.x, i.filter, a, i.bias)),
  ],
  ['FusedBatchNorm', (rt, be, i, a) => fusedBatchNorm(rt, be, i, a)],
  ['Conv2DBackpropFilter', (rt, be, i, a) => convFilterGrad(rt, be, i.x, i.dy, a)],
  ['Conv2DBackpropInput', (rt, be, i, a) => convInputGrad(rt, be, i.dy, i.filter, a)],
  ['BatchMatMul', (rt, be, i, a) => batchMatMul(rt, be, i.a, i.b, a)],
  // tfjs-layers Dense; small products stay on the stock kernel.
  ['_FusedMatMul', (rt, be, i, a) => fusedMatMul(rt, be, i, a)],
  ['MaxPoolGrad', (rt, be, i, a) => maxPoolGrad(rt, be, i.dy, i.input, a)],
  ['MaxPool', (rt, be, i, a) => maxPool(rt, be, i.x, a)],
  ['Identity', (_rt, be, i) => identityShared(be, i.x)],
  // A cast to x's own dtype (ReLU's gradient casts its float32 step mask): the stock wasm kernel copies.
  [
    'Cast',
    (_rt, be, i, a) => (i.x.dtype === (a as unknown as tf.CastAttrs).dtype ? identityShared(be, i.x) : null),
  ],
  ['Reverse', (_rt, be, i, a) => reverseFloat32(be, i.x, (a as unknown as tf.ReverseAttrs).dims)],
  ['Tile', (_rt, be, i, a) => tileFloat32(be, i.x, (a as unknown as tf.TileAttrs).reps)],
  ['Relu', (_rt, be, i) => reluForward(be, i.x)],
  ['Sum', (rt, be, i, a) => reduceLeadingAxes(rt, be, i.x, ...reduction(a), false)],
  ['Mean', (rt, be, i, a) => reduceLeadingAxes(rt, be, i.x, ...reduction(a), true)],
  [
    'Slice',
    (_rt, be, i, a) => {
      const { begin, size } = a as unknown as tf.SliceAttrs;
      return sliceInPlace(be, i.x, begin, size);
    },
  ],
  [
    'SplitV',
    (_rt, be, i, a) => {
      const { numOrSizeSplits, axis } = a as unknown as tf.SplitVAttrs;
      return splitInPlace(be, i.x, numOrSizeSplits, axis);
    },
  ],
  ['Tanh', (rt, be, i) => tanhFloat32(rt, be, i.x)],
];

const registeredOn = new Set<EngineBackend>();
let enabled = true;

function active(): WasmRuntime | null {
  if (!enabled || !registeredOn.has(tf.getBackend() as EngineBackend)) return null;
  return getRuntime();
}

/**
 * Turns the fast kernels off or on for this process without unregistering them (stock kernels run
 * while off; used by tests and benches to compare both in one process).
 */
export function setFastKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Registers the engine's kernels on a tfjs backend ('wasm' or 'cpu'). Returns false when the
 * WebAssembly module is unavailable (stock kernels then run). Idempotent.
 */
export function registerFastKernels(backendName: EngineBackend): boolean {
  if (registeredOn.has(backendName)) return true;
  const rt = getRuntime();
  if (!rt) return false;
  for (const [kernelName, impl] of KERNELS) {
    const stock = tf.getKernel(kernelName, backendName);
    if (stock) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: (args) => {
        const inputs = args.inputs as Record<string, tf.TensorInfo>;
        const backend = args.backend as tf.KernelBackend;
        const out = enabled ? impl(rt, backend, inputs, args.attrs ?? {}) : null;
        if (out) return out;
        if (stock) return stock.kernelFunc(args);
        throw new Error(
          `Kernel '${kernelName}' not registered for backend '${backendName}' (stock tfjs has none)`,
        );
      },
    });
  }
  // The engine's own inference kernel: there is no stock one to fall back to, so it runs even when the fast
  // kernels are switched off (it has no gradient: inference plans only).
  tf.registerKernel({
    kernelName: CONV_MAX_POOL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, filter, bias } = inputs as Record<string, tf.TensorInfo>;
      const out = convPoolForward(rt, backend as tf.KernelBackend, x, filter, attrs ?? {}, bias);
      if (!out) throw new Error(`engine: ${CONV_MAX_POOL} does not handle this convolution or pool`);
      return out;
    },
  });
  installFusedLstm(active);
  installFusedBatchNorm(active);
  installFusedNoise(() => active() !== null);
  installFusedConv1d(() => active() !== null);
  installFusedAdam(() => active() !== null);
  installFusedReluGrad(() => active() !== null);
  registeredOn.add(backendName);
  return true;
}

/**
 * Routes the GEMM-bound kernels to the native addon (when it loaded) or to WebAssembly; tests and benches
 * compare both in one process. Returns whether the addon is in use afterwards.
 */
export function setNativeKernelsEnabled(on: boolean): boolean {
  const rt = getRuntime();
  if (!rt) return false;
  rt.useNative = on && rt.nativePath !== null;
  return rt.useNative;
}

/** The engine's state in this process. */
export function engineInfo(): EngineInfo {
  const wasmPath = findKernelsWasm() ?? null;
  const rt = wasmPath ? getRuntime() : null;
  const backends = [...registeredOn];
  const summary = !rt
    ? wasmPath
      ? 'engine: kernels.wasm failed to load; stock tfjs kernels run'
      : 'engine: kernels.wasm not built (no clang); stock tfjs kernels run'
    : backends.length === 0
      ? 'engine: not registered on any backend; stock tfjs kernels run'
      : `engine: wasm-simd kernels${rt.useNative ? ' (GEMM: native avx2/fma)' : ''} on ${backends.join(', ')}, ` +
        `${rt.threads} thread(s)${enabled ? '' : ' (disabled)'}`;
  const native = rt?.useNative ?? false;
  return { backends, enabled, threads: rt?.threads ?? 0, wasmPath, native, summary };
}
