"""Workforce planning from call records: the hourly call volume of six simulated weeks, a
forecast of the next day with 80% and 95% intervals, the agents needed each hour to answer
80% of calls within 20 seconds (for the expected volume and for the top of the 80%
interval), and the hours of the history the anomaly detector flags, beside the anomalies
the simulator planted.

    python examples/forecast_staffing/forecast_staffing.py

``main.rs`` and ``forecast_staffing.js`` beside this file do the same in Rust and Node and
print the same lines (``expected.txt``).
"""

from datetime import datetime, timedelta

import aybiza_analytics as aa

HOUR = timedelta(hours=1)


def main():
    days = 42
    simulated = aa.simulate({"seed": 7, "tenants": 1, "days": days})
    calls = [r for r in simulated["records"] if r["type"] == "call"]
    # Average handle time over the calls that ended, from whole milliseconds.
    handled = [
        (datetime.fromisoformat(c["ended_at"]) - datetime.fromisoformat(c["started_at"])) // timedelta(milliseconds=1)
        for c in calls
        if c.get("ended_at") is not None
    ]
    aht_secs = sum(handled) / len(handled) / 1000
    print(f"{len(calls)} calls in {days} days, average handle time {aht_secs:.1f} s")

    # Calls per hour over the whole window (the simulator's default start), empty hours included.
    start = datetime.fromisoformat("2026-01-05T00:00:00+00:00")
    volume = [0.0] * (days * 24)
    for call in calls:
        hour = (datetime.fromisoformat(call["started_at"]) - start) // HOUR
        if 0 <= hour < len(volume):
            volume[hour] += 1
    hours = [(start + i * HOUR).isoformat() for i in range(len(volume))]

    # The next 24 hours, with daily and weekly seasonality; counts are never negative.
    forecast = aa.forecast(volume, 24, {"periods": [24, 168], "lower_bound": 0, "timestamps": hours, "step": "1h"})
    rows = forecast["rows"]
    print(f'forecast: {forecast["model"]}')

    staffing = {"interval_secs": 3600, "aht_secs": aht_secs}
    expected = aa.staffing(rows, staffing)
    prudent = aa.staffing(rows, staffing, value_column="upper_80")
    print("hour (UTC)  calls   80% interval    95% interval   agents  wait  agents at the 80% top")
    for row, plan, top in zip(rows, expected, prudent):
        hour = datetime.fromisoformat(row["timestamp"]).strftime("%a %H:%M")
        print(
            f'{hour}  {row["point"]:>5.1f}  [{row["lower_80"]:>5.1f}, {row["upper_80"]:>5.1f}]'
            f'  [{row["lower_95"]:>5.1f}, {row["upper_95"]:>5.1f}]'
            f'  {plan["agents"]:>5}  {plan["expected_wait_secs"]:>4.1f}s  {top["agents"]:>5}'
        )

    # The history's anomalous hours: each hour against the band forecast from the hours before
    # it, on the square-root scale of counts, after two weeks of warm-up; flagged at an anomaly
    # probability of 0.999, and runs of at least two hours (as the report does).
    detector = {
        "periods": [24, 168],
        "transform": {"kind": "sqrt"},
        "threshold": 0.999,
        "refit_every": 24,
        "warm_up": 336,
        "calibration_windows": 8,
        "max_gap": 1,
        "min_len": 2,
    }
    print("anomalies found (after two weeks of warm-up):")
    for anomaly in aa.detect_anomalies(volume, detector):
        first = (start + anomaly["start"] * HOUR).strftime("%Y-%m-%d %H:%M")
        print(
            f'  {first} UTC, {anomaly["end"] - anomaly["start"]} h, {anomaly["direction"]},'
            f' probability {anomaly["peak_probability"]:.3f}'
        )
    print("anomalies planted:")
    for planted in simulated["truth"]["anomalies"]:
        begins, ends = datetime.fromisoformat(planted["start"]), datetime.fromisoformat(planted["end"])
        print(f'  {begins.strftime("%Y-%m-%d %H:%M")} UTC, {(ends - begins) // HOUR} h: {planted["description"]}')


if __name__ == "__main__":
    main()
