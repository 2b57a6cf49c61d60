/*
 * Float32 training kernels for the ser engine, compiled to WebAssembly SIMD (see build.js).
 *
 * No libc: every buffer is a byte offset into the (shared) linear memory, allocated by the JS side
 * (lib/engine/runtime.ts). Every entry point takes a row range [r0, r1) or batch range [b0, b1) so the
 * JS side can split one call across worker threads that share this memory; ranges never write the
 * same output bytes, and reductions (weight gradients) go to per-thread buffers summed afterwards.
 */
#ifdef __wasm__
#include <wasm_simd128.h>
#define EXPORT __attribute__((visibility("default")))
#endif
/* The native addon (../native/engine.c) includes this file after defining EXPORT, the wasm intrinsics
 * (../native/wasm-simd-x86.h) and its own AVX2/FMA gemm_seg (ENGINE_NATIVE_GEMM), so every kernel below
 * also runs natively from this one source. */

typedef unsigned int u32;

/* ---------------------------------------------------------------------------------------------
 * GEMM: C[M x N] (+)= A[M x K] . B[K x N]. A is strided and segmented: K = nseg * Ks, and
 * A(i, s * Ks + p) = a[i * ars + s * sega + p * acs], so the same kernel reads row-major A, transposed A
 * and the overlapping windows of every filter row of a conv (one segment per row) without copying,
 * keeping C in registers across segments. B and C are row-major with leading dimensions ldb / ldc.
 * ------------------------------------------------------------------------------------------- */

#ifndef ENGINE_NATIVE_GEMM
/* A tile of mr ≤ 4 rows × 8 columns: missing rows repeat row 0 (computed, not stored), so 2- and 3-row
 * remainders still load each B row once per 4 multiply-adds. */
static inline void kernel_4x8(int mr, int Ks, int nseg, int sega, const float *a, int ars, int acs,
                              const float *b, int ldb, float *c, int ldc, int acc) {
  v128_t c00 = wasm_f32x4_splat(0.f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const int o1 = mr > 1 ? ars : 0, o2 = mr > 2 ? 2 * ars : 0, o3 = mr > 3 ? 3 * ars : 0;
  for (int s = 0; s < nseg; s++) {
    const float *a0 = a + s * sega, *a1 = a0 + o1, *a2 = a0 + o2, *a3 = a0 + o3;
    for (int p = 0; p < Ks; p++) {
      v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
      b += ldb;
      v128_t x = wasm_f32x4_splat(*a0);
      c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, b0));
      c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, b1));
      x = wasm_f32x4_splat(*a1);
      c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x, b0));
      c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x, b1));
      x = wasm_f32x4_splat(*a2);
      c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x, b0));
      c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x, b1));
      x = wasm_f32x4_splat(*a3);
      c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x, b0));
      c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x, b1));
      a0 += acs;
      a1 += acs;
      a2 += acs;
      a3 += acs;
    }
  }
  float *r0 = c, *r1 = c + ldc, *r2 = c + 2 * ldc, *r3 = c + 3 * ldc;
  if (acc) {
    c00 = wasm_f32x4_add(c00, wasm_v128_load(r0));
    c01 = wasm_f32x4_add(c01, wasm_v128_load(r0 + 4));
    if (mr > 1) {
      c10 = wasm_f32x4_add(c10, wasm_v128_load(r1));
      c11 = wasm_f32x4_add(c11, wasm_v128_load(r1 + 4));
    }
    if (mr > 2) {
      c20 = wasm_f32x4_add(c20, wasm_v128_load(r2));
      c21 = wasm_f32x4_add(c21, wasm_v128_load(r2 + 4));
    }
    if (mr > 3) {
      c30 = wasm_f32x4_add(c30, wasm_v128_load(r3));
      c31 = wasm_f32x4_add(c31, wasm_v128_load(r3 + 4));
    }
  }
  wasm_v128_store(r0, c00);
  wasm_v128_store(r0 + 4, c01);
  if (mr > 1) {
    wasm_v128_store(r1, c10);
    wasm_v128_store(r1 + 4, c11);
  }
  if (mr > 2) {
    wasm_v128_store(r2, c20);
    wasm_v128_store(r2 + 4, c21);
  }
  if (mr > 3) {
    wasm_v128_store(r3, c30);
    wasm_v128_store(r3 + 4, c31);
  }
}

/* One element of C past the last 8-column panel: a dot product, four lanes at a time when A's row and
 * B's column are both contiguous (acs = ldb = 1: the 1-channel input gradient of a first conv layer). */
static inline float dot_tail(int Ks, int nseg, int sega, const float *a, int acs, const float *b, int ldb) {
  float s = 0.f;
  if (acs == 1 && ldb == 1) {
    v128_t v = wasm_f32x4_splat(0.f);
    for (int g = 0; g < nseg; g++) {
      const float *ag = a + g * sega;
      int p = 0;
      for (; p + 4 <= Ks; p += 4) v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(ag + p), wasm_v128_load(b + p)));
      for (; p < Ks; p++) s += ag[p] * b[p];
      b += Ks;
    }
    return s + (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
           (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
  }
  for (int g = 0; g < nseg; g++)
    for (int p = 0; p < Ks; p++, b += ldb) s += a[g * sega + p * acs] * *b;
  return s;
}

/* Rows [r0, r1) of C (+)= A . B with A segmented (see above). Rows are blocked so a block of A stays in
 * cache while every column panel of B passes over it. */
EXPORT void gemm_seg(int r0, int r1, int N, int Ks, int nseg, int sega, const float *a, int ars, int acs,
                     const float *b, int ldb, float *c, int ldc, int acc) {
  const int MB = 32;
  int N8 = N & ~7;
  for (int m0 = r0; m0 < r1; m0 += MB) {
    int m1 = m0 + MB < r1 ? m0 + MB : r1;
    for (int n = 0; n < N8; n += 8)
      for (int m = m0; m < m1; m += 4)
        kernel_4x8(m1 - m < 4 ? m1 - m : 4, Ks, nseg, sega, a + m * ars, ars, acs, b + n, ldb, c + m * ldc + n, ldc,
                   acc);
    for (int m = m0; m < m1; m++)
      for (int n = N8; n < N; n++) {
        float s = dot_tail(Ks, nseg, sega, a + m * ars, acs, b + n, ldb);
        c[m * ldc + n] = acc ? c[m * ldc + n] + s : s;
      }
  }
}

