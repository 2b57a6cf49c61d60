/*
 * The engine's kernels natively (Node-API) for x86-64 CPUs with AVX2 and FMA: kernels.c compiled for x86-64
 * (its wasm intrinsics mapped to SSE4.1) with the GEMM below, on either the engine's shared memory or the tfjs
 * wasm backend's heap (pointers are byte offsets into it, exactly as in kernels.c), so lib/engine/runtime.ts
 * can call either per kernel. The wasm SIMD GEMM is 4 lanes without fused multiply-add; this one is 8 lanes
 * with FMA (4–5× the multiply-adds per second on one core). Built at install time by lib/engine/wasm/build.js
 * with the system C compiler; `supported()` is false where the CPU lacks AVX2/FMA, and then the wasm kernels
 * run.
 */
#include <immintrin.h>
#include <node_api.h>
#include <stdint.h>

#define EXPORT static
#define SIMD __attribute__((target("avx2,fma")))

/* A tile of mr ≤ R rows × 16 columns, R = 4 or 6 (two 8-lane halves; half 1 skipped when `two` is 0, an
 * 8-column panel): missing rows repeat row 0 and are not stored. A is segmented as in kernels.c:
 * A(i, s * Ks + p) = a[i * ars + s * sega + p * acs]. Six rows keep twelve FMA chains in flight, enough to cover
 * the FMA latency on both ports (eight leave the GEMM latency-bound); four-row tiles take the rows a 6-row split
 * would leave as a mostly empty tile. Accumulators are named variables: as an array the compiler spills them
 * to the stack every step. Each element of C is the same FMA chain over p whatever the tile, so the result does
 * not depend on the split. */
SIMD static inline __attribute__((always_inline)) void tile_rx16(const int R, int mr, int two, int Ks, int nseg,
                                                                 int sega, const float *a, int ars, int acs,
                                                                 const float *b, int ldb, float *c, int ldc, int acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  __m256 c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const intptr_t o1 = mr > 1 ? ars : 0, o2 = mr > 2 ? 2 * (intptr_t)ars : 0, o3 = mr > 3 ? 3 * (intptr_t)ars : 0;
  const intptr_t o4 = mr > 4 ? 4 * (intptr_t)ars : 0, o5 = mr > 5 ? 5 * (intptr_t)ars : 0;
  for (int s = 0; s < nseg; s++) {
    const float *a0 = a + (intptr_t)s * sega;
    if (two) {
      for (int p = 0; p < Ks; p++, a0 += acs, b += ldb) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 x = _mm256_broadcast_ss(a0);
        c00 = _mm256_fmadd_ps(x, b0, c00);
        c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a0 + o1);
        c10 = _mm256_fmadd_ps(x, b0, c10);
        c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a0 + o2);
        c20 = _mm256_fmadd_ps(x, b0, c20);
        c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a0 + o3);
        c30 = _mm256_fmadd_ps(x, b0, c30);
        c31 = _mm256_fmadd_ps(x, b1, c31);
        if (R > 4) {
          x = _mm256_broadcast_ss(a0 + o4);
          c40 = _mm256_fmadd_ps(x, b0, c40);
          c41 = _mm256_fmadd_ps(x, b1, c41);
          x = _mm256_broadcast_ss(a0 + o5);
          c50 = _mm256_fmadd_ps(x, b0, c50);
          c51 = _mm256_fmadd_ps(x, b1, c51);
        }
      }
    } else {
      for (int p = 0; p < Ks; p++, a0 += acs, b += ldb) {
        __m256 b0 = _mm256_loadu_ps(b);
        c00 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0), b0, c00);
        c10 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o1), b0, c10);
        c20 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o2), b0, c20);
        c30 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o3), b0, c30);
        if (R > 4) {
          c40 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o4), b0, c40);
          c50 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o5), b0, c50);
        }
      }
    }
  }
  __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int i = 0; i < mr; i++)
    for (int j = 0; j <= two; j++) {
      float *r = c + (intptr_t)i * ldc + 8 * j;
      _mm256_storeu_ps(r, acc ? _mm256_add_ps(rows[i][j], _mm256_loadu_ps(r)) : rows[i][j]);
    }
}

