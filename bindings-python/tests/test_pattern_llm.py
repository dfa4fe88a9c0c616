"""analyze_call_patterns: local discovery deepened per group by an LlmClient on a local Bedrock server."""

import json

import pytest

import aybiza_analytics as aa
from test_llm import INSIGHTS, BedrockServer, aws_env, client  # noqa: F401 (aws_env is a fixture)

SIM = {"seed": 5, "tenants": 1, "days": 1, "calls_per_day": 120, "journeys_per_day": 0, "anomaly_days": 0}


def simulated():
    store = aa.Store.memory()
    assert store.ingest_jsonl(aa.simulate_jsonl(SIM)).rejected == []
    return store, store.tenant_ids()[0]


def test_without_a_client_it_is_local_discovery():
    store, tenant = simulated()
    analysis = aa.analyze_call_patterns(store, tenant)
    assert analysis["groups"] == aa.discover_patterns(store, tenant)["groups"]
    assert analysis["llm_failures"] == [] and analysis["llm_usage"] is None


def test_groups_are_deepened_and_a_failing_group_is_reported(aws_env):
    store, tenant = simulated()
    server = BedrockServer([json.dumps(INSIGHTS), (400, "AccessDeniedException")])
    analysis = aa.analyze_call_patterns(store, tenant, options={"max_llm_groups": 2}, llm_client=client(server))
    deepened = [g for g in analysis["groups"] if "llm_insights" in g]
    assert len(deepened) == 1 and deepened[0]["id"] in (0, 1)
    insights = deepened[0]["llm_insights"]
    assert insights["common_issues"] == INSIGHTS["common_issues"]
    assert insights["usage"]["input_tokens"] == 2000
    [failure] = analysis["llm_failures"]
    assert failure["kind"] == "rejected" and failure["group_id"] in ("0", "1")
    assert failure["group_id"] != str(deepened[0]["id"])
    assert analysis["llm_usage"]["input_tokens"] == 2000
    prompts = [body["messages"][0]["content"][0]["text"] for _, body in server.seen]
    assert len(prompts) == 2
    for group in analysis["groups"][:2]:
        assert any(f'Group "{group["label"]}": {group["size"]} calls' in p for p in prompts)
    assert all("--- Call 1 ---" in p for p in prompts)
    server.close()


def test_bad_options_raise():
    store, tenant = simulated()
    with pytest.raises(aa.InvalidArgumentError, match="llm"):
        aa.analyze_call_patterns(store, tenant, options={"llm": True})
