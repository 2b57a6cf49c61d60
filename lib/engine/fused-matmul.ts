/**
 * _FusedMatMul (tfjs-layers Dense: a · b + bias, then ReLU or linear) on the engine's GEMM over both threads, for
 * products large enough to pay for the copies into the engine's memory (seed001's Dense on its flattened
 * convolutions: [32, 1280] · [1280, 256] took 1.27 ms on the stock single-threaded kernel, 0.67 ms here, load 7); bias
 * and ReLU by batchMatMul's epilogue (the C bias_act kernel, threaded).
 * Smaller products, other activations and PReLU weights go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from './matmul';
import type { WasmRuntime } from './runtime';

/** Multiply-adds below which the stock kernel is as fast (measured: [32, 128] · [128, 128] is). */
const MIN_MACS = 1 << 21;

export function fusedMatMul(
  rt: WasmRuntime,
  backend: tf.KernelBackend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const { a, b, bias, preluActivationWeights } = inputs;
  const { transposeA, transposeB, activation } = attrs as unknown as tf._FusedMatMulAttrs;
  if (preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return null;
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const K = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const N = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const rows = tf.util.sizeFromShape(a.shape) / K;
  if (rows * K * N < MIN_MACS) return null;
  if (bias && (bias.dtype !== 'float32' || tf.util.sizeFromShape(bias.shape) !== N)) return null;
  return batchMatMul(rt, backend, a, b, { transposeA, transposeB }, { bias, relu: activation === 'relu' });
}
