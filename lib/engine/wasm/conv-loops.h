/*
 * The conv loops over the GEMM, shared by the WebAssembly kernels (kernels.c) and the native addon
 * (../native/engine.c): each includes this after defining EXPORT, gemm_seg and bias_act.
 */
/* ---------------------------------------------------------------------------------------------
 * Conv2D, channels last (a 1-D conv is the case KH = Hp = Hout = 1). x is given pre-padded:
 * xp[B][Hp][Wp][Cin] with Hp = (Hout - 1) * sh + KH and Wp = (Wout - 1) * sw + KW. Filter
 * f[KH][KW][Cin][Cout]; y[B][Hout][Wout][Cout]. Within one input row, a window of KW positions is
 * KW*Cin contiguous floats, so one output row is a sum over the KH filter rows of GEMMs whose A rows
 * overlap (row stride sw*Cin) — no im2col copy. Bias (may be 0: none) and ReLU (relu != 0) are applied to each
 * output row right after its GEMM, while it is in cache (bias_act's arithmetic: the same values as a separate pass).
 * ------------------------------------------------------------------------------------------- */

EXPORT void conv2d_forward(int b0, int b1, int Hp, int Wp, int Cin, int KH, int KW, int Cout, int Hout, int Wout,
                           int sh, int sw, const float *xp, const float *f, float *y, const float *bias, int relu) {
  const int window = KW * Cin;
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < Hout; oh++) {
      float *yr = y + ((b * Hout + oh) * Wout) * Cout;
      const float *xr = xp + ((b * Hp + oh * sh) * Wp) * Cin;
      gemm_seg(0, Wout, Cout, window, KH, Wp * Cin, xr, sw * Cin, 1, f, Cout, yr, Cout, 0);
      if (bias || relu) bias_act(0, Wout, Cout, yr, bias, relu);
    }
}

/* df[KH*KW*Cin][Cout] = sum over examples b0..b1 of window(xp)^T . dy, per filter row: the K axis runs
 * over an example's output positions, one segment per output row (overwrites df). */
EXPORT void conv2d_filter_grad(int b0, int b1, int Hp, int Wp, int Cin, int KH, int KW, int Cout, int Hout,
                               int Wout, int sh, int sw, const float *xp, const float *dy, float *df) {
  const int window = KW * Cin;
  for (int b = b0; b < b1; b++) {
    const float *dyb = dy + b * Hout * Wout * Cout;
    for (int kh = 0; kh < KH; kh++) {
      const float *xr = xp + ((b * Hp + kh) * Wp) * Cin;
      gemm_seg(0, window, Cout, Wout, Hout, sh * Wp * Cin, xr, 1, sw * Cin, dyb, Cout, df + kh * window * Cout, Cout,
               b > b0);
    }
  }
}
