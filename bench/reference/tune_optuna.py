"""Reference for bench/tune-quality: Optuna's TPESampler (Debian python3-optuna) on Branin, Hartmann-6, 10-D
Rosenbrock and the mixed hyperparameter-like space of lib/tune/test-functions.ts, with its default settings
("default") and with multivariate=True ("multivariate"). Prints JSON: function -> config ->
{"best": [[best after each checkpoint] per seed], "ms_per_trial", "cpu_ms_per_trial"}.

    /usr/bin/python3 bench/reference/tune_optuna.py SEEDS TRIALS CHECKPOINT[,CHECKPOINT...] [FUNCTION [FIRST_SEED]]

With FUNCTION (branin, hartmann6, rosenbrock10 or mixed), only that one: the bench runs one process per function.
Seeds are FIRST_SEED (default 0) onwards.
"""
import json
import math
import sys
import time

import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)

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


# optimiser -> (value added at its best, best log10 learning rate)
MIXED_OPTIMIZER_SHAPE = {"sgd": (0.4, -1), "momentum": (0.15, -1.7), "adam": (0, -3.3), "rmsprop": (0.05, -2.8)}


def mixed(t):
    optimizer = t.suggest_categorical("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    layers = t.suggest_int("layers", 1, 8)
    units = t.suggest_int("units", 8, 1024, log=True)
    dropout = t.suggest_float("dropout", 0, 0.5, step=0.05)
    offset, best_log_lr = MIXED_OPTIMIZER_SHAPE[optimizer]
    return (
        offset
        + 0.2 * (math.log10(lr) - best_log_lr) ** 2
        + 0.05 * (layers - 3) ** 2
        + 0.03 * (math.log2(units) - 7) ** 2
        + 4 * (dropout - 0.05 * layers) ** 2
    )


CONFIGS = {"default": {}, "multivariate": {"multivariate": True}}


def main():
    seeds, trials = int(sys.argv[1]), int(sys.argv[2])
    checkpoints = [int(c) for c in sys.argv[3].split(",")]
    out = {}
    only = sys.argv[4] if len(sys.argv) > 4 else None
    first_seed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    for name, f in [("branin", branin), ("hartmann6", hartmann6), ("rosenbrock10", rosenbrock10), ("mixed", mixed)]:
        if only is not None and name != only:
            continue
        out[name] = {}
        for config, options in CONFIGS.items():
            best, elapsed, cpu = [], 0.0, 0.0
            for seed in range(first_seed, first_seed + seeds):
                study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed, **options))
                t0, c0 = time.perf_counter(), time.process_time()
                study.optimize(f, n_trials=trials)
                elapsed += time.perf_counter() - t0
                cpu += time.process_time() - c0
                values = [t.value for t in study.trials]
                best.append([min(values[:c]) for c in checkpoints])
            out[name][config] = {
                "best": best,
                "ms_per_trial": 1000 * elapsed / (seeds * trials),
                "cpu_ms_per_trial": 1000 * cpu / (seeds * trials),
            }
    print(json.dumps(out))


main()