/* One column panel (16 or 8 wide: `two`) over rows [m0, m1): 6-row tiles, and 4-row tiles for a remainder of
 * 1–4 rows (a remainder of 1 or 2 takes one 6-row tile along: 7 or 8 rows as two 4-row tiles). */
SIMD static inline void panel(int m0, int m1, int two, int Ks, int nseg, int sega, const float *a, int ars, int acs,
                              const float *b, int ldb, float *c, int ldc, int acc) {
  int n = m1 - m0, six = n / 6, rest = n % 6;
  if ((rest == 1 || rest == 2) && six > 0) six--, rest += 6;
  if (rest == 5) six++, rest = 0;
  int m = m0;
  for (int t = 0; t < six; t++, m += 6) {
    int mr = m1 - m < 6 ? m1 - m : 6;
    tile_rx16(6, mr, two, Ks, nseg, sega, a + (intptr_t)m * ars, ars, acs, b, ldb, c + (intptr_t)m * ldc, ldc, acc);
  }
  for (; m < m1; m += 4) {
    int mr = m1 - m < 4 ? m1 - m : 4;
    tile_rx16(4, mr, two, Ks, nseg, sega, a + (intptr_t)m * ars, ars, acs, b, ldb, c + (intptr_t)m * ldc, ldc, acc);
  }
}

/* The sum of v's lanes, in dot_tail's fixed order. */
SIMD static inline float hsum8(__m256 v) {
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  return _mm_cvtss_f32(_mm_add_ss(h, _mm_shuffle_ps(h, h, 1)));
}

/* Elements of C past the last 8-column panel: dot products of rows of A with column n of B, 8 lanes at a time
 * when A's rows and B's column are both contiguous (acs = ldb = 1: the 1-channel input gradient of a first conv
 * layer), rows ≥ 4 apart from r0 four at a time (four FMA chains in flight, each B load shared; every row's
 * arithmetic is the same as alone). out[i * ldc] (+)= row r0 + i. */
SIMD static inline void dot_tail_rows(int rows, int Ks, int nseg, int sega, const float *a, int ars, int acs,
                                      const float *b, int ldb, float *out, int ldc, int acc) {
  int i = 0;
  if (acs == 1 && ldb == 1)
    for (; i + 4 <= rows; i += 4) {
      const float *a0 = a + (intptr_t)i * ars, *a1 = a0 + ars, *a2 = a1 + ars, *a3 = a2 + ars, *bg = b;
      __m256 v0 = _mm256_setzero_ps(), v1 = v0, v2 = v0, v3 = v0;
      float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
      for (int g = 0; g < nseg; g++, bg += Ks) {
        const intptr_t o = (intptr_t)g * sega;
        int p = 0;
        for (; p + 8 <= Ks; p += 8) {
          __m256 bb = _mm256_loadu_ps(bg + p);
          v0 = _mm256_fmadd_ps(_mm256_loadu_ps(a0 + o + p), bb, v0);
          v1 = _mm256_fmadd_ps(_mm256_loadu_ps(a1 + o + p), bb, v1);
          v2 = _mm256_fmadd_ps(_mm256_loadu_ps(a2 + o + p), bb, v2);
          v3 = _mm256_fmadd_ps(_mm256_loadu_ps(a3 + o + p), bb, v3);
        }
        for (; p < Ks; p++) {
          s0 += a0[o + p] * bg[p];
          s1 += a1[o + p] * bg[p];
          s2 += a2[o + p] * bg[p];
          s3 += a3[o + p] * bg[p];
        }
      }
      float r[4] = {s0 + hsum8(v0), s1 + hsum8(v1), s2 + hsum8(v2), s3 + hsum8(v3)};
      for (int k = 0; k < 4; k++) {
        float *c = out + (intptr_t)(i + k) * ldc;
        *c = acc ? *c + r[k] : r[k];
      }
    }
  for (; i < rows; i++) {
    const float *ai = a + (intptr_t)i * ars, *bn = b;
    float s = 0.f;
    if (acs == 1 && ldb == 1) {
      __m256 v = _mm256_setzero_ps();
      for (int g = 0; g < nseg; g++, bn += Ks) {
        const float *ag = ai + (intptr_t)g * sega;
        int p = 0;
        for (; p + 8 <= Ks; p += 8) v = _mm256_fmadd_ps(_mm256_loadu_ps(ag + p), _mm256_loadu_ps(bn + p), v);
        for (; p < Ks; p++) s += ag[p] * bn[p];
      }
      s += hsum8(v);
    } else {
      for (int g = 0; g < nseg; g++)
        for (int p = 0; p < Ks; p++, bn += ldb) s += ai[(intptr_t)g * sega + (intptr_t)p * acs] * *bn;
    }
    float *c = out + (intptr_t)i * ldc;
    *c = acc ? *c + s : s;
  }
}

