"""Forecasting, anomaly detection and staffing from Python."""

import math
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

import aybiza_analytics as aa


def daily_cycle(hours: int, start: int = 0) -> list[float]:
    return [50 + 20 * math.sin((h % 24) / 24 * 2 * math.pi) + ((h * 7919) % 11) * 0.2 for h in range(start, start + hours)]


def test_forecast_of_plain_values_has_intervals_per_level():
    result = aa.forecast(daily_cycle(24 * 14), 24, {"periods": [24], "levels": [80, 95]})
    assert result["periods"] == [24]
    assert result["columns"] == ["step", "timestamp", "point", "lower_80", "upper_80", "lower_95", "upper_95"]
    rows = result["rows"]
    assert len(rows) == 24 and rows[0]["step"] == 1 and rows[0]["timestamp"] is None
    for row in rows:
        assert row["lower_95"] <= row["lower_80"] <= row["point"] <= row["upper_80"] <= row["upper_95"]
    assert abs(rows[6]["point"] - daily_cycle(1, 24 * 14 + 6)[0]) < 5


def test_volatility_scaling_widens_intervals_after_a_turbulent_day():
    values = daily_cycle(24 * 14)
    for h in range(24 * 13, 24 * 14):
        values[h] += 15 if h % 2 else -15
    width = {}
    for scaling in (True, False):
        rows = aa.forecast(values, 24, {"periods": [24], "volatility_scaling": scaling})["rows"]
        width[scaling] = rows[0]["upper_80"] - rows[0]["lower_80"]
    assert width[True] > 1.2 * width[False], width


def night_zero_counts(hours: int) -> list[float]:
    out = []
    for h in range(hours):
        day = math.sin(math.pi * ((h % 24) - 6) / 14)
        out.append(max(0.0, 40 * day) + (((h * 7919) % 13) * 0.5 if day > 0 else 0.0))
    return out


def test_a_lower_bound_raises_the_forecast_and_its_bounds_to_it():
    values = night_zero_counts(24 * 28)
    options = {"periods": [24, 168]}
    free = aa.forecast(values, 48, options)["rows"]
    bounded = aa.forecast(values, 48, {**options, "lower_bound": 0})["rows"]
    assert any(row["lower_95"] < 0 for row in free)
    for f, b in zip(free, bounded):
        for key in ("point", "lower_80", "upper_80", "lower_95", "upper_95"):
            assert b[key] == max(f[key], 0.0)
    with pytest.raises(aa.InvalidArgumentError, match="lower_bound"):
        aa.forecast(values, 48, {**options, "lower_bound": float("inf")})


def test_forecast_of_a_dataframe_with_timestamps_is_resampled_and_returned_as_a_dataframe():
    start = datetime(2024, 3, 4, tzinfo=timezone.utc)
    times = [start + timedelta(hours=h) for h in range(24 * 14) if h != 50]  # one hour missing
    frame = pd.DataFrame({"at": times, "calls": [daily_cycle(1, h)[0] for h in range(24 * 14) if h != 50]})
    result = aa.forecast(frame, 12, {"fill": "linear"}, value_column="calls", time_column="at", table="pandas")
    rows = result["rows"]
    assert isinstance(rows, pd.DataFrame) and len(rows) == 12
    assert rows["timestamp"][0] == (start + timedelta(hours=24 * 14)).isoformat()
    assert result["periods"] == [24]


def weekdays_and_weekends(holiday_flag: object, future_days: int = 7) -> pd.DataFrame:
    """Ten weeks of daily calls from a Monday (about 100 on weekdays, 20 at weekends) and a
    working-day column, then rows without calls for the next days, with a holiday flag on the
    Wednesday."""
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    rows = []
    for day in range(70 + future_days):
        weekday = day % 7 < 5
        calls = (100.0 if weekday else 20.0) + day % 3 if day < 70 else float("nan")
        working = holiday_flag if day == 72 else int(weekday)
        rows.append({"day": start + timedelta(days=day), "calls": calls, "working": working})
    return pd.DataFrame(rows)


def test_a_calendar_column_forecasts_a_holiday_like_a_weekend_day():
    for time_column in (None, "day"):
        usual = aa.forecast(weekdays_and_weekends(1), 7, {"periods": [7]}, value_column="calls",
                            time_column=time_column, calendar_column="working")
        holiday = aa.forecast(weekdays_and_weekends(False), 7, {"periods": [7]}, value_column="calls",
                              time_column=time_column, calendar_column="working", table="pandas")
        assert abs(usual["rows"][2]["point"] - 101) < 5
        assert abs(holiday["rows"]["point"][2] - 21) < 5
        assert "1 ahead" in holiday["model"]
    # The same flags straight in the options: one per value, then one per forecast step.
    frame = weekdays_and_weekends(0)
    flags = [bool(w) for w in frame["working"]]
    direct = aa.forecast(list(frame["calls"][:70]), 7, {"periods": [7], "calendar": flags})
    assert abs(direct["rows"][2]["point"] - 21) < 5
    with pytest.raises(aa.InvalidArgumentError, match="calendar"):
        aa.forecast(weekdays_and_weekends(0, future_days=5), 7, {"periods": [7]}, value_column="calls",
                    calendar_column="working")
    with pytest.raises(aa.InvalidArgumentError, match="working-day flag"):
        aa.forecast(weekdays_and_weekends("maybe"), 7, value_column="calls", calendar_column="working")
    with pytest.raises(aa.InvalidArgumentError, match="options.calendar"):
        aa.forecast(list(frame["calls"][:70]), 7, {"periods": [7], "calendar": flags[:-1]})


