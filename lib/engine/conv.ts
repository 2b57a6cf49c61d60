/**
 * Conv2D as tfjs runs it for tfjs-layers Conv1D (NHWC with height 1) and Conv2D (NHWC, any stride,
 * 'same'/'valid'/explicit padding, dilation 1): forward, input gradient and filter gradient kernels on
 * the engine's WebAssembly GEMM. Anything else (dilation, channels-first) goes to the backend's own
 * kernel when it has one.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory, type KernelMemory } from './io';
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
 * src [B, H, W, C] placed into a new [B, Hp, Wp, C] buffer of mem by the threaded C kernel `pad_place`: source
 * (h, w) lands at (top + h·rowStep, left + w·colStep), every other position is zero, positions outside the
 * buffer are dropped (the tail a strided 'valid' conv never reads). Steps > 1 dilate (the input gradient's
 * stride-dilated dy).
 */
function placed(
  mem: KernelMemory,
  src: tf.TensorInfo,
  dims: number[],
  padded: [number, number],
  offset: [number, number],
  steps: [number, number] = [1, 1],
): number {
  const [B, H, W, C] = dims;
  const dst = mem.alloc(B * padded[0] * padded[1] * C);
  const from = mem.input(src);
  const args = [H, W, C, ...padded, ...offset, ...steps, from, dst];
  mem.parallel('pad_place', B, (b0, b1) => [b0, b1, ...args], rowsPerThread(padded[0] * padded[1] * C));
  return dst;
}

/**
 * x zero-padded for the forward GEMMs, as its offset and the [height, width] of its layout: on the backend's
 * heap an unpadded x is read in place (a 'valid' conv reads rows and columns below paddedHeight/Width only).
 */
function paddedInput(mem: KernelMemory, x: tf.TensorInfo, g: ConvGeometry): [number, number[]] {
  const inPlace =
    mem.inPlace &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.paddedHeight <= g.inHeight &&
    g.paddedWidth <= g.inWidth;
  if (inPlace) return [mem.input(x), kernelDims(g, [g.inHeight, g.inWidth])];
  const dims = [g.batch, g.inHeight, g.inWidth, g.inChannels];
  const ptr = placed(mem, x, dims, [g.paddedHeight, g.paddedWidth], [g.padTop, g.padLeft]);
  return [ptr, kernelDims(g)];
}

/**
 * t's offset, or a 64-byte aligned copy's when it is not aligned: the GEMM streams B's rows 16 floats at a time,
 * and rows split across cache lines cost seed-001 and seed-002 about a tenth of their predict (the copy, a few
 * hundred kB, costs tens of microseconds).
 */
function alignedInput(mem: KernelMemory, t: tf.TensorInfo): number {
  const ptr = mem.input(t);
  if (ptr % 64 === 0) return ptr;
  const n = tf.util.sizeFromShape(t.shape);
  const aligned = mem.alloc(n);
  mem.view(aligned, n).set(mem.view(ptr, n));
  return aligned;
}

