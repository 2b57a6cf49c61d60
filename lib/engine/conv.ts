/**
 * Conv1D as tfjs runs it (a Conv2D over NHWC tensors with height 1): forward, input gradient and
 * filter gradient kernels on the engine's WebAssembly GEMM. Anything that is not a 1-D conv
 * (height > 1, dilation, channels-first) goes to the backend's own kernel when it has one.
 */
import * as tf from '@tensorflow/tfjs';
import { download, readFloats, upload } from './io';
import type { WasmRuntime } from './runtime';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** Geometry of a 1-D convolution, or null when convInfo is not one the engine handles. */
interface Conv1DGeometry {
  batch: number;
  inWidth: number;
  inChannels: number;
  kernelWidth: number;
  outChannels: number;
  outWidth: number;
  stride: number;
  padLeft: number;
  /** Length of the padded input the forward GEMM reads: (outWidth - 1) * stride + kernelWidth. */
  paddedWidth: number;
}

function geometry(info: Conv2DInfo): Conv1DGeometry | null {
  const is1D =
    info.dataFormat === 'channelsLast' &&
    info.inHeight === 1 &&
    info.filterHeight === 1 &&
    info.outHeight === 1 &&
    info.dilationWidth === 1 &&
    info.dilationHeight === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.bottom === 0;
  if (!is1D) return null;
  return {
    batch: info.batchSize,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    kernelWidth: info.filterWidth,
    outChannels: info.outChannels,
    outWidth: info.outWidth,
    stride: info.strideWidth,
    padLeft: info.padInfo.left,
    paddedWidth: (info.outWidth - 1) * info.strideWidth + info.filterWidth,
  };
}

/** Copies x [B, W, C] into a zeroed wasm buffer [B, paddedWidth, C] with `padLeft` zero rows in front. */
function uploadPadded(rt: WasmRuntime, x: Float32Array, g: Conv1DGeometry) {
  const { batch: B, inWidth: W, inChannels: C, paddedWidth: padded, padLeft: left } = g;
  const ptr = rt.zeros(B * padded * C);
  const f32 = rt.f32;
  const rows = Math.min(W, padded - left);
  for (let b = 0; b < B; b++) {
    f32.set(x.subarray(b * W * C, (b * W + rows) * C), ptr / 4 + (b * padded + left) * C);
  }
  return ptr;
}

function convInfoOf(
  xShape: number[],
  filterShape: number[],
  attrs: tf.NamedAttrMap,
  withDilations: boolean,
): Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
  const dilations = withDilations ? (attrs as unknown as tf.Conv2DAttrs).dilations : 1;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
}

/** y = conv(x, filter); null when the call is not a 1-D conv. */
export function conv1dForward(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const g = geometry(convInfoOf(x.shape, filter.shape, attrs, true));
  if (!g) return null;
  rt.reset();
  const xp = uploadPadded(rt, readFloats(backend, x), g);
  const f = upload(rt, backend, filter);
  const y = rt.alloc(g.batch * g.outWidth * g.outChannels);
  const { paddedWidth: Wp, inChannels: Ci, kernelWidth: K, outChannels: Co, outWidth: Wo, stride } = g;
  rt.parallel('conv1d_forward', g.batch, (b0, b1) => [b0, b1, Wp, Ci, K, Co, Wo, stride, xp, f, y]);
  return download(rt, backend, y, [g.batch, 1, Wo, Co]);
}

/** dFilter for a 1-D conv; null when the call is not one. */
export function conv1dFilterGrad(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const filterShape = (attrs as unknown as tf.Conv2DBackpropFilterAttrs).filterShape;
  const g = geometry(convInfoOf(x.shape, filterShape, attrs, false));
  if (!g) return null;
  rt.reset();
  const xp = uploadPadded(rt, readFloats(backend, x), g);
  const dyPtr = upload(rt, backend, dy);
  const { paddedWidth: Wp, inChannels: Ci, kernelWidth: K, outChannels: Co, outWidth: Wo, stride } = g;
  const n = K * Ci * Co;
  const partials = Array.from({ length: Math.min(rt.threads, g.batch) }, () => rt.alloc(n));
  rt.parallel('conv1d_filter_grad', g.batch, (b0, b1, part) => [
    b0,
    b1,
    Wp,
    Ci,
    K,
    Co,
    Wo,
    stride,
    xp,
    dyPtr,
    partials[part],
  ]);
  for (let p = 1; p < partials.length; p++) rt.kernels.add_into(n, partials[0], partials[p]);
  return download(rt, backend, partials[0], filterShape);
}

/** dInput for a 1-D conv; null when the call is not one. */
export function conv1dInputGrad(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const inputShape = (attrs as unknown as tf.Conv2DBackpropInputAttrs).inputShape;
  const g = geometry(convInfoOf(inputShape, filter.shape, attrs, false));
  if (!g) return null;
  rt.reset();
  const { batch: B, inWidth: Wi, inChannels: Ci, kernelWidth: K, outChannels: Co, outWidth: Wo, stride } = g;
  // dx = stride-1 conv of dy (dilated by the stride, padded to Wi + K - 1) with the flipped filter.
  const Lp = Wi + K - 1;
  const left = K - 1 - g.padLeft;
  const dyp = rt.zeros(B * Lp * Co);
  const dyData = readFloats(backend, dy);
  const f32 = rt.f32;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < Wo; o++) {
      const pos = left + o * stride;
      if (pos < 0 || pos >= Lp) continue;
      f32.set(dyData.subarray((b * Wo + o) * Co, (b * Wo + o + 1) * Co), dyp / 4 + (b * Lp + pos) * Co);
    }
  }
  const f = upload(rt, backend, filter);
  const ft = rt.alloc(K * Ci * Co);
  rt.kernels.conv1d_flip_filter(K, Ci, Co, f, ft);
  const dx = rt.alloc(B * Wi * Ci);
  rt.parallel('conv1d_forward', B, (b0, b1) => [b0, b1, Lp, Co, K, Ci, Wi, 1, dyp, ft, dx]);
  return download(rt, backend, dx, inputShape);
}
