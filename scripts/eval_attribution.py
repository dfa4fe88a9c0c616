#!/usr/bin/env python3
"""Compare `aybiza attribution` with ChannelAttribution 2.2.5 on the same paths.

Heuristic models (first touch, last touch, linear) must match exactly. The
Markov model of ChannelAttribution is a Monte-Carlo estimate: it is run with
several independent seeds, and our exact result must fall within its seed-to-seed noise
(|ours - mean| <= 4 standard deviations, plus 1e-6 of the total). Times are
wall-clock medians: ChannelAttribution in-process, ours for the whole
command (process start and CSV reading included).

    pip install ChannelAttribution==2.2.5 matplotlib pandas
    cargo build --release -p aybiza-analytics
    python3 scripts/eval_attribution.py [--data ../shared/data/attribution_paths.csv]

Exits non-zero when a check fails.
"""

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def quiet(fn, *args, **kwargs):
    """Runs ChannelAttribution with its banner and progress output swallowed."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def ours(binary, data, order, runs):
    cmd = [
        str(binary), "attribution", "--input", str(data),
        "--nulls-column", "total_null", "--value-column", "total_conversion_value",
        "--order", str(order),
    ]
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - start)
    return pd.read_csv(io.StringIO(out)).set_index("channel"), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/attribution_paths.csv"))
    parser.add_argument("--binary", default=str(ROOT / "target/release/aybiza"))
    parser.add_argument("--seeds", type=int, default=8, help="ChannelAttribution Markov runs per order")
    parser.add_argument("--orders", default="1,2,3")
    args = parser.parse_args()

    from ChannelAttribution import heuristic_models, markov_model

    data = pd.read_csv(args.data)
    failures = []
    print(f"data: {args.data} ({len(data)} paths, {data.total_conversions.sum():.0f} conversions)\n")

    # Heuristic models: exact.
    times = []
    for _ in range(5):
        start = time.perf_counter()
        theirs = quiet(heuristic_models, data, "path", "total_conversions",
                       var_value="total_conversion_value", sep=">")
        times.append(time.perf_counter() - start)
    theirs = theirs.set_index("channel_name")
    mine, our_time = ours(args.binary, args.data, 1, 5)
    print("heuristic models (max absolute difference, conversions / value)")
    for model, column in [("first_touch", "first_touch"), ("last_touch", "last_touch"), ("linear_touch", "linear")]:
        dc = (theirs[f"{model}_conversions"] - mine.loc[theirs.index, f"{column}_conversions"]).abs().max()
        dv = (theirs[f"{model}_value"] - mine.loc[theirs.index, f"{column}_value"]).abs().max()
        ok = dc <= 1e-9 * data.total_conversions.sum() and dv <= 1e-9 * data.total_conversion_value.sum()
        print(f"  {model:13s} {dc:.2e} / {dv:.2e}  {'ok' if ok else 'MISMATCH'}")
        if not ok:
            failures.append(model)
    print(f"  time: ChannelAttribution {statistics.median(times) * 1000:.1f} ms (in-process), "
          f"aybiza {our_time * 1000:.1f} ms (whole command, all 7 models)\n")

    for order in [int(o) for o in args.orders.split(",")]:
        runs, times = [], []
        # ChannelAttribution seeds its `nfold` internal runs with seed, seed + 1, …, and keeps one
        # of them: nearby seeds share runs, so the seeds are spaced far apart.
        for seed in range(0, 1000 * args.seeds, 1000):
            start = time.perf_counter()
            res = quiet(markov_model, data, "path", "total_conversions", var_value="total_conversion_value",
                        var_null="total_null", order=order, sep=">", out_more=True, verbose=False, seed=seed)
            times.append(time.perf_counter() - start)
            runs.append(res)
        mine, our_time = ours(args.binary, args.data, order, 5)
        channels = runs[0]["result"].channel_name
        total = data.total_conversions.sum()
        print(f"Markov order {order}: ChannelAttribution over {args.seeds} seeds (mean ± sd) vs aybiza (exact)")
        print(f"  {'channel':8s} {'CA conversions':>20s} {'aybiza':>10s} {'z':>6s}   {'CA removal eff.':>16s} {'aybiza':>8s}")
        worst = 0.0
        for channel in channels:
            conv = [r["result"].set_index("channel_name").total_conversions[channel] for r in runs]
            re = [r["removal_effects"].set_index("channel_name").removal_effects_conversion[channel] for r in runs]
            m, sd = statistics.mean(conv), statistics.stdev(conv) if len(conv) > 1 else 0.0
            value = mine.loc[channel, f"markov_{order}_conversions"]
            z = (value - m) / sd if sd > 0 else float("inf") if abs(value - m) > 1e-6 * total else 0.0
            worst = max(worst, abs(z))
            print(f"  {channel:8s} {m:12.2f} ± {sd:5.2f} {value:10.2f} {z:6.2f}   "
                  f"{statistics.mean(re):16.4f} {mine.loc[channel, 'markov_removal_effect']:8.4f}")
            if abs(value - m) > 4 * sd + 1e-6 * total:
                failures.append(f"markov_{order}:{channel}")
        worst_value = 0.0
        total_value = data.total_conversion_value.sum()
        for channel in channels:
            value_runs = [r["result"].set_index("channel_name").total_conversion_value[channel] for r in runs]
            m, sd = statistics.mean(value_runs), statistics.stdev(value_runs)
            value = mine.loc[channel, f"markov_{order}_value"]
            worst_value = max(worst_value, abs(value - m) / sd if sd > 0 else 0.0)
            if abs(value - m) > 4 * sd + 1e-6 * total_value:
                failures.append(f"markov_{order}_value:{channel}")
        print(f"  conversion value: largest |z| = {worst_value:.2f}")
        print(f"  largest |z| = {worst:.2f}; time: ChannelAttribution {statistics.median(times) * 1000:.0f} ms, "
              f"aybiza {our_time * 1000:.1f} ms ({statistics.median(times) / our_time:.0f}x)\n")

    if failures:
        print("FAILED:", ", ".join(failures))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
