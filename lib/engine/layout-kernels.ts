/**
 * Small memory-bound kernels where the stock wasm backend is slow (per-element index math):
 * Reverse (used twice per Bidirectional layer and in its gradient) and the MaxPool gradient. Plain typed-array JS: block copies and one pass over the data.
 */
import * as tf from '@tensorflow/tfjs';
import { readFloats, writeFloats } from './io';

/** x reversed along `dims` (float32 only; null otherwise). */
export function reverseFloat32(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  dims: number | number[],
): tf.TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  // Same axis parsing as the stock kernels: undefined means every axis, negatives count from the end.
  const axes = [...new Set(tf.util.parseAxisParam(dims, x.shape))];
  let data = readFloats(backend, x).slice();
  for (const axis of axes) {
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const n = x.shape[axis];
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out = new Float32Array(data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < n; i++) {
        const src = (o * n + i) * inner;
        out.set(data.subarray(src, src + inner), (o * n + (n - 1 - i)) * inner);
      }
    }
    data = out;
  }
  return writeFloats(backend, data, x.shape);
}

/**
 * Gradient of a max pool (NHWC, 1-D pools being height 1): each dy goes to the first maximum of its
 * window in row-major order, as tfjs's own kernels do. Null for dilated pools and non-float input.
 */
export function maxPoolGrad(
  backend: tf.KernelBackend,
  dy: tf.TensorInfo,
  input: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (input.dtype !== 'float32') return null;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  if (info.dilationWidth !== 1 || info.dilationHeight !== 1) return null;
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, inChannels: C } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: KH, effectiveFilterWidth: KW } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  const x = readFloats(backend, input);
  const g = readFloats(backend, dy);
  const dx = new Float32Array(B * H * W * C);
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        best.fill(-Infinity);
        at.fill(-1);
        for (let kh = 0; kh < KH; kh++) {
          const h = oh * sh - padTop + kh;
          if (h < 0 || h >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const w = ow * sw - padLeft + kw;
            if (w < 0 || w >= W) continue;
            const row = ((b * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[row + c];
              if (v > best[c]) {
                best[c] = v;
                at[c] = row + c;
              }
            }
          }
        }
        const dyRow = ((b * Ho + oh) * Wo + ow) * C;
        for (let c = 0; c < C; c++) if (at[c] >= 0) dx[at[c]] += g[dyRow + c];
      }
    }
  }
  return writeFloats(backend, dx, input.shape);
}
