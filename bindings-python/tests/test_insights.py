"""Statistical insights: segments that differ and changes against the previous period."""

import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import aybiza_analytics as aa

SIM = {"seed": 9, "tenants": 1, "days": 14, "calls_per_day": 80, "journeys_per_day": 0, "anomaly_days": 0}


@pytest.fixture(scope="module")
def simulated():
    store = aa.Store.memory()
    assert store.ingest_jsonl(aa.simulate_jsonl(SIM)).rejected == []
    return store, store.tenant_ids()[0]


def test_insights_are_ranked_and_backed_by_tests(simulated):
    store, tenant = simulated
    insights = aa.generate_insights(store, tenant)
    assert insights, "the simulator's queues differ"
    impacts = [i["impact"] for i in insights]
    assert impacts == sorted(impacts, reverse=True)
    for insight in insights:
        assert insight["kind"] == "segment_outlier"
        assert insight["segment"]["dimension"] in ("queue", "channel", "agent")
        assert 0.0 <= insight["impact"] <= 1.0
        assert insight["evidence"]["q_value"] <= 0.05
        assert insight["title"] and insight["description"]


def test_customer_sentiment_is_compared_on_its_scale(simulated):
    store, tenant = simulated
    insights = aa.generate_insights(store, tenant, options={"max_insights": 100})
    sentiment = [i for i in insights if i["category"] == "customer_sentiment"]
    assert sentiment, [i["title"] for i in insights]
    for insight in sentiment:
        segment = insight["segment"]
        assert insight["title"].startswith(f"{segment['dimension'].capitalize()} {segment['value']}: customer sentiment")
        assert -1.0 <= insight["evidence"]["value"] <= 1.0
        # Judged on the scale, not against a reference near 0.
        assert "relative_change" not in insight["evidence"]
        assert abs(insight["evidence"]["value"] - insight["evidence"]["reference"]) >= 0.1


def planted_weeks():
    """Two weeks of calls: 60 a day, then 90 a day (give or take 3), escalations unchanged."""
    lines = []
    for day in range(14):
        count = (60 if day < 7 else 90) + (day * 5) % 7 - 3
        for i in range(count):
            started = f"2026-03-{2 + day:02d}T{8 + i % 10:02d}:{i % 60:02d}:00Z"
            ended = f"2026-03-{2 + day:02d}T{8 + i % 10:02d}:{i % 60:02d}:30Z"
            lines.append(
                '{"type":"call","id":"c%d-%d","tenant":"t","customer_id":"k%d","channel":"voice",'
                '"direction":"inbound","started_at":"%s","ended_at":"%s","outcome":"resolved",'
                '"escalated":%s}' % (day, i, i, started, ended, "true" if i % 10 == 0 else "false")
            )
    store = aa.Store.memory()
    assert store.ingest_jsonl("\n".join(lines)).rejected == []
    return store


def test_a_bounded_period_is_compared_with_the_one_before():
    store = planted_weeks()
    insights = aa.generate_insights(store, "t", "2026-03-09", "2026-03-16")
    volume = [i for i in insights if i["category"] == "volume"]
    assert len(volume) == 1 and volume[0]["kind"] == "period_change"
    assert volume[0]["title"].startswith("Volume rose from")
    assert 59 < volume[0]["evidence"]["reference"] < 61 and 89 < volume[0]["evidence"]["value"] < 91
    # Escalations stayed at one call in ten: not an insight.
    assert all(i["category"] != "escalation_rate" for i in insights)
    # An open range has no period before it: segments only.
    assert all(i["kind"] == "segment_outlier" for i in aa.generate_insights(store, "t"))


def test_a_strict_false_discovery_rate_keeps_a_subset(simulated):
    store, tenant = simulated
    everything = aa.generate_insights(store, tenant, options={"max_insights": 50})
    strict = aa.generate_insights(
        store, tenant, options={"false_discovery_rate": 1e-6, "max_insights": 50}
    )
    assert {i["title"] for i in strict} <= {i["title"] for i in everything}


