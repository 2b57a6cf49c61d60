/**
 * libsvm's C-SVC solver (Fan, Chen & Lin 2005, as scikit-learn 1.2 ships it) on a kernel matrix: SMO with
 * second-order working-set selection, shrinking with gradient reconstruction, Q rows rounded to float32 like
 * libsvm's kernel cache (`Qfloat`). The variables are permuted in place as libsvm's swap_index does, so the
 * iterations (and their tie-breaks) follow libsvm's, and the answer is the same to rounding.
 *
 * Kernel values come from one RBF Gram matrix of the training rows per fit, shared by every one-vs-one pair,
 * every cross-validation fold and every thread, so no kernel value is evaluated twice. The training rows are
 * ordered by class, so the values a pair needs of one row are two contiguous blocks (the row against each of
 * its two classes). In WebAssembly the matrix can be filled lazily, block by block, as the solver first
 * touches a row (libsvm computes kernel rows on demand the same way), and the solver's loops run there too
 * (lib/engine/wasm/svm.c's svm_solve, these loops in the same order: the same bits).
 */
import { sharedBuffer } from './classic-shared';
import { svmKernelModule, svmRuntime } from './classic-threads';

/**
 * A fit's RBF Gram matrix, as the pair threads receive it: K[i·n + j] = exp(−γ‖xᵢ − xⱼ‖²) as float32
 * (symmetric, unit diagonal), rows ordered by class (class c's rows are [classStart[c], classStart[c + 1])).
 * `wasm`: the matrix lives in a shared WebAssembly memory (byte offsets: `k`; `x`, `xn`, `gamma` the float64
 * rows, their squared norms and γ; `ready` an n × classes int32 flag per block, or 0 when `k` is complete),
 * filled on demand by lib/engine/wasm/svm.c's rbf_kernel_block, with one scratch slot per thread
 * (`slotCount` of `slotBytes` from `slotAt`, claimed through the int32 counter at `slots`) for its svm_solve.
 */
export interface GramSpec {
  n: number;
  dims: number;
  classStart: Int32Array;
  k: Float32Array;
  wasm?: {
    memory: WebAssembly.Memory;
    module: WebAssembly.Module;
    x: number;
    xn: number;
    gamma: number;
    k: number;
    ready: number;
    slots: number;
    slotAt: number;
    slotBytes: number;
    slotCount: number;
    maxRows: number;
  };
}

/** A binary problem's solution: α in the order of its rows, and rho. */
export interface BinarySolution {
  alpha: Float64Array;
  rho: number;
}

/**
 * The kernel values one pair of classes reads: K[i·n + j] for j in either class, valid once `ensure(i)` ran;
 * `solve`, where present, is {@link solveBinary}'s loops in WebAssembly over the same values (the same bits).
 */
export interface Gram {
  n: number;
  k: Float32Array;
  ensure(row: number): void;
  solve?: (rows: Int32Array, y: Int8Array, C: number, eps: number, maxIter: number) => BinarySolution;
}

/** svm_solve's scratch bytes for l variables (its layout in lib/engine/wasm/svm.c). */
const solveScratchBytes = (l: number) => 48 * l + 4 * l * l + 64;

/**
 * A thread's handle on a fit's Gram matrix: in WebAssembly, its own instance of the module on the fit's
 * memory and its own scratch slot.
 */
export class KernelMatrix {
  private readonly exports: Record<string, (...args: number[]) => number> | null = null;
  private readonly slot: number = -1;
  private readonly classOf: Int32Array;
  private readonly k: Float32Array;

  constructor(private readonly spec: GramSpec) {
    const classes = spec.classStart.length - 1;
    this.classOf = new Int32Array(spec.n);
    for (let c = 0; c < classes; c++) this.classOf.fill(c, spec.classStart[c], spec.classStart[c + 1]);
    const w = spec.wasm;
    if (w) {
      const instance = new WebAssembly.Instance(w.module, { env: { memory: w.memory } });
      this.exports = instance.exports as unknown as Record<string, (...args: number[]) => number>;
      this.slot = Atomics.add(new Int32Array(w.memory.buffer, w.slots, 1), 0, 1);
      this.k = new Float32Array(w.memory.buffer, w.k, spec.n * spec.n);
    } else this.k = spec.k;
  }

