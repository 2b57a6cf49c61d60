/**
 * Slice and SplitV reading the wasm backend's heap in place. The stock wasm `Slice` first copies the whole input
 * out of the heap (`readSync`) to take any part of it, and `SplitV` does that once per output: every batch
 * tfjs-layers' predict slices, every concat gradient and every QR step of the orthogonal initializer at model
 * build (300 ms of a seed003 build) copied its whole input. Same outputs, bit for bit (a slice is a copy).
 */
import * as tf from '@tensorflow/tfjs';
import { isWasm } from './io';

/**
 * x[begin : begin + size] on the wasm backend, copied straight from the heap; null elsewhere (the stock kernel
 * runs) and for strings. begin/size as tf.slice takes them (size -1: to the end).
 */
export function sliceInPlace(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  begin: number | number[],
  size: number | number[] | undefined,
): tf.TensorInfo | null {
  if (!isWasm(backend) || x.dtype === 'string') return null;
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  // Allocate first: growing the heap detaches views taken before.
  const out = backend.makeOutput(s, x.dtype);
  const n = tf.util.sizeFromShape(s);
  if (n === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, b, s)) {
    const offset = tf.slice_util.computeFlatOffset(b, strides);
    dst.set(src.subarray(offset, offset + n));
    return out;
  }
  // Trailing axes the slice takes whole form one contiguous run per index of the leading ones.
  const rank = x.shape.length;
  let inner = rank - 1;
  while (inner > 0 && b[inner] === 0 && s[inner] === x.shape[inner]) inner--;
  const run = s.slice(inner).reduce((p, q) => p * q, 1);
  const lead = s.slice(0, inner);
  const index = new Array<number>(inner).fill(0);
  const total = n / run;
  for (let r = 0; r < total; r++) {
    let offset = b[inner] * (inner < rank - 1 ? strides[inner] : 1);
    for (let a = 0; a < inner; a++) offset += (b[a] + index[a]) * strides[a];
    dst.set(src.subarray(offset, offset + run), r * run);
    for (let a = inner - 1; a >= 0; a--) {
      if (++index[a] < lead[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

/** SplitV as one in-place slice per output (null where {@link sliceInPlace} is). */
export function splitInPlace(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  numOrSizeSplits: number | number[],
  axis: number,
): tf.TensorInfo[] | null {
  if (!isWasm(backend) || x.dtype === 'string') return null;
  const a = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, a);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = x.shape.slice();
    size[a] = part;
    const piece = sliceInPlace(backend, x, begin.slice(), size) as tf.TensorInfo;
    begin[a] += part;
    return piece;
  });
}