def test_bad_options_raise(simulated):
    store, tenant = simulated
    with pytest.raises(aa.InvalidArgumentError, match="false_discovery_rate"):
        aa.generate_insights(store, tenant, options={"false_discovery_rate": 2})
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.generate_insights(store, tenant, options={"fdr": 0.1})
    with pytest.raises(aa.InvalidArgumentError, match="tenant"):
        aa.generate_insights(store, "")
    assert aa.generate_insights(store, "nobody") == []


def planted_journeys():
    """Two weeks of journeys that begin on the web or by e-mail, one every 40 minutes per channel:
    three in ten upgrade, but only one in twenty of the second week's 80 e-mail journeys."""
    lines = []
    for week, start in enumerate([datetime(2026, 3, 2, tzinfo=timezone.utc), datetime(2026, 3, 9, tzinfo=timezone.utc)]):
        for channel, count in (("web", 100), ("email", 100 if week == 0 else 80)):
            for i in range(count):
                upgrades = i % 20 == 0 if (channel, week) == ("email", 1) else i % 10 < 3
                actions = ["visit_site", "view_plans"] + (["upgrade_plan"] if upgrades else [])
                begins = start + timedelta(minutes=40 * i)
                for step, action in enumerate(actions):
                    lines.append(json.dumps({
                        "type": "journey_event",
                        "id": f"{channel}-{week}-{i}-{step}",
                        "tenant": "t",
                        "customer_id": f"{channel}-{week}-{i}",
                        "channel": channel if step == 0 else "web",
                        "action": action,
                        "timestamp": (begins + timedelta(hours=step)).isoformat(),
                    }))
    store = aa.Store.memory()
    assert store.ingest_jsonl("\n".join(lines)).rejected == []
    return store


def test_journeys_are_compared_by_the_channel_they_began_in():
    store = planted_journeys()
    options = {"journey": {"conversion_actions": ["upgrade_plan"]}}
    insights = aa.generate_insights(store, "t", "2026-03-09", "2026-03-16", options)
    titles = [i["title"] for i in insights]
    assert "Channel email: journey conversion rate 5.0%, lower than elsewhere (30.0%)" in titles
    assert "Journey conversion rate fell from 30.0% to 18.9%" in titles
    email = next(i for i in insights if i["segment"] and i["segment"]["value"] == "email")
    assert email["evidence"]["journeys"] == 80 and "calls" not in email["evidence"]
    # With the default conversion action (purchase) no journey converted: nothing to compare.
    default = aa.generate_insights(store, "t", "2026-03-09", "2026-03-16")
    assert [i for i in default if "journeys" in i["evidence"]] == []
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.generate_insights(store, "t", options={"journey": {"conversion": ["upgrade_plan"]}})


def live_stream(incident_from=None, minutes=24 * 60 + 120):
    """Two calls a minute of tenant t, 4% abandoned; 40% from minute ``incident_from`` on."""
    calls = []
    for i in range(minutes * 2):
        minute = i / 2
        abandoned = i % 25 == 0 or (incident_from is not None and minute >= incident_from and i % 5 < 2)
        ended = datetime(2026, 3, 2, tzinfo=timezone.utc) + timedelta(minutes=minute)
        calls.append({
            "type": "call",
            "id": f"c{i}",
            "tenant": "t",
            "customer_id": f"k{i}",
            "channel": "voice",
            "direction": "inbound",
            "queue": "billing" if i % 2 else "tech",
            "started_at": (ended - timedelta(minutes=4)).isoformat(),
            "ended_at": ended.isoformat(),
            "outcome": "abandoned" if abandoned else "resolved",
        })
    return calls


