#!/usr/bin/env python3
"""Compare `aybiza forecast` with statsforecast 2.1 (AutoETS, MSTL, SeasonalNaive) on real series.

Series (read-only, from ../shared/data):
  - Victoria electricity demand, half-hourly, seasons 48 and 336, last week (336 steps) held out;
  - Chicago Clark/Lake ridership, daily, seasons 7 and 365, last 28 days held out;
  - hyndsight page views, daily, season 7, last 28 days held out.

For each, both sides fit the training part and forecast the held-out part with 80% and 95%
intervals. Reported: MASE (mean absolute error over the in-sample mean absolute error of the
seasonal naive forecast at the shortest season), sMAPE (%), the share of held-out values inside
the 80% and 95% intervals, and the fit+predict time. statsforecast gets the seasons listed
above; aybiza runs twice, with the same seasons and with the seasons it detects itself.

Calendars: the Victorian series has a `workday` column (0 on weekends and public holidays),
known in advance. aybiza runs a third time with it (`--calendar-column workday`, the held-out
rows giving the forecast steps' flags). Its like-for-like peer, with `--exog-peer`, is
statsforecast's MSTL with an AutoARIMA trend and a holiday regressor (1 on a non-working
weekday) through `X_df`; AutoETS takes no regressors. That peer takes minutes per fit on this
series, so it is timed once and left out unless asked for.

Prophet: with `--prophet`, aybiza runs once more as Prophet (`--model prophet`, the given
seasons, Prophet's own intervals), and on the Victorian series also with the calendar; the binary must be built with the `prophet` feature
(`cargo build --release -p aybiza-analytics --features prophet`).

A single held-out week or month is one draw: its coverage moves in steps of 1/28 on the daily
series and its errors depend on what happened that week (the Victorian holdout is Christmas
week). So the same comparison is repeated over `--windows` rolling origins (the holdout and the
windows before it, each of the same length), reporting mean MASE and pooled coverage.

Times: statsforecast in-process (after a warm-up call), median of `--runs`; aybiza's in-process
fit+predict time without reading or writing files, likewise warm (`--timing --timing-runs 5`:
the median of five calls after the first, in one process), median of `--runs`; then, for
reference, its first call in a fresh process and its whole command. The speed-up is warm against
warm, against statsforecast's comparable models (AutoETS and MSTL).

    pip install "statsforecast==2.1.*"
    cargo build --release -p aybiza-analytics
    python3 scripts/eval_forecast.py [--windows 8] [--runs 3] [--exog-peer] [--prophet] [--series vic_elec]
"""

import argparse
import io
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (80, 95)

SERIES = [
    # name, file, time column, value column, seasons, horizon, working-day column
    ("vic_elec", "ts_vic_elecdemand_halfhourly.csv", "timestamp", "demand_gw", [48, 336], 336,
     "workday"),
    ("chicago", "ts_chicago_ridership_daily.csv", "date", "ridership_thousands", [7, 365], 28, None),
    ("hyndsight", "ts_hyndsight_daily.csv", "date", "pageviews", [7], 28, None),
]


def scores(train, test, point, bands, season):
    """MASE, sMAPE (%) and the number of values inside each band."""
    scale = np.mean(np.abs(train[season:] - train[:-season]))
    mase = np.mean(np.abs(test - point)) / scale
    smape = 100 * np.mean(2 * np.abs(test - point) / (np.abs(test) + np.abs(point)))
    inside = {level: int(np.sum((test >= lo) & (test <= hi))) for level, (lo, hi) in bands.items()}
    return mase, smape, inside


def statsforecast_models(seasons):
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive

    return {
        "AutoETS": lambda: AutoETS(season_length=seasons[0]),
        "MSTL": lambda: MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN")),
        "SeasonalNaive": lambda: SeasonalNaive(season_length=seasons[0]),
    }


def statsforecast_calendar_model(seasons):
    """MSTL whose AutoARIMA trend model takes the holiday regressor."""
    from statsforecast.models import MSTL, AutoARIMA

    return lambda: MSTL(season_length=seasons, trend_forecaster=AutoARIMA())


def holidays(frame, time_column, calendar):
    """1 on a non-working weekday (a public holiday), else 0."""
    weekday = pd.to_datetime(frame[time_column]).dt.dayofweek < 5
    return ((frame[calendar] == 0) & weekday).astype(float).to_numpy()