  /** The values of the pair of classes (a, b). */
  pair(a: number, b: number): Gram {
    const { n, dims, classStart } = this.spec;
    const classes = classStart.length - 1;
    const { exports, classOf, k, slot } = this;
    const w = this.spec.wasm;
    if (!exports || !w) return { n, k, ensure: () => {} };
    const fill = exports.rbf_kernel_block;
    const ready = w.ready ? new Int32Array(w.memory.buffer, w.ready, n * classes) : null;
    const block = (row: number, c: number) => {
      if (ready && Atomics.load(ready, row * classes + c) === 0)
        fill(row, classOf[row], classStart[c], classStart[c + 1], c, classes, n, dims, w.x, w.xn, w.gamma, w.k, w.ready);
    };
    const gram: Gram = {
      n,
      k,
      ensure: (row) => {
        block(row, a);
        block(row, b);
      },
    };
    if (slot >= 0 && slot < w.slotCount) {
      const base = w.slotAt + slot * w.slotBytes;
      const rowsAt = base + 8 * w.maxRows;
      const yAt = rowsAt + 4 * w.maxRows;
      const scratchAt = (yAt + 4 * w.maxRows + 7) & ~7;
      const solve = exports.svm_solve;
      gram.solve = (rows, y, C, eps, maxIter) => {
        const l = rows.length;
        const buffer = w.memory.buffer;
        new Int32Array(buffer, rowsAt, l).set(rows);
        new Int32Array(buffer, yAt, l).set(y);
        const args = [n, w.k, a, classStart[a], classStart[a + 1], b, classStart[b], classStart[b + 1], classes];
        const rho = solve(l, rowsAt, yAt, C, eps, maxIter, 1, ...args, dims, w.x, w.xn, w.gamma, w.ready, base, scratchAt);
        return { alpha: new Float64Array(buffer, base, l).slice(), rho };
      };
    }
    return gram;
  }
}

/** Squared norms of the rows of a row-major n × dims matrix. */
export function rowNorms(x: Float64Array, n: number, dims: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * dims;
    for (let d = 0; d < dims; d++) s += x[o + d] * x[o + d];
    out[i] = s;
  }
  return out;
}

/**
 * exp(−γ‖aᵢ − bⱼ‖²) for rows i of `a` (na × dims) and j of `b` (nb × dims), written to out[i·stride + j]; the
 * dot products in 2 × 2 register blocks. `symmetric`: a and b are the same matrix, only j ≤ i is computed and
 * mirrored.
 */
export function rbfBlock(
  a: Float64Array,
  na: number,
  aNorm: Float64Array,
  b: Float64Array,
  nb: number,
  bNorm: Float64Array,
  dims: number,
  gamma: number,
  out: Float32Array | Float64Array,
  symmetric: boolean,
): void {
  const stride = nb;
  const put = (i: number, j: number, dot: number) => {
    const v = Math.exp(-gamma * (aNorm[i] + bNorm[j] - 2 * dot));
    out[i * stride + j] = v;
    if (symmetric) out[j * stride + i] = v;
  };
  for (let i = 0; i < na; i += 2) {
    const i1 = Math.min(i + 1, na - 1);
    const oi0 = i * dims;
    const oi1 = i1 * dims;
    const jEnd = symmetric ? i1 + 1 : nb;
    for (let j = 0; j < jEnd; j += 2) {
      const j1 = Math.min(j + 1, jEnd - 1);
      const oj0 = j * dims;
      const oj1 = j1 * dims;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let d = 0; d < dims; d++) {
        const a0 = a[oi0 + d];
        const a1 = a[oi1 + d];
        const b0 = b[oj0 + d];
        const b1 = b[oj1 + d];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s10 += a1 * b0;
        s11 += a1 * b1;
      }
      put(i, j, s00);
      put(i, j1, s01);
      put(i1, j, s10);
      put(i1, j1, s11);
    }
  }
  if (symmetric) for (let i = 0; i < na; i++) out[i * stride + i] = 1;
}