/* Rows [r0, r1) of C (+)= A . B, A unsegmented. */
EXPORT void gemm_rows(int r0, int r1, int N, int K, const float *a, int ars, int acs, const float *b, int ldb,
                      float *c, int ldc, int acc) {
  gemm_seg(r0, r1, N, K, 1, 0, a, ars, acs, b, ldb, c, ldc, acc);
}
#endif

/* dst[C x R] = transpose(src[R x C]). */
EXPORT void transpose(int R, int C, const float *src, float *dst) {
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) dst[c * R + r] = src[r * C + c];
}

/* dst[i] += src[i] for i < n (sums per-thread partial gradients). */
EXPORT void add_into(int n, float *dst, const float *src) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}


/* Examples [b0, b1) of src[B][H][W][C] placed into dst[B][Hp][Wp][C]: source (h, w) lands at
 * (top + h·rs, left + w·cs), every other position of dst is zero, sources falling outside dst are dropped.
 * The padded (rs = cs = 1) or stride-dilated (the input gradient's dy) input of the conv loops. */
EXPORT void pad_place(int b0, int b1, int H, int W, int C, int Hp, int Wp, int top, int left, int rs, int cs,
                      const float *src, float *dst) {
  const int row = Wp * C;
  for (int b = b0; b < b1; b++)
    for (int ph = 0; ph < Hp; ph++) {
      float *d = dst + (b * Hp + ph) * row;
      int dh = ph - top, h = dh / rs;
      if (dh < 0 || dh % rs || h >= H) {
        for (int i = 0; i < row; i++) d[i] = 0.f;
        continue;
      }
      const float *s = src + (b * H + h) * W * C;
      if (cs == 1) {
        int w0 = left < 0 ? -left : 0, w1 = Wp - left < W ? Wp - left : W;
        int c0 = w1 > w0 ? (left + w0) * C : row, c1 = w1 > w0 ? (left + w1) * C : row;
        for (int i = 0; i < c0; i++) d[i] = 0.f;
        for (int i = c0; i < c1; i++) d[i] = s[i - left * C];
        for (int i = c1; i < row; i++) d[i] = 0.f;
        continue;
      }
      for (int i = 0; i < row; i++) d[i] = 0.f;
      for (int w = 0; w < W; w++) {
        int pw = left + w * cs;
        if (pw < 0 || pw >= Wp) continue;
        for (int c = 0; c < C; c++) d[pw * C + c] = s[w * C + c];
      }
    }
}

/* ft[k][co][ci] = f[K-1-k][ci][co] over the K = KH*KW filter taps: reversing the flattened tap index
 * flips both spatial axes, giving the filter that turns the input gradient into a forward conv. */
EXPORT void conv_flip_filter(int K, int Cin, int Cout, const float *f, float *ft) {
  for (int k = 0; k < K; k++)
    for (int ci = 0; ci < Cin; ci++)
      for (int co = 0; co < Cout; co++) ft[((K - 1 - k) * Cout + co) * Cin + ci] = f[(k * Cin + ci) * Cout + co];
}

/* y[r][c] = max(y[r][c] + bias[c], 0 if relu) over rows [r0, r1) of y[rows][C] (bias may be 0: none). */
EXPORT void bias_act(int r0, int r1, int C, float *y, const float *bias, int relu) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int r = r0; r < r1; r++) {
    float *row = y + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t v = wasm_v128_load(row + c);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + c));
      if (relu) v = wasm_f32x4_max(v, zero);
      wasm_v128_store(row + c, v);
    }
    for (; c < C; c++) {
      float v = row[c] + (bias ? bias[c] : 0.f);
      row[c] = relu && v < 0.f ? 0.f : v;
    }
  }
}

#include "conv-loops.h"

/* ---------------------------------------------------------------------------------------------
 * BatchNorm over the leading axes of x[rows][C] (channels last), in float64 sums.
 * ------------------------------------------------------------------------------------------- */

/* Per-channel mean and (biased) variance of x[rows][C], two passes. sum: scratch double[C]. */
/* Rows [r0, r1): sum[c] = Σ x[r][c], or Σ (x[r][c] − center[c])² when center is not null, in float64 (one
 * thread's part of BatchNorm's batch mean or variance; the caller adds the parts). */
EXPORT void bn_row_sums(int r0, int r1, int C, const float *x, const float *center, double *sum) {
  for (int c = 0; c < C; c++) sum[c] = 0;
  if (!center) {
    for (int r = r0; r < r1; r++)
      for (int c = 0; c < C; c++) sum[c] += x[r * C + c];
    return;
  }
  for (int r = r0; r < r1; r++)
    for (int c = 0; c < C; c++) {
      double d = (double)x[r * C + c] - center[c];
      sum[c] += d * d;
    }
}

/* Rows [r0, r1): y = x * scale + shift, with scale = gamma / sqrt(var + eps) and shift = beta - mean * scale
 * precomputed per channel (scale_shift[2][C]). */
EXPORT void bn_apply(int r0, int r1, int C, const float *x, const float *scale_shift, float *y) {
  const float *scale = scale_shift, *shift = scale_shift + C;
  for (int r = r0; r < r1; r++) {
    const float *xr = x + r * C;
    float *yr = y + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4)
      wasm_v128_store(yr + c, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(scale + c)),
                                             wasm_v128_load(shift + c)));
    for (; c < C; c++) yr[c] = xr[c] * scale[c] + shift[c];
  }
}

/* Rows [r0, r1) of the BatchNorm gradient's per-channel sums in float64: sums[0][c] = Σ dy,
 * sums[1][c] = Σ dy·(x − mean) (one thread's part; the caller adds the parts for bn_grad_coef). */
EXPORT void bn_grad_row_sums(int r0, int r1, int C, const float *x, const float *dy, const float *mean,
                             double *sums) {
  double *sdy = sums, *sdyx = sums + C;
  for (int c = 0; c < C; c++) sdy[c] = sdyx[c] = 0;
  for (int r = r0; r < r1; r++)
    for (int c = 0; c < C; c++) {
      double g = dy[r * C + c];
      sdy[c] += g;
      sdyx[c] += g * ((double)x[r * C + c] - mean[c]);
    }
}