/* Rows [r0, r1) of C (+)= A . B, A segmented; the same contract as kernels.c's gemm_seg. */
SIMD static void gemm_seg(int r0, int r1, int N, int Ks, int nseg, int sega, const float *a, int ars, int acs,
                          const float *b, int ldb, float *c, int ldc, int acc) {
  const int MB = 48;
  int N16 = N & ~15, N8 = N & ~7;
  for (int m0 = r0; m0 < r1; m0 += MB) {
    int m1 = m0 + MB < r1 ? m0 + MB : r1;
    for (int n = 0; n < N16; n += 16) panel(m0, m1, 1, Ks, nseg, sega, a, ars, acs, b + n, ldb, c + n, ldc, acc);
    for (int n = N16; n < N8; n += 8) panel(m0, m1, 0, Ks, nseg, sega, a, ars, acs, b + n, ldb, c + n, ldc, acc);
    for (int n = N8; n < N; n++)
      dot_tail_rows(m1 - m0, Ks, nseg, sega, a + (intptr_t)m0 * ars, ars, acs, b + n, ldb, c + (intptr_t)m0 * ldc + n,
                    ldc, acc);
  }
}

SIMD static void gemm_rows(int r0, int r1, int N, int K, const float *a, int ars, int acs, const float *b, int ldb,
                           float *c, int ldc, int acc) {
  gemm_seg(r0, r1, N, K, 1, 0, a, ars, acs, b, ldb, c, ldc, acc);
}

/* Every kernel of kernels.c natively (BatchNorm, MaxPool gradient, bias + activation, padding, transpose, ...)
 * from the same source, with the GEMM above; the wasm intrinsics map to SSE4.1 (wasm-simd-x86.h). */
#define ENGINE_NATIVE_GEMM
#undef EXPORT
#define EXPORT __attribute__((unused)) static
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include "wasm-simd-x86.h"
#include "../wasm/kernels.c"
#pragma GCC pop_options

/* ---------------------------------------------------------------------------------------------
 * Node-API. setBase(view): the memory the kernels' pointer arguments are byte offsets into (the engine's
 * shared WebAssembly.Memory, or the tfjs wasm backend's own heap); run(kernel, ...args): one kernel with the
 * wasm kernel's arguments, pointers as offsets from that base (offset 0 is a null pointer, as in wasm).
 * Worker threads call run with the base the main thread set: lib/engine/runtime.ts sets it right before a
 * parallel call and blocks until every part is done, so the memory can neither grow nor move while any
 * thread uses the pointer.
 * ------------------------------------------------------------------------------------------- */

enum {
  K_GEMM_ROWS,
  K_CONV2D_FORWARD,
  K_CONV2D_FILTER_GRAD,
  K_BIAS_ACT,
  K_BN_APPLY,
  K_BN_GRAD_APPLY,
  K_MAXPOOL_GRAD,
  K_BN_ROW_SUMS,
  K_BN_GRAD_ROW_SUMS,
  K_PAD_PLACE,
  K_TRANSPOSE,
  K_ADD_INTO,
  K_CONV_FLIP_FILTER,
  K_BN_GRAD_COEF,
  K_MAXPOOL_FORWARD,
  K_LSTM_FORWARD,
  K_LSTM_BACKWARD,
  K_TANH_RANGE,
  K_CONV2D_POOL_FORWARD,
};

static char *heap_base;

#define MAX_ARGS 20

static napi_value set_base(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok) {
    napi_throw_error(env, NULL, "engine native: setBase needs a typed array over the whole memory");
    return NULL;
  }
  __atomic_store_n(&heap_base, (char *)data - offset, __ATOMIC_RELEASE);
  return NULL;
}