/** Rows of a cross-kernel block at a time in WebAssembly (bounds its scratch memory). */
const WASM_BLOCK_ROWS = 256;
/** Fewest rows of a for which a cross kernel goes to WebAssembly. */
const WASM_MIN_ROWS = 32;
const WASM_MAX_GRAM_BYTES = 256 * 2 ** 20;

/**
 * {@link rbfBlock} through the engine's WebAssembly kernel (lib/engine/wasm/svm.c) on every thread; false when
 * the module is not available. A symmetric matrix is computed whole (its lower triangle, mirrored).
 */
function rbfBlockWasm(
  a: Float64Array,
  na: number,
  aNorm: Float64Array,
  b: Float64Array,
  nb: number,
  bNorm: Float64Array,
  dims: number,
  gamma: number,
  out: Float32Array | Float64Array,
  symmetric: boolean,
): boolean {
  const rt = svmRuntime();
  if (!rt) return false;
  rt.reset();
  const bp = rt.putTyped(b);
  const bnp = rt.putTyped(bNorm);
  const ap = symmetric ? bp : rt.putTyped(a);
  const anp = symmetric ? bnp : rt.putTyped(aNorm);
  const gp = rt.putTyped(Float64Array.of(gamma));
  const f32 = out instanceof Float32Array;
  const rowsPerBlock = symmetric ? na : Math.min(na, WASM_BLOCK_ROWS);
  const op = f32 ? rt.alloc(rowsPerBlock * nb) : rt.allocF64(rowsPerBlock * nb);
  const parts = rt.threads;
  for (let r0 = 0; r0 < na; r0 += rowsPerBlock) {
    const m = Math.min(rowsPerBlock, na - r0);
    rt.parallelParts('rbf_kernel_rows', parts, (_p0, _p1, part) => [
      part,
      parts,
      m,
      nb,
      dims,
      ap + r0 * dims * 8,
      anp + r0 * 8,
      bp,
      bnp,
      symmetric ? 0 : -1,
      gp,
      f32 ? op : 0,
      f32 ? 0 : op,
    ]);
    const view = f32 ? new Float32Array(rt.memory.buffer, op, m * nb) : new Float64Array(rt.memory.buffer, op, m * nb);
    out.set(view, r0 * nb);
  }
  return true;
}

/** exp(−γ‖aᵢ − bⱼ‖²) into out (na × nb): WebAssembly when the engine's module is built, else TypeScript. */
export function rbfKernel(
  a: Float64Array,
  na: number,
  aNorm: Float64Array,
  b: Float64Array,
  nb: number,
  bNorm: Float64Array,
  dims: number,
  gamma: number,
  out: Float32Array | Float64Array,
  symmetric: boolean,
): void {
  // A few rows (one clip's prediction) stay in TypeScript: copying b into the module would cost more.
  // A Gram matrix is built whole in the module's memory (its mirror writes span it): past WASM_MAX_GRAM_BYTES
  // (about 8000 rows) it stays in TypeScript rather than grow the module's memory for good.
  const wasm = symmetric ? 4 * na * nb <= WASM_MAX_GRAM_BYTES : na >= WASM_MIN_ROWS;
  if (!wasm || !rbfBlockWasm(a, na, aNorm, b, nb, bNorm, dims, gamma, out, symmetric))
    rbfBlock(a, na, aNorm, b, nb, bNorm, dims, gamma, out, symmetric);
}

/** Largest matrix (bytes) kept in a WebAssembly memory: beyond it the matrix is computed whole, in TypeScript. */
const WASM_MAX_FIT_BYTES = 512 * 2 ** 20;

let lastMemory: WebAssembly.Memory | undefined;

/**
 * A shared WebAssembly memory of at least `pages` for one fit: the previous fit's when it is large enough
 * (fits are synchronous, so it is free again; reusing it spares allocating and faulting in pages).
 */
function fitMemory(pages: number): WebAssembly.Memory {
  if (!lastMemory || lastMemory.buffer.byteLength < pages * 65536)
    lastMemory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return lastMemory;
}

