/**
 * Fused LSTM over a whole sequence: one WebAssembly call for the forward pass and one for the
 * backward pass through time (instead of tfjs-layers' ~10 ops per time step), exposed as a
 * differentiable op and plugged into tfjs-layers' own LSTM layer, so models stay ordinary,
 * saveable Layers models that run stock anywhere the engine is not installed.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory, type KernelMemory } from './io';
import type { WasmRuntime } from './runtime';

/** Options of {@link lstmSequence}. */
export interface LstmSequenceOptions {
  /** Run from the last time step to the first (tfjs-layers' goBackwards); h stays in the input's time order. */
  reverse?: boolean;
  /** Return only the final state h[B, H] (of step T − 1, or of step 0 when reverse). */
  lastOnly?: boolean;
}

/** Copies step t of a [B, T, H] buffer at src into [B, H] at dst (both in mem). */
function gatherStep(
  mem: KernelMemory,
  src: number,
  dst: number,
  B: number,
  T: number,
  H: number,
  t: number,
): void {
  for (let b = 0; b < B; b++) mem.view(dst + 4 * b * H, H).set(mem.view(src + 4 * (b * T + t) * H, H));
}

/** Rows of K per GEMM call in {@link gemmTransposedA}. */
const K_CHUNK = 128;

/**
 * c[M, N] = aᵀ·b for a[K, M] and b[K, N] row-major (weight gradients: K = B·T rows), in calls of K_CHUNK rows
 * accumulating into c: the GEMM streams a K-row panel of b per tile of c, and 128 rows of a 16-column panel stay
 * in L1 (1.45× the multiply-adds per CPU second of one call on [1024, 128]ᵀ·[1024, 512], native).
 */
function gemmTransposedA(
  mem: KernelMemory,
  M: number,
  N: number,
  K: number,
  a: number,
  b: number,
  c: number,
): void {
  for (let k0 = 0; k0 < K; k0 += K_CHUNK) {
    const kc = Math.min(K_CHUNK, K - k0);
    const acc = k0 > 0 ? 1 : 0;
    mem.parallel('gemm_rows', M, (r0, r1) => [
      r0,
      r1,
      N,
      kc,
      a + 4 * k0 * M,
      1,
      M,
      b + 4 * k0 * N,
      N,
      c,
      N,
      acc,
    ]);
  }
}

/**
 * h[B, T, H] of an LSTM (Keras weight layout, gates i f c o, tanh + sigmoid, zero initial state)
 * over x[B, T, D] with kernel[D, 4H], recurrentKernel[H, 4H], bias[4H]; [B, H] with `lastOnly`.
 * Differentiable. The input projection and the weight gradients are single GEMMs over all B·T rows
 * (gemm_rows: native where available, split over the threads); the kernels lstm_forward / lstm_backward
 * run only the recurrence. With the native addon on the wasm backend everything runs in place on the
 * backend's heap (see io.ts KernelMemory): gates, cells and h are written straight into the tensors kept
 * for the gradient.
 */
