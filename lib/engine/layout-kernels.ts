/**
 * Small memory-bound kernels where the stock wasm backend is slow (per-element index math, a copy or a
 * transpose first): Identity, Reverse (used twice per Bidirectional layer and in its gradient), Tile and
 * Sum / Mean over leading axes (BatchNorm's statistics and gradient over [batch, height, width] of NHWC
 * activations). Plain typed-array JS: block copies and one pass over the data.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory, mapFloats, readFloats, rowSums, writeFloats } from './io';
import type { WasmRuntime } from './runtime';

/**
 * Identity as a new reference to x's data, as the cpu backend and the wasm backend's own Reshape do (tensors
 * are immutable). Stock wasm copies the data: clones of activations saved for gradients cost a copy each
 * (a fifteenth of a 2-D CNN's step). Null for strings.
 */
export function identityShared(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo | null {
  if (x.dtype === 'string') return null;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * x reversed along `dims` (float32 only; null otherwise), written straight into the output in the backend's
 * memory: one block copy per position of the axes up to the last reversed one.
 */
export function reverseFloat32(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  dims: number | number[],
): tf.TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  // Same axis parsing as the stock kernels: undefined means every axis, negatives count from the end.
  const axes = new Set(tf.util.parseAxisParam(dims, x.shape));
  const last = Math.max(-1, ...axes);
  const lead = x.shape.slice(0, last + 1);
  const inner = x.shape.slice(last + 1).reduce((a, b) => a * b, 1);
  const blocks = lead.reduce((a, b) => a * b, 1);
  return mapFloats(backend, x, (src, out) => {
    for (let j = 0; j < blocks && inner > 0; j++) {
      // The source block: j's coordinates, mirrored along the reversed axes.
      let rest = j;
      let from = 0;
      let stride = 1;
      for (let d = lead.length - 1; d >= 0; d--) {
        const n = lead[d];
        const i = rest % n;
        rest = (rest - i) / n;
        from += (axes.has(d) ? n - 1 - i : i) * stride;
        stride *= n;
      }
      if (inner === 1) out[j] = src[from];
      else out.set(src.subarray(from * inner, (from + 1) * inner), j * inner);
    }
  });
}

/**
 * x tiled `reps` times along each axis, for 4-D float32 x only (null otherwise: the stock kernel runs). 4-D is
 * BatchNorm's gradient on NHWC activations, where stock wasm Tile took half of a 2-D conv net's step; on the
 * small tiles of 1-D models (attention, streaming inference) the stock kernel is faster than a copy through JS
 * (seed000 streaming: 0.0111 CPU-s per audio-s with this kernel on every rank, 0.0083 without).
 */
export function tileFloat32(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  reps: number[],
): tf.TensorInfo | null {
  if (x.dtype !== 'float32' || x.shape.length !== 4 || reps.length !== 4) return null;
  let shape = x.shape.slice();
  let data = readFloats(backend, x);
  // Innermost axis first: tiling axis a repeats each contiguous block [shape[a], ...tiled inner axes].
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const r = reps[axis];
    if (r === 1) continue;
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const block = shape.slice(axis).reduce((a, b) => a * b, 1);
    const out = new Float32Array(outer * block * r);
    for (let o = 0; o < outer; o++) {
      const src = data.subarray(o * block, (o + 1) * block);
      for (let k = 0; k < r; k++) {
        if (block === 1) out[(o * r + k) * block] = src[0];
        else out.set(src, (o * r + k) * block);
      }
    }
    shape = shape.map((n, i) => (i === axis ? n * r : n));
    data = out;
  }
  return writeFloats(backend, data, shape);
}

/**
 * Sum (or mean) of a 4-D (NHWC) x over `axis` when those axes are its leading ones (all but at least the
 * last): column sums of x seen as [rows, cols], accumulated in float64. Null for other ranks and axes (the
 * stock kernel runs). Only 4-D: that is the 2-D conv nets' BatchNorm case this kernel was built and measured
 * for; lower-rank sums (Dense and Conv1D bias gradients) were no bottleneck, so they keep the stock float32
 * kernel and its rounding (a different summation order alone moved seed000's TESS random-split accuracy
 * between 99.3 % and 99.8 %: the 99.5 % criterion sits within one clip of seed noise).
 */
export function reduceLeadingAxes(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  axis: number | number[],
  keepDims: boolean,
  mean: boolean,
): tf.TensorInfo | null {
  if (x.dtype !== 'float32' || x.shape.length !== 4) return null;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= x.shape.length || axes.some((a, i) => a !== i)) return null;
  const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
  const cols = x.shape.slice(k).reduce((a, b) => a * b, 1);
  const acc = columnSums(rt, backend, x, rows, cols);
  const out = new Float32Array(cols);
  const scale = mean ? 1 / rows : 1;
  for (let c = 0; c < cols; c++) out[c] = acc[c] * scale;
  const shape = keepDims ? x.shape.map((n, i) => (i < k ? 1 : n)) : x.shape.slice(k);
  return writeFloats(backend, out, shape);
}

/**
 * Float64 sums of the columns of x viewed as [rows, cols]: natively over both threads in place on the wasm heap
 * (BatchNorm's row-sum kernel), else one pass in JS.
 */
function columnSums(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  rows: number,
  cols: number,
): Float64Array {
  const mem = kernelMemory(rt, backend);
  try {
    if (mem.inPlace) {
      const px = mem.input(x);
      return rowSums(rt, mem, 'bn_row_sums', rows, cols, cols, (r0, r1, out) => [r0, r1, cols, px, 0, out]);
    }
  } finally {
    mem.release();
  }
  const data = readFloats(backend, x);
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) acc[c] += data[row + c];
  }
  return acc;
}
