/**
 * Fused LSTM over a whole sequence: the recurrence in one WebAssembly call each way and the GEMMs over all
 * time steps around it (instead of tfjs-layers' ~10 ops per time step), exposed as a differentiable op and
 * plugged into tfjs-layers' own LSTM and Bidirectional layers, so models stay ordinary, saveable Layers
 * models that run stock anywhere the engine is not installed.
 */
import * as tf from '@tensorflow/tfjs';
import { downloadTensor, uploadTensor } from './io';
import type { WasmRuntime } from './runtime';

/** Options of {@link lstmSequence}. */
export interface LstmSequenceOptions {
  /** Run from the last time step to the first (tfjs-layers' goBackwards); h stays in the input's time order. */
  reverse?: boolean;
  /** Return only the final state h[B, H] (of step T − 1, or of step 0 when reverse). */
  lastOnly?: boolean;
}

/** Copies step t of a [B, T, H] buffer to a new [B, H] buffer of rt; returns its offset. */
function gatherStep(rt: WasmRuntime, src: number, B: number, T: number, H: number, t: number): number {
  const out = rt.alloc(B * H);
  const f = rt.f32;
  for (let b = 0; b < B; b++)
    f.copyWithin(out / 4 + b * H, src / 4 + (b * T + t) * H, src / 4 + (b * T + t + 1) * H);
  return out;
}

/** Rows of K per GEMM call in {@link gemmTransposedA}. */
const K_CHUNK = 128;

/**
 * c[M, N] = aᵀ·b for a[K, M] and b[K, N] row-major (weight gradients: K = B·T rows), in calls of K_CHUNK rows
 * accumulating into c: the GEMM streams a K-row panel of b per tile of c, and 128 rows of a 16-column panel stay
 * in L1 (1.45× the multiply-adds per CPU second of one call on [1024, 128]ᵀ·[1024, 512], native).
 */
function gemmTransposedA(
  rt: WasmRuntime,
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
    rt.parallel('gemm_rows', M, (r0, r1) => [
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
 * run only the recurrence.
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
  /** Runs the forward pass; returns the offsets of gates, cells and outputs in rt's scratch. */
  const forward = (xs: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor): [number, number, number] => {
    rt.reset();
    const xPtr = uploadTensor(rt, xs);
    const wPtr = uploadTensor(rt, W);
    const uPtr = uploadTensor(rt, U);
    const bPtr = uploadTensor(rt, b);
    const gPtr = rt.alloc(B * T * G);
    const cPtr = rt.alloc(B * T * H);
    const hPtr = rt.alloc(B * T * H);
    rt.parallel('gemm_rows', B * T, (r0, r1) => [r0, r1, G, D, xPtr, D, 1, wPtr, G, gPtr, G, 0]);
    rt.parallel('lstm_forward', B, (b0, b1) => [b0, b1, T, H, rev, uPtr, bPtr, gPtr, cPtr, hPtr]);
    return [gPtr, cPtr, hPtr];
  };
  const output = (hPtr: number): tf.Tensor =>
    options.lastOnly
      ? downloadTensor(rt, gatherStep(rt, hPtr, B, T, H, tLast), outShape)
      : downloadTensor(rt, hPtr, outShape);
  if (!tf.engine().isTapeOn()) {
    // Inference: no gradient will be asked for, so gates and cells stay in scratch.
    const [, , hPtr] = forward(x, kernel, recurrentKernel, bias);
    return output(hPtr);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, W, U, b] = args as tf.Tensor[];
    const save = args[4] as tf.GradSaveFunc;
    const [gPtr, cPtr, hPtr] = forward(xs, W, U, b);
    const value = output(hPtr);
    const h = options.lastOnly ? downloadTensor(rt, hPtr, [B, T, H]) : value;
    const gates = downloadTensor(rt, gPtr, [B, T, G]);
    const cells = downloadTensor(rt, cPtr, [B, T, H]);
    save([xs, W, U, gates, cells, h]); // saves clones (or nothing when no gradient is recorded)
    gates.dispose();
    cells.dispose();
    if (h !== value) h.dispose();
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sW, sU, sg, sc, sh] = saved;
      rt.reset();
      const pu = uploadTensor(rt, sU);
      const ut = rt.alloc(H * G);
      rt.kernels.transpose(H, G, pu, ut);
      const pg = uploadTensor(rt, sg);
      const pc = uploadTensor(rt, sc);
      let pdy: number;
      if (options.lastOnly) {
        // Only the final state has a gradient: spread dy[B, H] into a zero [B, T, H].
        pdy = rt.zeros(B * T * H);
        const pLast = uploadTensor(rt, dy);
        const f = rt.f32;
        for (let n = 0; n < B; n++)
          f.copyWithin(pdy / 4 + (n * T + tLast) * H, pLast / 4 + n * H, pLast / 4 + (n + 1) * H);
      } else {
        pdy = uploadTensor(rt, dy);
      }
      const dg = rt.alloc(B * T * G);
      const dhNext = rt.alloc(B * H);
      const dcNext = rt.alloc(B * H);
      rt.parallel('lstm_backward', B, (b0, b1) => [b0, b1, T, H, rev, ut, pg, pc, pdy, dg, dhNext, dcNext]);
      // The weight-independent products over every (example, step) row at once.
      const px = uploadTensor(rt, sx);
      const pw = uploadTensor(rt, sW);
      const wt = rt.alloc(D * G);
      rt.kernels.transpose(D, G, pw, wt);
      const ph = uploadTensor(rt, sh);
      // hPrev[b][t]: the state step t started from (zero for the first step processed).
      const hPrev = rt.zeros(B * T * H);
      const f = rt.f32;
      for (let n = 0; n < B; n++) {
        const from = ph / 4 + (n * T + (rev ? 1 : 0)) * H;
        f.copyWithin(hPrev / 4 + (n * T + (rev ? 0 : 1)) * H, from, from + (T - 1) * H);
      }
      const ones = rt.alloc(B * T);
      rt.f32.fill(1, ones / 4, ones / 4 + B * T);
      const rows = B * T;
      const dx = rt.alloc(rows * D);
      const dW = rt.alloc(D * G);
      const dU = rt.alloc(H * G);
      const db = rt.alloc(G);
      rt.parallel('gemm_rows', rows, (r0, r1) => [r0, r1, D, G, dg, G, 1, wt, D, dx, D, 0]);
      gemmTransposedA(rt, D, G, rows, px, dg, dW);
      gemmTransposedA(rt, H, G, rows, hPrev, dg, dU);
      rt.parallel('gemm_rows', 1, (r0, r1) => [r0, r1, G, rows, ones, rows, 1, dg, G, db, G, 0]);
      return [
        downloadTensor(rt, dx, [B, T, D]),
        downloadTensor(rt, dW, [D, G]),
        downloadTensor(rt, dU, [H, G]),
        downloadTensor(rt, db, [G]),
      ];
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
