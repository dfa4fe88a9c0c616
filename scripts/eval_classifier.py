#!/usr/bin/env python3
"""Compare `aybiza classify` with scikit-learn's RandomForestClassifier on the same folds.

Both forests (100 trees) are trained and scored on identical stratified folds:
the folds come from scikit-learn's StratifiedKFold with a fixed seed and are
handed to aybiza as a `fold` column of a temporary copy of the data (the
column is not a feature). Reported side by side: accuracy per fold and mean,
ROC AUC, fit time and predict time per 1000 rows. scikit-learn runs
in-process with n_jobs=1; aybiza's times are measured inside the command
(CSV reading and process start excluded), single-threaded.

Checks: our mean accuracy within 1 point of scikit-learn's, and our mean fit
time no slower.

    pip install scikit-learn pandas
    cargo build --release -p aybiza-analytics
    python3 scripts/eval_classifier.py [--data ../shared/data/clf_breast_cancer.csv --target target]

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


def sklearn_run(X, y, folds, trees, seed):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score

    rows = []
    for fold in sorted(set(folds)):
        train, test = folds != fold, folds == fold
        model = RandomForestClassifier(n_estimators=trees, random_state=seed, n_jobs=1)
        start = time.perf_counter()
        model.fit(X[train], y[train])
        fit = time.perf_counter() - start
        start = time.perf_counter()
        proba = model.predict_proba(X[test])
        predict = time.perf_counter() - start
        predicted = model.classes_[proba.argmax(axis=1)]
        if len(model.classes_) == 2:
            auc = roc_auc_score(y[test], proba[:, 1])
        else:
            auc = roc_auc_score(y[test], proba, multi_class="ovr", average="macro", labels=model.classes_)
        rows.append({"accuracy": float((predicted == y[test]).mean()), "roc_auc": auc,
                     "fit_seconds": fit, "predict_ms_per_1000": predict * 1e6 / test.sum()})
    return rows


def ours_run(binary, data, target, folds, trees, seed):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        frame = data.copy()
        frame["__fold"] = folds
        frame.to_csv(path, index=False)
        out = subprocess.run(
            [str(binary), "classify", "--input", str(path), "--target", target, "--fold-column", "__fold",
             "--trees", str(trees), "--seed", str(seed)],
            check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    return [{"accuracy": f["accuracy"], "roc_auc": f["roc_auc"], "fit_seconds": f["fit_seconds"],
             "predict_ms_per_1000": f["predict_seconds_per_1000_rows"] * 1000} for f in report["folds"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/clf_breast_cancer.csv"))
    parser.add_argument("--target", default="target")
    parser.add_argument("--binary", default=str(ROOT / "target/release/aybiza"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds; each gives new folds and forests")
    args = parser.parse_args()

    from sklearn.model_selection import StratifiedKFold

    data = pd.read_csv(args.data)
    X = data.drop(columns=[args.target]).to_numpy(dtype=float)
    y = data[args.target].astype(str).to_numpy()
    print(f"data: {args.data} ({len(data)} rows, {X.shape[1]} features, classes {sorted(set(y))})\n")

    summary = {"sklearn": [], "aybiza": []}
    for seed in [int(s) for s in args.seeds.split(",")]:
        folds = np.zeros(len(y), dtype=int)
        for k, (_, test) in enumerate(StratifiedKFold(args.folds, shuffle=True, random_state=seed).split(X, y)):
            folds[test] = k
        theirs = sklearn_run(X, y, folds, args.trees, seed)
        mine = ours_run(args.binary, data, args.target, folds, args.trees, seed)
        print(f"seed {seed}: {'fold':>4s} | {'sklearn acc':>11s} {'AUC':>6s} {'fit s':>7s} {'pred ms/1k':>10s} "
              f"| {'aybiza acc':>10s} {'AUC':>6s} {'fit s':>7s} {'pred ms/1k':>10s}")
        for k, (t, m) in enumerate(zip(theirs, mine)):
            print(f"        {k:4d} | {t['accuracy']:11.4f} {t['roc_auc']:6.4f} {t['fit_seconds']:7.3f} "
                  f"{t['predict_ms_per_1000']:10.2f} | {m['accuracy']:10.4f} {m['roc_auc']:6.4f} "
                  f"{m['fit_seconds']:7.3f} {m['predict_ms_per_1000']:10.2f}")
        for name, rows in [("sklearn", theirs), ("aybiza", mine)]:
            summary[name].append({key: statistics.mean(r[key] for r in rows) for key in rows[0]})
        t, m = summary["sklearn"][-1], summary["aybiza"][-1]
        print(f"        mean | {t['accuracy']:11.4f} {t['roc_auc']:6.4f} {t['fit_seconds']:7.3f} "
              f"{t['predict_ms_per_1000']:10.2f} | {m['accuracy']:10.4f} {m['roc_auc']:6.4f} "
              f"{m['fit_seconds']:7.3f} {m['predict_ms_per_1000']:10.2f}\n")

    overall = {name: {key: statistics.mean(r[key] for r in rows) for key in rows[0]} for name, rows in summary.items()}
    t, m = overall["sklearn"], overall["aybiza"]
    print(f"over {len(summary['sklearn'])} seeds x {args.folds} folds:")
    print(f"  {'':8s} {'accuracy':>9s} {'ROC AUC':>8s} {'fit s':>7s} {'pred ms/1k rows':>16s}")
    for name in ["sklearn", "aybiza"]:
        r = overall[name]
        print(f"  {name:8s} {r['accuracy']:9.4f} {r['roc_auc']:8.4f} {r['fit_seconds']:7.3f} {r['predict_ms_per_1000']:16.2f}")

    failures = []
    if m["accuracy"] < t["accuracy"] - 0.01:
        failures.append(f"accuracy {m['accuracy']:.4f} is more than 1 point below scikit-learn's {t['accuracy']:.4f}")
    if m["fit_seconds"] > t["fit_seconds"]:
        failures.append(f"fit time {m['fit_seconds']:.3f} s is slower than scikit-learn's {t['fit_seconds']:.3f} s")
    if failures:
        print("\nFAILED:", "; ".join(failures))
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
