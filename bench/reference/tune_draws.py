"""Reference for bench/tune-draws: a fixed random history of 10-D Rosenbrock trials, then Optuna 3.1's
TPESampler.sample_independent for each parameter with seeds 0..DRAWS-1. Prints JSON {history, draws}.

    /usr/bin/python3 bench/reference/tune_draws.py HISTORY DRAWS
"""
import json
import sys

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def main():
    n_hist, n_draws = int(sys.argv[1]), int(sys.argv[2])
    rs = np.random.RandomState(123)
    dists = {f"x{i}": optuna.distributions.FloatDistribution(-5, 10) for i in range(10)}
    history = []
    for _ in range(n_hist):
        x = rs.uniform(-5, 10, 10)
        value = float(sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(9)))
        history.append({"params": {f"x{i}": float(x[i]) for i in range(10)}, "value": value})
    study = optuna.create_study()
    for h in history:
        study.add_trial(optuna.trial.create_trial(params=h["params"], distributions=dists, value=h["value"]))
    draws = {k: [] for k in dists}
    for seed in range(n_draws):
        sampler = optuna.samplers.TPESampler(seed=seed)
        for name, d in dists.items():
            draws[name].append(sampler.sample_independent(study, study.trials[0], name, d))
    print(json.dumps({"history": history, "draws": draws}))


main()