/* Gradient of y = gamma * (x - mean) / sqrt(var + eps) + beta with mean and var the batch's own, from the
 * sums of bn_grad_row_sums over all rows:
 *   dbeta = Σ dy, dgamma = Σ dy·x̂, dx = gamma·invstd / N · (N·dy − dbeta − x̂·dgamma),
 * the last folded per channel into dx = k·dy + a·x + b: coef[3][C] = (k, a, b) for bn_grad_apply. */
EXPORT void bn_grad_coef(int rows, int C, const float *mean, const float *var, const float *gamma, float eps,
                         const double *sums, float *dgamma, float *dbeta, float *coef) {
  const double *sdy = sums, *sdyx = sums + C;
  for (int c = 0; c < C; c++) {
    double invstd = 1.0 / __builtin_sqrt((double)var[c] + eps);
    double k = gamma[c] * invstd;
    double a = -k * sdyx[c] * invstd * invstd / rows;
    dbeta[c] = (float)sdy[c];
    dgamma[c] = (float)(sdyx[c] * invstd);
    coef[c] = (float)k;
    coef[C + c] = (float)a;
    coef[2 * C + c] = (float)(-k * sdy[c] / rows - a * mean[c]);
  }
}

/* Rows [r0, r1) of dx = k·dy + a·x + b (coef from bn_grad_sums). */
EXPORT void bn_grad_apply(int r0, int r1, int C, const float *x, const float *dy, const float *coef, float *dx) {
  const float *k = coef, *a = coef + C, *b = coef + 2 * C;
  for (int r = r0; r < r1; r++) {
    const float *xr = x + r * C, *gr = dy + r * C;
    float *o = dx + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t v = wasm_f32x4_mul(wasm_v128_load(k + c), wasm_v128_load(gr + c));
      v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(a + c), wasm_v128_load(xr + c)));
      wasm_v128_store(o + c, wasm_f32x4_add(v, wasm_v128_load(b + c)));
    }
    for (; c < C; c++) o[c] = k[c] * gr[c] + a[c] * xr[c] + b[c];
  }
}

/* ---------------------------------------------------------------------------------------------
 * MaxPool forward, NHWC (a 1-D pool is H = 1), examples [b0, b1): y = the window's maximum, taken as tfjs's
 * kernels do (a value replaces the running maximum, from -inf, only when strictly greater; padding is skipped),
 * four channels at a time.
 * ------------------------------------------------------------------------------------------- */
EXPORT void maxpool_forward(int b0, int b1, int H, int W, int C, int Ho, int Wo, int KH, int KW, int sh, int sw,
                            int pt, int pl, const float *x, float *y) {
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < Ho; oh++)
      for (int ow = 0; ow < Wo; ow++) {
        float *out = y + ((b * Ho + oh) * Wo + ow) * C;
        int kh0 = pt - oh * sh > 0 ? pt - oh * sh : 0, kw0 = pl - ow * sw > 0 ? pl - ow * sw : 0;
        int kh1 = H - oh * sh + pt < KH ? H - oh * sh + pt : KH, kw1 = W - ow * sw + pl < KW ? W - ow * sw + pl : KW;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          for (int kh = kh0; kh < kh1; kh++)
            for (int kw = kw0; kw < kw1; kw++) {
              v128_t v = wasm_v128_load(x + ((b * H + oh * sh - pt + kh) * W + ow * sw - pl + kw) * C + c);
              best = wasm_v128_bitselect(v, best, wasm_f32x4_gt(v, best));
            }
          wasm_v128_store(out + c, best);
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          for (int kh = kh0; kh < kh1; kh++)
            for (int kw = kw0; kw < kw1; kw++) {
              float v = x[((b * H + oh * sh - pt + kh) * W + ow * sw - pl + kw) * C + c];
              if (v > best) best = v;
            }
          out[c] = best;
        }
      }
}

/* conv2d_forward's output max-pooled over ph × pw windows at stride ph × pw ('valid': rows and columns that fill
 * no window are dropped): y[B][Hout/ph][Wout/pw][Cout]. The ph conv rows of one pooled row go to scratch (ph · Wout
 * · Cout floats per example, at scratch + b · ph · Wout · Cout) and are pooled while in cache by maxpool_forward,
 * so the full conv output never reaches memory (inference: nothing keeps it for a gradient). */