static napi_value run(napi_env env, napi_callback_info info) {
  size_t argc = MAX_ARGS + 1;
  napi_value argv[MAX_ARGS + 1];
  char *base = __atomic_load_n(&heap_base, __ATOMIC_ACQUIRE);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !base) goto bad;
  int32_t kernel;
  if (napi_get_value_int32(env, argv[0], &kernel) != napi_ok) goto bad;
  double v[MAX_ARGS];
  int n = (int)argc - 1;
  for (int i = 0; i < n; i++)
    if (napi_get_value_double(env, argv[i + 1], &v[i]) != napi_ok) goto bad;
#define I(i) ((int)v[i])
/* Offsets are unsigned 32-bit (worker threads receive them as int32: above 2 GB they arrive negative). */
#define P(i) (v[i] != 0 ? (void *)(base + (uint32_t)(int64_t)v[i]) : NULL)
#define NARGS(k) \
  if (n != (k)) goto bad
  switch (kernel) {
  case K_GEMM_ROWS:
    NARGS(12);
    gemm_rows(I(0), I(1), I(2), I(3), P(4), I(5), I(6), P(7), I(8), P(9), I(10), I(11));
    break;
  case K_CONV2D_FORWARD:
    NARGS(17);
    conv2d_forward(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), P(12), P(13), P(14),
                   P(15), I(16));
    break;
  case K_CONV2D_FILTER_GRAD:
    NARGS(15);
    conv2d_filter_grad(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), P(12), P(13),
                       P(14));
    break;
  case K_BIAS_ACT:
    NARGS(6);
    bias_act(I(0), I(1), I(2), P(3), P(4), I(5));
    break;
  case K_BN_APPLY:
    NARGS(6);
    bn_apply(I(0), I(1), I(2), P(3), P(4), P(5));
    break;
  case K_BN_GRAD_APPLY:
    NARGS(7);
    bn_grad_apply(I(0), I(1), I(2), P(3), P(4), P(5), P(6));
    break;
  case K_MAXPOOL_GRAD:
    NARGS(16);
    maxpool_grad(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12), P(13), P(14),
                 P(15));
    break;
  case K_BN_ROW_SUMS:
    NARGS(6);
    bn_row_sums(I(0), I(1), I(2), P(3), P(4), P(5));
    break;
  case K_BN_GRAD_ROW_SUMS:
    NARGS(7);
    bn_grad_row_sums(I(0), I(1), I(2), P(3), P(4), P(5), P(6));
    break;
  case K_PAD_PLACE:
    NARGS(13);
    pad_place(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), P(11), P(12));
    break;
  case K_TRANSPOSE:
    NARGS(4);
    transpose(I(0), I(1), P(2), P(3));
    break;
  case K_ADD_INTO:
    NARGS(3);
    add_into(I(0), P(1), P(2));
    break;
  case K_CONV_FLIP_FILTER:
    NARGS(5);
    conv_flip_filter(I(0), I(1), I(2), P(3), P(4));
    break;
  case K_BN_GRAD_COEF:
    NARGS(10);
    bn_grad_coef(I(0), I(1), P(2), P(3), P(4), (float)v[5], P(6), P(7), P(8), P(9));
    break;
  case K_MAXPOOL_FORWARD:
    NARGS(15);
    maxpool_forward(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12), P(13), P(14));
    break;
  case K_LSTM_FORWARD:
    NARGS(11);
    lstm_forward(I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), P(9), I(10));
    break;
  case K_LSTM_BACKWARD:
    NARGS(13);
    lstm_backward(I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), I(9), P(10), P(11), P(12));
    break;
  case K_TANH_RANGE:
    NARGS(4);
    tanh_range(I(0), I(1), P(2), P(3));
    break;
  case K_CONV2D_POOL_FORWARD:
    NARGS(20);
    conv2d_pool_forward(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), P(12), P(13),
                        P(14), P(15), I(16), I(17), I(18), P(19));
    break;
  default:
    goto bad;
  }
#undef NARGS
#undef P
#undef I
  return NULL;
bad:
  napi_throw_error(env, NULL, "engine native: bad arguments");
  return NULL;
}

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  __builtin_cpu_init();
  napi_value out;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &out);
  return out;
}