def run_statsforecast(make_model, train, horizon, regressor=None):
    """Fits and forecasts; `regressor` (history and horizon) goes in as the column `holiday`."""
    from statsforecast import StatsForecast

    frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(train)), "y": train})
    future = None
    if regressor is not None:
        frame["holiday"] = regressor[: len(train)]
        future = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(train), len(train) + horizon),
                               "holiday": regressor[len(train): len(train) + horizon]})
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = StatsForecast(models=[make_model()], freq=1).forecast(
            df=frame, h=horizon, X_df=future, level=list(LEVELS))
    elapsed = time.perf_counter() - start
    column = [c for c in out.columns if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
    bands = {level: (out[f"{column}-lo-{level}"].to_numpy(), out[f"{column}-hi-{level}"].to_numpy())
             for level in LEVELS}
    return out[column].to_numpy(), bands, elapsed


WARM_RUNS = 5


def run_aybiza(binary, frame, time_column, value_column, horizon, seasons, workdir, calendar=None,
               warm_runs=0, model="auto"):
    """`frame` is the training rows; with `calendar` (a column name) it also holds the `horizon`
    rows after them, whose values are blanked: they give the forecast steps' working days. With
    `warm_runs`, the fit is repeated that many times in the process and timed warm (else the
    warm time is None). `model` is the CLI's `--model`."""
    path = Path(workdir) / "train.csv"
    if calendar:
        frame = frame.copy()
        frame.loc[frame.index[-horizon:], value_column] = np.nan
    frame.to_csv(path, index=False)
    cmd = [str(binary), "forecast", "--input", str(path), "--time-column", time_column,
           "--value-column", value_column, "--horizon", str(horizon), "--timing",
           "--levels", ",".join(str(level) for level in LEVELS), "--model", model]
    if seasons:
        cmd += ["--periods", ",".join(map(str, seasons))]
    if calendar:
        cmd += ["--calendar-column", calendar]
    if warm_runs:
        cmd += ["--timing-runs", str(warm_runs)]
    start = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    whole = time.perf_counter() - start
    out = pd.read_csv(io.StringIO(done.stdout))
    first = float(re.search(r"fit\+predict: ([0-9.]+) ms", done.stderr).group(1)) / 1000
    warm = re.search(r"fit\+predict warm: ([0-9.]+) ms", done.stderr)
    warm = float(warm.group(1)) / 1000 if warm else None
    model = re.search(r"model (.*)", done.stderr).group(1)
    bands = {level: (out[f"lower_{level}"].to_numpy(), out[f"upper_{level}"].to_numpy()) for level in LEVELS}
    return out["point"].to_numpy(), bands, warm, (first, whole), model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared/data"))
    parser.add_argument("--binary", default=str(ROOT / "target/release/aybiza"))
    parser.add_argument("--windows", type=int, default=8, help="rolling origins (0: the holdout only)")
    parser.add_argument("--runs", type=int, default=3, help="timing repeats on the holdout")
    parser.add_argument("--exog-peer", action="store_true",
                        help="also run statsforecast MSTL with an AutoARIMA trend and a holiday "
                             "regressor on series with a calendar (minutes per fit, timed once)")
    parser.add_argument("--prophet", action="store_true",
                        help="also run aybiza's Prophet (`--model prophet`; the binary must be "
                             "built with `--features prophet`), with the given seasons")
    parser.add_argument("--series", default=",".join(s[0] for s in SERIES),
                        help="comma-separated series to run")
    args = parser.parse_args()

    # Warm statsforecast up (imports, first-call overhead) before timing anything.
    warm = np.sin(np.arange(200) / 3.0) + 5
    for make in statsforecast_models([7]).values():
        run_statsforecast(make, warm, 7)

    summary = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, file, time_column, value_column, seasons, horizon, calendar in SERIES:
            if name not in args.series.split(","):
                continue
            frame = pd.read_csv(Path(args.data_dir) / file)
            y = frame[value_column].to_numpy(float)
            m = seasons[0]
            print(f"\n== {name}: {len(y)} values, seasons {seasons}, horizon {horizon} "
                  f"(MASE scaled by the seasonal naive at {m})")
            given = ",".join(map(str, seasons))
            contenders = {f"statsforecast {k}": ("sf", make) for k, make in statsforecast_models(seasons).items()}
            regressor = holidays(frame, time_column, calendar) if calendar else None
            if calendar and args.exog_peer:
                contenders["statsforecast MSTL+ARIMA, holidays"] = (
                    "sfx", statsforecast_calendar_model(seasons))
            contenders[f"aybiza (seasons {given})"] = ("ours", seasons)
            contenders["aybiza (seasons detected)"] = ("ours", None)
            if calendar:
                contenders[f"aybiza ({given}, calendar)"] = ("ours+cal", seasons)
            if args.prophet:
                contenders[f"aybiza Prophet ({given})"] = ("prophet", seasons)
                if calendar:
                    contenders[f"aybiza Prophet ({given}, calendar)"] = ("prophet+cal", seasons)

            windows = max(args.windows, 1)
            rows = {}
            for label, (side, arg) in contenders.items():
                per_window, inside, total, times, cold_times, model = [], {lv: 0 for lv in LEVELS}, 0, [], [], ""
                for w in range(windows):
                    end = len(y) - w * horizon
                    train, test = y[: end - horizon], y[end - horizon: end]
                    repeats = args.runs if w == 0 and side != "sfx" else 1
                    for _ in range(repeats):
                        if side == "sf":
                            point, bands, elapsed = run_statsforecast(arg, train, horizon)
                        elif side == "sfx":
                            point, bands, elapsed = run_statsforecast(arg, train, horizon, regressor)
                        else:
                            with_calendar = side.endswith("+cal")
                            prophet = side.startswith("prophet")
                            known = frame.iloc[: end if with_calendar else end - horizon]
                            # Prophet fits take seconds: one warm repeat is enough to time them.
                            warm_runs = (1 if prophet else WARM_RUNS) if w == 0 else 0
                            point, bands, elapsed, cold, model_w = run_aybiza(
                                args.binary, known, time_column, value_column, horizon, arg, workdir,
                                calendar if with_calendar else None, warm_runs,
                                "prophet" if prophet else "auto")
                            if w == 0:
                                cold_times.append(cold)
                                model = model_w
                        if w == 0:
                            times.append(elapsed)
                    mase, smape, counts = scores(train, test, point, bands, m)
                    per_window.append((mase, smape, counts))
                    for level in LEVELS:
                        inside[level] += counts[level]
                    total += len(test)
                holdout = per_window[0]
                rows[label] = {
                    "holdout_mase": holdout[0], "holdout_smape": holdout[1],
                    "holdout_cov": {lv: holdout[2][lv] / horizon for lv in LEVELS},
                    "mase": statistics.mean(r[0] for r in per_window),
                    "smape": statistics.mean(r[1] for r in per_window),
                    "cov": {lv: inside[lv] / total for lv in LEVELS},
                    "time": statistics.median(times), "first": statistics.median(c[0] for c in cold_times) if cold_times else None,
                    "whole": statistics.median(c[1] for c in cold_times) if cold_times else None,
                    "model": model,
                }

            print(f"{'':36s} {'holdout (last ' + str(horizon) + ' steps)':>36s}   "
                  f"{str(windows) + ' rolling windows':>26s}   {'fit+predict':>11s}")
            print(f"{'model':36s} {'MASE':>7s} {'sMAPE':>7s} {'cov80':>6s} {'cov95':>6s}        "
                  f"{'MASE':>7s} {'cov80':>6s} {'cov95':>6s}   {'seconds':>11s}")
            for label, r in rows.items():
                print(f"{label:36s} {r['holdout_mase']:7.3f} {r['holdout_smape']:7.2f} "
                      f"{r['holdout_cov'][80]:6.2f} {r['holdout_cov'][95]:6.2f}        "
                      f"{r['mase']:7.3f} {r['cov'][80]:6.3f} {r['cov'][95]:6.3f}   {r['time']:11.4f}")
            for label, r in rows.items():
                if r["model"]:
                    print(f"  {label}: {r['model']}; first call in a process {r['first']:.4f} s, "
                          f"whole command {r['whole']:.3f} s")

            # Univariate contenders are compared with statsforecast's univariate models; the
            # calendar contender with all of statsforecast's (with the holiday regressor when run).
            for label in [k for k in rows if k.startswith("aybiza")]:
                r = rows[label]
                peers = {k: v for k, v in rows.items() if k.startswith("statsforecast")
                         and ("calendar" in label or "holidays" not in k)}
                comparable = [v["time"] for k, v in peers.items() if "Naive" not in k]
                best_holdout = min(v["holdout_mase"] for v in peers.values())
                best_rolling = min(v["mase"] for v in peers.values())
                speedup = min(comparable) / r["time"]
                first_speedup = min(comparable) / r["first"]
                cover_ok = all(abs(r["cov"][lv] - lv / 100) <= 0.03 for lv in LEVELS)
                summary.append((name, label, r["holdout_mase"] <= best_holdout, r["mase"] <= best_rolling,
                                cover_ok, speedup, first_speedup))
                print(f"  {label}: holdout MASE {'<=' if r['holdout_mase'] <= best_holdout else '>'} best "
                      f"statsforecast ({best_holdout:.3f}); rolling MASE "
                      f"{'<=' if r['mase'] <= best_rolling else '>'} best ({best_rolling:.3f}); "
                      f"rolling coverage within 3 points: {'yes' if cover_ok else 'no'}; "
                      f"{speedup:.0f}x faster than statsforecast's fastest comparable model "
                      f"({first_speedup:.0f}x on the first call in a process)")

    print("\nsummary (series, contender, holdout MASE <= best, rolling MASE <= best, coverage ±3 pts, "
          "speed-up warm, on a process's first call)")
    for row in summary:
        print(f"  {row[0]:10s} {row[1]:30s} {str(row[2]):5s} {str(row[3]):5s} {str(row[4]):5s} "
              f"{row[5]:6.0f}x {row[6]:6.0f}x")


if __name__ == "__main__":
    sys.exit(main())
