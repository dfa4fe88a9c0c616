#!/usr/bin/env python3
"""Time the Markov attribution of `aybiza attribution` and ChannelAttribution 2.2.5 on
synthetic paths over many channels, where the cost of both grows with the number of
channels (each computes one removal effect per channel).

    pip install ChannelAttribution==2.2.5 matplotlib pandas
    cargo build --release -p aybiza-analytics
    python3 scripts/eval_attribution_scale.py [--channels 10,50,200] [--orders 1,2,3] \
        [--paths 20000] [--binary target/release/aybiza]

The paths: 1 to 8 touches each, channels drawn with a skew towards low numbers (a few
channels carry most touches), 1 to 50 journeys per path, of which a share depending on
the last channel converts (value 40 per conversion); equal paths are aggregated. Both
tools get the same CSV. ChannelAttribution is timed in-process (its Markov model alone);
aybiza for the whole command (process start, CSV reading and all seven models). One run
each: ChannelAttribution takes minutes on the largest cases.
"""

import argparse
import contextlib
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def synthetic_paths(channels, paths, seed):
    rng = random.Random(seed)
    aggregated = {}
    for _ in range(paths):
        touches = [int(rng.random() ** 2 * channels) for _ in range(rng.randint(1, 8))]
        journeys = rng.randint(1, 50)
        rate = 0.05 + 0.3 * (touches[-1] % 7) / 7
        conversions = round(journeys * rate)
        row = aggregated.setdefault(">".join(f"ch{t:03d}" for t in touches), [0, 0.0, 0])
        row[0] += conversions
        row[1] += conversions * 40.0
        row[2] += journeys - conversions
    return pd.DataFrame(
        [(path, c, v, n) for path, (c, v, n) in aggregated.items()],
        columns=["path", "total_conversions", "total_conversion_value", "total_null"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", default="10,50,200")
    parser.add_argument("--orders", default="1,2,3")
    parser.add_argument("--paths", type=int, default=20000, help="paths drawn before aggregation")
    parser.add_argument("--seed", type=int, default=7)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    parser.add_argument("--binary", default=str(target / "release" / "aybiza"))
    args = parser.parse_args()
    try:
        from ChannelAttribution import markov_model
    except ImportError:
        sys.exit("ChannelAttribution is not installed: pip install ChannelAttribution==2.2.5 matplotlib pandas")

    print("| channels | distinct paths | order | ChannelAttribution (s) | aybiza, whole command (s) | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for channels in (int(c) for c in args.channels.split(",")):
            frame = synthetic_paths(channels, args.paths, args.seed)
            csv_path = Path(tmp) / f"paths_{channels}.csv"
            frame.to_csv(csv_path, index=False)
            for order in (int(o) for o in args.orders.split(",")):
                started = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    markov_model(frame, "path", "total_conversions", var_value="total_conversion_value",
                                 var_null="total_null", order=order, sep=">", out_more=True, verbose=False, seed=1)
                peer = time.perf_counter() - started
                started = time.perf_counter()
                subprocess.run(
                    [args.binary, "attribution", "--input", str(csv_path), "--path-column", "path",
                     "--separator", ">", "--conversions-column", "total_conversions",
                     "--nulls-column", "total_null", "--value-column", "total_conversion_value",
                     "--order", str(order), "--output", os.devnull],
                    check=True, capture_output=True,
                )
                ours = time.perf_counter() - started
                print(f"| {channels} | {len(frame)} | {order} | {peer:.3f} | {ours:.3f} | {peer / ours:.0f}x |", flush=True)


if __name__ == "__main__":
    main()