export function lstmSequence(
  rt: WasmRuntime,
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  options: LstmSequenceOptions = {},
): tf.Tensor {
  const [B, T, D] = x.shape;
  const H = recurrentKernel.shape[0];
  const G = 4 * H;
  const rev = options.reverse ? 1 : 0;
  const tLast = rev ? 0 : T - 1;
  const outShape = options.lastOnly ? [B, H] : [B, T, H];
  if (H % 4 !== 0) throw new Error('engine: fused LSTM needs units divisible by 4');
  if (
    kernel.shape[0] !== D ||
    kernel.shape[1] !== G ||
    recurrentKernel.shape[1] !== G ||
    bias.shape[0] !== G
  ) {
    throw new Error('engine: fused LSTM weight shapes do not match');
  }
  /**
   * Runs the forward pass in mem; returns the offsets of gates, cells and h. keep: gates, cells and h are
   * outputs of mem (kept for the gradient), else gates and cells are scratch and h an output unless lastOnly.
   */
  const forward = (
    mem: KernelMemory,
    xs: tf.Tensor,
    W: tf.Tensor,
    U: tf.Tensor,
    b: tf.Tensor,
    keep: boolean,
  ): [number, number, number] => {
    const gPtr = keep ? mem.output([B, T, G]) : mem.alloc(B * T * G);
    const cPtr = keep ? mem.output([B, T, H]) : mem.alloc(B * T * H);
    const hPtr = keep || !options.lastOnly ? mem.output([B, T, H]) : mem.alloc(B * T * H);
    const xPtr = mem.input(xs);
    const wPtr = mem.input(W);
    const uPtr = mem.input(U);
    const bPtr = mem.input(b);
    mem.parallel('gemm_rows', B * T, (r0, r1) => [r0, r1, G, D, xPtr, D, 1, wPtr, G, gPtr, G, 0]);
    mem.parallel('lstm_forward', B, (b0, b1) => [b0, b1, T, H, rev, uPtr, bPtr, gPtr, cPtr, hPtr]);
    return [gPtr, cPtr, hPtr];
  };
  /** The layer's output from h in mem: h itself, or its final state. */
  const output = (mem: KernelMemory, hPtr: number): tf.Tensor => {
    if (!options.lastOnly) return mem.resultTensor(hPtr);
    const last = mem.output(outShape);
    gatherStep(mem, hPtr, last, B, T, H, tLast);
    return mem.resultTensor(last);
  };
  const backend = tf.backend();
  if (!tf.engine().isTapeOn()) {
    // Inference: no gradient will be asked for, so gates and cells stay in scratch.
    const mem = kernelMemory(rt, backend);
    try {
      const [, , hPtr] = forward(mem, x, kernel, recurrentKernel, bias, false);
      return output(mem, hPtr);
    } finally {
      mem.release();
    }
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, W, U, b] = args as tf.Tensor[];
    const save = args[4] as tf.GradSaveFunc;
    const mem = kernelMemory(rt, backend);
    let value: tf.Tensor;
    let h: tf.Tensor;
    let gates: tf.Tensor;
    let cells: tf.Tensor;
    try {
      const [gPtr, cPtr, hPtr] = forward(mem, xs, W, U, b, true);
      value = output(mem, hPtr);
      h = options.lastOnly ? mem.resultTensor(hPtr) : value;
      gates = mem.resultTensor(gPtr);
      cells = mem.resultTensor(cPtr);
    } finally {
      mem.release();
    }
    save([xs, W, U, gates, cells, h]); // saves clones (or nothing when no gradient is recorded)
    gates.dispose();
    cells.dispose();
    if (h !== value) h.dispose();
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sW, sU, sg, sc, sh] = saved;
      const gm = kernelMemory(rt, tf.backend());
      try {
        const rows = B * T;
        const dx = gm.output([B, T, D]);
        const dW = gm.output([D, G]);
        const dU = gm.output([H, G]);
        const db = gm.output([G]);
        const ut = gm.alloc(H * G);
        const dg = gm.alloc(rows * G);
        const dhNext = gm.alloc(B * H);
        const dcNext = gm.alloc(B * H);
        const wt = gm.alloc(D * G);
        const hPrev = gm.zeros(rows * H);
        const ones = gm.alloc(rows);
        const pdy = options.lastOnly ? gm.zeros(rows * H) : gm.input(dy);
        const pu = gm.input(sU);
        const pg = gm.input(sg);
        const pc = gm.input(sc);
        const px = gm.input(sx);
        const pw = gm.input(sW);
        const ph = gm.input(sh);
        if (options.lastOnly) {
          // Only the final state has a gradient: spread dy[B, H] into the zero [B, T, H].
          const pLast = gm.input(dy);
          for (let n = 0; n < B; n++)
            gm.view(pdy + 4 * (n * T + tLast) * H, H).set(gm.view(pLast + 4 * n * H, H));
        }
        gm.call('transpose', H, G, pu, ut);
        gm.parallel('lstm_backward', B, (b0, b1) => [b0, b1, T, H, rev, ut, pg, pc, pdy, dg, dhNext, dcNext]);
        // The weight-independent products over every (example, step) row at once.
        gm.call('transpose', D, G, pw, wt);
        // hPrev[b][t]: the state step t started from (zero for the first step processed).
        for (let n = 0; n < B; n++) {
          const from = ph + 4 * (n * T + (rev ? 1 : 0)) * H;
          gm.view(hPrev + 4 * (n * T + (rev ? 0 : 1)) * H, (T - 1) * H).set(gm.view(from, (T - 1) * H));
        }
        gm.view(ones, rows).fill(1);
        gm.parallel('gemm_rows', rows, (r0, r1) => [r0, r1, D, G, dg, G, 1, wt, D, dx, D, 0]);
        gemmTransposedA(gm, D, G, rows, px, dg, dW);
        gemmTransposedA(gm, H, G, rows, hPrev, dg, dU);
        gm.parallel('gemm_rows', 1, (r0, r1) => [r0, r1, G, rows, ones, rows, 1, dg, G, db, G, 0]);
        return [gm.resultTensor(dx), gm.resultTensor(dW), gm.resultTensor(dU), gm.resultTensor(db)];
      } finally {
        gm.release();
      }
    };
    return { value, gradFunc };
  });
  return op(x, kernel, recurrentKernel, bias);
}

/** The parts of tfjs-layers' LSTM / LSTMCell that decide whether the fused path applies. */
interface LstmLayerLike {
  cell: {
    units: number;
    activation: { getClassName(): string };
    recurrentActivation: { getClassName(): string };
    useBias: boolean;
    dropout: number;
    recurrentDropout: number;
    kernel: { read(): tf.Tensor };
    recurrentKernel: { read(): tf.Tensor };
    bias: { read(): tf.Tensor } | null;
  };
  goBackwards: boolean;
  returnSequences: boolean;
  returnState: boolean;
  stateful: boolean;
}

type LayerCall = (
  this: LstmLayerLike,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs?: Record<string, unknown>,
) => unknown;