EXPORT void conv2d_pool_forward(int b0, int b1, int Hp, int Wp, int Cin, int KH, int KW, int Cout, int Hout, int Wout,
                                int sh, int sw, const float *xp, const float *f, float *y, const float *bias, int relu,
                                int ph, int pw, float *scratch) {
  const int window = KW * Cin, Hq = Hout / ph, Wq = Wout / pw;
  for (int b = b0; b < b1; b++) {
    float *s = scratch + (intptr_t)b * ph * Wout * Cout;
    for (int q = 0; q < Hq; q++) {
      for (int i = 0; i < ph; i++) {
        const int oh = q * ph + i;
        float *sr = s + (intptr_t)i * Wout * Cout;
        const float *xr = xp + ((intptr_t)(b * Hp + oh * sh) * Wp) * Cin;
        gemm_seg(0, Wout, Cout, window, KH, Wp * Cin, xr, sw * Cin, 1, f, Cout, sr, Cout, 0);
        if (bias || relu) bias_act(0, Wout, Cout, sr, bias, relu);
      }
      maxpool_forward(0, 1, ph, Wout, Cout, 1, Wq, ph, pw, ph, pw, 0, 0, s, y + ((intptr_t)(b * Hq + q) * Wq) * Cout);
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * MaxPool gradient, NHWC (a 1-D pool is H = 1): each dy goes to the first maximum of its window in
 * row-major order, as tfjs does; dx[B][H][W][C] is overwritten. Examples [b0, b1). Four channels at a
 * time: the running maximum and its index advance only where a value is strictly greater. When the windows
 * tile the input (stride = pool size, no padding) each window writes its whole dx block (dy + 0 at the maximum,
 * the sum the general path forms from zero, and 0 elsewhere), with no zeroing pass and no scattered adds.
 * ------------------------------------------------------------------------------------------- */
EXPORT void maxpool_grad(int b0, int b1, int H, int W, int C, int Ho, int Wo, int KH, int KW, int sh, int sw,
                         int pt, int pl, const float *x, const float *dy, float *dx) {
  const int tiled = sh == KH && sw == KW && pt == 0 && pl == 0;
  if (!tiled)
    for (int i = b0 * H * W * C; i < b1 * H * W * C; i++) dx[i] = 0.f;
  else
    /* Only the rows and columns past the last window. */
    for (int b = b0; b < b1; b++)
      for (int h = 0; h < H; h++)
        for (int w = h < Ho * KH ? Wo * KW : 0; w < W; w++)
          for (int c = 0; c < C; c++) dx[((b * H + h) * W + w) * C + c] = 0.f;
  const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3), zero = wasm_f32x4_splat(0.f);
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < Ho; oh++)
      for (int ow = 0; ow < Wo; ow++) {
        const float *g = dy + ((b * Ho + oh) * Wo + ow) * C;
        int kh0 = pt - oh * sh > 0 ? pt - oh * sh : 0, kw0 = pl - ow * sw > 0 ? pl - ow * sw : 0;
        int kh1 = H - oh * sh + pt < KH ? H - oh * sh + pt : KH, kw1 = W - ow * sw + pl < KW ? W - ow * sw + pl : KW;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff()), at = wasm_i32x4_splat(-1);
          for (int kh = kh0; kh < kh1; kh++)
            for (int kw = kw0; kw < kw1; kw++) {
              int i = ((b * H + oh * sh - pt + kh) * W + ow * sw - pl + kw) * C + c;
              v128_t v = wasm_v128_load(x + i);
              v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(i), lanes), at, gt);
            }
          if (tiled) {
            v128_t gv = wasm_f32x4_add(wasm_v128_load(g + c), zero);
            for (int kh = kh0; kh < kh1; kh++)
              for (int kw = kw0; kw < kw1; kw++) {
                int i = ((b * H + oh * sh + kh) * W + ow * sw + kw) * C + c;
                v128_t hit = wasm_i32x4_eq(wasm_i32x4_add(wasm_i32x4_splat(i), lanes), at);
                wasm_v128_store(dx + i, wasm_v128_and(gv, hit));
              }
            continue;
          }
          int a0 = wasm_i32x4_extract_lane(at, 0), a1 = wasm_i32x4_extract_lane(at, 1);
          int a2 = wasm_i32x4_extract_lane(at, 2), a3 = wasm_i32x4_extract_lane(at, 3);
          if (a0 >= 0) dx[a0] += g[c];
          if (a1 >= 0) dx[a1] += g[c + 1];
          if (a2 >= 0) dx[a2] += g[c + 2];
          if (a3 >= 0) dx[a3] += g[c + 3];
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          int at = -1;
          for (int kh = kh0; kh < kh1; kh++)
            for (int kw = kw0; kw < kw1; kw++) {
              int i = ((b * H + oh * sh - pt + kh) * W + ow * sw - pl + kw) * C + c;
              if (x[i] > best) best = x[i], at = i;
            }
          if (tiled)
            for (int kh = kh0; kh < kh1; kh++)
              for (int kw = kw0; kw < kw1; kw++) {
                int i = ((b * H + oh * sh - pt + kh) * W + ow * sw - pl + kw) * C + c;
                dx[i] = i == at ? g[c] + 0.f : 0.f;
              }
          else if (at >= 0)
            dx[at] += g[c];
        }
      }
}

/* ---------------------------------------------------------------------------------------------
 * Elementwise math (no libm): exp by range reduction + Cephes polynomial, |rel err| < 2e-7.
 * ------------------------------------------------------------------------------------------- */

static inline v128_t vexp(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.f)), wasm_f32x4_splat(87.f));
  v128_t n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)),
                                             wasm_f32x4_splat(0.5f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500E-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201E-1f));
  v128_t y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.f));
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(y, e);
}

static inline v128_t vsigmoid(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, vexp(wasm_f32x4_neg(x))));
}

/* tanh(x) = sign(x) * (1 - e) / (1 + e) with e = exp(-2|x|): no overflow for large |x|; below |x| = 0.625, where
 * 1 - e cancels, Cephes tanhf's odd polynomial (|rel err| < 4e-7 throughout). */
static inline v128_t vtanh(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.f), ax = wasm_f32x4_abs(x);
  v128_t e = vexp(wasm_f32x4_mul(ax, wasm_f32x4_splat(-2.f)));
  v128_t t = wasm_f32x4_div(wasm_f32x4_sub(one, e), wasm_f32x4_add(one, e));
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(-5.70498872745e-3f), z), wasm_f32x4_splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-3.33332819422e-1f));
  v128_t small = wasm_f32x4_add(ax, wasm_f32x4_mul(wasm_f32x4_mul(p, z), ax));
  t = wasm_v128_bitselect(small, t, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.625f)));
  return wasm_v128_or(t, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
}

/* y[i] = tanh(x[i]) for i in [i0, i1) (tfjs's Tanh: the stock wasm kernel calls libm per element). */
EXPORT void tanh_range(int i0, int i1, const float *x, float *y) {
  int i = i0;
  for (; i + 4 <= i1; i += 4) wasm_v128_store(y + i, vtanh(wasm_v128_load(x + i)));
  for (; i < i1; i++) y[i] = wasm_f32x4_extract_lane(vtanh(wasm_f32x4_splat(x[i])), 0);
}

/* ---------------------------------------------------------------------------------------------
 * LSTM recurrence (Keras layout: recurrent U[H][4H], bias[4H], gates i, f, c, o; tanh activation,
 * sigmoid recurrent activation; zero initial state). The input projection x·W of every time step and
 * the weight gradients are big GEMMs the caller runs (gemm_rows, native where available); these two
 * calls do only the sequential part. Time index t is the input's own order; rev processes t = T-1
 * down to 0 (tfjs-layers' goBackwards) with h_{t+1} as the previous state, so nothing is reversed.
 * H must be a multiple of 4. Examples [b0, b1) only.
 * ------------------------------------------------------------------------------------------- */

/* On entry g[B][T][4H] holds x_t·W; on return the activated gates, with cells cs[B][T][H] and outputs h_t at
 * hs + (b·T + t)·ldh (ldh ≥ H: directions of a Bidirectional layer side by side). */
