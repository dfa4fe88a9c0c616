#!/usr/bin/env python3
"""Compare `aybiza regress` with scikit-learn's RandomForestRegressor on the same folds.

Four forests of 100 trees are trained and scored on identical shuffled folds
(scikit-learn's KFold with a fixed seed, handed to aybiza as a `fold` column of
a temporary copy of the data; the column is not a feature):

- aybiza: smartcore's forest, a third of the features tried at each split (the default);
- aybiza with `--feature-fraction 1`: every feature at each split;
- scikit-learn with its default `max_features=1.0` (every feature at each split);
- scikit-learn with `max_features=1/3`, the same rule as our default.

Reported side by side: MAE, RMSE and R² per fold and mean, fit time and predict
time per 1000 rows, and the permutation importance of each column (drop of R² on
the held-out folds) of the two forests that try a third of the features. scikit-learn runs in-process with n_jobs=1; aybiza's times
are measured inside the command (CSV reading and process start excluded),
single-threaded.

The default data is scikit-learn's bundled diabetes data set (442 patients, ten
measurements, disease progression a year later; Efron et al. 2004), written to
a temporary CSV; `--data` takes any CSV with a numeric `--target`.

Checks: the mean MAE of our default forest no more than 2% above the better
scikit-learn forest's, and its mean fit time no slower than scikit-learn's
default forest.

    pip install scikit-learn pandas
    cargo build --release -p aybiza-analytics
    python3 scripts/eval_regressor.py [--data FILE.csv --target COLUMN [--drop ID,...]]

Exits non-zero when a check fails.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["mae", "rmse", "r2", "fit_seconds", "predict_ms_per_1000"]
IMPORTANCE_REPEATS = 5


def sklearn_run(X, y, folds, trees, seed, max_features, importance=None):
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.inspection import permutation_importance

    rows = []
    for fold in sorted(set(folds)):
        train, test = folds != fold, folds == fold
        model = RandomForestRegressor(n_estimators=trees, max_features=max_features, random_state=seed, n_jobs=1)
        start = time.perf_counter()
        model.fit(X[train], y[train])
        fit = time.perf_counter() - start
        start = time.perf_counter()
        predicted = model.predict(X[test])
        predict = time.perf_counter() - start
        rows.append({**metrics(y[test], predicted), "fit_seconds": fit, "predict_ms_per_1000": predict * 1e6 / test.sum()})
        if importance is not None:
            drops = permutation_importance(model, X[test], y[test], scoring="r2", n_repeats=IMPORTANCE_REPEATS,
                                           random_state=seed).importances_mean
            importance.append(drops)
    return rows


def metrics(truth, predicted):
    error = truth - predicted
    return {
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error**2).mean())),
        "r2": float(1 - (error**2).sum() / ((truth - truth.mean()) ** 2).sum()),
    }


def ours_run(binary, data, target, folds, trees, seed, fraction=None, importance=None):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        frame = data.copy()
        frame["__fold"] = folds
        frame.to_csv(path, index=False)
        out = subprocess.run(
            [str(binary), "regress", "--input", str(path), "--target", target, "--fold-column", "__fold",
             "--trees", str(trees), "--seed", str(seed)]
            + (["--feature-fraction", str(fraction)] if fraction else [])
            + (["--importance-repeats", str(IMPORTANCE_REPEATS)] if importance is not None else []),
            check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    if importance is not None:
        importance.append({f["column"]: f["importance"] for f in report["importance"]})
    return [{"mae": f["mae"], "rmse": f["rmse"], "r2": f["r2"], "fit_seconds": f["fit_seconds"],
             "predict_ms_per_1000": f["predict_seconds_per_1000_rows"] * 1000} for f in report["folds"]]


def load(args):
    if args.data:
        data = pd.read_csv(args.data)
        if args.drop:
            data = data.drop(columns=args.drop.split(","))
        return data, args.target, args.data
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True, scaled=False).frame
    return data, "target", "scikit-learn's diabetes data set"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="a CSV with a header row (default: scikit-learn's diabetes data)")
    parser.add_argument("--target", default="target")
    parser.add_argument("--drop", help="comma-separated columns that are not features (an id, say)")
    parser.add_argument("--binary", default=str(ROOT / "target/release/aybiza"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds; each gives new folds and forests")
    args = parser.parse_args()

    from sklearn.model_selection import KFold

    data, target, name = load(args)
    X = data.drop(columns=[target]).to_numpy(dtype=float)
    y = data[target].to_numpy(dtype=float)
    print(f"data: {name} ({len(data)} rows, {X.shape[1]} features, target {target!r})\n")

    # Permutation importance (drop of R² on each held-out fold, 5 shuffles) of the two forests
    # that try a third of the features per split, to compare their rankings.
    features = list(data.drop(columns=[target]).columns)
    theirs_importance, ours_importance = [], []
    models = {
        "sklearn": lambda folds, seed: sklearn_run(X, y, folds, args.trees, seed, 1.0),
        "sklearn 1/3": lambda folds, seed: sklearn_run(X, y, folds, args.trees, seed, 1 / 3, theirs_importance),
        "aybiza": lambda folds, seed: ours_run(args.binary, data, target, folds, args.trees, seed,
                                               importance=ours_importance),
        "aybiza 1.0": lambda folds, seed: ours_run(args.binary, data, target, folds, args.trees, seed, 1.0),
    }
    summary = {model: [] for model in models}
    for seed in [int(s) for s in args.seeds.split(",")]:
        folds = np.zeros(len(y), dtype=int)
        for k, (_, test) in enumerate(KFold(args.folds, shuffle=True, random_state=seed).split(X)):
            folds[test] = k
        print(f"seed {seed}: {'model':12s} {'MAE':>9s} {'RMSE':>9s} {'R2':>7s} {'fit s':>7s} {'pred ms/1k':>10s}")
        for model, run in models.items():
            rows = run(folds, seed)
            mean = {key: statistics.mean(r[key] for r in rows) for key in KEYS}
            summary[model].append(mean)
            print(f"        {model:12s} {mean['mae']:9.3f} {mean['rmse']:9.3f} {mean['r2']:7.4f} "
                  f"{mean['fit_seconds']:7.3f} {mean['predict_ms_per_1000']:10.2f}")
        print()

    overall = {model: {key: statistics.mean(r[key] for r in rows) for key in KEYS} for model, rows in summary.items()}
    print(f"over {len(summary['aybiza'])} seeds x {args.folds} folds (means of the folds):")
    print(f"  {'model':12s} {'MAE':>9s} {'RMSE':>9s} {'R2':>7s} {'fit s':>7s} {'pred ms/1k rows':>16s}")
    for model, r in overall.items():
        print(f"  {model:12s} {r['mae']:9.3f} {r['rmse']:9.3f} {r['r2']:7.4f} {r['fit_seconds']:7.3f} "
              f"{r['predict_ms_per_1000']:16.2f}")

    theirs_mean = dict(zip(features, np.mean(theirs_importance, axis=0)))
    ours_mean = {name: statistics.mean(fold[name] for fold in ours_importance) for name in features}
    print(f"\npermutation importance (drop of R², mean over the folds), a third of the features per split:")
    print(f"  {'column':24s} {'sklearn 1/3':>11s} {'aybiza':>8s}")
    for name in sorted(features, key=lambda n: -theirs_mean[n]):
        print(f"  {name:24s} {theirs_mean[name]:11.3f} {ours_mean[name]:8.3f}")

    ours = overall["aybiza"]
    best_mae = min(overall["sklearn"]["mae"], overall["sklearn 1/3"]["mae"])
    failures = []
    if ours["mae"] > best_mae * 1.02:
        failures.append(f"MAE {ours['mae']:.3f} is more than 2% above scikit-learn's best {best_mae:.3f}")
    if ours["fit_seconds"] > overall["sklearn"]["fit_seconds"]:
        failures.append(f"fit time {ours['fit_seconds']:.3f} s is slower than scikit-learn's "
                        f"{overall['sklearn']['fit_seconds']:.3f} s")
    if failures:
        print("\nFAILED:", "; ".join(failures))
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
