"""LlmClient on Bedrock against a local server that speaks the Bedrock runtime
Converse API (the real AWS SDK inside the extension signs and sends the requests)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import aybiza_analytics as aa

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "anthropic.claude-3-7-sonnet-20250219-v1:0"
INSIGHTS = {
    "common_issues": [{"text": "Double charges", "confidence": 0.9}],
    "faqs": [],
    "friction_points": [],
    "resolution_patterns": [],
    "automation_ideas": [],
    "training_gaps": [],
    "product_suggestions": [],
}


class BedrockServer:
    """Answers each request with the next scripted reply: a text (200) or an error status."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.seen = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                server.seen.append((self.path, body))
                reply = server.replies.pop(0) if server.replies else (400, "ValidationException")
                if isinstance(reply, str):
                    status, payload = 200, {
                        "output": {"message": {"role": "assistant", "content": [{"text": reply}]}},
                        "stopReason": "end_turn",
                        "usage": {"inputTokens": 2000, "outputTokens": 400, "totalTokens": 2400},
                        "metrics": {"latencyMs": 5},
                    }
                else:
                    status, payload = reply[0], {"message": f"injected {reply[1]}"}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                if not isinstance(reply, str):
                    self.send_header("x-amzn-errortype", reply[1])
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Static test credentials through the standard AWS chain; no profile files, no instance metadata."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def client(server, **settings):
    base = {
        "region": "us-east-1",
        "endpoint_url": server.url,
        "timeout_seconds": 5,
        "max_attempts": 3,
        "initial_backoff_seconds": 0.001,
        "max_backoff_seconds": 0.01,
    }
    return aa.LlmClient.bedrock({**base, **settings})


def test_complete_redacts_routes_and_books_costs(aws_env):
    server = BedrockServer(["It was charged twice."])
    llm = client(server)
    answer = llm.complete({"system": "You analyse calls.", "user": "card 4111 1111 1111 1111 twice"}, tenant="t1")
    assert answer["text"] == "It was charged twice."
    assert answer["model"] == HAIKU
    assert answer["json"] is None
    assert answer["usage"] == {"input_tokens": 2000, "output_tokens": 400, "cost_usd": pytest.approx(0.001)}
    path, body = server.seen[0]
    assert path == "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    assert body["messages"][0]["content"][0]["text"] == "card [CARD] twice"
    costs = llm.costs()
    assert costs["t1"]["total"]["calls"] == 1
    assert costs["t1"]["by_model"][HAIKU]["cost_usd"] == pytest.approx(0.001)
    server.close()


def test_throttling_is_retried_and_persistent_failures_raise(aws_env):
    server = BedrockServer([(429, "ThrottlingException"), (503, "ServiceUnavailableException"), "fine"])
    assert client(server).complete({"system": "", "user": "u", "tier": "large"})["model"] == SONNET
    assert len(server.seen) == 3
    server.close()

    server = BedrockServer([(400, "AccessDeniedException")])
    with pytest.raises(aa.LlmError, match="rejected by the model provider \\(HTTP 400\\)"):
        client(server).complete({"system": "s", "user": "u"})
    assert len(server.seen) == 1
    server.close()


def test_invalid_structured_answers_raise_after_one_retry(aws_env):
    schema = {"type": "object", "required": ["score"], "properties": {"score": {"type": "number"}}}
    server = BedrockServer(['{"score": 0.5}'])
    answer = client(server).complete({"system": "s", "user": "u", "json_schema": schema})
    assert answer["json"] == {"score": 0.5}
    server.close()

    server = BedrockServer(["not json", '{"grade": 1}'])
    with pytest.raises(aa.LlmError, match="invalid answer after 2 attempts"):
        client(server).complete({"system": "s", "user": "u", "json_schema": schema})
    server.close()


def test_deepen_and_summarize(aws_env):
    summary = {
        "key_findings": ["a", "b", "c"],
        "business_impact": "d",
        "recommended_actions": ["e"],
        "risk_factors": [],
    }
    server = BedrockServer([json.dumps(INSIGHTS), json.dumps(summary)])
    llm = client(server, max_concurrency=1)
    groups = [{"group_id": "g1", "label": "billing", "size": 80, "top_terms": ["charged"], "samples": ["Customer: hi"]}]
    result = llm.deepen(groups, tenant="t", options={"max_samples": 2})
    assert result["failures"] == []
    assert result["groups"][0]["model"] == SONNET
    assert result["groups"][0]["insights"]["common_issues"] == [{"text": "Double charges", "confidence": 0.9}]
    out = llm.summarize({"calls": 1200, "escalation_rate": 0.1}, tenant="t")
    assert out["summary"] == summary
    assert llm.costs()["t"]["total"]["calls"] == 2
    server.close()


def test_deepen_reports_failed_groups_instead_of_raising(aws_env):
    server = BedrockServer([(400, "ValidationException")])
    result = client(server).deepen([{"group_id": "g1", "label": "billing", "size": 3}])
    assert result["groups"] == []
    assert [(f["group_id"], f["kind"]) for f in result["failures"]] == [("g1", "rejected")]
    server.close()


def test_bad_settings_and_requests_raise_invalid_argument(aws_env):
    with pytest.raises(aa.InvalidArgumentError, match="regoin"):
        aa.LlmClient.bedrock({"regoin": "us-east-1"})
    with pytest.raises(aa.LlmError, match="timeout_seconds"):
        aa.LlmClient.bedrock({"region": "us-east-1", "timeout_seconds": -1})
    server = BedrockServer([])
    with pytest.raises(aa.InvalidArgumentError, match="user"):
        client(server).complete({"system": "s"})
    with pytest.raises(TypeError):
        client(server).deepen("not a list")
    server.close()
