/*
 * The wasm_simd128.h intrinsics that lib/engine/wasm/kernels.c uses, as SSE4.1 on x86-64, so the native
 * addon (engine.c) compiles the very same kernel source. Each maps to the instruction with the same IEEE
 * result, so the native kernels equal the WebAssembly ones bit for bit (build with -ffp-contract=off: no
 * fused multiply-adds the wasm code does not have). Difference: trunc_sat gives INT_MIN out of range (wasm
 * saturates); the kernels use it only on clamped values. (NaN bit patterns may differ; NaN stays NaN.)
 */
#ifndef ENGINE_WASM_SIMD_X86_H
#define ENGINE_WASM_SIMD_X86_H
#include <immintrin.h>

typedef __m128i v128_t;

#define W_PS(v) _mm_castsi128_ps(v)
#define W_SI(v) _mm_castps_si128(v)
#define W_PD(v) _mm_castsi128_pd(v)
#define W_SID(v) _mm_castpd_si128(v)
#define INL static inline __attribute__((always_inline, target("sse4.1")))

INL v128_t wasm_v128_load(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
INL void wasm_v128_store(void *p, v128_t v) { _mm_storeu_si128((__m128i *)p, v); }
INL v128_t wasm_v128_load64_zero(const void *p) { return _mm_loadl_epi64((const __m128i *)p); }
/* Only lane 0 is used by the kernels. */
#define wasm_v128_store64_lane(p, v, lane) _mm_storel_epi64((__m128i *)(p), (v))
INL v128_t wasm_v128_and(v128_t a, v128_t b) { return _mm_and_si128(a, b); }
INL v128_t wasm_v128_or(v128_t a, v128_t b) { return _mm_or_si128(a, b); }
INL v128_t wasm_v128_xor(v128_t a, v128_t b) { return _mm_xor_si128(a, b); }
/* a & ~b */
INL v128_t wasm_v128_andnot(v128_t a, v128_t b) { return _mm_andnot_si128(b, a); }
/* Bits of a where mask is set, of b elsewhere. */
INL v128_t wasm_v128_bitselect(v128_t a, v128_t b, v128_t mask) {
  return _mm_or_si128(_mm_and_si128(a, mask), _mm_andnot_si128(mask, b));
}

INL v128_t wasm_f32x4_splat(float x) { return W_SI(_mm_set1_ps(x)); }
INL v128_t wasm_f32x4_add(v128_t a, v128_t b) { return W_SI(_mm_add_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_sub(v128_t a, v128_t b) { return W_SI(_mm_sub_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_mul(v128_t a, v128_t b) { return W_SI(_mm_mul_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_div(v128_t a, v128_t b) { return W_SI(_mm_div_ps(W_PS(a), W_PS(b))); }
/* wasm's min / max: a NaN operand gives NaN, and -0 < +0. SSE's return the second operand for NaN or equal
 * operands, so both orders are combined (OR keeps -0 and any NaN for min; AND keeps +0 for max, and the unordered
 * mask then restores NaN). */
INL v128_t wasm_f32x4_min(v128_t a, v128_t b) {
  __m128 x = W_PS(a), y = W_PS(b);
  return W_SI(_mm_or_ps(_mm_min_ps(x, y), _mm_min_ps(y, x)));
}
INL v128_t wasm_f32x4_max(v128_t a, v128_t b) {
  __m128 x = W_PS(a), y = W_PS(b);
  return W_SI(_mm_or_ps(_mm_and_ps(_mm_max_ps(x, y), _mm_max_ps(y, x)), _mm_cmpunord_ps(x, y)));
}
INL v128_t wasm_f32x4_gt(v128_t a, v128_t b) { return W_SI(_mm_cmpgt_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_ge(v128_t a, v128_t b) { return W_SI(_mm_cmpge_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_lt(v128_t a, v128_t b) { return W_SI(_mm_cmplt_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_le(v128_t a, v128_t b) { return W_SI(_mm_cmple_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_eq(v128_t a, v128_t b) { return W_SI(_mm_cmpeq_ps(W_PS(a), W_PS(b))); }
INL v128_t wasm_f32x4_sqrt(v128_t a) { return W_SI(_mm_sqrt_ps(W_PS(a))); }
INL v128_t wasm_f32x4_make(float a, float b, float c, float d) { return W_SI(_mm_setr_ps(a, b, c, d)); }
INL v128_t wasm_f32x4_convert_i32x4(v128_t a) { return W_SI(_mm_cvtepi32_ps(a)); }
INL v128_t wasm_f32x4_floor(v128_t a) { return W_SI(_mm_floor_ps(W_PS(a))); }
INL v128_t wasm_f32x4_abs(v128_t a) { return _mm_and_si128(a, _mm_set1_epi32(0x7fffffff)); }
INL v128_t wasm_f32x4_neg(v128_t a) { return _mm_xor_si128(a, _mm_set1_epi32((int)0x80000000u)); }
#define wasm_f32x4_extract_lane(v, lane) _mm_cvtss_f32(_mm_shuffle_ps(W_PS(v), W_PS(v), (lane)))

INL v128_t wasm_i32x4_splat(int x) { return _mm_set1_epi32(x); }
INL v128_t wasm_i32x4_make(int a, int b, int c, int d) { return _mm_setr_epi32(a, b, c, d); }
INL v128_t wasm_i32x4_add(v128_t a, v128_t b) { return _mm_add_epi32(a, b); }
INL v128_t wasm_i32x4_sub(v128_t a, v128_t b) { return _mm_sub_epi32(a, b); }
INL v128_t wasm_i32x4_eq(v128_t a, v128_t b) { return _mm_cmpeq_epi32(a, b); }
INL v128_t wasm_i32x4_mul(v128_t a, v128_t b) { return _mm_mullo_epi32(a, b); }
INL v128_t wasm_i32x4_shr(v128_t a, int n) { return _mm_sra_epi32(a, _mm_cvtsi32_si128(n & 31)); }
INL v128_t wasm_u32x4_shr(v128_t a, int n) { return _mm_srl_epi32(a, _mm_cvtsi32_si128(n & 31)); }
INL v128_t wasm_i32x4_shl(v128_t a, int n) { return _mm_sll_epi32(a, _mm_cvtsi32_si128(n & 31)); }
INL v128_t wasm_i32x4_trunc_sat_f32x4(v128_t a) { return _mm_cvttps_epi32(W_PS(a)); }
#define wasm_i32x4_extract_lane(v, lane) _mm_extract_epi32((v), (lane))

INL v128_t wasm_f64x2_splat(double x) { return W_SID(_mm_set1_pd(x)); }
INL v128_t wasm_f64x2_add(v128_t a, v128_t b) { return W_SID(_mm_add_pd(W_PD(a), W_PD(b))); }
INL v128_t wasm_f64x2_sub(v128_t a, v128_t b) { return W_SID(_mm_sub_pd(W_PD(a), W_PD(b))); }
INL v128_t wasm_f64x2_mul(v128_t a, v128_t b) { return W_SID(_mm_mul_pd(W_PD(a), W_PD(b))); }
INL v128_t wasm_f64x2_div(v128_t a, v128_t b) { return W_SID(_mm_div_pd(W_PD(a), W_PD(b))); }
INL v128_t wasm_f64x2_sqrt(v128_t a) { return W_SID(_mm_sqrt_pd(W_PD(a))); }
INL v128_t wasm_f64x2_gt(v128_t a, v128_t b) { return W_SID(_mm_cmpgt_pd(W_PD(a), W_PD(b))); }
INL v128_t wasm_f64x2_promote_low_f32x4(v128_t a) { return W_SID(_mm_cvtps_pd(W_PS(a))); }
INL v128_t wasm_f32x4_demote_f64x2_zero(v128_t a) { return W_SI(_mm_cvtpd_ps(W_PD(a))); }

#undef INL
#endif
