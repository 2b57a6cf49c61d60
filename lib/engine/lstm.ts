/**
 * Fused LSTM over a whole sequence: the recurrence in one WebAssembly call each way and the GEMMs over all
 * time steps around it (instead of tfjs-layers' ~10 ops per time step), exposed as a differentiable op and
 * plugged into tfjs-layers' own LSTM and Bidirectional layers, so models stay ordinary, saveable Layers
 * models that run stock anywhere the engine is not installed.
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

/** One direction's weights: kernel[D, 4H], recurrentKernel[H, 4H], bias[4H]; `reverse` as in the options. */
export interface LstmDirection {
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  bias: tf.Tensor1D;
  reverse: boolean;
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
  const direction = { kernel, recurrentKernel, bias, reverse: options.reverse ?? false };
  return lstmDirections(rt, x, [direction], options.lastOnly ?? false);
}

/**
 * Several LSTMs of H units each over the same x[B, T, D] (Bidirectional: forward and reverse), their outputs
 * side by side: h[B, T, n·H] written in place by each direction's kernel (tfjs-layers' concat merge), or the
 * final states [B, n·H] with `lastOnly`. One op: x is uploaded once and dx summed over the directions inside.
 */
export function lstmDirections(
  rt: WasmRuntime,
  x: tf.Tensor3D,
  directions: LstmDirection[],
  lastOnly: boolean,
): tf.Tensor {
  const [B, T, D] = x.shape;
  const n = directions.length;
  const H = directions[0].recurrentKernel.shape[0];
  const G = 4 * H;
  const HH = n * H; // row width of the output
  const rows = B * T;
  const revs = directions.map((d) => (d.reverse ? 1 : 0));
  const tLast = revs.map((r) => (r ? 0 : T - 1));
  if (H % 4 !== 0) throw new Error('engine: fused LSTM needs units divisible by 4');
  for (const d of directions) {
    if (
      d.kernel.shape[0] !== D ||
      d.kernel.shape[1] !== G ||
      d.recurrentKernel.shape[0] !== H ||
      d.recurrentKernel.shape[1] !== G ||
      d.bias.shape[0] !== G
    ) {
      throw new Error('engine: fused LSTM weight shapes do not match');
    }
  }
  /**
   * Runs the forward pass in mem; returns the offsets of each direction's gates and cells, and of h. keep: they
   * are outputs of mem (kept for the gradient); else gates and cells are scratch, and h is an output unless
   * lastOnly.
   */
  const forward = (
    mem: KernelMemory,
    xs: tf.Tensor,
    weights: tf.Tensor[],
    keep: boolean,
  ): { g: number[]; c: number[]; h: number } => {
    const hPtr = keep || !lastOnly ? mem.output([B, T, HH]) : mem.alloc(rows * HH);
    const g = directions.map(() => (keep ? mem.output([B, T, G]) : mem.alloc(rows * G)));
    const c = directions.map(() => (keep ? mem.output([B, T, H]) : mem.alloc(rows * H)));
    const xPtr = mem.input(xs);
    for (let d = 0; d < n; d++) {
      const wPtr = mem.input(weights[3 * d]);
      const uPtr = mem.input(weights[3 * d + 1]);
      const bPtr = mem.input(weights[3 * d + 2]);
      const [gPtr, cPtr] = [g[d], c[d]];
      const hd = hPtr + 4 * d * H;
      mem.parallel('gemm_rows', rows, (r0, r1) => [r0, r1, G, D, xPtr, D, 1, wPtr, G, gPtr, G, 0]);
      mem.parallel('lstm_forward', B, (b0, b1) => [b0, b1, T, H, revs[d], uPtr, bPtr, gPtr, cPtr, hd, HH]);
    }
    return { g, c, h: hPtr };
  };
  /** The op's value from h in mem: h itself, or each direction's final state (step T − 1, or 0 when reverse). */
  const output = (mem: KernelMemory, hPtr: number): tf.Tensor => {
    if (!lastOnly) return mem.resultTensor(hPtr);
    const out = mem.output([B, HH]);
    for (let b = 0; b < B; b++)
      for (let d = 0; d < n; d++)
        mem
          .view(out + 4 * (b * HH + d * H), H)
          .set(mem.view(hPtr + 4 * ((b * T + tLast[d]) * HH + d * H), H));
    return mem.resultTensor(out);
  };
  const flat = directions.flatMap((d) => [d.kernel, d.recurrentKernel, d.bias]);
  const backend = tf.backend();
  if (!tf.engine().isTapeOn()) {
    // Inference: no gradient will be asked for, so gates and cells stay in scratch.
    const mem = kernelMemory(rt, backend);
    try {
      return output(mem, forward(mem, x, flat, false).h);
    } finally {
      mem.release();
    }
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as tf.Tensor;
    const weights = args.slice(1, 1 + 3 * n) as tf.Tensor[];
    const save = args[1 + 3 * n] as tf.GradSaveFunc;
    const mem = kernelMemory(rt, backend);
    let value: tf.Tensor;
    let h: tf.Tensor;
    let gates: tf.Tensor[];
    let cells: tf.Tensor[];
    try {
      const fw = forward(mem, xs, weights, true);
      value = output(mem, fw.h);
      h = lastOnly ? mem.resultTensor(fw.h) : value;
      gates = fw.g.map((p) => mem.resultTensor(p));
      cells = fw.c.map((p) => mem.resultTensor(p));
    } finally {
      mem.release();
    }
    // Saves clones (or nothing when no gradient is recorded).
    save([xs, h, ...weights, ...gates, ...cells]);
    tf.dispose([...gates, ...cells]);
    if (h !== value) h.dispose();
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sh] = saved;
      const sWeights = saved.slice(2, 2 + 3 * n);
      const sGates = saved.slice(2 + 3 * n, 2 + 4 * n);
      const sCells = saved.slice(2 + 4 * n, 2 + 5 * n);
      const gm = kernelMemory(rt, tf.backend());
      try {
        // Every output and scratch buffer first: views taken below stay valid (no allocation after them).
        const dx = gm.output([B, T, D]);
        const grads = directions.flatMap(() => [gm.output([D, G]), gm.output([H, G]), gm.output([G])]);
        const pdy = lastOnly ? gm.zeros(rows * HH) : gm.input(dy);
        const ones = gm.alloc(rows);
        const ut = gm.alloc(H * G);
        const wt = gm.alloc(D * G);
        const dg = gm.alloc(rows * G);
        const dhNext = gm.alloc(B * H);
        const dcNext = gm.alloc(B * H);
        const hPrev = gm.zeros(rows * H);
        const px = gm.input(sx);
        const ph = gm.input(sh);
        if (lastOnly) {
          // Only the final states have a gradient: spread dy[B, n·H] into the zero [B, T, n·H].
          const pLast = gm.input(dy);
          for (let b = 0; b < B; b++)
            for (let d = 0; d < n; d++)
              gm.view(pdy + 4 * ((b * T + tLast[d]) * HH + d * H), H).set(
                gm.view(pLast + 4 * (b * HH + d * H), H),
              );
        }
        gm.view(ones, rows).fill(1);
        for (let d = 0; d < n; d++) {
          const pu = gm.input(sWeights[3 * d + 1]);
          gm.call('transpose', H, G, pu, ut);
          const pg = gm.input(sGates[d]);
          const pc = gm.input(sCells[d]);
          const dyd = pdy + 4 * d * H;
          gm.parallel('lstm_backward', B, (b0, b1) => [
            b0,
            b1,
            T,
            H,
            revs[d],
            ut,
            pg,
            pc,
            dyd,
            HH,
            dg,
            dhNext,
            dcNext,
          ]);
          // The weight-independent products over every (example, step) row at once.
          gm.call('transpose', D, G, gm.input(sWeights[3 * d]), wt);
          // hPrev[b][t]: the state step t started from (zero for the first step processed; the buffer is
          // reused, and every direction writes the same rows).
          for (let b = 0; b < B; b++) {
            const to = hPrev + 4 * (b * T + 1 - revs[d]) * H;
            const from = ph + 4 * ((b * T + revs[d]) * HH + d * H);
            if (HH === H) gm.view(to, (T - 1) * H).set(gm.view(from, (T - 1) * H));
            else
              for (let t = 0; t < T - 1; t++) gm.view(to + 4 * t * H, H).set(gm.view(from + 4 * t * HH, H));
          }
          if (revs[d]) for (let b = 0; b < B; b++) gm.view(hPrev + 4 * (b * T + T - 1) * H, H).fill(0);
          else for (let b = 0; b < B; b++) gm.view(hPrev + 4 * b * T * H, H).fill(0);
          const [dW, dU, db] = grads.slice(3 * d, 3 * d + 3);
          const acc = d > 0 ? 1 : 0;
          gm.parallel('gemm_rows', rows, (r0, r1) => [r0, r1, D, G, dg, G, 1, wt, D, dx, D, acc]);
          gemmTransposedA(gm, D, G, rows, px, dg, dW);
          gemmTransposedA(gm, H, G, rows, hPrev, dg, dU);
          gm.parallel('gemm_rows', 1, (r0, r1) => [r0, r1, G, rows, ones, rows, 1, dg, G, db, G, 0]);
        }
        return [gm.resultTensor(dx), ...grads.map((p) => gm.resultTensor(p))];
      } finally {
        gm.release();
      }
    };
    return { value, gradFunc };
  });
  return op(x, ...flat);
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
  forwardLayer: LstmLayerLike & {
    getClassName(): string;
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): unknown;
  };
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
function directionOf(layer: LstmLayerLike): LstmDirection {
  const cell = layer.cell;
  return {
    kernel: cell.kernel.read() as tf.Tensor2D,
    recurrentKernel: cell.recurrentKernel.read() as tf.Tensor2D,
    bias: (cell.bias as { read(): tf.Tensor }).read() as tf.Tensor1D,
    reverse: layer.goBackwards,
  };
}

function fusedLstm(rt: WasmRuntime, layer: LstmLayerLike, x: tf.Tensor, naturalOrder: boolean): tf.Tensor {
  const h = lstmDirections(rt, x as tf.Tensor3D, [directionOf(layer)], !layer.returnSequences);
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
    const fwd = this.forwardLayer;
    if (
      this.mergeMode === 'concat' &&
      fwd.getClassName() === 'LSTM' &&
      !fwd.goBackwards &&
      fusible(fwd, x, kwargs)
    ) {
      // Both directions as one op, each writing its half of the concatenated output.
      return tf.tidy(() =>
        lstmDirections(rt, x as tf.Tensor3D, [directionOf(fwd), directionOf(back)], !this.returnSequences),
      );
    }
    return tf.tidy(() => {
      // The same ops as tfjs-layers' Bidirectional.call, less the reverse of the backward output.
      const y = fwd.call(inputs, kwargs ?? {}) as tf.Tensor;
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
