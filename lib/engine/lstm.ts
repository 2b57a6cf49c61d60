/**
 * Fused LSTM over a whole sequence: one WebAssembly call for the forward pass and one for the
 * backward pass through time (instead of tfjs-layers' ~10 ops per time step), exposed as a
 * differentiable op and plugged into tfjs-layers' own LSTM layer, so models stay ordinary,
 * saveable Layers models that run stock anywhere the engine is not installed.
 */
import * as tf from '@tensorflow/tfjs';
import { downloadTensor, uploadTensor } from './io';
import type { WasmRuntime } from './runtime';

/**
 * h[B, T, H] of an LSTM (Keras weight layout, gates i f c o, tanh + sigmoid, zero initial state)
 * over x[B, T, D] with kernel[D, 4H], recurrentKernel[H, 4H], bias[4H]. Differentiable.
 */
export function lstmSequence(
  rt: WasmRuntime,
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor3D {
  const [B, T, D] = x.shape;
  const H = recurrentKernel.shape[0];
  const G = 4 * H;
  if (H % 4 !== 0) throw new Error('engine: fused LSTM needs units divisible by 4');
  if (
    kernel.shape[0] !== D ||
    kernel.shape[1] !== G ||
    recurrentKernel.shape[1] !== G ||
    bias.shape[0] !== G
  ) {
    throw new Error('engine: fused LSTM weight shapes do not match');
  }
  /** Runs the forward kernel; returns the offsets of gates, cells and outputs in rt's scratch. */
  const forward = (xs: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor): [number, number, number] => {
    rt.reset();
    const xPtr = uploadTensor(rt, xs);
    const wPtr = uploadTensor(rt, W);
    const uPtr = uploadTensor(rt, U);
    const bPtr = uploadTensor(rt, b);
    const gPtr = rt.alloc(B * T * G);
    const cPtr = rt.alloc(B * T * H);
    const hPtr = rt.alloc(B * T * H);
    rt.parallel('lstm_forward', B, (b0, b1) => [b0, b1, T, D, H, xPtr, wPtr, uPtr, bPtr, gPtr, cPtr, hPtr]);
    return [gPtr, cPtr, hPtr];
  };
  if (!tf.engine().isTapeOn()) {
    // Inference: no gradient will be asked for, so gates and cells stay in scratch.
    const [, , hPtr] = forward(x, kernel, recurrentKernel, bias);
    return downloadTensor<tf.Rank.R3>(rt, hPtr, [B, T, H]);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, W, U, b] = args as tf.Tensor[];
    const save = args[4] as tf.GradSaveFunc;
    const [gPtr, cPtr, hPtr] = forward(xs, W, U, b);
    const h = downloadTensor<tf.Rank.R3>(rt, hPtr, [B, T, H]);
    const gates = downloadTensor(rt, gPtr, [B, T, G]);
    const cells = downloadTensor(rt, cPtr, [B, T, H]);
    save([xs, W, U, gates, cells, h]); // saves clones (or nothing when no gradient is recorded)
    gates.dispose();
    cells.dispose();
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sW, sU, sg, sc, sh] = saved;
      rt.reset();
      const px = uploadTensor(rt, sx);
      const pw = uploadTensor(rt, sW);
      const pu = uploadTensor(rt, sU);
      const wt = rt.alloc(D * G);
      const ut = rt.alloc(H * G);
      rt.kernels.transpose(D, G, pw, wt);
      rt.kernels.transpose(H, G, pu, ut);
      const pg = uploadTensor(rt, sg);
      const pc = uploadTensor(rt, sc);
      const ph = uploadTensor(rt, sh);
      const pdy = uploadTensor(rt, dy);
      const dg = rt.alloc(B * T * G);
      const dhNext = rt.alloc(B * H);
      const dcNext = rt.alloc(B * H);
      const dx = rt.alloc(B * T * D);
      const parts = Math.min(rt.threads, B);
      const dW = Array.from({ length: parts }, () => rt.alloc(D * G));
      const dU = Array.from({ length: parts }, () => rt.alloc(H * G));
      const db = Array.from({ length: parts }, () => rt.alloc(G));
      rt.parallel('lstm_backward', B, (b0, b1, p) => [
        b0,
        b1,
        T,
        D,
        H,
        px,
        wt,
        ut,
        pg,
        pc,
        ph,
        pdy,
        dg,
        dhNext,
        dcNext,
        dx,
        dW[p],
        dU[p],
        db[p],
      ]);
      for (let p = 1; p < parts; p++) {
        rt.kernels.add_into(D * G, dW[0], dW[p]);
        rt.kernels.add_into(H * G, dU[0], dU[p]);
        rt.kernels.add_into(G, db[0], db[p]);
      }
      return [
        downloadTensor(rt, dx, [B, T, D]),
        downloadTensor(rt, dW[0], [D, G]),
        downloadTensor(rt, dU[0], [H, G]),
        downloadTensor(rt, db[0], [G]),
      ];
    };
    return { value: h, gradFunc };
  });
  return op(x, kernel, recurrentKernel, bias) as tf.Tensor3D;
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

let installed: { original: LayerCall; proto: { call: LayerCall } } | undefined;

/**
 * Routes tfjs-layers' LSTM.call through {@link lstmSequence} whenever runtimeFor() returns a
 * runtime (the engine is active on the current backend) and the layer's configuration is one the
 * fused kernel computes exactly (tanh/sigmoid, bias, no dropout/mask/state); otherwise the stock
 * per-step implementation runs. Idempotent.
 */
export function installFusedLstm(runtimeFor: () => WasmRuntime | null): void {
  if (installed) return;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.LSTM;
  if (!entry) throw new Error('engine: tfjs-layers LSTM class not registered');
  const proto = (entry[0] as unknown as { prototype: { call: LayerCall } }).prototype;
  const original = proto.call;
  proto.call = function fusedLstmCall(this: LstmLayerLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rt = runtimeFor();
    if (!rt || (Array.isArray(inputs) && inputs.length !== 1) || !fusible(this, x, kwargs)) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const cell = this.cell;
      const xs = (this.goBackwards ? tf.reverse(x, 1) : x) as tf.Tensor3D;
      const h = lstmSequence(
        rt,
        xs,
        cell.kernel.read() as tf.Tensor2D,
        cell.recurrentKernel.read() as tf.Tensor2D,
        (cell.bias as { read(): tf.Tensor }).read() as tf.Tensor1D,
      );
      if (this.returnSequences) return h;
      const [B, T, H] = h.shape;
      return tf.reshape(tf.slice(h, [0, T - 1, 0], [B, 1, H]), [B, H]);
    });
  };
  installed = { original, proto };
}

/** Restores tfjs-layers' own LSTM.call. */
export function uninstallFusedLstm(): void {
  if (!installed) return;
  installed.proto.call = installed.original;
  installed = undefined;
}
