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

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "setBase", NAPI_AUTO_LENGTH, set_base, NULL, &fn);
  napi_set_named_property(env, exports, "setBase", fn);
  napi_create_function(env, "run", NAPI_AUTO_LENGTH, run, NULL, &fn);
  napi_set_named_property(env, exports, "run", fn);
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, supported, NULL, &fn);
  napi_set_named_property(env, exports, "supported", fn);
  return exports;
}
