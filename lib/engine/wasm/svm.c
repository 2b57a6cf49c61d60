/*
 * The RBF kernel for the classic models' SVM (lib/models/svm-solver.ts): K[i][j] = exp(-gamma * (an[i] + bn[j]
 * - 2 a_i . b_j)) in float64, the dot products in 4 x 2 blocks of f64x2 lanes over L2-sized tiles of b, exp
 * as fdlibm computes it (the algorithm of V8's Math.exp, so both paths give the same bits). Rows are dealt out in
 * groups of 4, group g to part g % parts, so threads share a triangle evenly. tri >= 0: a is rows tri.. of b,
 * only j <= tri + i is computed and each value is also written to its mirror (a symmetric Gram matrix).
 * Output float32 (out32) or float64 (out64), whichever pointer is non-zero. Every argument is an int (the
 * worker threads' control block), so gamma comes by pointer.
 */
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))

typedef unsigned long long u64;

static inline double hsum(v128_t v) { return wasm_f64x2_extract_lane(v, 0) + wasm_f64x2_extract_lane(v, 1); }

static inline u64 bits(double x) { return __builtin_bit_cast(u64, x); }
static inline double from_bits(u64 b) { return __builtin_bit_cast(double, b); }

/* fdlibm's __ieee754_exp (Sun Microsystems, 1993; freely usable with its notice), for finite arguments. */
static double fdlibm_exp(double x) {
  static const double halF[2] = {0.5, -0.5};
  static const double ln2HI[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01};
  static const double ln2LO[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10};
  const double invln2 = 1.44269504088896338700e+00;
  const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
               P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
               P5 = 4.13813679705723846039e-08;
  const double o_threshold = 7.09782712893383973096e+02, u_threshold = -7.45133219101941108420e+02;
  const double twom1000 = 9.33263618503218878990e-302;
  double hi = 0, lo = 0, c, t, y;
  int k = 0;
  unsigned hx = (unsigned)(bits(x) >> 32);
  const int xsb = (hx >> 31) & 1;
  hx &= 0x7fffffff;
  if (hx >= 0x40862E42) {
    if (hx >= 0x7ff00000) return x != x ? x + x : (xsb == 0 ? x : 0.0);
    if (x > o_threshold) return __builtin_inf();
    if (x < u_threshold) return 0.0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3FF0A2B2) {
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = (int)(invln2 * x + halF[xsb]);
      t = k;
      hi = x - t * ln2HI[0];
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  }
  t = x * x;
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return from_bits(bits(y) + ((u64)(long long)k << 52));
  return from_bits(bits(y) + ((u64)(long long)(k + 1000) << 52)) * twom1000;
}

/* Math.exp's value for tests: the kernel's exp must match V8's bit for bit. */
EXPORT double svm_exp(double x) { return fdlibm_exp(x); }

static inline void put(float *out32, double *out64, unsigned at, double v) {
  if (out32)
    out32[at] = (float)v;
  else
    out64[at] = v;
}

EXPORT void rbf_kernel_rows(int part, int parts, int na, int nb, int dims, const double *a, const double *an,
                            const double *b, const double *bn, int tri, const double *gamma_p, float *out32,
                            double *out64) {
  const double gamma = *gamma_p;
  const int d2 = dims & ~1;
  const int TILE = 64; /* rows of b per tile: 64 x 384 doubles = 192 KiB */
  for (int t0 = 0; t0 < nb; t0 += TILE) {
    const int t1 = t0 + TILE < nb ? t0 + TILE : nb;
    for (int i0 = 4 * part; i0 < na; i0 += 4 * parts) {
      const int rows = na - i0 < 4 ? na - i0 : 4;
      const int limit = tri >= 0 ? tri + i0 + rows : nb; /* j < limit (the group's last row's diagonal) */
      const int jend = limit < t1 ? limit : t1;
      if (jend <= t0) continue;
      const double *a0 = a + (unsigned)i0 * dims;
      const double *a1 = a + (unsigned)(i0 + (rows > 1 ? 1 : 0)) * dims;
      const double *a2 = a + (unsigned)(i0 + (rows > 2 ? 2 : 0)) * dims;
      const double *a3 = a + (unsigned)(i0 + (rows > 3 ? 3 : 0)) * dims;
      for (int j0 = t0; j0 < jend; j0 += 2) {
        const int j1 = j0 + 1 < jend ? j0 + 1 : j0;
        const double *b0 = b + (unsigned)j0 * dims;
        const double *b1 = b + (unsigned)j1 * dims;
        v128_t s00 = wasm_f64x2_splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00,
               s31 = s00;
        for (int d = 0; d < d2; d += 2) {
          const v128_t x0 = wasm_v128_load(b0 + d), x1 = wasm_v128_load(b1 + d);
          v128_t y = wasm_v128_load(a0 + d);
          s00 = wasm_f64x2_add(s00, wasm_f64x2_mul(y, x0));
          s01 = wasm_f64x2_add(s01, wasm_f64x2_mul(y, x1));
          y = wasm_v128_load(a1 + d);
          s10 = wasm_f64x2_add(s10, wasm_f64x2_mul(y, x0));
          s11 = wasm_f64x2_add(s11, wasm_f64x2_mul(y, x1));
          y = wasm_v128_load(a2 + d);
          s20 = wasm_f64x2_add(s20, wasm_f64x2_mul(y, x0));
          s21 = wasm_f64x2_add(s21, wasm_f64x2_mul(y, x1));
          y = wasm_v128_load(a3 + d);
          s30 = wasm_f64x2_add(s30, wasm_f64x2_mul(y, x0));
          s31 = wasm_f64x2_add(s31, wasm_f64x2_mul(y, x1));
        }
        /* Scalars, not arrays: every thread's instance shares one linear-memory stack. */
        double d00 = hsum(s00), d01 = hsum(s01), d10 = hsum(s10), d11 = hsum(s11), d20 = hsum(s20),
               d21 = hsum(s21), d30 = hsum(s30), d31 = hsum(s31);
        for (int d = d2; d < dims; d++) {
          d00 += a0[d] * b0[d];
          d01 += a0[d] * b1[d];
          d10 += a1[d] * b0[d];
          d11 += a1[d] * b1[d];
          d20 += a2[d] * b0[d];
          d21 += a2[d] * b1[d];
          d30 += a3[d] * b0[d];
          d31 += a3[d] * b1[d];
        }
        for (int r = 0; r < rows; r++) {
          const int i = i0 + r;
          for (int c = 0; c < (j1 != j0 ? 2 : 1); c++) {
            const int j = c ? j1 : j0;
            if (tri >= 0 && j > tri + i) continue;
            const double dot = r == 0 ? (c ? d01 : d00) : r == 1 ? (c ? d11 : d10) : r == 2 ? (c ? d21 : d20) : (c ? d31 : d30);
            const double v = tri >= 0 && j == tri + i ? 1.0 : fdlibm_exp(-gamma * (an[i] + bn[j] - 2 * dot));
            put(out32, out64, (unsigned)i * nb + j, v);
            if (tri >= 0) put(out32, out64, (unsigned)j * nb + (tri + i), v);
          }
        }
      }
    }
  }
}