static void register_noise_adam(napi_env env, napi_value exports);

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "setBase", NAPI_AUTO_LENGTH, set_base, NULL, &fn);
  napi_set_named_property(env, exports, "setBase", fn);
  napi_create_function(env, "run", NAPI_AUTO_LENGTH, run, NULL, &fn);
  napi_set_named_property(env, exports, "run", fn);
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, supported, NULL, &fn);
  napi_set_named_property(env, exports, "supported", fn);
  register_noise_adam(env, exports);
  return exports;
}

/* ---------------------------------------------------------------------------------------------
 * Training noise, the Adam update and ReLU (lib/engine/noise.ts, adam.ts, relu.ts): elementwise loops over
 * Float32Array views passed directly (the tfjs wasm backend's heap, read and written in place), on the
 * calling thread. dropout_mask and the hash are bit-identical to noise.ts's JS loops; gaussian_noise
 * evaluates Box–Muller in float32 polynomials (no libm) on the same hashes.
 * ------------------------------------------------------------------------------------------- */

/* noise.ts's hash32(seed, i) >>> 8 for eight consecutive Weyl states w = seed + i * 0x9e3779b1. */
SIMD static inline __m256i bits24_x8(__m256i w) {
  __m256i h = _mm256_xor_si256(w, _mm256_srli_epi32(w, 16));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int32_t)0x85ebca6bu));
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 13));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int32_t)0xc2b2ae35u));
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
  return _mm256_srli_epi32(h, 8);
}

static inline uint32_t bits24_1(uint32_t seed, uint32_t i) {
  uint32_t h = seed + i * 0x9e3779b1u;
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return (h ^ (h >> 16)) >> 8;
}

/* out[i] = bits24(seed, i) < threshold ? 0 : src[i] * scale (a float32 product, as JS's rounded double
 * product of two float32 values is). */
SIMD static void dropout_mask(size_t n, const float *src, float *out, uint32_t seed, int32_t threshold,
                              float scale) {
  const __m256i step = _mm256_set1_epi32((int32_t)(8u * 0x9e3779b1u)), thr = _mm256_set1_epi32(threshold);
  const __m256 vs = _mm256_set1_ps(scale);
  __m256i w = _mm256_add_epi32(_mm256_set1_epi32((int32_t)seed),
                               _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                                  _mm256_set1_epi32((int32_t)0x9e3779b1u)));
  size_t i = 0;
  for (; i + 8 <= n; i += 8, w = _mm256_add_epi32(w, step)) {
    __m256 drop = _mm256_castsi256_ps(_mm256_cmpgt_epi32(thr, bits24_x8(w)));
    _mm256_storeu_ps(out + i, _mm256_andnot_ps(drop, _mm256_mul_ps(_mm256_loadu_ps(src + i), vs)));
  }
  for (; i < n; i++) out[i] = (int32_t)bits24_1(seed, (uint32_t)i) < threshold ? 0.f : src[i] * scale;
}

/* ln(u) for u in (0, 1] (Cephes logf: mantissa in [√½, √2), degree-9 polynomial; ~1 ulp). */
SIMD static inline __m256 log_x8(__m256 u) {
  __m256i bits = _mm256_castps_si256(u);
  __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126)));
  __m256 m = _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f000000)));
  __m256 small = _mm256_cmp_ps(m, _mm256_set1_ps(0.707106781186547524f), _CMP_LT_OQ);
  e = _mm256_sub_ps(e, _mm256_and_ps(small, _mm256_set1_ps(1.f)));
  __m256 x = _mm256_sub_ps(_mm256_add_ps(m, _mm256_and_ps(small, m)), _mm256_set1_ps(1.f));
  __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(7.0376836292e-2f);
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-1.1514610310e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.1676998740e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-1.2420140846e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.4249322787e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-1.6668057665e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(2.0000714765e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-2.4999993993e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(3.3333331174e-1f));
  __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, x), z);
  y = _mm256_fmadd_ps(e, _mm256_set1_ps(-2.12194440e-4f), y);
  y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
  return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693359375f), _mm256_add_ps(x, y));
}

