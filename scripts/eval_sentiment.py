#!/usr/bin/env python3
"""Compare the default sentiment analyzer of aybiza-analytics with VADER.

Requirements (this script installs nothing itself):

    pip install vaderSentiment==3.3.2

Run from the repository root:

    python3 scripts/eval_sentiment.py [--data ../shared/data/sentiment_dev.csv] [--repeat 3] [--rounds 3] [--json out.json]

What it does, in one run:
  1. builds and runs `cargo run --release -p aybiza-analytics --example score_sentiment`
     on the whole CSV; the example marks the fixed held-out 20 % (the rows the
     shipped weights were never trained on) and reports the time of its
     in-process scoring loop over all texts (best of --repeat loops);
  2. runs VADER's `polarity_scores(text)["compound"]` in an in-process loop over
     the same texts, timed the same way (best of --repeat loops);
  3. on the held-out rows only, reports per domain and overall: 3-class accuracy
     and macro-F1 against the `label` column (both tools label with the same
     +-0.05 band), a paired-bootstrap 95% interval of the macro-F1 difference
     (2,000 resamples of the rows), and Pearson r of the score with `mean_rating`;
  4. reports sentences per second of both and the ratio (best of --repeat runs each):
     ours both as one-thread `analyze` calls (like for like with VADER's loop) and
     through `analyze_batch`, which splits a batch over the machine's cores.
     Steps 1 and 2 alternate for --rounds rounds (an odd number), so that both tools
     meet the same machine; each round gives a ratio, and the median round is reported.
"""

import argparse
import csv
import io
import json
import math
import random
import subprocess
import sys
import time

CLASSES = ("negative", "neutral", "positive")


def label_of(score):
    if score >= 0.05:
        return "positive"
    if score <= -0.05:
        return "negative"
    return "neutral"


def macro_f1(gold, predicted):
    scores = []
    for c in CLASSES:
        tp = sum(1 for g, p in zip(gold, predicted) if g == c and p == c)
        n_predicted = sum(1 for p in predicted if p == c)
        n_gold = sum(1 for g in gold if g == c)
        scores.append(0.0 if tp == 0 else 2 * tp / (n_predicted + n_gold))
    return sum(scores) / len(scores)


def paired_bootstrap(gold, ours, vader, rounds=2000, seed=7):
    """95% interval of macro-F1(ours) - macro-F1(VADER) over resamples of the rows."""
    rng = random.Random(seed)
    n = len(gold)
    differences = []
    for _ in range(rounds):
        pick = [rng.randrange(n) for _ in range(n)]
        g = [gold[i] for i in pick]
        differences.append(macro_f1(g, [ours[i] for i in pick]) - macro_f1(g, [vader[i] for i in pick]))
    differences.sort()
    return differences[int(0.025 * rounds)], differences[int(0.975 * rounds) - 1]


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    return cov / math.sqrt(vx * vy) if vx > 0 and vy > 0 else float("nan")


def run_ours(data_path, repeat):
    """Scores the file with the Rust example; returns (rows, its timing record)."""
    with open(data_path, "rb") as f:
        payload = f.read()
    command = ["cargo", "run", "--quiet", "--release", "-p", "aybiza-analytics", "--example", "score_sentiment"]
    command += ["--", "--repeat", str(repeat)]
    done = subprocess.run(command, input=payload, capture_output=True, check=True)
    timing = json.loads(done.stderr.decode().strip().splitlines()[-1])
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    return rows, timing


