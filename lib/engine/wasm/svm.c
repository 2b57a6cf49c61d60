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

/* k[row][j_c] for the `count` distinct columns among j0..j7 (the rest repeat j0): one row against 8 at once. */
static inline void rbf_row_8(int row, int j0, int j1, int j2, int j3, int j4, int j5, int j6, int j7, int count,
                             int n, int dims, const double *x, const double *xn, double gamma, float *k) {
  const int d2 = dims & ~1;
  const double *a = x + (unsigned)row * dims;
  const double *b0 = x + (unsigned)j0 * dims, *b1 = x + (unsigned)j1 * dims, *b2 = x + (unsigned)j2 * dims,
               *b3 = x + (unsigned)j3 * dims, *b4 = x + (unsigned)j4 * dims, *b5 = x + (unsigned)j5 * dims,
               *b6 = x + (unsigned)j6 * dims, *b7 = x + (unsigned)j7 * dims;
  v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (int d = 0; d < d2; d += 2) {
    const v128_t y = wasm_v128_load(a + d);
    s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(y, wasm_v128_load(b0 + d)));
    s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(y, wasm_v128_load(b1 + d)));
    s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(y, wasm_v128_load(b2 + d)));
    s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(y, wasm_v128_load(b3 + d)));
    s4 = wasm_f64x2_add(s4, wasm_f64x2_mul(y, wasm_v128_load(b4 + d)));
    s5 = wasm_f64x2_add(s5, wasm_f64x2_mul(y, wasm_v128_load(b5 + d)));
    s6 = wasm_f64x2_add(s6, wasm_f64x2_mul(y, wasm_v128_load(b6 + d)));
    s7 = wasm_f64x2_add(s7, wasm_f64x2_mul(y, wasm_v128_load(b7 + d)));
  }
  double e0 = hsum(s0), e1 = hsum(s1), e2 = hsum(s2), e3 = hsum(s3), e4 = hsum(s4), e5 = hsum(s5), e6 = hsum(s6),
         e7 = hsum(s7);
  for (int d = d2; d < dims; d++) {
    const double v = a[d];
    e0 += v * b0[d];
    e1 += v * b1[d];
    e2 += v * b2[d];
    e3 += v * b3[d];
    e4 += v * b4[d];
    e5 += v * b5[d];
    e6 += v * b6[d];
    e7 += v * b7[d];
  }
  float *out = k + (unsigned)row * n;
  const double an = xn[row];
#define RBF_PUT(c, j, e) \
  if (count > c) out[j] = (float)fdlibm_exp(-gamma * (an + xn[j] - 2 * e));
  RBF_PUT(0, j0, e0) RBF_PUT(1, j1, e1) RBF_PUT(2, j2, e2) RBF_PUT(3, j3, e3) RBF_PUT(4, j4, e4)
  RBF_PUT(5, j5, e5) RBF_PUT(6, j6, e6) RBF_PUT(7, j7, e7)
#undef RBF_PUT
}

/*
 * One block of a lazily filled float32 Gram matrix k (n x n) of the rows of x: k[row][j] for j in [from, to)
 * (the rows of one class, `cls`), then ready[row * classes + cls] = 1. Values are bitwise those of
 * rbf_kernel_rows (the same dot-product order, symmetric in i and j), so an entry whose mirror block
 * (j against the row's class, row_cls) is already ready is copied from k[j][row] instead of recomputed. Threads
 * may fill blocks concurrently: flags are atomic, and a block two threads fill gets the same bits from both.
 */
EXPORT void rbf_kernel_block(int row, int row_cls, int from, int to, int cls, int classes, int n, int dims,
                             const double *x, const double *xn, const double *gamma_p, float *k, int *ready) {
  const double gamma = *gamma_p;
  float *out = k + (unsigned)row * n;
  int j0 = 0, j1 = 0, j2 = 0, j3 = 0, j4 = 0, j5 = 0, j6 = 0, count = 0;
  for (int j = from; j < to; j++) {
    if (j == row) {
      out[j] = 1.0f;
    } else if (__atomic_load_n(ready + (unsigned)j * classes + row_cls, __ATOMIC_ACQUIRE)) {
      out[j] = k[(unsigned)j * n + row];
    } else if (count == 7) {
      rbf_row_8(row, j0, j1, j2, j3, j4, j5, j6, j, 8, n, dims, x, xn, gamma, k);
      count = 0;
    } else {
      switch (count++) {
      case 0: j0 = j; break;
      case 1: j1 = j; break;
      case 2: j2 = j; break;
      case 3: j3 = j; break;
      case 4: j4 = j; break;
      case 5: j5 = j; break;
      default: j6 = j;
      }
    }
  }
  if (count > 0)
    rbf_row_8(row, j0, count > 1 ? j1 : j0, count > 2 ? j2 : j0, count > 3 ? j3 : j0, count > 4 ? j4 : j0,
              count > 5 ? j5 : j0, count > 6 ? j6 : j0, j0, count, n, dims, x, xn, gamma, k);
  __atomic_store_n(ready + (unsigned)row * classes + cls, 1, __ATOMIC_RELEASE);
}