/* sin and cos of 2π·t for t in [0, 1): t is reduced exactly to a quarter turn q and |f| ≤ 1/8 turn, then
 * Cephes' sinf / cosf polynomials on [-π/4, π/4] and the quadrant's swap and signs. */
SIMD static inline void sincos_turns_x8(__m256 t, __m256 *s, __m256 *c) {
  __m256 qf = _mm256_round_ps(_mm256_mul_ps(t, _mm256_set1_ps(4.f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 x = _mm256_mul_ps(_mm256_fnmadd_ps(qf, _mm256_set1_ps(0.25f), t), _mm256_set1_ps(6.28318530717958647f));
  __m256 z = _mm256_mul_ps(x, x);
  __m256 ps = _mm256_fmadd_ps(_mm256_set1_ps(-1.9515295891e-4f), z, _mm256_set1_ps(8.3321608736e-3f));
  ps = _mm256_fmadd_ps(ps, z, _mm256_set1_ps(-1.6666654611e-1f));
  __m256 sx = _mm256_fmadd_ps(_mm256_mul_ps(ps, z), x, x);
  __m256 pc = _mm256_fmadd_ps(_mm256_set1_ps(2.443315711809948e-5f), z, _mm256_set1_ps(-1.388731625493765e-3f));
  pc = _mm256_fmadd_ps(pc, z, _mm256_set1_ps(4.166664568298827e-2f));
  __m256 cx = _mm256_fmadd_ps(_mm256_mul_ps(pc, z), z, _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), _mm256_set1_ps(1.f)));
  __m256i q = _mm256_cvtps_epi32(qf);
  __m256 swap = _mm256_castsi256_ps(_mm256_slli_epi32(q, 31));
  __m256 negs = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_srli_epi32(q, 1), 31));
  __m256 negc = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_srli_epi32(_mm256_add_epi32(q, _mm256_set1_epi32(1)), 1), 31));
  *s = _mm256_xor_ps(_mm256_blendv_ps(sx, cx, swap), negs);
  *c = _mm256_xor_ps(_mm256_blendv_ps(cx, sx, swap), negc);
}

/* Sixteen outputs from pair index j0: out[2j] = src[2j] + r·cos, out[2j + 1] = src[2j + 1] + r·sin with
 * r = stddev·√(−2 ln u1), u1 = (bits24(seed, 2j) + 1) / 2²⁴, angle = 2π·bits24(seed2, 2j) / 2²⁴. */
SIMD static inline void gaussian_16(uint32_t seed, uint32_t seed2, uint32_t i0, const float *src, float *out,
                                    __m256 stddev) {
  const __m256i idx = _mm256_add_epi32(_mm256_set1_epi32((int32_t)i0), _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
  const __m256i weyl = _mm256_mullo_epi32(idx, _mm256_set1_epi32((int32_t)0x9e3779b1u));
  const __m256 inv24 = _mm256_set1_ps(1.f / 16777216.f);
  __m256i b1 = bits24_x8(_mm256_add_epi32(weyl, _mm256_set1_epi32((int32_t)seed)));
  __m256i b2 = bits24_x8(_mm256_add_epi32(weyl, _mm256_set1_epi32((int32_t)seed2)));
  __m256 u1 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(b1, _mm256_set1_epi32(1))), inv24);
  __m256 r = _mm256_mul_ps(stddev, _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(-2.f), log_x8(u1))));
  __m256 s, c;
  sincos_turns_x8(_mm256_mul_ps(_mm256_cvtepi32_ps(b2), inv24), &s, &c);
  __m256 rc = _mm256_mul_ps(r, c), rs = _mm256_mul_ps(r, s);
  /* Interleave (rc0, rs0, rc1, rs1, ...) across the two 128-bit halves. */
  __m256 lo = _mm256_unpacklo_ps(rc, rs), hi = _mm256_unpackhi_ps(rc, rs);
  __m256 n0 = _mm256_permute2f128_ps(lo, hi, 0x20), n1 = _mm256_permute2f128_ps(lo, hi, 0x31);
  _mm256_storeu_ps(out, _mm256_add_ps(_mm256_loadu_ps(src), n0));
  _mm256_storeu_ps(out + 8, _mm256_add_ps(_mm256_loadu_ps(src + 8), n1));
}