EXPORT void lstm_forward(int b0, int b1, int T, int H, int rev, const float *U, const float *bias, float *g,
                         float *cs, float *hs, int ldh) {
  const int G = 4 * H;
  for (int s = 0; s < T; s++) {
    const int t = rev ? T - 1 - s : s, tp = rev ? t + 1 : t - 1;
    if (s > 0) gemm_rows(b0, b1, G, H, hs + tp * ldh, T * ldh, 1, U, G, g + t * G, T * G, 1);
    for (int b = b0; b < b1; b++) {
      float *gt = g + (b * T + t) * G;
      const float *cprev = cs + (b * T + tp) * H;
      float *ct = cs + (b * T + t) * H, *ht = hs + (b * T + t) * ldh;
      for (int j = 0; j < H; j += 4) {
        v128_t i = vsigmoid(wasm_f32x4_add(wasm_v128_load(gt + j), wasm_v128_load(bias + j)));
        v128_t f = vsigmoid(wasm_f32x4_add(wasm_v128_load(gt + H + j), wasm_v128_load(bias + H + j)));
        v128_t cc = vtanh(wasm_f32x4_add(wasm_v128_load(gt + 2 * H + j), wasm_v128_load(bias + 2 * H + j)));
        v128_t o = vsigmoid(wasm_f32x4_add(wasm_v128_load(gt + 3 * H + j), wasm_v128_load(bias + 3 * H + j)));
        v128_t c = wasm_f32x4_mul(i, cc);
        if (s > 0) c = wasm_f32x4_add(c, wasm_f32x4_mul(f, wasm_v128_load(cprev + j)));
        wasm_v128_store(gt + j, i);
        wasm_v128_store(gt + H + j, f);
        wasm_v128_store(gt + 2 * H + j, cc);
        wasm_v128_store(gt + 3 * H + j, o);
        wasm_v128_store(ct + j, c);
        wasm_v128_store(ht + j, wasm_f32x4_mul(o, vtanh(c)));
      }
    }
  }
}

/*
 * Backward through time: from the forward's gates g and cells cs, the transposed recurrent weights
 * Ut[4H][H] and dhs (gradient w.r.t. every output h_t, row stride ldh as in lstm_forward), the
 * pre-activation gate gradients dg[B][T][4H]; scratch dh_next / dc_next[B][H]. The caller derives
 * dx = dg·Wᵀ, dW = xᵀ·dg, dU = h_prevᵀ·dg and db = Σ dg from dg.
 */
EXPORT void lstm_backward(int b0, int b1, int T, int H, int rev, const float *Ut, const float *g, const float *cs,
                          const float *dhs, int ldh, float *dg, float *dh_next, float *dc_next) {
  const int G = 4 * H;
  const v128_t one = wasm_f32x4_splat(1.f);
  for (int b = b0; b < b1; b++)
    for (int j = 0; j < H; j++) dh_next[b * H + j] = dc_next[b * H + j] = 0.f;
  for (int s = T - 1; s >= 0; s--) {
    const int t = rev ? T - 1 - s : s, tp = rev ? t + 1 : t - 1;
    for (int b = b0; b < b1; b++) {
      const float *gt = g + (b * T + t) * G;
      const float *ct = cs + (b * T + t) * H, *cprev = cs + (b * T + tp) * H;
      const float *dht = dhs + (b * T + t) * ldh;
      float *dgt = dg + (b * T + t) * G, *dhn = dh_next + b * H, *dcn = dc_next + b * H;
      for (int j = 0; j < H; j += 4) {
        v128_t i = wasm_v128_load(gt + j), f = wasm_v128_load(gt + H + j);
        v128_t cc = wasm_v128_load(gt + 2 * H + j), o = wasm_v128_load(gt + 3 * H + j);
        v128_t tc = vtanh(wasm_v128_load(ct + j));
        v128_t dh = wasm_f32x4_add(wasm_v128_load(dht + j), wasm_v128_load(dhn + j));
        v128_t dc = wasm_f32x4_add(wasm_v128_load(dcn + j),
                                   wasm_f32x4_mul(wasm_f32x4_mul(dh, o), wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))));
        v128_t cp = s > 0 ? wasm_v128_load(cprev + j) : wasm_f32x4_splat(0.f);
        v128_t di = wasm_f32x4_mul(wasm_f32x4_mul(dc, cc), wasm_f32x4_mul(i, wasm_f32x4_sub(one, i)));
        v128_t df = wasm_f32x4_mul(wasm_f32x4_mul(dc, cp), wasm_f32x4_mul(f, wasm_f32x4_sub(one, f)));
        v128_t dcc = wasm_f32x4_mul(wasm_f32x4_mul(dc, i), wasm_f32x4_sub(one, wasm_f32x4_mul(cc, cc)));
        v128_t dO = wasm_f32x4_mul(wasm_f32x4_mul(dh, tc), wasm_f32x4_mul(o, wasm_f32x4_sub(one, o)));
        wasm_v128_store(dgt + j, di);
        wasm_v128_store(dgt + H + j, df);
        wasm_v128_store(dgt + 2 * H + j, dcc);
        wasm_v128_store(dgt + 3 * H + j, dO);
        wasm_v128_store(dcn + j, wasm_f32x4_mul(dc, f));
      }
    }
    if (s > 0) gemm_rows(b0, b1, H, G, dg + t * G, T * G, 1, Ut, H, dh_next, H, 0);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Real FFT in float64 for lib/features' STFT and ISTFT (power-of-two sizes). The same algorithm
 * and tables as lib/features/fft.ts's Radix2RealFft, operation for operation (SIMD lanes are two
 * independent butterflies; wasm has no fused multiply-add), so both give bit-identical spectra.
 * Tables (built by fft.ts): bitrev[half]; cosf/sinf[half + 1] = cos/sin(2πk/n); tw: per radix-4
 * stage of quarter size q the blocks W1re, W1im, W2re, W2im, W3re, W3im (q values each), then for a
 * final radix-2 stage Wre, Wim (q values each). zr/zi: scratch of half doubles each.
 * ------------------------------------------------------------------------------------------- */

/* The complex FFT of zr + i·zi (half points, already in bit-reversed order), in place. Pointers and
 * scalars only: nothing on the shadow stack (see the top of this file). */