def run_vader(texts, repeat):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    best = 0.0
    scores = None
    for _ in range(repeat):
        started = time.perf_counter()
        scores = [analyzer.polarity_scores(text)["compound"] for text in texts]
        elapsed = time.perf_counter() - started
        best = max(best, len(texts) / elapsed)
    return scores, best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/sentiment_dev.csv")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool; the best is reported")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating timed rounds of both tools (odd); the median round's ratio is reported")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    try:
        import vaderSentiment  # noqa: F401
    except ImportError:
        sys.exit("vaderSentiment is not installed: pip install vaderSentiment==3.3.2")

    if args.rounds < 1 or args.rounds % 2 == 0 or args.repeat < 1:
        sys.exit("--rounds must be odd and --repeat at least 1")
    rounds = []
    for _ in range(args.rounds):
        rows, timing = run_ours(args.data, args.repeat)
        texts = [r["text"] for r in rows]
        vader_scores, vader_rate = run_vader(texts, args.repeat)
        rounds.append((vader_rate, timing))
    # The median round by the one-thread ratio (the like-for-like figure).
    by_ratio = sorted(range(len(rounds)), key=lambda i: rounds[i][1]["texts_per_second"] / rounds[i][0])
    median_round = by_ratio[len(rounds) // 2]
    vader_rate, timing = rounds[median_round]
    ours_rate = timing["texts_per_second"]
    batch_rate = timing["batch_texts_per_second"]

    held = [(r, v) for r, v in zip(rows, vader_scores) if r["held_out"] == "1"]
    domains = sorted({r["domain"] for r, _ in held}) + ["overall"]
    results = {}
    for domain in domains:
        subset = [(r, v) for r, v in held if domain == "overall" or r["domain"] == domain]
        gold = [r["label"] for r, _ in subset]
        ratings = [float(r["mean_rating"]) for r, _ in subset]
        ours = [float(r["score"]) for r, _ in subset]
        ours_labels = [r["predicted_label"] for r, _ in subset]
        vader = [v for _, v in subset]
        vader_labels = [label_of(v) for v in vader]
        results[domain] = {
            "n": len(subset),
            "macro_f1_difference_95": paired_bootstrap(gold, ours_labels, vader_labels),
            "vader": {
                "accuracy": sum(g == p for g, p in zip(gold, vader_labels)) / len(subset),
                "macro_f1": macro_f1(gold, vader_labels),
                "pearson": pearson(ratings, vader),
            },
            "ours": {
                "accuracy": sum(g == p for g, p in zip(gold, ours_labels)) / len(subset),
                "macro_f1": macro_f1(gold, ours_labels),
                "pearson": pearson(ratings, ours),
            },
        }

    print(f"Held-out rows: {len(held)} of {len(rows)} (never seen by the shipped weights)\n")
    print(
        "| domain | n | VADER acc | ours acc | VADER macro-F1 | ours macro-F1 | "
        "ours - VADER macro-F1, 95% | VADER r | ours r |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for domain, r in results.items():
        v, o = r["vader"], r["ours"]
        low, high = r["macro_f1_difference_95"]
        print(
            f"| {domain} | {r['n']} | {v['accuracy']:.3f} | {o['accuracy']:.3f} | {v['macro_f1']:.3f} | "
            f"{o['macro_f1']:.3f} | {low:+.3f} to {high:+.3f} | {v['pearson']:.3f} | {o['pearson']:.3f} |"
        )
    print(f"\nThroughput over all {len(rows)} texts, in-process loops, best of {args.repeat} per round, {args.rounds} alternating rounds:")
    for i in by_ratio:
        v, t = rounds[i]
        print(
            f"  round {i + 1}: VADER {v:,.0f}/s, ours {t['texts_per_second']:,.0f}/s "
            f"({t['texts_per_second'] / v:.1f}x), ours batch {t['batch_texts_per_second']:,.0f}/s "
            f"({t['batch_texts_per_second'] / v:.1f}x)"
        )
    print(f"The median round ({median_round + 1}):")
    print(f"  VADER 3.3.2, one thread:               {vader_rate:,.0f} sentences/s")
    print(f"  ours, analyze() on one thread:         {ours_rate:,.0f} sentences/s  ({ours_rate / vader_rate:.1f}x VADER)")
    print(
        f"  ours, analyze_batch() on {timing['batch_threads']} threads:     {batch_rate:,.0f} sentences/s  "
        f"({batch_rate / vader_rate:.1f}x VADER)"
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "metrics": results,
                    "vader_per_second": vader_rate,
                    "ours_per_second": ours_rate,
                    "ours_batch_per_second": batch_rate,
                    "batch_threads": timing["batch_threads"],
                    "rounds": [
                        {
                            "vader_per_second": v,
                            "ours_per_second": t["texts_per_second"],
                            "ours_batch_per_second": t["batch_texts_per_second"],
                            "ratio": t["texts_per_second"] / v,
                        }
                        for v, t in rounds
                    ],
                    "median_round_index": median_round,
                },
                f,
                indent=2,
            )


if __name__ == "__main__":
    main()