SIMD static void gaussian_noise(size_t n, const float *src, float *out, uint32_t seed, float stddev) {
  const uint32_t seed2 = seed ^ 0x5bd1e995u;
  const __m256 sd = _mm256_set1_ps(stddev);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) gaussian_16(seed, seed2, (uint32_t)i, src + i, out + i, sd);
  if (i < n) {
    float in[16] = {0}, res[16];
    for (size_t k = i; k < n; k++) in[k - i] = src[k];
    gaussian_16(seed, seed2, (uint32_t)i, in, res, sd);
    for (size_t k = i; k < n; k++) out[k] = res[k - i];
  }
}

/* One Adam step in float32, operation for operation as tfjs's AdamOptimizer.applyGradients:
 * m' = m·β1 + g·(1 − β1); v' = v·β2 + g²·(1 − β2); x' = (m' / c1) / (√(v' / c2) + ε) · (−lr) + x, with
 * c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ. Multiply-adds are kept apart (no fused rounding) so results match the
 * stock kernels' separate ops. k: β1, 1 − β1, β2, 1 − β2, c1, c2, ε, −lr. */
#if defined(__clang__)
#define NO_CONTRACT
#define NO_CONTRACT_PRAGMA _Pragma("clang fp contract(off)")
#else
#define NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#define NO_CONTRACT_PRAGMA
#endif
SIMD NO_CONTRACT static void adam_update(size_t n, const float *x, const float *g, const float *m, const float *v,
                                         float *xo, float *mo, float *vo, const float k[8]) {
  NO_CONTRACT_PRAGMA
  const __m256 b1 = _mm256_set1_ps(k[0]), ob1 = _mm256_set1_ps(k[1]), b2 = _mm256_set1_ps(k[2]),
               ob2 = _mm256_set1_ps(k[3]), c1 = _mm256_set1_ps(k[4]), c2 = _mm256_set1_ps(k[5]),
               eps = _mm256_set1_ps(k[6]), nlr = _mm256_set1_ps(k[7]);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 gi = _mm256_loadu_ps(g + i);
    __m256 m1 = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), b1), _mm256_mul_ps(gi, ob1));
    __m256 v1 = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), b2), _mm256_mul_ps(_mm256_mul_ps(gi, gi), ob2));
    __m256 den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_div_ps(v1, c2)), eps);
    __m256 step = _mm256_mul_ps(_mm256_div_ps(_mm256_div_ps(m1, c1), den), nlr);
    _mm256_storeu_ps(xo + i, _mm256_add_ps(step, _mm256_loadu_ps(x + i)));
    _mm256_storeu_ps(mo + i, m1);
    _mm256_storeu_ps(vo + i, v1);
  }
  for (; i < n; i++) {
    float m1 = m[i] * k[0] + g[i] * k[1];
    float v1 = v[i] * k[2] + (g[i] * g[i]) * k[3];
    float den = _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(v1 / k[5]))) + k[6];
    xo[i] = (m1 / k[4]) / den * k[7] + x[i];
    mo[i] = m1;
    vo[i] = v1;
  }
}

/* A Float32Array argument's data and length; 0 on anything else. */
static int f32_arg(napi_env env, napi_value value, float **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  if (napi_get_typedarray_info(env, value, &type, length, &p, NULL, NULL) != napi_ok || type != napi_float32_array)
    return 0;
  *data = (float *)p;
  return 1;
}

/* dropoutMask(src, out, seed, threshold, scale) and gaussianNoise(src, out, seed, stddev). */
static napi_value noise_call(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  void *which;
  float *src, *out;
  size_t n, nout;
  int32_t seed, threshold = 0;
  double scale;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &which) != napi_ok || argc < 4) goto bad;
  if (!f32_arg(env, argv[0], &src, &n) || !f32_arg(env, argv[1], &out, &nout) || nout != n) goto bad;
  if (napi_get_value_int32(env, argv[2], &seed) != napi_ok) goto bad;
  if (which == NULL) {
    if (argc < 5 || napi_get_value_int32(env, argv[3], &threshold) != napi_ok ||
        napi_get_value_double(env, argv[4], &scale) != napi_ok)
      goto bad;
    dropout_mask(n, src, out, (uint32_t)seed, threshold, (float)scale);
  } else {
    if (napi_get_value_double(env, argv[3], &scale) != napi_ok) goto bad;
    gaussian_noise(n, src, out, (uint32_t)seed, (float)scale);
  }
  return NULL;