def test_timed_calendar_rows_ahead_reach_their_steps_by_time():
    history = weekdays_and_weekends(False, future_days=0)
    start = history["day"].iloc[-1] + timedelta(days=1)
    # The week ahead twice a day: by order its rows would put Wednesday's holiday on step 4.
    ahead = pd.DataFrame([
        {"day": start + timedelta(hours=12 * half), "calls": float("nan"),
         "working": 0 if half // 2 == 2 else int((70 + half // 2) % 7 < 5)}
        for half in range(14)
    ])
    frame = pd.concat([history, ahead], ignore_index=True)
    result = aa.forecast(frame, 7, {"periods": [7]}, value_column="calls", time_column="day",
                         calendar_column="working")
    points = [row["point"] for row in result["rows"]]
    assert abs(points[2] - 21) < 5
    assert all(abs(points[step] - 101) < 5 for step in (0, 1, 3, 4))
    with pytest.raises(aa.InvalidArgumentError, match="covers 5 of the 7 forecast steps"):
        aa.forecast(frame[:-4], 7, {"periods": [7]}, value_column="calls", time_column="day",
                    calendar_column="working")


def test_bad_input_raises_invalid_argument():
    with pytest.raises(aa.InvalidArgumentError, match="at least"):
        aa.forecast([1.0, 2.0, 3.0], 1)
    with pytest.raises(aa.InvalidArgumentError, match="value 2"):
        aa.forecast([1.0, 2.0, None] + [1.0] * 30, 1)
    with pytest.raises(aa.InvalidArgumentError, match="horizon"):
        aa.forecast(daily_cycle(100), 0)
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.forecast(daily_cycle(100), 3, {"levelz": [80]})
    with pytest.raises(aa.InvalidArgumentError, match="patience_secs"):
        aa.staffing([10.0], {"model": "erlang_a"})


def test_anomalies_batch_and_streaming_agree_on_a_spike():
    values = daily_cycle(24 * 7)
    values[150] += 60
    options = {"periods": [24], "warm_up": 96, "refit_every": 24}
    intervals = aa.detect_anomalies(values, options)
    assert any(i["start"] <= 150 < i["end"] and i["direction"] == "above" for i in intervals)
    monitor = aa.AnomalyMonitor(options)
    verdicts = [monitor.observe(v) for v in values]
    assert all(v is None for v in verdicts[:96])
    assert verdicts[150]["anomalous"] and verdicts[150]["probability"] >= 0.99
    assert monitor.history_len > 0
    with pytest.raises(aa.InvalidArgumentError):
        monitor.observe(float("nan"))
    table = aa.detect_anomalies(pd.DataFrame({"value": values}), options, table="pandas")
    assert isinstance(table, pd.DataFrame) and len(table) == len(intervals)


def test_staffing_matches_the_erlang_c_textbook_and_takes_a_forecast_table():
    rows = aa.staffing([100.0], {"interval_secs": 1800, "aht_secs": 180})
    assert rows[0]["agents"] == 14
    assert rows[0]["service_level"] >= 0.8 and abs(rows[0]["occupancy"] - 10 / 14) < 1e-9
    assert rows[0]["expected_wait_secs"] == pytest.approx(7.84, abs=0.01)
    forecast = aa.forecast(daily_cycle(24 * 14), 24, {"periods": [24]}, table="pandas")
    plan = aa.staffing(forecast["rows"], {"interval_secs": 3600, "aht_secs": 300}, table="pandas")
    assert list(plan["interval"]) == list(range(24)) and (plan["agents"] >= 1).all()
    erlang_a = aa.staffing([100.0], {"interval_secs": 1800, "aht_secs": 180, "model": "erlang_a", "patience_secs": 120})
    assert erlang_a[0]["agents"] <= 14 and erlang_a[0]["probability_of_abandoning"] > 0


def test_prophet_is_a_model_option_of_builds_with_the_feature():
    # The default wheel is built without the `prophet` feature: asking for it is a typed error
    # naming the feature. A wheel built with it (`maturin build --features prophet`) forecasts.
    values = daily_cycle(24 * 14)
    try:
        result = aa.forecast(values, 24, {"model": "prophet", "periods": [24]})
    except aa.InvalidArgumentError as error:
        assert "needs the `prophet` cargo feature" in str(error)
    else:
        assert result["model"] == "Prophet (periods 24)"
        assert len(result["rows"]) == 24
    with pytest.raises(aa.InvalidArgumentError, match="unknown variant `arima`"):
        aa.forecast(values, 24, {"model": "arima"})
