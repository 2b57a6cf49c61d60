"""Reference for bench/tune-quality: Optuna's TPESampler (Debian python3-optuna) on Branin, Hartmann-6 and
10-D Rosenbrock. Prints JSON: function -> {"best": [[best after each checkpoint] per seed], "ms_per_trial"}.

    /usr/bin/python3 bench/reference/tune_optuna.py SEEDS TRIALS CHECKPOINT[,CHECKPOINT...] [FUNCTION]

With FUNCTION (branin, hartmann6 or rosenbrock10), only that one: the bench runs one process per function.
"""
import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]
HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(t):
    x, y = t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def hartmann6(t):
    x = [t.suggest_float(f"x{i}", 0, 1) for i in range(6)]
    return -sum(
        HARTMANN_ALPHA[i] * math.exp(-sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2 for j in range(6)))
        for i in range(4)
    )


def rosenbrock10(t):
    x = [t.suggest_float(f"x{i}", -5, 10) for i in range(10)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(9))


def main():
    seeds, trials = int(sys.argv[1]), int(sys.argv[2])
    checkpoints = [int(c) for c in sys.argv[3].split(",")]
    out = {}
    only = sys.argv[4] if len(sys.argv) > 4 else None
    for name, f in [("branin", branin), ("hartmann6", hartmann6), ("rosenbrock10", rosenbrock10)]:
        if only is not None and name != only:
            continue
        best, elapsed = [], 0.0
        for seed in range(seeds):
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
            t0 = time.perf_counter()
            study.optimize(f, n_trials=trials)
            elapsed += time.perf_counter() - t0
            values = [t.value for t in study.trials]
            best.append([min(values[:c]) for c in checkpoints])
        out[name] = {"best": best, "ms_per_trial": 1000 * elapsed / (seeds * trials)}
    print(json.dumps(out))


main()
