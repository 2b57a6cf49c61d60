"""Reference for bench/classic: scikit-learn 1.2's SVC and RandomForestClassifier on the fold matrices that
bench/classic dumped (features in memory before any clock starts). Times fit and predict alone (wall and CPU seconds), one thread.
Prints JSON {folds: [{svm: {fit, predict, pred, proba?}, rf: [{seed, fit, predict, pred}]}]}.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/reference/classic_sklearn.py DIR
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC


def timed(f):
    """f's result, its wall seconds, and its CPU seconds (this one thread)."""
    t = time.perf_counter()
    c = time.process_time()
    out = f()
    return out, (time.perf_counter() - t, time.process_time() - c)


def main():
    d = sys.argv[1]
    meta = json.load(open(d + "/meta.json"))
    folds = []
    for k, fold in enumerate(meta["folds"]):
        dims = fold["dims"]
        xtr = np.fromfile(f"{d}/{k}-xtr.f32", dtype=np.float32).reshape(fold["ntr"], dims).astype(np.float64)
        xte = np.fromfile(f"{d}/{k}-xte.f32", dtype=np.float32).reshape(fold["nte"], dims).astype(np.float64)
        ytr = np.array(fold["ytr"])
        out = {}
        if fold["warmup"]:
            # Untimed fits and predicts per model before a protocol's timings, as many as bench/classic does.
            for _ in range(meta["svm"] and meta["svmWarmup"]):
                SVC(C=meta["C"], gamma="scale").fit(xtr, ytr).predict(xte)
            if meta["rfSeeds"]:
                RandomForestClassifier(n_estimators=meta["trees"], random_state=0, n_jobs=1).fit(xtr, ytr).predict(xte)
        if meta["svm"]:
            m = SVC(C=meta["C"], gamma="scale")
            _, (fit, fitCpu) = timed(lambda: m.fit(xtr, ytr))
            pred, (predict, predictCpu) = timed(lambda: m.predict(xte))
            out["svm"] = {"fit": fit, "fitCpu": fitCpu, "predict": predict, "predictCpu": predictCpu, "pred": pred.tolist()}
            if meta["probability"]:
                p = SVC(C=meta["C"], gamma="scale", probability=True, random_state=meta["probabilitySeed"])
                _, (pfit, _) = timed(lambda: p.fit(xtr, ytr))
                proba, (ppredict, _) = timed(lambda: p.predict_proba(xte))
                out["svm"].update(
                    {
                        "probaFit": pfit,
                        "probaPredict": ppredict,
                        "proba": proba.tolist(),
                        "probaClasses": p.classes_.tolist(),
                        "probA": p.probA_.tolist(),
                        "probB": p.probB_.tolist(),
                    }
                )
        if meta["rfSeeds"]:
            out["rf"] = []
            for seed in meta["rfSeeds"]:
                m = RandomForestClassifier(n_estimators=meta["trees"], random_state=seed, n_jobs=1)
                _, (fit, fitCpu) = timed(lambda: m.fit(xtr, ytr))
                pred, (predict, predictCpu) = timed(lambda: m.predict(xte))
                out["rf"].append(
                    {"seed": seed, "fit": fit, "fitCpu": fitCpu, "predict": predict, "predictCpu": predictCpu, "pred": pred.tolist()}
                )
        folds.append(out)
    print(json.dumps({"folds": folds}))


main()