def test_live_insights_raise_a_shift_in_the_last_hour():
    live = aa.LiveInsights()
    assert live.options["window_minutes"] == 60 and live.options["raise_p_value"] == 0.0001
    events = [e for call in live_stream(incident_from=24 * 60 + 30) for e in live.observe(call)]
    overall = [e for e in events if e.get("segment") is None and e["category"] == "abandonment_rate"]
    assert overall and overall[0]["state"] == "raised"
    first = overall[0]
    assert first["kind"] == "live_change" and first["tenant"] == "t"
    assert first["title"].startswith("Abandonment rate up in the last hour")
    assert first["evidence"]["value"] > 0.1 and first["evidence"]["reference"] < 0.06
    assert first["baseline"]["end"] == first["window"]["start"]
    raised_at = datetime.fromisoformat(first["at"].replace("Z", "+00:00"))
    incident = datetime(2026, 3, 3, 0, 30, tzinfo=timezone.utc)
    assert timedelta(0) <= raised_at - incident < timedelta(minutes=45)
    # Silence clears what is raised: two hours after the last call the window is empty.
    still_raised = set()
    for event in events:
        key = (event.get("segment", {}).get("value"), event["category"])
        (still_raised.add if event["state"] == "raised" else still_raised.discard)(key)
    assert still_raised
    cleared = live.expire("2026-03-03T04:00:00Z")
    assert {(e.get("segment", {}).get("value"), e["category"]) for e in cleared} == still_raised
    assert all(e["state"] == "cleared" and "too few calls" in e["title"] for e in cleared)
    # A steady stream raises nothing.
    steady = aa.LiveInsights()
    assert [e for call in live_stream() for e in steady.observe(call)] == []


def test_live_insights_watch_customer_sentiment_when_given():
    live = aa.LiveInsights()
    incident = 24 * 60 + 30
    events = []
    for i, call in enumerate(live_stream()):
        billing_turns = call["queue"] == "billing" and i / 2 >= incident
        sentiment = (-0.3 if billing_turns else 0.05) + ((i * 37) % 21 - 10) / 100
        events += live.observe(call, customer_sentiment=sentiment)
    sentiment_events = [e for e in events if e["category"] == "customer_sentiment"]
    assert sentiment_events, [e["title"] for e in events]
    first = sentiment_events[0]
    assert first["state"] == "raised" and first["segment"] == {"dimension": "queue", "value": "billing"}
    assert first["title"].startswith("Queue billing: customer sentiment down in the last hour")
    assert "relative_change" not in first["evidence"]
    assert all(e.get("segment", {}).get("value") != "tech" for e in sentiment_events)
    with pytest.raises(aa.InvalidArgumentError, match="customer sentiment"):
        live.observe(live_stream(minutes=1)[0], customer_sentiment=2.0)


def test_live_insights_refuse_calls_they_cannot_count():
    live = aa.LiveInsights({"window_minutes": 30})
    call = live_stream(minutes=1)[0]
    unfinished = dict(call, id="open")
    del unfinished["ended_at"]
    with pytest.raises(aa.InvalidArgumentError, match="has not ended"):
        live.observe(unfinished)
    without_type = {k: v for k, v in call.items() if k != "type"}
    assert live.observe(without_type) == []
    with pytest.raises(aa.InvalidArgumentError, match="expected a call record, got type \"tenant\""):
        live.observe({"type": "tenant", "id": "t", "name": "T"})
    with pytest.raises(aa.InvalidArgumentError, match="window_minutes"):
        aa.LiveInsights({"window_minutes": 7})
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.LiveInsights({"window": 30})


def journey_stream(incident_from=None, minutes=24 * 60 + 120):
    """Two journey events a minute of tenant t on web and app in turn: every 20th a purchase,
    every 50th a cancellation; from minute ``incident_from`` on, two web events in five too."""
    events = []
    for i in range(minutes * 2):
        minute = i / 2
        channel = "web" if i % 2 == 0 else "app"
        incident = incident_from is not None and minute >= incident_from and channel == "web"
        if incident and i % 10 < 3:
            action = "cancel"
        elif i % 20 == 3:
            action = "purchase"
        elif i % 50 == 7:
            action = "cancel"
        else:
            action = "view_page"
        at = datetime(2026, 3, 2, tzinfo=timezone.utc) + timedelta(minutes=minute)
        events.append({
            "type": "journey_event",
            "id": f"e{i}",
            "tenant": "t",
            "customer_id": f"k{i}",
            "channel": channel,
            "action": action,
            "timestamp": at.isoformat(),
        })
    return events


