/**
 * Weight quantisation of a tfjs Layers model in the format tfjs itself decodes on load (the `quantization`
 * field of a weights-manifest entry, as tensorflowjs_converter writes it): float16 halves `weights.bin`,
 * uint8 (per-tensor affine) quarters it. Loading dequantises to float32, so inference code is unchanged.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayersModelJson } from './model-format';

export type WeightQuantization = 'float16' | 'uint8';
export const WEIGHT_QUANTIZATIONS: readonly WeightQuantization[] = ['float16', 'uint8'];

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of `value` (round to nearest even; overflow → ±∞, NaN kept). */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit bit in and round what falls off.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midway = 1 << (shift - 1);
    if (rest > midway || (rest === midway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++; // may carry into the exponent: still right
  e = half >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : half);
}

/**
 * Affine uint8 parameters of a tensor whose values span [min, max]: the range is widened to contain 0 and
 * nudged so that 0 is exactly representable (zero biases and paddings stay zero), as the tfjs converter does.
 */
function affineRange(min: number, max: number): { scale: number; min: number } {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (hi === lo) return { scale: 1, min: lo };
  const scale = (hi - lo) / 255;
  const zeroPoint = Math.round(-lo / scale);
  return { scale, min: -zeroPoint * scale };
}

/**
 * Quantise every float32 weight of `json`/`weights` (model.json and weights.bin of a model directory) to
 * `dtype`; returns the new model.json and weights.bin. Throws if a weight is already quantised.
 */
export function quantizeWeights(
  json: LayersModelJson,
  weights: ArrayBuffer,
  dtype: WeightQuantization,
): { json: LayersModelJson; weights: Uint8Array } {
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization) throw new Error(`weight ${spec.name} is already quantised (${spec.quantization.dtype})`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = size * 4;
    if (spec.dtype !== 'float32') {
      // int32 weights (rare in Layers models) are kept as they are.
      parts.push(new Uint8Array(weights, offset, bytes).slice());
      out.push({ ...spec });
      offset += bytes;
      continue;
    }
    const values = new Float32Array(weights.slice(offset, offset + bytes));
    offset += bytes;
    if (dtype === 'float16') {
      const half = new Uint16Array(size);
      for (let i = 0; i < size; i++) half[i] = float16Bits(values[i]);
      parts.push(new Uint8Array(half.buffer));
      out.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const range = affineRange(size ? min : 0, size ? max : 0);
      const q = new Uint8Array(size);
      for (let i = 0; i < size; i++)
        q[i] = Math.max(0, Math.min(255, Math.round((values[i] - range.min) / range.scale)));
      parts.push(q);
      out.push({ ...spec, quantization: { dtype: 'uint8', scale: range.scale, min: range.min } });
    }
  }
  if (offset !== weights.byteLength)
    throw new Error(`weights.bin has ${weights.byteLength} bytes, model.json describes ${offset}`);
  const total = parts.reduce((s, p) => s + p.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return { json: { ...json, weightsManifest: [{ paths: ['weights.bin'], weights: out }] }, weights: joined };
}