function fusible(layer: LstmLayerLike, x: tf.Tensor, kwargs: Record<string, unknown> | undefined): boolean {
  const cell = layer.cell;
  return (
    x.rank === 3 &&
    x.dtype === 'float32' &&
    kwargs?.mask == null &&
    kwargs?.initialState == null &&
    !layer.stateful &&
    !layer.returnState &&
    cell.useBias &&
    cell.bias != null &&
    cell.dropout === 0 &&
    cell.recurrentDropout === 0 &&
    cell.units % 4 === 0 &&
    cell.activation.getClassName() === 'tanh' &&
    cell.recurrentActivation.getClassName() === 'sigmoid'
  );
}

/** The parts of tfjs-layers' Bidirectional wrapper that the fused route reads. */
interface BidirectionalLike {
  forwardLayer: { call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): unknown };
  backwardLayer: LstmLayerLike & { getClassName(): string };
  mergeMode: string | null | undefined;
  returnSequences: boolean;
  returnState: boolean;
}

type WrapperCall = (
  this: BidirectionalLike,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs?: Record<string, unknown>,
) => unknown;

/**
 * The fused LSTM over x for layer; `naturalOrder`: with goBackwards, h in the input's time order
 * (what Bidirectional makes of it) instead of tfjs-layers' processing order.
 */
function fusedLstm(rt: WasmRuntime, layer: LstmLayerLike, x: tf.Tensor, naturalOrder: boolean): tf.Tensor {
  const cell = layer.cell;
  const h = lstmSequence(
    rt,
    x as tf.Tensor3D,
    cell.kernel.read() as tf.Tensor2D,
    cell.recurrentKernel.read() as tf.Tensor2D,
    (cell.bias as { read(): tf.Tensor }).read() as tf.Tensor1D,
    { reverse: layer.goBackwards, lastOnly: !layer.returnSequences },
  );
  return layer.goBackwards && layer.returnSequences && !naturalOrder ? tf.reverse(h, 1) : h;
}

const MERGE_MODES = new Set(['concat', 'sum', 'ave', 'mul']);

let installed:
  | {
      original: LayerCall;
      proto: { call: LayerCall };
      originalWrapper: WrapperCall;
      wrapperProto: { call: WrapperCall };
    }
  | undefined;

function layerClass<T>(name: string): { call: T } {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name];
  if (!entry) throw new Error(`engine: tfjs-layers ${name} class not registered`);
  return (entry[0] as unknown as { prototype: { call: T } }).prototype;
}

/**
 * Routes tfjs-layers' LSTM.call through {@link lstmSequence} whenever runtimeFor() returns a
 * runtime (the engine is active on the current backend) and the layer's configuration is one the
 * fused kernel computes exactly (tanh/sigmoid, bias, no dropout/mask/state); otherwise the stock
 * per-step implementation runs. Bidirectional around such an LSTM runs its backward direction in the
 * input's time order (the kernel steps backwards), so neither the input nor the output is reversed.
 * Idempotent.
 */
export function installFusedLstm(runtimeFor: () => WasmRuntime | null): void {
  if (installed) return;
  const proto = layerClass<LayerCall>('LSTM');
  const original = proto.call;
  proto.call = function fusedLstmCall(this: LstmLayerLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rt = runtimeFor();
    if (!rt || (Array.isArray(inputs) && inputs.length !== 1) || !fusible(this, x, kwargs)) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => fusedLstm(rt, this, x, false));
  };
  const wrapperProto = layerClass<WrapperCall>('Bidirectional');
  const originalWrapper = wrapperProto.call;
  wrapperProto.call = function fusedBidirectionalCall(this: BidirectionalLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rt = runtimeFor();
    const back = this.backwardLayer;
    if (
      !rt ||
      (Array.isArray(inputs) && inputs.length !== 1) ||
      this.returnState ||
      this.mergeMode == null ||
      !MERGE_MODES.has(this.mergeMode) ||
      back.getClassName() !== 'LSTM' ||
      !back.goBackwards ||
      !fusible(back, x, kwargs)
    ) {
      return originalWrapper.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      // The same ops as tfjs-layers' Bidirectional.call, less the reverse of the backward output.
      const y = this.forwardLayer.call(inputs, kwargs ?? {}) as tf.Tensor;
      const yRev = fusedLstm(rt, back, x, true);
      switch (this.mergeMode) {
        case 'concat':
          return tf.concat([y, yRev], -1);
        case 'sum':
          return tf.add(y, yRev);
        case 'ave':
          return tf.mul(0.5, tf.add(y, yRev));
        default:
          return tf.mul(y, yRev);
      }
    });
  };
  installed = { original, proto, originalWrapper, wrapperProto };
}

/** Restores tfjs-layers' own LSTM.call and Bidirectional.call. */
export function uninstallFusedLstm(): void {
  if (!installed) return;
  installed.proto.call = installed.original;
  installed.wrapperProto.call = installed.originalWrapper;
  installed = undefined;
}
