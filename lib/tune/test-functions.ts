/**
 * Standard optimisation test functions as objectives (all minimised), for benches, demos and smoke runs of
 * `ser tune --objective NAME`: Branin (min ≈ 0.397887), Hartmann-6 (min ≈ −3.32237), 10-D Rosenbrock
 * on [−5, 10]^10 (min 0), parameters named x0, x1, ...; and `mixed` (min 0), a made-up hyperparameter search
 * landscape over the kinds of parameter `ser tune` searches: a log-scaled learning rate whose best value depends
 * on a categorical optimiser, an int layer count, a log-scaled int width and a stepped dropout whose best value
 * grows with the layer count.
 */
import type { Trial } from './trial';

const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];
const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];

const MIXED_OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
/** Per optimiser: the value added at its best, and its best log10 learning rate. */
const MIXED_OPTIMIZER_SHAPE: Record<
  (typeof MIXED_OPTIMIZERS)[number],
  { offset: number; bestLogLr: number }
> = {
  sgd: { offset: 0.4, bestLogLr: -1 },
  momentum: { offset: 0.15, bestLogLr: -1.7 },
  adam: { offset: 0, bestLogLr: -3.3 },
  rmsprop: { offset: 0.05, bestLogLr: -2.8 },
};

export const TEST_FUNCTIONS: Readonly<
  Record<'branin' | 'hartmann6' | 'rosenbrock10' | 'mixed', (trial: Trial) => number>
> = {
  branin: (t) => {
    const x = t.suggestFloat('x0', -5, 10);
    const y = t.suggestFloat('x1', 0, 15);
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
  },
  hartmann6: (t) => {
    const x = Array.from({ length: 6 }, (_, i) => t.suggestFloat(`x${i}`, 0, 1));
    let s = 0;
    for (let i = 0; i < 4; i++) {
      let e = 0;
      for (let j = 0; j < 6; j++) e += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2;
      s -= HARTMANN_ALPHA[i] * Math.exp(-e);
    }
    return s;
  },
  rosenbrock10: (t) => {
    const x = Array.from({ length: 10 }, (_, i) => t.suggestFloat(`x${i}`, -5, 10));
    let s = 0;
    for (let i = 0; i < 9; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
    return s;
  },
  mixed: (t) => {
    const optimizer = t.suggestCategorical('optimizer', MIXED_OPTIMIZERS);
    const lr = t.suggestFloat('lr', 1e-5, 1, { log: true });
    const layers = t.suggestInt('layers', 1, 8);
    const units = t.suggestInt('units', 8, 1024, { log: true });
    const dropout = t.suggestFloat('dropout', 0, 0.5, { step: 0.05 });
    const { offset, bestLogLr } = MIXED_OPTIMIZER_SHAPE[optimizer];
    return (
      offset +
      0.2 * (Math.log10(lr) - bestLogLr) ** 2 +
      0.05 * (layers - 3) ** 2 +
      0.03 * (Math.log2(units) - 7) ** 2 +
      4 * (dropout - 0.05 * layers) ** 2
    );
  },
};