static void cfft_stages(int half, double *zr, double *zi, const double *tw) {
  if (half >= 4) {
    for (int a = 0; a < half; a += 4) {
      double r0 = zr[a] + zr[a + 1], i0 = zi[a] + zi[a + 1];
      double r1 = zr[a] - zr[a + 1], i1 = zi[a] - zi[a + 1];
      double r2 = zr[a + 2] + zr[a + 3], i2 = zi[a + 2] + zi[a + 3];
      double r3 = zr[a + 2] - zr[a + 3], i3 = zi[a + 2] - zi[a + 3];
      zr[a] = r0 + r2;
      zi[a] = i0 + i2;
      zr[a + 2] = r0 - r2;
      zi[a + 2] = i0 - i2;
      zr[a + 1] = r1 + i3;
      zi[a + 1] = i1 - r3;
      zr[a + 3] = r1 - i3;
      zi[a + 3] = i1 + r3;
    }
  } else if (half == 2) {
    double r = zr[0] - zr[1], i = zi[0] - zi[1];
    zr[0] += zr[1];
    zi[0] += zi[1];
    zr[1] = r;
    zi[1] = i;
  }
  const double *t = tw;
  int q = 4;
  for (; q * 4 <= half; q *= 4) {
    const double *w1r = t, *w1i = t + q, *w2r = t + 2 * q, *w2i = t + 3 * q, *w3r = t + 4 * q,
                 *w3i = t + 5 * q;
    t += 6 * q;
    for (int s = 0; s < half; s += 4 * q) {
      double *r0 = zr + s, *i0 = zi + s, *r1 = r0 + q, *i1 = i0 + q, *r2 = r1 + q, *i2 = i1 + q,
             *r3 = r2 + q, *i3 = i2 + q;
      for (int k = 0; k < q; k += 2) {
        v128_t ar = wasm_v128_load(r0 + k), ai = wasm_v128_load(i0 + k);
        v128_t xr = wasm_v128_load(r1 + k), xi = wasm_v128_load(i1 + k);
        v128_t wr = wasm_v128_load(w2r + k), wi = wasm_v128_load(w2i + k);
        v128_t br = wasm_f64x2_sub(wasm_f64x2_mul(xr, wr), wasm_f64x2_mul(xi, wi));
        v128_t bi = wasm_f64x2_add(wasm_f64x2_mul(xr, wi), wasm_f64x2_mul(xi, wr));
        xr = wasm_v128_load(r2 + k), xi = wasm_v128_load(i2 + k);
        wr = wasm_v128_load(w1r + k), wi = wasm_v128_load(w1i + k);
        v128_t cr = wasm_f64x2_sub(wasm_f64x2_mul(xr, wr), wasm_f64x2_mul(xi, wi));
        v128_t ci = wasm_f64x2_add(wasm_f64x2_mul(xr, wi), wasm_f64x2_mul(xi, wr));
        xr = wasm_v128_load(r3 + k), xi = wasm_v128_load(i3 + k);
        wr = wasm_v128_load(w3r + k), wi = wasm_v128_load(w3i + k);
        v128_t dr = wasm_f64x2_sub(wasm_f64x2_mul(xr, wr), wasm_f64x2_mul(xi, wi));
        v128_t di = wasm_f64x2_add(wasm_f64x2_mul(xr, wi), wasm_f64x2_mul(xi, wr));
        v128_t apbR = wasm_f64x2_add(ar, br), apbI = wasm_f64x2_add(ai, bi);
        v128_t ambR = wasm_f64x2_sub(ar, br), ambI = wasm_f64x2_sub(ai, bi);
        v128_t cpdR = wasm_f64x2_add(cr, dr), cpdI = wasm_f64x2_add(ci, di);
        v128_t cmdR = wasm_f64x2_sub(cr, dr), cmdI = wasm_f64x2_sub(ci, di);
        wasm_v128_store(r0 + k, wasm_f64x2_add(apbR, cpdR));
        wasm_v128_store(i0 + k, wasm_f64x2_add(apbI, cpdI));
        wasm_v128_store(r2 + k, wasm_f64x2_sub(apbR, cpdR));
        wasm_v128_store(i2 + k, wasm_f64x2_sub(apbI, cpdI));
        wasm_v128_store(r1 + k, wasm_f64x2_add(ambR, cmdI));
        wasm_v128_store(i1 + k, wasm_f64x2_sub(ambI, cmdR));
        wasm_v128_store(r3 + k, wasm_f64x2_sub(ambR, cmdI));
        wasm_v128_store(i3 + k, wasm_f64x2_add(ambI, cmdR));
      }
    }
  }
  if (q * 2 == half) {
    const double *wre = t, *wim = t + q;
    for (int k = 0; k < q; k += 2) {
      v128_t wr = wasm_v128_load(wre + k), wi = wasm_v128_load(wim + k);
      v128_t xr = wasm_v128_load(zr + q + k), xi = wasm_v128_load(zi + q + k);
      v128_t tr = wasm_f64x2_sub(wasm_f64x2_mul(xr, wr), wasm_f64x2_mul(xi, wi));
      v128_t ti = wasm_f64x2_add(wasm_f64x2_mul(xr, wi), wasm_f64x2_mul(xi, wr));
      v128_t ar = wasm_v128_load(zr + k), ai = wasm_v128_load(zi + k);
      wasm_v128_store(zr + q + k, wasm_f64x2_sub(ar, tr));
      wasm_v128_store(zi + q + k, wasm_f64x2_sub(ai, ti));
      wasm_v128_store(zr + k, wasm_f64x2_add(ar, tr));
      wasm_v128_store(zi + k, wasm_f64x2_add(ai, ti));
    }
  }
}

/* The split of the half-size spectrum Z into X[k], k = 1 .. half-1 (DC and Nyquist by the caller). */
#define RFFT_SPLIT(k, re_k, im_k)                                                                     \
  double ar = zr[k], ai = zi[k], br = zr[half - (k)], bi = -zi[half - (k)];                            \
  double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);                                                   \
  double or_ = 0.5 * (ai - bi), oi = -0.5 * (ar - br);                                                 \
  double c = cosf[k], s = -sinf[k];                                                                    \
  double re_k = er + or_ * c - oi * s;                                                                 \
  double im_k = ei + or_ * s + oi * c;