def test_live_insights_watch_the_journey_actions():
    live = aa.LiveInsights()
    assert live.options["conversion_actions"] == ["purchase"]
    events = [e for event in journey_stream(incident_from=24 * 60 + 30)
              for e in live.observe_journey_event(event)]
    web = [e for e in events if e.get("segment") == {"dimension": "channel", "value": "web"}]
    assert web and web[0]["state"] == "raised", [e["title"] for e in events]
    first = web[0]
    assert first["category"] == "churn_action_rate"
    assert first["title"].startswith("Channel web: churn action rate up in the last hour")
    assert first["evidence"]["events"] >= 30 and "calls" not in first["evidence"]
    raised_at = datetime.fromisoformat(first["at"].replace("Z", "+00:00"))
    incident = datetime(2026, 3, 3, 0, 30, tzinfo=timezone.utc)
    assert timedelta(0) <= raised_at - incident < timedelta(minutes=45)
    assert all(e.get("segment", {}).get("value") != "app" for e in events)
    cleared = live.expire("2026-03-03T04:00:00Z")
    assert cleared and all("too few journey events" in e["title"] for e in cleared)
    steady = aa.LiveInsights()
    assert [e for event in journey_stream() for e in steady.observe_journey_event(event)] == []
    nameless = dict(journey_stream(minutes=1)[0], tenant="")
    with pytest.raises(aa.InvalidArgumentError, match="has no tenant"):
        steady.observe_journey_event(nameless)
    with pytest.raises(aa.InvalidArgumentError, match="type must be `journey_event`"):
        steady.observe_journey_event(live_stream(minutes=1)[0])
    with pytest.raises(aa.InvalidArgumentError, match="both a conversion and a churn action"):
        aa.LiveInsights({"churn_actions": ["purchase"]})


def test_live_insights_replay_stored_records_in_time_order_whatever_the_clock():
    calls = live_stream(incident_from=24 * 60 + 30)
    events = journey_stream(incident_from=24 * 60 + 30)
    observed = aa.LiveInsights()
    expected = [e for call in calls for e in observed.observe(call)]
    assert expected
    assert aa.LiveInsights().replay(calls[::-1]) == expected
    both = aa.LiveInsights().replay(calls[::-1], events[::-1], {calls[0]["id"]: -0.5})
    assert {e["category"] for e in both} >= {"abandonment_rate", "churn_action_rate"}
    # History dated ahead of the system clock: refused live, replayed as it stands.
    ahead = timedelta(days=(datetime.now(timezone.utc) - datetime(2026, 3, 2, tzinfo=timezone.utc)).days + 400)
    later = [dict(c, ended_at=(datetime.fromisoformat(c["ended_at"]) + ahead).isoformat()) for c in calls]
    with pytest.raises(aa.InvalidArgumentError, match="more than a day from now"):
        aa.LiveInsights().observe(later[0])
    titles = [(e["state"], e["title"]) for e in aa.LiveInsights().replay(later)]
    assert titles == [(e["state"], e["title"]) for e in expected]
    with pytest.raises(aa.InvalidArgumentError, match=r"calls\[1\]: call:"):
        aa.LiveInsights().replay([calls[0], {"type": "tenant", "id": "t", "name": "T"}])


WEEKLY = [{"name": "weekly", "cron": "0 9 * * MON", "window": "previous_week"}]