/** Rows of x (row-major, `dims` wide) into `out` in `order` (all of them in x's order without one). */
function copyRows(x: Float64Array, dims: number, order: Int32Array | undefined, out: Float64Array): Float64Array {
  if (!order) out.set(x.subarray(0, out.length));
  else order.forEach((r, i) => out.set(x.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}

/**
 * The RBF Gram matrix of the rows of x (n × dims) taken in `order` (its row i is x's row order[i]; by default
 * x's order), which groups them by class as `classStart` says, for `threads` threads: in a WebAssembly memory
 * when the module is available (filled lazily when `lazy`, else computed whole up front), else computed whole
 * in TypeScript.
 */
export function rbfGram(
  x: Float64Array,
  n: number,
  dims: number,
  gamma: number,
  classStart: Int32Array,
  lazy: boolean,
  threads = 1,
  order?: Int32Array,
): GramSpec {
  const wasm = 4 * n * n <= WASM_MAX_FIT_BYTES ? svmKernelModule() : null;
  if (wasm) {
    const classes = classStart.length - 1;
    const sizes = Array.from({ length: classes }, (_, c) => classStart[c + 1] - classStart[c]).sort((u, v) => v - u);
    const maxRows = (sizes[0] ?? 0) + (sizes[1] ?? 0);
    const align = (bytes: number) => (bytes + 63) & ~63;
    const slotBytes = align(16 * maxRows + 8 + solveScratchBytes(maxRows));
    const xAt = align(wasm.heapBase);
    const xnAt = align(xAt + 8 * n * dims);
    const gammaAt = align(xnAt + 8 * n);
    const slots = align(gammaAt + 8);
    const readyAt = align(slots + 4);
    const slotAt = align(readyAt + 4 * n * classes);
    const kAt = align(slotAt + threads * slotBytes);
    const memory = fitMemory(Math.ceil((kAt + 4 * n * n) / 65536));
    const k = new Float32Array(memory.buffer, kAt, n * n);
    new Int32Array(memory.buffer, slots, 1)[0] = 0;
    new Int32Array(memory.buffer, readyAt, n * classes).fill(0);
    const xm = new Float64Array(memory.buffer, xAt, n * dims);
    copyRows(x, dims, order, xm);
    const norms = rowNorms(xm, n, dims);
    new Float64Array(memory.buffer, xnAt, n).set(norms);
    new Float64Array(memory.buffer, gammaAt, 1)[0] = gamma;
    if (!lazy) rbfKernel(xm, n, norms, xm, n, norms, dims, gamma, k, true);
    return {
      n,
      dims,
      classStart,
      k,
      wasm: {
        memory,
        module: wasm.module,
        x: xAt,
        xn: xnAt,
        gamma: gammaAt,
        k: kAt,
        ready: lazy ? readyAt : 0,
        slots,
        slotAt,
        slotBytes,
        slotCount: threads,
        maxRows,
      },
    };
  }
  const xo = order ? copyRows(x, dims, order, new Float64Array(n * dims)) : x;
  const norms = rowNorms(xo, n, dims);
  // Shared where possible: the SVM's pair workers read it.
  const k = new Float32Array(sharedBuffer(4 * n * n));
  rbfKernel(xo, n, norms, xo, n, norms, dims, gamma, k, true);
  return { n, dims, classStart, k };
}

let qScratch = new Float32Array(0);

/**
 * This thread's scratch for a pair's Q matrix (at least `size` floats): pairs and folds reuse it rather than
 * allocate megabytes each (their rows are written before they are read).
 */
function qBuffer(size: number): Float32Array {
  if (qScratch.length < size) qScratch = new Float32Array(size);
  return qScratch;
}

/**
 * Solve one binary C-SVC dual on the Gram rows `rows` (global row indices), labels y ∈ {+1, −1}, bounds
 * C for every variable. Returns α (in the order of `rows`, non-negative) and rho, like libsvm's solve_c_svc
 * before it multiplies α by y.
 *
 * The problem's Q = y·yᵀ ∘ K is gathered row by row, on first use, into an l × l float32 matrix in the
 * variables' original order; the loops over positions read it through `active` (position → variable), so
 * libsvm's swaps move no Q values. With `gram.solve` (WebAssembly) the same loops run there.
 */
export function solveBinary(
  gram: Gram,
  rows: Int32Array,
  yIn: Int8Array,
  C: number,
  eps: number,
  maxIter: number,
  shrinking = true,
): BinarySolution {
  if (gram.solve && shrinking) return gram.solve(rows, yIn, C, eps, maxIter);
  const l = rows.length;
  const n = gram.n;
  const K = gram.k;
  const TAU = 1e-12;
  const LOWER = 0;
  const UPPER = 1;
  const FREE = 2;
  const Q = qBuffer(l * l);
  // Rows of Q are gathered from the Gram matrix on first use, as libsvm computes kernel rows on demand: a
  // pair's working sets touch a fraction of its variables.
  const ready = new Uint8Array(l);
  const qRow = (v: number): number => {
    const o = v * l;
    if (ready[v] === 0) {
      ready[v] = 1;
      gram.ensure(rows[v]);
      const base = rows[v] * n;
      const yv = yIn[v];
      for (let q = 0; q < l; q++) Q[o + q] = yv * yIn[q] * K[base + rows[q]];
    }
    return o;
  };
  // Per position (libsvm permutes positions on shrinking): label, diagonal, α, status, gradient, gradient of
  // the bounded variables, and the variable at that position (its row of Q is at active·l).
  const y = Int8Array.from(yIn);
  const QD = new Float64Array(l);
  // The RBF diagonal: exactly 1 in every Gram matrix (both kernels write 1 there).
  QD.fill(1);
  const alpha = new Float64Array(l);
  const status = new Uint8Array(l).fill(LOWER);
  const G = new Float64Array(l).fill(-1);
  const Gbar = new Float64Array(l);
  const active = Int32Array.from({ length: l }, (_, p) => p);
  let activeSize = l;
  let unshrink = false;

  const setStatus = (i: number) => {
    status[i] = alpha[i] >= C ? UPPER : alpha[i] <= 0 ? LOWER : FREE;
  };
  const swap = (i: number, j: number) => {
    let t = y[i];
    y[i] = y[j];
    y[j] = t;
    t = status[i];
    status[i] = status[j];
    status[j] = t;
    t = active[i];
    active[i] = active[j];
    active[j] = t;
    let u = QD[i];
    QD[i] = QD[j];
    QD[j] = u;
    u = alpha[i];
    alpha[i] = alpha[j];
    alpha[j] = u;
    u = G[i];
    G[i] = G[j];
    G[j] = u;
    u = Gbar[i];
    Gbar[i] = Gbar[j];
    Gbar[j] = u;
  };

  const reconstructGradient = () => {
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j] - 1;
    let nFree = 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nFree++;
    if (nFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const oi = qRow(active[i]);
        let s = G[i];
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) s += alpha[j] * Q[oi + active[j]];
        G[i] = s;
      }
    } else {
      for (let i = 0; i < activeSize; i++)
        if (status[i] === FREE) {
          const oi = qRow(active[i]);
          const ai = alpha[i];
          for (let j = activeSize; j < l; j++) G[j] += ai * Q[oi + active[j]];
        }
    }
  };

  const beShrunk = (i: number, gmax1: number, gmax2: number): boolean => {
    if (status[i] === UPPER) return y[i] === 1 ? -G[i] > gmax1 : -G[i] > gmax2;
    if (status[i] === LOWER) return y[i] === 1 ? G[i] > gmax2 : G[i] > gmax1;
    return false;
  };

  const doShrinking = () => {
    let gmax1 = -Infinity;
    let gmax2 = -Infinity;
    for (let i = 0; i < activeSize; i++) {
      if (y[i] === 1) {
        if (status[i] !== UPPER && -G[i] >= gmax1) gmax1 = -G[i];
        if (status[i] !== LOWER && G[i] >= gmax2) gmax2 = G[i];
      } else {
        if (status[i] !== UPPER && -G[i] >= gmax2) gmax2 = -G[i];
        if (status[i] !== LOWER && G[i] >= gmax1) gmax1 = G[i];
      }
    }
    if (!unshrink && gmax1 + gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    for (let i = 0; i < activeSize; i++)
      if (beShrunk(i, gmax1, gmax2)) {
        activeSize--;
        while (activeSize > i) {
          if (!beShrunk(activeSize, gmax1, gmax2)) {
            swap(i, activeSize);
            break;
          }
          activeSize--;
        }
      }
  };

  // Working set (i, j) into ws; false when optimal (libsvm's select_working_set).
  const ws = new Int32Array(2);
  const selectWorkingSet = (): boolean => {
    let gmax = -Infinity;
    let gmax2 = -Infinity;
    let gmaxIdx = -1;
    let gminIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (y[t] === 1) {
        if (status[t] !== UPPER && -G[t] >= gmax) {
          gmax = -G[t];
          gmaxIdx = t;
        }
      } else if (status[t] !== LOWER && G[t] >= gmax) {
        gmax = G[t];
        gmaxIdx = t;
      }
    }
    const i = gmaxIdx;
    if (i >= 0) {
      const oi = qRow(active[i]);
      const yi = y[i];
      const qdi = QD[i];
      for (let j = 0; j < activeSize; j++) {
        const Gj = G[j];
        if (y[j] === 1) {
          if (status[j] !== LOWER) {
            const gradDiff = gmax + Gj;
            if (Gj >= gmax2) gmax2 = Gj;
            if (gradDiff > 0) {
              const quad = qdi + QD[j] - 2.0 * yi * Q[oi + active[j]];
              const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
              if (objDiff <= objDiffMin) {
                gminIdx = j;
                objDiffMin = objDiff;
              }
            }
          }
        } else if (status[j] !== UPPER) {
          const gradDiff = gmax - Gj;
          if (-Gj >= gmax2) gmax2 = -Gj;
          if (gradDiff > 0) {
            const quad = qdi + QD[j] + 2.0 * yi * Q[oi + active[j]];
            const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
            if (objDiff <= objDiffMin) {
              gminIdx = j;
              objDiffMin = objDiff;
            }
          }
        }
      }
    }
    if (gmax + gmax2 < eps || gminIdx === -1) return false;
    ws[0] = gmaxIdx;
    ws[1] = gminIdx;
    return true;
  };

  let iter = 0;
  let counter = Math.min(l, 1000) + 1;
  for (;;) {
    if (maxIter !== -1 && iter >= maxIter) break;
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) doShrinking();
    }
    if (!selectWorkingSet()) {
      reconstructGradient();
      activeSize = l;
      if (!selectWorkingSet()) break;
      counter = 1;
    }
    ++iter;
    const i = ws[0];
    const j = ws[1];
    const oi = qRow(active[i]);
    const oj = qRow(active[j]);
    const qij = Q[oi + active[j]];
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
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
      let quad = QD[i] + QD[j] - 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
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
    const dAi = alpha[i] - oldAi;
    const dAj = alpha[j] - oldAj;
    for (let k = 0; k < activeSize; k++) {
      const v = active[k];
      G[k] += Q[oi + v] * dAi + Q[oj + v] * dAj;
    }
    const ui = status[i] === UPPER;
    const uj = status[j] === UPPER;
    setStatus(i);
    setStatus(j);
    if (ui !== (status[i] === UPPER)) {
      const c = ui ? -C : C;
      for (let k = 0; k < l; k++) Gbar[k] += c * Q[oi + active[k]];
    }
    if (uj !== (status[j] === UPPER)) {
      const c = uj ? -C : C;
      for (let k = 0; k < l; k++) Gbar[k] += c * Q[oj + active[k]];
    }
  }

  // rho: the mean of y·G over free variables, else the middle of the feasible interval.
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let i = 0; i < activeSize; i++) {
    const yG = y[i] * G[i];
    if (status[i] === UPPER) {
      if (y[i] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (status[i] === LOWER) {
      if (y[i] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const out = new Float64Array(l);
  for (let i = 0; i < l; i++) out[active[i]] = alpha[i];
  return { alpha: out, rho };
}
