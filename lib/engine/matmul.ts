/**
 * BatchMatMul on the engine's GEMM (both threads): a[batch, M, K] · b[batch, K, N] with optional
 * transposes and a broadcast batch of 1 on either side. Transposed A is read through strides;
 * transposed B is transposed once into scratch (the GEMM streams rows of B).
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './io';
import { rowsPerThread, type WasmRuntime } from './runtime';

/** Below this many multiply-adds a call runs on the calling thread only. */
const PARALLEL_MIN_MACS = 1 << 17;

/** What is applied to every row of the product before it is returned: + bias[N], then ReLU. */
export interface MatMulEpilogue {
  bias?: tf.TensorInfo;
  relu: boolean;
}

export function batchMatMul(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
  epilogue?: MatMulEpilogue,
): tf.TensorInfo | null {
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  // tfjs hands the kernel the op's own inputs: rank 2 or more, leading dims being the batch.
  const [batchA, a1, a2] = as3d(a.shape);
  const [batchB, b1, b2] = as3d(b.shape);
  const lead = (s: number[]): number[] => s.slice(0, -2);
  const outLead = batchA >= batchB ? lead(a.shape) : lead(b.shape);
  if (batchA > 1 && batchB > 1 && lead(a.shape).join() !== lead(b.shape).join()) return null;
  const [M, K] = transposeA ? [a2, a1] : [a1, a2];
  const [K2, N] = transposeB ? [b2, b1] : [b1, b2];
  if (K !== K2 || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return null;
  const batch = Math.max(batchA, batchB);
  const mem = kernelMemory(rt, backend);
  try {
    const pa = mem.input(a);
    let pb = mem.input(b);
    if (transposeB) {
      const t = mem.alloc(batchB * K * N);
      for (let i = 0; i < batchB; i++) mem.call('transpose', N, K, pb + 4 * i * N * K, t + 4 * i * K * N);
      pb = t;
    }
    const out = mem.output([...outLead, M, N]);
    const [ars, acs] = transposeA ? [1, M] : [K, 1];
    for (let i = 0; i < batch; i++) {
      const ai = pa + 4 * (batchA === 1 ? 0 : i) * M * K;
      const bi = pb + 4 * (batchB === 1 ? 0 : i) * K * N;
      const ci = out + 4 * i * M * N;
      if (M * N * K < PARALLEL_MIN_MACS) {
        mem.call('gemm_rows', 0, M, N, K, ai, ars, acs, bi, N, ci, N, 0);
      } else {
        mem.parallel('gemm_rows', M, (r0, r1) => [r0, r1, N, K, ai, ars, acs, bi, N, ci, N, 0]);
      }
    }
    if (epilogue && (epilogue.bias || epilogue.relu)) {
      const bias = epilogue.bias ? mem.input(epilogue.bias) : 0;
      const relu = epilogue.relu ? 1 : 0;
      mem.parallel('bias_act', batch * M, (r0, r1) => [r0, r1, N, out, bias, relu], rowsPerThread(N));
    }
    return mem.result(out);
  } finally {
    mem.release();
  }
}

function as3d(shape: number[]): [number, number, number] {
  const r = shape.length;
  return [shape.slice(0, r - 2).reduce((x, y) => x * y, 1), shape[r - 2], shape[r - 1]];
}
