/**
 * Conv2D as tfjs runs it for tfjs-layers Conv1D (NHWC with height 1) and Conv2D (NHWC, any stride,
 * 'same'/'valid'/explicit padding, dilation 1): forward, input gradient and filter gradient kernels on
 * the engine's WebAssembly GEMM. Anything else (dilation, channels-first) goes to the backend's own
 * kernel when it has one.
 */
import * as tf from '@tensorflow/tfjs';
import { countCopyIn, download, readFloats, upload } from './io';
import { rowsPerThread, type WasmRuntime } from './runtime';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** Geometry of a convolution the engine handles, or null when convInfo is not one. */
interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  /** Size of the padded input the forward GEMMs read: (out - 1) * stride + kernel, per axis. */
  paddedHeight: number;
  paddedWidth: number;
}

function geometry(info: Conv2DInfo): ConvGeometry | null {
  const handled =
    info.dataFormat === 'channelsLast' &&
    info.dilationWidth === 1 &&
    info.dilationHeight === 1 &&
    info.padInfo.top >= 0 &&
    info.padInfo.left >= 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0;
  if (!handled) return null;
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    kernelHeight: info.filterHeight,
    kernelWidth: info.filterWidth,
    outChannels: info.outChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    paddedHeight: (info.outHeight - 1) * info.strideHeight + info.filterHeight,
    paddedWidth: (info.outWidth - 1) * info.strideWidth + info.filterWidth,
  };
}

/**
 * Copies rows of src [B, H, W, C] into a zeroed wasm buffer [B, Hp, Wp, C], source (h, w) landing at
 * (top + h·rowStep, left + w·colStep); positions outside the buffer are dropped (the tail a strided
 * 'valid' conv never reads). Steps > 1 dilate (the input gradient's stride-dilated dy).
 */
function uploadPlaced(
  rt: WasmRuntime,
  src: Float32Array,
  [B, H, W, C]: number[],
  [Hp, Wp]: [number, number],
  [top, left]: [number, number],
  [rowStep, colStep]: [number, number] = [1, 1],
): number {
  const dense = rowStep === 1 && colStep === 1;
  // Dilated layouts leave gaps everywhere: zero it all. Otherwise only the border the rows do not cover.
  const ptr = dense ? rt.alloc(B * Hp * Wp * C) : rt.zeros(B * Hp * Wp * C);
  countCopyIn(B * H * W * C);
  const f32 = rt.f32;
  const base = ptr / 4;
  if (dense) zeroBorder(f32, base, [B, H, W, C], [Hp, Wp], [top, left]);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const ph = top + h * rowStep;
      if (ph < 0 || ph >= Hp) continue;
      const srcRow = (b * H + h) * W * C;
      const dstRow = base + (b * Hp + ph) * Wp * C;
      if (colStep === 1) {
        const w0 = Math.max(0, -left);
        const w1 = Math.min(W, Wp - left);
        if (w1 > w0) f32.set(src.subarray(srcRow + w0 * C, srcRow + w1 * C), dstRow + (left + w0) * C);
        continue;
      }
      for (let w = 0; w < W; w++) {
        const pw = left + w * colStep;
        if (pw < 0 || pw >= Wp) continue;
        f32.set(src.subarray(srcRow + w * C, srcRow + (w + 1) * C), dstRow + pw * C);
      }
    }
  }
  return ptr;
}

/**
 * Zeroes the part of a [B, Hp, Wp, C] buffer at f32[base] that rows of a [B, H, W, C] source placed at
 * (top, left) with unit steps leave uncovered: whole rows above and below, and the columns either side.
 */
function zeroBorder(
  f32: Float32Array,
  base: number,
  [B, H, W, C]: number[],
  [Hp, Wp]: [number, number],
  [top, left]: [number, number],
): void {
  const row = Wp * C;
  const h0 = Math.max(0, top);
  const h1 = Math.min(Hp, top + H);
  const w0 = Math.max(0, left) * C;
  const w1 = Math.min(Wp, left + W) * C;
  for (let b = 0; b < B; b++) {
    const img = base + b * Hp * row;
    if (h1 <= h0) {
      f32.fill(0, img, img + Hp * row);
      continue;
    }
    f32.fill(0, img, img + h0 * row);
    f32.fill(0, img + h1 * row, img + Hp * row);
    for (let h = h0; h < h1; h++) {
      const r = img + h * row;
      if (w0 > 0) f32.fill(0, r, r + w0);
      if (w1 < row) f32.fill(0, r + w1, r + row);
    }
  }
}