/*
 * STFT frames: frame t is window · signal[t·hop .. t·hop + n), its spectrum (n/2 + 1 bins) rounded to
 * float32 into out_re/out_im[t·bins ..] (librosa's complex64).
 */
EXPORT void rfft_frames(int n, int frames, int hop, const float *signal, const double *window,
                        const u32 *bitrev, const double *cosf, const double *sinf, const double *tw,
                        double *zr, double *zi, float *out_re, float *out_im) {
  int half = n >> 1, bins = half + 1;
  for (int t = 0; t < frames; t++) {
    const float *x = signal + t * hop;
    for (int i = 0; i < half; i++) {
      u32 j = bitrev[i];
      zr[j] = window[2 * i] * (double)x[2 * i];
      zi[j] = window[2 * i + 1] * (double)x[2 * i + 1];
    }
    cfft_stages(half, zr, zi, tw);
    float *re = out_re + t * bins, *im = out_im + t * bins;
    re[0] = (float)(zr[0] + zi[0]);
    im[0] = 0.f;
    re[half] = (float)(zr[0] - zi[0]);
    im[half] = 0.f;
    for (int k = 1; k < half; k++) {
      RFFT_SPLIT(k, xr, xi)
      re[k] = (float)xr;
      im[k] = (float)xi;
    }
  }
}

/*
 * ISTFT overlap-add: out[t·hop + j] += irfft(re_t + i·im_t)[j] · window[j] for each frame t (spectra
 * float32, bins = n/2 + 1 per frame). The inverse goes through the forward transform by Hartley's
 * identity, exactly as lib/features/istft.ts's HartleyInverseRealFft; h is scratch of n doubles.
 */
EXPORT void irfft_overlap_add(int n, int frames, int hop, const float *in_re, const float *in_im,
                              const double *window, const u32 *bitrev, const double *cosf,
                              const double *sinf, const double *tw, double *zr, double *zi, double *h,
                              double *out) {
  int half = n >> 1, bins = half + 1;
  double scale = 1.0 / n;
  for (int t = 0; t < frames; t++) {
    const float *re = in_re + t * bins, *im = in_im + t * bins;
    h[0] = re[0];
    h[half] = re[half];
    for (int k = 1; k < half; k++) {
      h[k] = (double)re[k] - (double)im[k];
      h[n - k] = (double)re[k] + (double)im[k];
    }
    for (int i = 0; i < half; i++) {
      u32 j = bitrev[i];
      zr[j] = h[2 * i];
      zi[j] = h[2 * i + 1];
    }
    cfft_stages(half, zr, zi, tw);
    double *o = out + t * hop;
    o[0] += (zr[0] + zi[0]) * scale * window[0];
    o[half] += (zr[0] - zi[0]) * scale * window[half];
    for (int k = 1; k < half; k++) {
      RFFT_SPLIT(k, fr, fi)
      o[k] += (fr - fi) * scale * window[k];
      o[n - k] += (fr + fi) * scale * window[n - k];
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * Phase vocoder (lib/augment/stretch.ts phaseVocoder, the same operations per bin in float64; sqrt and
 * division are correctly rounded in both, so the outputs are bit-identical). Spectra are float32,
 * frame-major, `bins` per frame; slots: scratch of 6·bins doubles (magnitude and unit phasor of two
 * input frames); acc: 2·bins doubles.
 * ------------------------------------------------------------------------------------------- */

/* Magnitude and unit phasor (1 where the magnitude is 0) of input frame i, or of a zero frame past the end. */
static void unit_phasors(int bins, int frames, int i, const float *re, const float *im, double *mag,
                         double *ur, double *ui) {
  if (i >= frames) {
    for (int f = 0; f < bins; f++) {
      mag[f] = 0;
      ur[f] = 1;
      ui[f] = 0;
    }
    return;
  }
  re += i * bins;
  im += i * bins;
  int f = 0;
  const v128_t zero = wasm_f64x2_splat(0), one = wasm_f64x2_splat(1);
  for (; f + 2 <= bins; f += 2) {
    v128_t r = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(re + f));
    v128_t q = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(im + f));
    v128_t m = wasm_f64x2_sqrt(wasm_f64x2_add(wasm_f64x2_mul(r, r), wasm_f64x2_mul(q, q)));
    v128_t inv = wasm_f64x2_div(one, m);
    v128_t nz = wasm_f64x2_gt(m, zero);
    wasm_v128_store(mag + f, m);
    wasm_v128_store(ur + f, wasm_v128_bitselect(wasm_f64x2_mul(r, inv), one, nz));
    wasm_v128_store(ui + f, wasm_v128_bitselect(wasm_f64x2_mul(q, inv), zero, nz));
  }
  for (; f < bins; f++) {
    double r = re[f], q = im[f];
    double m = __builtin_sqrt(r * r + q * q);
    mag[f] = m;
    if (m > 0) {
      double inv = 1 / m;
      ur[f] = r * inv;
      ui[f] = q * inv;
    } else {
      ur[f] = 1;
      ui[f] = 0;
    }
  }
}

EXPORT void phase_vocoder(int bins, int frames, double rate, int out_frames, const float *re, const float *im,
                          double *slots, double *acc, float *out_re, float *out_im) {
  double *acc_re = acc, *acc_im = acc + bins;
  /* Slot s holds frame slot_frame[s]: magnitude at slots + 3s·bins, then the phasor's re and im. */
  int f0 = -1, f1 = -1;
#define SLOT_MAG(s) (slots + (s) * 3 * bins)
#define SLOT_FILL(s, i) unit_phasors(bins, frames, i, re, im, SLOT_MAG(s), SLOT_MAG(s) + bins, SLOT_MAG(s) + 2 * bins)
#define SLOT(i, out)                                                                                   \
  if (f0 == (i))                                                                                       \
    out = 0;                                                                                           \
  else if (f1 == (i))                                                                                  \
    out = 1;                                                                                           \
  else {                                                                                               \
    out = f0 == (i) - 1 ? 1 : 0;                                                                       \
    if (out)                                                                                           \
      f1 = (i);                                                                                        \
    else                                                                                               \
      f0 = (i);                                                                                        \
    SLOT_FILL(out, i);                                                                                 \
  }
  int first;
  SLOT(0, first)
  for (int f = 0; f < bins; f++) {
    acc_re[f] = SLOT_MAG(first)[bins + f];
    acc_im[f] = SLOT_MAG(first)[2 * bins + f];
  }
  for (int t = 0; t < out_frames; t++) {
    double step = t * rate;
    int i0 = (int)__builtin_floor(step);
    double alpha = step - i0;
    int a, b;
    SLOT(i0, a)
    SLOT(i0 + 1, b)
    const double *mag_a = SLOT_MAG(a), *a_re = mag_a + bins, *a_im = mag_a + 2 * bins;
    const double *mag_b = SLOT_MAG(b), *b_re = mag_b + bins, *b_im = mag_b + 2 * bins;
    float *o_re = out_re + t * bins, *o_im = out_im + t * bins;
    v128_t wa = wasm_f64x2_splat(1 - alpha), wb = wasm_f64x2_splat(alpha);
    int f = 0;
    for (; f + 2 <= bins; f += 2) {
      v128_t m = wasm_f64x2_add(wasm_f64x2_mul(wa, wasm_v128_load(mag_a + f)),
                                wasm_f64x2_mul(wb, wasm_v128_load(mag_b + f)));
      v128_t pr = wasm_v128_load(acc_re + f), pi = wasm_v128_load(acc_im + f);
      wasm_v128_store64_lane(o_re + f, wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(m, pr)), 0);
      wasm_v128_store64_lane(o_im + f, wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(m, pi)), 0);
      v128_t ar = wasm_v128_load(a_re + f), ai = wasm_v128_load(a_im + f);
      v128_t br = wasm_v128_load(b_re + f), bi = wasm_v128_load(b_im + f);
      v128_t dr = wasm_f64x2_add(wasm_f64x2_mul(br, ar), wasm_f64x2_mul(bi, ai));
      v128_t di = wasm_f64x2_sub(wasm_f64x2_mul(bi, ar), wasm_f64x2_mul(br, ai));
      wasm_v128_store(acc_re + f, wasm_f64x2_sub(wasm_f64x2_mul(pr, dr), wasm_f64x2_mul(pi, di)));
      wasm_v128_store(acc_im + f, wasm_f64x2_add(wasm_f64x2_mul(pr, di), wasm_f64x2_mul(pi, dr)));
    }
    for (; f < bins; f++) {
      double m = (1 - alpha) * mag_a[f] + alpha * mag_b[f];
      double pr = acc_re[f], pi = acc_im[f];
      o_re[f] = (float)(m * pr);
      o_im[f] = (float)(m * pi);
      double dr = b_re[f] * a_re[f] + b_im[f] * a_im[f];
      double di = b_im[f] * a_re[f] - b_re[f] * a_im[f];
      acc_re[f] = pr * dr - pi * di;
      acc_im[f] = pr * di + pi * dr;
    }
  }