def test_scheduled_runs_match_the_generator_and_never_repeat():
    store = planted_weeks()
    scheduler = aa.InsightScheduler(WEEKLY, start="2026-03-10")
    assert scheduler.next_due() == datetime(2026, 3, 16, 9, tzinfo=timezone.utc)
    runs = scheduler.run_due(store, now="2026-03-16T10:00:00Z")
    assert [(r["schedule"], r["tenant"]) for r in runs] == [("weekly", "t")]
    run = runs[0]
    assert run["range"] == {"start": "2026-03-09T00:00:00Z", "end": "2026-03-16T00:00:00Z"}
    assert run["insights"] == aa.generate_insights(store, "t", "2026-03-09", "2026-03-16")
    assert "error" not in run
    assert scheduler.run_due(store, now="2026-03-16T10:00:00Z") == []
    # A new scheduler resumes from the saved state.
    resumed = aa.InsightScheduler(WEEKLY, state=scheduler.state)
    assert resumed.next_due() == datetime(2026, 3, 23, 9, tzinfo=timezone.utc)
    assert aa.InsightScheduler().next_due() > datetime.now(timezone.utc)


def busy_store():
    """Two weeks of 600 simulated calls a day: a weekly run scores thousands of utterances."""
    store = aa.Store.memory()
    sim = {"seed": 3, "tenants": 1, "days": 14, "calls_per_day": 600, "journeys_per_day": 0, "anomaly_days": 0}
    assert store.ingest_jsonl(aa.simulate_jsonl(sim)).rejected == []
    return store


def fork_calling(touch) -> int:
    """Forks; the child calls `touch` and exits with 0 if it raised `AybizaError` about the fork,
    1 if it returned, 2 or 3 if it raised something else. Returns the child's pid."""
    child = os.fork()
    if child == 0:
        try:
            touch()
            code = 1
        except aa.AybizaError as error:
            code = 0 if "forked" in str(error) else 2
        except BaseException:
            code = 3
        os._exit(code)
    return child


def exit_code_of(child: int, lock: str) -> int:
    """The exit code of a forked child; fails the test if it is still waiting after 30 s."""
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(child, 9)
            os.waitpid(child, 0)
            pytest.fail(f"the forked child waited on {lock}")
        time.sleep(0.05)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_scheduler_inherited_mid_run_by_a_forked_child_raises_there_instead_of_hanging():
    store = busy_store()
    weekly = [{"name": "weekly", "cron": "0 9 * * MON", "window": "previous_week"}]
    scheduler = aa.InsightScheduler(weekly, start="2026-01-05")
    finished = threading.Event()

    def run():
        scheduler.run_due(store, now="2026-01-19T10:00:00Z")
        finished.set()

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.05)
    assert not finished.is_set(), "the run must still hold the scheduler when the process forks"
    child = fork_calling(scheduler.next_due)
    worker.join()
    assert exit_code_of(child, "the scheduler's lock") == 0
    # In the parent the scheduler goes on: both weeks ran.
    assert scheduler.next_due() == datetime(2026, 1, 26, 9, tzinfo=timezone.utc)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_replay_lets_other_threads_run_and_a_child_forked_meanwhile_raises_instead_of_hanging():
    store = busy_store()
    calls = store.calls(store.tenant_ids()[0])
    detector = aa.LiveInsights()
    expected = aa.LiveInsights().replay(calls)
    results = []
    worker = threading.Thread(target=lambda: results.append(detector.replay(calls)))
    worker.start()
    # The worker holds the GIL while it converts the dicts; this thread runs again only once
    # the replay lets go of it (it holds the detector's lock by then) or has returned.
    time.sleep(0.001)
    replaying = worker.is_alive()
    child = fork_calling(lambda: detector.options)
    worker.join()
    assert replaying, "the replay kept the GIL until it returned"
    assert exit_code_of(child, "the detector's lock") == 0
    assert results == [expected]


def test_bad_schedules_are_refused():
    with pytest.raises(aa.InvalidArgumentError, match="cron"):
        aa.InsightScheduler([{"name": "x", "cron": "not cron"}])
    with pytest.raises(aa.InvalidArgumentError, match="time zone"):
        aa.InsightScheduler([{"name": "x", "cron": "@daily", "timezone": "Nowhere/Else"}])
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.InsightScheduler([{"name": "x", "cron": "@daily", "every": "day"}])
    with pytest.raises(aa.InvalidArgumentError, match="no schedules"):
        aa.InsightScheduler([])