bad:
  napi_throw_error(env, NULL, "engine native: bad noise arguments");
  return NULL;
}

/* adamUpdate(x, g, m, v, xOut, mOut, vOut, k) with k a Float32Array of the 8 constants above. */
static napi_value adam_call(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  float *p[8];
  size_t len[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 8) goto bad;
  for (int i = 0; i < 8; i++)
    if (!f32_arg(env, argv[i], &p[i], &len[i])) goto bad;
  for (int i = 1; i < 7; i++)
    if (len[i] != len[0]) goto bad;
  if (len[7] != 8) goto bad;
  adam_update(len[0], p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
  return NULL;
bad:
  napi_throw_error(env, NULL, "engine native: bad adam arguments");
  return NULL;
}

/* ReLU forward as the stock kernel: x for x > 0 or NaN, else +0; and its gradient dy · step(x) with tfjs's step: 1 for x > 0,
 * NaN for NaN, else 0 (so −dy · 0 gives −0 as the stock Multiply does). */
SIMD static void relu_forward(size_t n, const float *x, float *out) {
  const __m256 zero = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 xi = _mm256_loadu_ps(x + i);
    __m256 keep = _mm256_or_ps(_mm256_cmp_ps(xi, zero, _CMP_GT_OQ), _mm256_cmp_ps(xi, xi, _CMP_UNORD_Q));
    _mm256_storeu_ps(out + i, _mm256_and_ps(keep, xi));
  }
  for (; i < n; i++) out[i] = x[i] > 0.f ? x[i] : (x[i] != x[i] ? x[i] : 0.f);
}

SIMD static void relu_grad(size_t n, const float *dy, const float *x, float *out) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 xi = _mm256_loadu_ps(x + i);
    __m256 step = _mm256_and_ps(_mm256_cmp_ps(xi, zero, _CMP_GT_OQ), one);
    step = _mm256_blendv_ps(step, xi, _mm256_cmp_ps(xi, xi, _CMP_UNORD_Q));
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(dy + i), step));
  }
  for (; i < n; i++) out[i] = dy[i] * (x[i] > 0.f ? 1.f : (x[i] != x[i] ? x[i] : 0.f));
}

/* reluForward(x, out) and reluGrad(dy, x, out). */
static napi_value relu_call(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  void *grad;
  float *p[3];
  size_t len[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &grad) != napi_ok || argc != (grad ? 3u : 2u)) goto bad;
  for (size_t i = 0; i < argc; i++)
    if (!f32_arg(env, argv[i], &p[i], &len[i]) || len[i] != len[0]) goto bad;
  if (grad)
    relu_grad(len[0], p[0], p[1], p[2]);
  else
    relu_forward(len[0], p[0], p[1]);
  return NULL;
bad:
  napi_throw_error(env, NULL, "engine native: bad relu arguments");
  return NULL;
}

static void register_noise_adam(napi_env env, napi_value exports) {
  static int gaussian_tag;
  napi_value fn;
  napi_create_function(env, "dropoutMask", NAPI_AUTO_LENGTH, noise_call, NULL, &fn);
  napi_set_named_property(env, exports, "dropoutMask", fn);
  napi_create_function(env, "gaussianNoise", NAPI_AUTO_LENGTH, noise_call, &gaussian_tag, &fn);
  napi_set_named_property(env, exports, "gaussianNoise", fn);
  napi_create_function(env, "adamUpdate", NAPI_AUTO_LENGTH, adam_call, NULL, &fn);
  napi_set_named_property(env, exports, "adamUpdate", fn);
  static int grad_tag;
  napi_create_function(env, "reluForward", NAPI_AUTO_LENGTH, relu_call, NULL, &fn);
  napi_set_named_property(env, exports, "reluForward", fn);
  napi_create_function(env, "reluGrad", NAPI_AUTO_LENGTH, relu_call, &grad_tag, &fn);
  napi_set_named_property(env, exports, "reluGrad", fn);
}