#undef SLOT
#undef SLOT_FILL
#undef SLOT_MAG
}

/* ---------------------------------------------------------------------------------------------
 * Polyphase resampling (lib/audio/resample.ts resamplePolyphase, scipy's upfirdn for float32): output
 * m is phase t of the filter against the inputs ending at x_end, summed in float32 in scipy's order.
 * Interior outputs go four at a time, four independent chains each in that order: bit-identical.
 * ------------------------------------------------------------------------------------------- */
EXPORT void resample_poly(int n, const float *x, int up, int down, int taps, const float *phases, int skip,
                          int out_len, float *y) {
  long long lup = up, ldown = down;
  for (int m = 0; m < out_len;) {
    long long k = skip + m;
    long long x_end = k * ldown / lup;
    int first = (int)x_end - taps + 1;
    if (first >= 0 && m + 4 <= out_len && (k + 3) * ldown / lup <= n - 1) {
      int x1 = (int)((k + 1) * ldown / lup) - taps + 1, x2 = (int)((k + 2) * ldown / lup) - taps + 1,
          x3 = (int)((k + 3) * ldown / lup) - taps + 1;
      const float *p0 = phases + (k * ldown - x_end * lup) * taps;
      const float *p1 = phases + ((k + 1) * ldown - (x1 + taps - 1) * lup) * taps;
      const float *p2 = phases + ((k + 2) * ldown - (x2 + taps - 1) * lup) * taps;
      const float *p3 = phases + ((k + 3) * ldown - (x3 + taps - 1) * lup) * taps;
      const float *s0 = x + first, *s1 = x + x1, *s2 = x + x2, *s3 = x + x3;
      float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (int i = 0; i < taps; i++) {
        a0 = a0 + s0[i] * p0[i];
        a1 = a1 + s1[i] * p1[i];
        a2 = a2 + s2[i] * p2[i];
        a3 = a3 + s3[i] * p3[i];
      }
      y[m] = a0;
      y[m + 1] = a1;
      y[m + 2] = a2;
      y[m + 3] = a3;
      m += 4;
      continue;
    }
    int t = (int)(k * ldown - x_end * lup);
    int j0 = first > 0 ? first : 0, j1 = x_end < n - 1 ? (int)x_end : n - 1;
    const float *p = phases + (long long)t * taps - first;
    float acc = 0;
    for (int j = j0; j <= j1; j++) acc = acc + x[j] * p[j];
    y[m] = acc;
    m++;
  }
}

/* One real FFT of float64 input into float64 spectra (out_re/out_im: n/2 + 1 values): fft.ts's
 * Radix2RealFft.forward for large sizes (noise shaping, room convolution). */
EXPORT void rfft_f64(int n, const double *in, const u32 *bitrev, const double *cosf, const double *sinf,
                     const double *tw, double *zr, double *zi, double *out_re, double *out_im) {
  int half = n >> 1;
  for (int i = 0; i < half; i++) {
    u32 j = bitrev[i];
    zr[j] = in[2 * i];
    zi[j] = in[2 * i + 1];
  }
  cfft_stages(half, zr, zi, tw);
  out_re[0] = zr[0] + zi[0];
  out_im[0] = 0;
  out_re[half] = zr[0] - zi[0];
  out_im[half] = 0;
  for (int k = 1; k < half; k++) {
    RFFT_SPLIT(k, xr, xi)
    out_re[k] = xr;
    out_im[k] = xi;
  }
}