/*
 * libsvm's C-SVC solver, the loops of solveBinary in lib/models/svm-solver.ts (see its comments) in the same
 * order, so both give the same bits: SMO with second-order working-set selection, shrinking with gradient
 * reconstruction, Q rows gathered from the Gram matrix k (n x n) on first use into float32 (libsvm's Qfloat).
 * rows/yin: the problem's l Gram rows and labels (+1/-1). A lazily filled k (ready != 0) gets each touched
 * row's blocks against classes a and b ([from_a, to_a), [from_b, to_b)) from rbf_kernel_block first.
 * scratch: this thread's, 48 l + 4 l^2 bytes, 8-aligned (per variable 4 doubles and 4 ints, then Q). Writes
 * alpha (in the order of rows) and returns rho.
 */
#define SVM_LOWER 0
#define SVM_UPPER 1
#define SVM_FREE 2

EXPORT double svm_solve(int l, const int *rows, const int *yin, double C, double eps, int max_iter, int shrinking,
                        int n, float *k, int cls_a, int from_a, int to_a, int cls_b, int from_b, int to_b,
                        int classes, int dims, const double *x, const double *xn, const double *gamma_p, int *ready,
                        double *alpha_out, char *scratch) {
  const double TAU = 1e-12;
  double *QD = (double *)scratch;
  double *alpha = QD + l, *G = alpha + l, *Gbar = G + l;
  int *active = (int *)(Gbar + l), *y = active + l, *status = y + l, *qready = status + l;
  float *Q = (float *)(qready + l);
  for (int p = 0; p < l; p++) {
    QD[p] = 1.0; /* the RBF diagonal, exactly 1 in every Gram matrix */
    alpha[p] = 0;
    G[p] = -1;
    Gbar[p] = 0;
    active[p] = p;
    y[p] = yin[p];
    status[p] = SVM_LOWER;
    qready[p] = 0;
  }
  int active_size = l, unshrink = 0;

#define Q_ROW(v_, out_)                                                                                              \
  do {                                                                                                             \
    const int v = (v_);                                                                                            \
    if (!qready[v]) {                                                                                              \
      qready[v] = 1;                                                                                               \
      const int r = rows[v];                                                                                       \
      if (ready) {                                                                                                 \
        const int rc = r >= from_a && r < to_a ? cls_a : cls_b;                                                    \
        if (!__atomic_load_n(ready + (unsigned)r * classes + cls_a, __ATOMIC_ACQUIRE))                             \
          rbf_kernel_block(r, rc, from_a, to_a, cls_a, classes, n, dims, x, xn, gamma_p, k, ready);                \
        if (!__atomic_load_n(ready + (unsigned)r * classes + cls_b, __ATOMIC_ACQUIRE))                             \
          rbf_kernel_block(r, rc, from_b, to_b, cls_b, classes, n, dims, x, xn, gamma_p, k, ready);                \
      }                                                                                                            \
      const float *kr = k + (unsigned)r * n;                                                                       \
      float *qr = Q + (unsigned)v * l;                                                                             \
      const int yv = yin[v];                                                                                       \
      for (int q = 0; q < l; q++) qr[q] = (float)(yv * yin[q]) * kr[rows[q]];                                      \
    }                                                                                                              \
    out_ = Q + (unsigned)v * l;                                                                                    \
  } while (0)

/* libsvm's reconstruct_gradient (G of the inactive variables from Gbar and the free alphas, by whichever loop
   order touches fewer Q rows), then every variable active again. */
#define RECONSTRUCT_GRADIENT()                                                                                     \
  do {                                                                                                             \
    if (active_size != l) {                                                                                        \
      for (int j = active_size; j < l; j++) G[j] = Gbar[j] - 1;                                                    \
      int nfree = 0;                                                                                               \
      for (int j = 0; j < active_size; j++)                                                                        \
        if (status[j] == SVM_FREE) nfree++;                                                                        \
      if ((double)nfree * l > 2.0 * active_size * (l - active_size)) {                                             \
        for (int ri = active_size; ri < l; ri++) {                                                                 \
          const float *qi;                                                                                         \
          Q_ROW(active[ri], qi);                                                                                   \
          double s = G[ri];                                                                                        \
          for (int j = 0; j < active_size; j++)                                                                    \
            if (status[j] == SVM_FREE) s += alpha[j] * qi[active[j]];                                              \
          G[ri] = s;                                                                                               \
        }                                                                                                          \
      } else {                                                                                                     \
        for (int ri = 0; ri < active_size; ri++)                                                                   \
          if (status[ri] == SVM_FREE) {                                                                            \
            const float *qi;                                                                                       \
            Q_ROW(active[ri], qi);                                                                                 \
            const double ai = alpha[ri];                                                                           \
            for (int j = active_size; j < l; j++) G[j] += ai * qi[active[j]];                                      \
          }                                                                                                        \
      }                                                                                                            \
    }                                                                                                              \
    active_size = l;                                                                                               \
  } while (0)

  int iter = 0;
  int counter = (l < 1000 ? l : 1000) + 1;
  int ws_i = -1, ws_j = -1;
  for (;;) {
    if (max_iter != -1 && iter >= max_iter) break;
    if (--counter == 0) {
      counter = l < 1000 ? l : 1000;
      if (shrinking) {
        /* do_shrinking */
        double gmax1 = -__builtin_inf(), gmax2 = -__builtin_inf();
        for (int i = 0; i < active_size; i++) {
          if (y[i] == 1) {
            if (status[i] != SVM_UPPER && -G[i] >= gmax1) gmax1 = -G[i];
            if (status[i] != SVM_LOWER && G[i] >= gmax2) gmax2 = G[i];
          } else {
            if (status[i] != SVM_UPPER && -G[i] >= gmax2) gmax2 = -G[i];
            if (status[i] != SVM_LOWER && G[i] >= gmax1) gmax1 = G[i];
          }
        }
        if (!unshrink && gmax1 + gmax2 <= eps * 10) {
          unshrink = 1;
          goto reconstruct_then_shrink;
        }
      shrink:
        for (int i = 0; i < active_size; i++) {
#define BE_SHRUNK(t)                                                                                                 \
  (status[t] == SVM_UPPER ? (y[t] == 1 ? -G[t] > gmax1 : -G[t] > gmax2)                                            \
                          : status[t] == SVM_LOWER ? (y[t] == 1 ? G[t] > gmax2 : G[t] > gmax1) : 0)
          if (BE_SHRUNK(i)) {
            active_size--;
            while (active_size > i) {
              if (!BE_SHRUNK(active_size)) {
                /* swap_index(i, active_size) */
                const int t = active_size;
                int ti;
                double td;
                ti = y[i], y[i] = y[t], y[t] = ti;
                ti = status[i], status[i] = status[t], status[t] = ti;
                ti = active[i], active[i] = active[t], active[t] = ti;
                td = QD[i], QD[i] = QD[t], QD[t] = td;
                td = alpha[i], alpha[i] = alpha[t], alpha[t] = td;
                td = G[i], G[i] = G[t], G[t] = td;
                td = Gbar[i], Gbar[i] = Gbar[t], Gbar[t] = td;
                break;
              }
              active_size--;
            }
          }
#undef BE_SHRUNK
        }
        goto shrunk;
      reconstruct_then_shrink : {
        /* reconstruct_gradient, then every variable active again, then the shrink pass */
        RECONSTRUCT_GRADIENT();
        goto shrink;
      }
      shrunk:;
      }
    }
    /* select_working_set, twice after a reconstruction when the first finds the active set optimal */
    int pass = 0;
    for (;;) {
      double gmax = -__builtin_inf(), gmax2 = -__builtin_inf(), obj_diff_min = __builtin_inf();
      int gmax_idx = -1, gmin_idx = -1;
      for (int t = 0; t < active_size; t++) {
        if (y[t] == 1) {
          if (status[t] != SVM_UPPER && -G[t] >= gmax) {
            gmax = -G[t];
            gmax_idx = t;
          }
        } else if (status[t] != SVM_LOWER && G[t] >= gmax) {
          gmax = G[t];
          gmax_idx = t;
        }
      }
      const int i = gmax_idx;
      if (i >= 0) {
        const float *qi;
        Q_ROW(active[i], qi);
        const int yi = y[i];
        const double qdi = QD[i];
        for (int j = 0; j < active_size; j++) {
          const double Gj = G[j];
          if (y[j] == 1) {
            if (status[j] != SVM_LOWER) {
              const double grad_diff = gmax + Gj;
              if (Gj >= gmax2) gmax2 = Gj;
              if (grad_diff > 0) {
                const double quad = qdi + QD[j] - 2.0 * yi * qi[active[j]];
                const double obj_diff = -(grad_diff * grad_diff) / (quad > 0 ? quad : TAU);
                if (obj_diff <= obj_diff_min) {
                  gmin_idx = j;
                  obj_diff_min = obj_diff;
                }
              }
            }
          } else if (status[j] != SVM_UPPER) {
            const double grad_diff = gmax - Gj;
            if (-Gj >= gmax2) gmax2 = -Gj;
            if (grad_diff > 0) {
              const double quad = qdi + QD[j] + 2.0 * yi * qi[active[j]];
              const double obj_diff = -(grad_diff * grad_diff) / (quad > 0 ? quad : TAU);
              if (obj_diff <= obj_diff_min) {
                gmin_idx = j;
                obj_diff_min = obj_diff;
              }
            }
          }
        }
      }
      if (!(gmax + gmax2 < eps || gmin_idx == -1)) {
        ws_i = gmax_idx;
        ws_j = gmin_idx;
        break;
      }
      if (pass == 1) goto done;
      pass = 1;
      /* reconstruct_gradient; every variable active */
      RECONSTRUCT_GRADIENT();
      counter = 1;
    }
    ++iter;
    {
      const int i = ws_i, j = ws_j;
      const float *qi, *qj;
      Q_ROW(active[i], qi);
      Q_ROW(active[j], qj);
      const double qij = qi[active[j]];
      const double old_ai = alpha[i], old_aj = alpha[j];
      if (y[i] != y[j]) {
        double quad = QD[i] + QD[j] + 2 * qij;
        if (quad <= 0) quad = TAU;
        const double delta = (-G[i] - G[j]) / quad;
        const double diff = alpha[i] - alpha[j];
        alpha[i] += delta;
        alpha[j] += delta;
        if (diff > 0) {
          if (alpha[j] < 0) {
            alpha[j] = 0;
            alpha[i] = diff;
          }
        } else if (alpha[i] < 0) {
          alpha[i] = 0;
          alpha[j] = -diff;
        }
        if (diff > 0) {
          if (alpha[i] > C) {
            alpha[i] = C;
            alpha[j] = C - diff;
          }
        } else if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = C + diff;
        }
      } else {
        double quad = QD[i] + QD[j] - 2 * qij;
        if (quad <= 0) quad = TAU;
        const double delta = (G[i] - G[j]) / quad;
        const double sum = alpha[i] + alpha[j];
        alpha[i] -= delta;
        alpha[j] += delta;
        if (sum > C) {
          if (alpha[i] > C) {
            alpha[i] = C;
            alpha[j] = sum - C;
          }
        } else if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = sum;
        }
        if (sum > C) {
          if (alpha[j] > C) {
            alpha[j] = C;
            alpha[i] = sum - C;
          }
        } else if (alpha[i] < 0) {
          alpha[i] = 0;
          alpha[j] = sum;
        }
      }
      const double dai = alpha[i] - old_ai, daj = alpha[j] - old_aj;
      for (int t = 0; t < active_size; t++) {
        const int v = active[t];
        G[t] += qi[v] * dai + qj[v] * daj;
      }
      const int ui = status[i] == SVM_UPPER, uj = status[j] == SVM_UPPER;
      status[i] = alpha[i] >= C ? SVM_UPPER : alpha[i] <= 0 ? SVM_LOWER : SVM_FREE;
      status[j] = alpha[j] >= C ? SVM_UPPER : alpha[j] <= 0 ? SVM_LOWER : SVM_FREE;
      if (ui != (status[i] == SVM_UPPER)) {
        const double c = ui ? -C : C;
        for (int t = 0; t < l; t++) Gbar[t] += c * qi[active[t]];
      }
      if (uj != (status[j] == SVM_UPPER)) {
        const double c = uj ? -C : C;
        for (int t = 0; t < l; t++) Gbar[t] += c * qj[active[t]];
      }
    }
  }
done:;
#undef RECONSTRUCT_GRADIENT
#undef Q_ROW
  /* rho: the mean of y.G over free variables, else the middle of the feasible interval */
  double ub = __builtin_inf(), lb = -__builtin_inf(), sum_free = 0;
  int nfree = 0;
  for (int i = 0; i < active_size; i++) {
    const double yG = y[i] * G[i];
    if (status[i] == SVM_UPPER) {
      if (y[i] == -1) ub = yG < ub ? yG : ub;
      else lb = yG > lb ? yG : lb;
    } else if (status[i] == SVM_LOWER) {
      if (y[i] == 1) ub = yG < ub ? yG : ub;
      else lb = yG > lb ? yG : lb;
    } else {
      nfree++;
      sum_free += yG;
    }
  }
  for (int i = 0; i < l; i++) alpha_out[active[i]] = alpha[i];
  return nfree > 0 ? sum_free / nfree : (ub + lb) / 2;
}
