/*
 * Native (Node-API) twin of the engine's GEMM-bound WebAssembly kernels for x86-64 CPUs with AVX2 and FMA:
 * gemm_rows, conv2d_forward and conv2d_filter_grad, on the same shared memory as the wasm module (pointers
 * are byte offsets into it, exactly as in kernels.c), so lib/engine/runtime.ts can call either per kernel.
 * The wasm SIMD GEMM is 4 lanes without fused multiply-add; this one is 8 lanes with FMA (4–5× the
 * multiply-adds per second on one core). Built at install time by lib/engine/wasm/build.js with the
 * system C compiler; `supported()` is false where the CPU lacks AVX2/FMA, and then the wasm kernels run.
 */
#include <immintrin.h>
#include <node_api.h>
#include <stdint.h>

#define EXPORT static
#define SIMD __attribute__((target("avx2,fma")))

/* A tile of mr ≤ 4 rows × 16 columns (two 8-lane halves; half 1 skipped when `two` is 0, an 8-column
 * panel): missing rows repeat row 0 and are not stored. A is segmented as in kernels.c:
 * A(i, s * Ks + p) = a[i * ars + s * sega + p * acs]. Accumulators are named variables: as an array the
 * compiler spills them to the stack every step. */
SIMD static inline void tile_4x16(int mr, int two, int Ks, int nseg, int sega, const float *a, int ars, int acs,
                                  const float *b, int ldb, float *c, int ldc, int acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const intptr_t o1 = mr > 1 ? ars : 0, o2 = mr > 2 ? 2 * (intptr_t)ars : 0, o3 = mr > 3 ? 3 * (intptr_t)ars : 0;
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
      }
    } else {
      for (int p = 0; p < Ks; p++, a0 += acs, b += ldb) {
        __m256 b0 = _mm256_loadu_ps(b);
        c00 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0), b0, c00);
        c10 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o1), b0, c10);
        c20 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o2), b0, c20);
        c30 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o3), b0, c30);
      }
    }
  }
  __m256 rows[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  for (int i = 0; i < mr; i++)
    for (int j = 0; j <= two; j++) {
      float *r = c + (intptr_t)i * ldc + 8 * j;
      _mm256_storeu_ps(r, acc ? _mm256_add_ps(rows[i][j], _mm256_loadu_ps(r)) : rows[i][j]);
    }
}

/* One element of C past the last 8-column panel: a dot product, 8 lanes at a time when A's row and B's
 * column are both contiguous (acs = ldb = 1: the 1-channel input gradient of a first conv layer). */
SIMD static inline float dot_tail(int Ks, int nseg, int sega, const float *a, int acs, const float *b, int ldb) {
  float s = 0.f;
  if (acs == 1 && ldb == 1) {
    __m256 v = _mm256_setzero_ps();
    for (int g = 0; g < nseg; g++) {
      const float *ag = a + (intptr_t)g * sega;
      int p = 0;
      for (; p + 8 <= Ks; p += 8) v = _mm256_fmadd_ps(_mm256_loadu_ps(ag + p), _mm256_loadu_ps(b + p), v);
      for (; p < Ks; p++) s += ag[p] * b[p];
      b += Ks;
    }
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    return s + _mm_cvtss_f32(_mm_add_ss(h, _mm_shuffle_ps(h, h, 1)));
  }
  for (int g = 0; g < nseg; g++)
    for (int p = 0; p < Ks; p++, b += ldb) s += a[(intptr_t)g * sega + (intptr_t)p * acs] * *b;
  return s;
}

/* Rows [r0, r1) of C (+)= A . B, A segmented; the same contract as kernels.c's gemm_seg. */
SIMD static void gemm_seg(int r0, int r1, int N, int Ks, int nseg, int sega, const float *a, int ars, int acs,
                          const float *b, int ldb, float *c, int ldc, int acc) {
  const int MB = 64;
  int N16 = N & ~15, N8 = N & ~7;
  for (int m0 = r0; m0 < r1; m0 += MB) {
    int m1 = m0 + MB < r1 ? m0 + MB : r1;
    for (int n = 0; n < N16; n += 16)
      for (int m = m0; m < m1; m += 4)
        tile_4x16(m1 - m < 4 ? m1 - m : 4, 1, Ks, nseg, sega, a + (intptr_t)m * ars, ars, acs, b + n, ldb,
                  c + (intptr_t)m * ldc + n, ldc, acc);
    for (int n = N16; n < N8; n += 8)
      for (int m = m0; m < m1; m += 4)
        tile_4x16(m1 - m < 4 ? m1 - m : 4, 0, Ks, nseg, sega, a + (intptr_t)m * ars, ars, acs, b + n, ldb,
                  c + (intptr_t)m * ldc + n, ldc, acc);
    for (int m = m0; m < m1; m++)
      for (int n = N8; n < N; n++) {
        float s = dot_tail(Ks, nseg, sega, a + (intptr_t)m * ars, acs, b + n, ldb);
        c[(intptr_t)m * ldc + n] = acc ? c[(intptr_t)m * ldc + n] + s : s;
      }
  }
}

SIMD static void gemm_rows(int r0, int r1, int N, int K, const float *a, int ars, int acs, const float *b, int ldb,
                           float *c, int ldc, int acc) {
  gemm_seg(r0, r1, N, K, 1, 0, a, ars, acs, b, ldb, c, ldc, acc);
}

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include "../wasm/conv-loops.h"
#pragma GCC pop_options

/* ---------------------------------------------------------------------------------------------
 * Node-API: run(kernel, memory, ...int32 args) with kernel 0 = gemm_rows, 1 = conv2d_forward,
 * 2 = conv2d_filter_grad; memory is a typed array over the whole wasm memory; pointer arguments are
 * byte offsets into it, at the positions the wasm signatures have them.
 * ------------------------------------------------------------------------------------------- */

#define MAX_ARGS 16

static napi_value run(napi_env env, napi_callback_info info) {
  size_t argc = MAX_ARGS + 2;
  napi_value argv[MAX_ARGS + 2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) goto bad;
  int32_t kernel;
  if (napi_get_value_int32(env, argv[0], &kernel) != napi_ok) goto bad;
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &data, &buffer, &offset) != napi_ok) goto bad;
  char *base = (char *)data - offset;
  int32_t v[MAX_ARGS];
  int n = (int)argc - 2;
  for (int i = 0; i < n; i++)
    if (napi_get_value_int32(env, argv[i + 2], &v[i]) != napi_ok) goto bad;
#define F(i) ((float *)(base + v[i]))
  if (kernel == 0 && n == 12)
    gemm_rows(v[0], v[1], v[2], v[3], F(4), v[5], v[6], F(7), v[8], F(9), v[10], v[11]);
  else if (kernel == 1 && n == 15)
    conv2d_forward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], F(12), F(13), F(14));
  else if (kernel == 2 && n == 15)
    conv2d_filter_grad(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], F(12), F(13),
                       F(14));
  else
    goto bad;
#undef F
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
  napi_create_function(env, "run", NAPI_AUTO_LENGTH, run, NULL, &fn);
  napi_set_named_property(env, exports, "run", fn);
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, supported, NULL, &fn);
  napi_set_named_property(env, exports, "supported", fn);
  return exports;
}
