/**
 * Probability estimates for the one-vs-one SVM as libsvm computes them (scikit-learn's SVC(probability=True)):
 * each pair's decision values from a 5-fold cross-validation are fitted with a Platt sigmoid (Lin, Lin & Weng's
 * Newton method), and a row's pairwise probabilities are coupled into class probabilities by Wu, Lin & Weng's
 * method 2. The folds are shuffled with the generator scikit-learn's libsvm uses (MT19937 with a Lemire bounded
 * draw, reseeded at every libsvm train call), so a fixed random_state gives scikit-learn's folds.
 */

/** MT19937 (std::mt19937 and numpy's legacy RandomState share it): 32-bit outputs. */
export class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.seed(seed);
  }

  seed(seed: number): void {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
  }

  next(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform integer in [0, range): scikit-learn's bounded_rand_int (Lemire's multiply, rejection below t). */
  bounded(range: number): number {
    let m = BigInt(this.next()) * BigInt(range);
    let low = Number(m & 0xffffffffn);
    if (low < range) {
      let t = (2 ** 32 - range) % 2 ** 32;
      if (t >= range) {
        t -= range;
        if (t >= range) t %= range;
      }
      while (low < t) {
        m = BigInt(this.next()) * BigInt(range);
        low = Number(m & 0xffffffffn);
      }
    }
    return Number(m >> 32n);
  }
}

/** The libsvm seed scikit-learn derives from `random_state`: RandomState(randomState).randint(2³¹ − 1). */
export function libsvmSeed(randomState: number): number {
  const rng = new Mt19937(randomState);
  for (;;) {
    const v = rng.next() & 0x7fffffff;
    if (v <= 2147483646) return v;
  }
}

/** Fit P(y = +1 | f) = 1 / (1 + exp(A·f + B)) to decision values and ±1 labels (libsvm's sigmoid_train). */
export function sigmoidTrain(dec: ArrayLike<number>, labels: ArrayLike<number>): { A: number; B: number } {
  const l = dec.length;
  let prior1 = 0;
  let prior0 = 0;
  for (let i = 0; i < l; i++) if (labels[i] > 0) prior1 += 1;
  else prior0 += 1;
  const maxIter = 100;
  const minStep = 1e-10;
  const sigma = 1e-12;
  const eps = 1e-5;
  const hiTarget = (prior1 + 1.0) / (prior1 + 2.0);
  const loTarget = 1 / (prior0 + 2.0);
  const t = new Float64Array(l);
  let A = 0.0;
  let B = Math.log((prior0 + 1.0) / (prior1 + 1.0));
  let fval = 0.0;
  for (let i = 0; i < l; i++) {
    t[i] = labels[i] > 0 ? hiTarget : loTarget;
    const fApB = dec[i] * A + B;
    fval += fApB >= 0 ? t[i] * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0.0;
    let g1 = 0.0;
    let g2 = 0.0;
    for (let i = 0; i < l; i++) {
      const fApB = dec[i] * A + B;
      let p: number;
      let q: number;
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1.0 + Math.exp(-fApB));
        q = 1.0 / (1.0 + Math.exp(-fApB));
      } else {
        p = 1.0 / (1.0 + Math.exp(fApB));
        q = Math.exp(fApB) / (1.0 + Math.exp(fApB));
      }
      const d2 = p * q;
      h11 += dec[i] * dec[i] * d2;
      h22 += d2;
      h21 += dec[i] * d2;
      const d1 = t[i] - p;
      g1 += dec[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= minStep) {
      const newA = A + step * dA;
      const newB = B + step * dB;
      let newf = 0.0;
      for (let i = 0; i < l; i++) {
        const fApB = dec[i] * newA + newB;
        newf +=
          fApB >= 0 ? t[i] * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
      }
      if (newf < fval + 0.0001 * step * gd) {
        A = newA;
        B = newB;
        fval = newf;
        break;
      }
      step /= 2.0;
    }
    if (step < minStep) break;
  }
  return { A, B };
}

/** 1 / (1 + exp(A·f + B)), computed without cancellation (libsvm's sigmoid_predict). */
export function sigmoidPredict(dec: number, A: number, B: number): number {
  const fApB = dec * A + B;
  return fApB >= 0 ? Math.exp(-fApB) / (1.0 + Math.exp(-fApB)) : 1.0 / (1 + Math.exp(fApB));
}

/** Class probabilities from pairwise ones r[i][j] = P(i | i or j) (Wu, Lin & Weng 2004, method 2; libsvm's). */
export function multiclassProbability(r: number[][]): number[] {
  const k = r.length;
  const maxIter = Math.max(100, k);
  const eps = 0.005 / k;
  const p = new Array<number>(k).fill(1 / k);
  const Q = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const Qp = new Array<number>(k).fill(0);
  for (let t = 0; t < k; t++) {
    Q[t][t] = 0;
    for (let j = 0; j < t; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = Q[j][t];
    }
    for (let j = t + 1; j < k; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = -r[j][t] * r[t][j];
    }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t] += Q[t][j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(Qp[t] - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t][t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
  return p;
}

/** libsvm's pairwise probability of the pair's first class, clipped to [1e-7, 1 − 1e-7]. */
export function pairProbability(dec: number, A: number, B: number): number {
  const minProb = 1e-7;
  return Math.min(Math.max(sigmoidPredict(dec, A, B), minProb), 1 - minProb);
}
