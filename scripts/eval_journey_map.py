#!/usr/bin/env python3
"""Check `aybiza journey-map` against pm4py on the same event log, and time both.

The event log is generated with the project's simulator (customer journeys over
web, app, chat, e-mail and voice; one case per customer, the action as the
activity), written as CSV with the rows shuffled. Variants, directly-follows
counts and start/end activities must equal pm4py's exactly; median transition
times must agree to the microsecond.

    pip install pm4py pandas
    cargo build --release -p aybiza-analytics
    python3 scripts/eval_journey_map.py [--journeys-per-day 330]   # about 1M events

Exits non-zero when a check fails.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, runs=1):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def write_log(binary, journeys_per_day, days, path):
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "sim.jsonl"
        subprocess.run(
            [str(binary), "simulate", "--tenants", "2", "--days", str(days), "--calls-per-day", "0",
             "--journeys-per-day", str(journeys_per_day), "--output", str(jsonl)],
            check=True, capture_output=True)
        rows = []
        with open(jsonl) as f:
            for line in f:
                if '"journey_event"' not in line:
                    continue
                e = json.loads(line)
                rows.append((f'{e["tenant"]}/{e["customer_id"]}', e["action"], e["timestamp"], e["channel"]))
    random.Random(7).shuffle(rows)
    with open(path, "w") as f:
        f.write("case_id,activity,timestamp,channel\n")
        for row in rows:
            f.write(",".join(row) + "\n")
    return len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / "target/release/aybiza"))
    parser.add_argument("--journeys-per-day", type=int, default=330)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each side (median reported)")
    args = parser.parse_args()

    import pandas as pd
    import pm4py

    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "events.csv"
        events = write_log(args.binary, args.journeys_per_day, args.days, log_path)
        print(f"event log: {events} events ({log_path.stat().st_size / 1e6:.0f} MB CSV, rows shuffled)\n")

        def pm4py_all():
            df = pd.read_csv(log_path)
            df = pm4py.format_dataframe(df, case_id="case_id", activity_key="activity", timestamp_key="timestamp")
            t1 = time.perf_counter()
            variants = pm4py.get_variants(df)
            t2 = time.perf_counter()
            dfg, starts, ends = pm4py.discover_dfg(df)
            t3 = time.perf_counter()
            perf, _, _ = pm4py.discover_performance_dfg(df)
            t4 = time.perf_counter()
            return (variants, dfg, starts, ends, perf), (t2 - t1, t3 - t2, t4 - t3)

        def ours():
            out = Path(tmp) / "map.json"
            subprocess.run([str(args.binary), "journey-map", "--input", str(log_path), "--output", str(out)],
                           check=True, capture_output=True)
            return json.loads(out.read_text())

        ((variants, dfg, starts, ends, perf), parts), pm4py_time = timed(pm4py_all, args.runs)
        mine, our_time = timed(ours, args.runs)

    failures = []

    def check(name, theirs, ours_):
        ok = theirs == ours_
        print(f"  {name:28s} {'equal' if ok else 'DIFFERENT'} ({len(theirs)} entries)")
        if not ok:
            failures.append(name)

    print("results")
    check("variants (path -> count)", {tuple(k): int(v) for k, v in variants.items()},
          {tuple(v["path"]): v["count"] for v in mine["variants"]})
    check("directly-follows counts", {k: int(v) for k, v in dfg.items()},
          {(e["from"], e["to"]): e["count"] for e in mine["edges"]})
    check("start activities", {k: int(v) for k, v in starts.items()}, mine["start_activities"])
    check("end activities", {k: int(v) for k, v in ends.items()}, mine["end_activities"])
    medians = {(e["from"], e["to"]): e["median_seconds"] for e in mine["edges"]}
    worst = max(abs((v["median"] if isinstance(v, dict) else v) - medians[k]) for k, v in perf.items())
    print(f"  {'median transition seconds':28s} largest difference {worst:.2e} s")
    if worst > 1e-6:
        failures.append("medians")

    print(f"\ntime (median of {args.runs})")
    print(f"  pm4py: {pm4py_time:.2f} s in all, of which variants {parts[0]:.2f} s, "
          f"DFG {parts[1]:.2f} s, performance DFG {parts[2]:.2f} s (the rest reads and formats the CSV)")
    print(f"  aybiza journey-map: {our_time:.2f} s for the whole command (reading, variants, DFG with medians, JSON)")
    print(f"  ratio: {pm4py_time / our_time:.0f}x")

    if failures:
        print("\nFAILED:", ", ".join(failures))
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