/** The forward kernels' operands: padded x and its layout's dims, the aligned filter, the bias (0: none). */
function forwardOperands(
  mem: KernelMemory,
  g: ConvGeometry,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias?: tf.TensorInfo,
): { xp: number; dims: number[]; f: number; b: number } {
  const [xp, dims] = paddedInput(mem, x, g);
  return { xp, dims, f: alignedInput(mem, filter), b: bias ? mem.input(bias) : 0 };
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

/**
 * The C kernels' shared geometry arguments: Hp, Wp, Cin, KH, KW, Cout, Hout, Wout, sh, sw; [Hp, Wp] is the
 * layout of the input buffer (the padded size unless given).
 */
function kernelDims(g: ConvGeometry, [Hp, Wp] = [g.paddedHeight, g.paddedWidth]): number[] {
  return [
    Hp,
    Wp,
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
  const mem = kernelMemory(rt, backend);
  try {
    const { xp, dims, f, b } = forwardOperands(mem, g, x, filter, bias);
    const y = mem.output([g.batch, g.outHeight, g.outWidth, g.outChannels]);
    const relu = activation === 'relu' ? 1 : 0;
    mem.parallel('conv2d_forward', g.batch, (b0, b1) => [b0, b1, ...dims, xp, f, y, b, relu]);
    return mem.result(y);
  } finally {
    mem.release();
  }
}

/**
 * The {@link CONV_MAX_POOL} kernel: activation(conv(x, filter) + bias) max-pooled over windows of `pool` at stride
 * `pool`, without writing the conv output (inference). x is [B, T, C] for a 1-D conv (filter [1, K, Cin, Cout],
 * output [B, T', Cout]) or NHWC; null for geometry the engine does not handle.
 */
export function convPoolForward(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
  bias?: tf.TensorInfo,
): tf.TensorInfo | null {
  const { activation, pool } = attrs as unknown as { activation: string; pool: [number, number] };
  if ((activation !== 'linear' && activation !== 'relu') || x.dtype !== 'float32') return null;
  const oneD = x.shape.length === 3;
  const xShape = oneD ? [x.shape[0], 1, x.shape[1], x.shape[2]] : x.shape;
  if (xShape.length !== 4 || filter.shape.length !== 4) return null;
  const g = geometry(convInfoOf(xShape, filter.shape, { ...attrs, dataFormat: 'NHWC' }, false));
  if (!g || (bias && tf.util.sizeFromShape(bias.shape) !== g.outChannels)) return null;
  const [ph, pw] = pool;
  const [Hq, Wq] = [Math.floor(g.outHeight / ph), Math.floor(g.outWidth / pw)];
  if (Hq < 1 || Wq < 1) return null;
  const mem = kernelMemory(rt, backend);
  try {
    const { xp, dims, f, b } = forwardOperands(mem, g, x, filter, bias);
    const y = mem.output(oneD ? [g.batch, Wq, g.outChannels] : [g.batch, Hq, Wq, g.outChannels]);
    const scratch = mem.alloc(g.batch * ph * g.outWidth * g.outChannels);
    const relu = activation === 'relu' ? 1 : 0;
    mem.parallel('conv2d_pool_forward', g.batch, (b0, b1) => [
      b0,
      b1,
      ...dims,
      xp,
      f,
      y,
      b,
      relu,
      ph,
      pw,
      scratch,
    ]);
    return mem.result(y);
  } finally {
    mem.release();
  }
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
  const mem = kernelMemory(rt, backend);
  try {
    const [xp, dims] = paddedInput(mem, x, g);
    const dyPtr = alignedInput(mem, dy);
    const n = g.kernelHeight * g.kernelWidth * g.inChannels * g.outChannels;
    // Part 0 writes the output; the other threads' partial sums are added into it.
    const partials = Array.from({ length: Math.min(rt.threads, g.batch) }, (_, p) =>
      p === 0 ? mem.output(filterShape) : mem.alloc(n),
    );
    mem.parallelParts('conv2d_filter_grad', g.batch, (b0, b1, part) => [
      b0,
      b1,
      ...dims,
      xp,
      dyPtr,
      partials[part],
    ]);
    for (let p = 1; p < partials.length; p++) mem.call('add_into', n, partials[0], partials[p]);
    return mem.result(partials[0]);
  } finally {
    mem.release();
  }
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
  const { batch: B, inHeight: Hi, inWidth: Wi, inChannels: Ci, outChannels: Co } = g;
  const { kernelHeight: KH, kernelWidth: KW } = g;
  // dx = stride-1 conv of dy (dilated by the strides, padded to (Hi + KH - 1) × (Wi + KW - 1)) with
  // the filter flipped in both axes and its channels swapped.
  const Hp = Hi + KH - 1;
  const Wp = Wi + KW - 1;
  const mem = kernelMemory(rt, backend);
  try {
    const dyp = placed(
      mem,
      dy,
      [B, g.outHeight, g.outWidth, Co],
      [Hp, Wp],
      [KH - 1 - g.padTop, KW - 1 - g.padLeft],
      [g.strideHeight, g.strideWidth],
    );
    const f = mem.input(filter);
    const ft = mem.alloc(KH * KW * Ci * Co);
    mem.call('conv_flip_filter', KH * KW, Ci, Co, f, ft);
    const dx = mem.output(inputShape);
    mem.parallel('conv2d_forward', B, (b0, b1) => [
      b0,
      b1,
      Hp,
      Wp,
      Co,
      KH,
      KW,
      Ci,
      Hi,
      Wi,
      1,
      1,
      dyp,
      ft,
      dx,
      0,
      0,
    ]);
    return mem.result(dx);
  } finally {
    mem.release();
  }
}