/** x zero-padded for the forward GEMMs ([B, paddedHeight, paddedWidth, Cin] in the wasm heap). */
function uploadPadded(rt: WasmRuntime, x: Float32Array, g: ConvGeometry): number {
  return uploadPlaced(
    rt,
    x,
    [g.batch, g.inHeight, g.inWidth, g.inChannels],
    [g.paddedHeight, g.paddedWidth],
    [g.padTop, g.padLeft],
  );
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

/** The C kernels' shared geometry arguments: Hp, Wp, Cin, KH, KW, Cout, Hout, Wout, sh, sw. */
function kernelDims(g: ConvGeometry): number[] {
  return [
    g.paddedHeight,
    g.paddedWidth,
    g.inChannels,
    g.kernelHeight,
    g.kernelWidth,
    g.outChannels,
    g.outHeight,
    g.outWidth,
    g.strideHeight,
    g.strideWidth,
  ];
}

/**
 * y = activation(conv(x, filter) + bias); null when the engine does not handle the call. Bias and
 * activation ('linear' or 'relu') come from FusedConv2D, which tfjs-layers Conv2D runs; plain Conv2D
 * has neither.
 */
export function convForward(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
  bias?: tf.TensorInfo,
): tf.TensorInfo | null {
  const activation = (attrs as unknown as tf.FusedConv2DAttrs).activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  const g = geometry(convInfoOf(x.shape, filter.shape, attrs, true));
  if (!g) return null;
  if (bias && (bias.dtype !== 'float32' || tf.util.sizeFromShape(bias.shape) !== g.outChannels)) return null;
  rt.reset();
  const xp = uploadPadded(rt, readFloats(backend, x), g);
  const f = upload(rt, backend, filter);
  const b = bias ? upload(rt, backend, bias) : 0;
  const rows = g.batch * g.outHeight * g.outWidth;
  const y = rt.alloc(rows * g.outChannels);
  const dims = kernelDims(g);
  rt.parallel('conv2d_forward', g.batch, (b0, b1) => [b0, b1, ...dims, xp, f, y]);
  if (bias || activation === 'relu') {
    const relu = activation === 'relu' ? 1 : 0;
    rt.parallel(
      'bias_act',
      rows,
      (r0, r1) => [r0, r1, g.outChannels, y, b, relu],
      rowsPerThread(g.outChannels),
    );
  }
  return download(rt, backend, y, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
}

/** dFilter of a conv the engine handles; null otherwise. */
export function convFilterGrad(
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
  const n = g.kernelHeight * g.kernelWidth * g.inChannels * g.outChannels;
  const partials = Array.from({ length: Math.min(rt.threads, g.batch) }, () => rt.alloc(n));
  const dims = kernelDims(g);
  rt.parallel('conv2d_filter_grad', g.batch, (b0, b1, part) => [b0, b1, ...dims, xp, dyPtr, partials[part]]);
  for (let p = 1; p < partials.length; p++) rt.kernels.add_into(n, partials[0], partials[p]);
  return download(rt, backend, partials[0], filterShape);
}

/** dInput of a conv the engine handles; null otherwise. */
export function convInputGrad(
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
  const { batch: B, inHeight: Hi, inWidth: Wi, inChannels: Ci, outChannels: Co } = g;
  const { kernelHeight: KH, kernelWidth: KW } = g;
  // dx = stride-1 conv of dy (dilated by the strides, padded to (Hi + KH - 1) × (Wi + KW - 1)) with
  // the filter flipped in both axes and its channels swapped.
  const Hp = Hi + KH - 1;
  const Wp = Wi + KW - 1;
  const dyp = uploadPlaced(
    rt,
    readFloats(backend, dy),
    [B, g.outHeight, g.outWidth, Co],
    [Hp, Wp],
    [KH - 1 - g.padTop, KW - 1 - g.padLeft],
    [g.strideHeight, g.strideWidth],
  );
  const f = upload(rt, backend, filter);
  const ft = rt.alloc(KH * KW * Ci * Co);
  rt.kernels.conv_flip_filter(KH * KW, Ci, Co, f, ft);
  const dx = rt.alloc(B * Hi * Wi * Ci);
  rt.parallel('conv2d_forward', B, (b0, b1) => [b0, b1, Hp, Wp, Co, KH, KW, Ci, Hi, Wi, 1, 1, dyp, ft, dx]);
  return download(rt, backend, dx, inputShape);
}
