"""push_power_bi against a local server that keeps push datasets as Power BI's REST API does."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import aybiza_analytics as aa

SIM = {"seed": 4, "tenants": 1, "days": 2, "calls_per_day": 20, "anomaly_days": 0}


class FakePowerBi:
    """Datasets in memory; ``fail`` maps a table to the status its row posts get."""

    def __init__(self):
        self.datasets = {}
        self.requests = []
        self.fail = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def handle_request(self):
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                fake.requests.append((self.command, self.path, self.headers.get("authorization")))
                if self.headers.get("authorization") != "Bearer token-1":
                    return self.reply(401, {"error": {"code": "TokenExpired"}})
                path = self.path.split("?")[0].removeprefix("/v1.0/myorg/").split("/")
                if self.command == "GET" and path == ["datasets"]:
                    value = [{"id": i, "name": d["name"], "addRowsAPIEnabled": True} for i, d in fake.datasets.items()]
                    return self.reply(200, {"value": value})
                if self.command == "POST" and path == ["datasets"]:
                    dataset_id = f"ds-{len(fake.datasets) + 1}"
                    tables = {t["name"]: {"columns": t["columns"], "rows": []} for t in body["tables"]}
                    fake.datasets[dataset_id] = {"name": body["name"], "tables": tables}
                    return self.reply(201, {"id": dataset_id})
                if self.command == "PUT" and len(path) == 4 and path[2] == "tables":
                    fake.datasets[path[1]]["tables"][path[3]]["columns"] = body["columns"]
                    return self.reply(200, body)
                if self.command == "GET" and len(path) == 3 and path[2] == "tables":
                    return self.reply(200, {"value": [{"name": n} for n in fake.datasets[path[1]]["tables"]]})
                if self.command == "DELETE" and len(path) == 5 and path[4] == "rows":
                    fake.datasets[path[1]]["tables"][path[3]]["rows"].clear()
                    return self.reply(200, {})
                if self.command == "POST" and len(path) == 5 and path[4] == "rows":
                    status = fake.fail.get(path[3])
                    if status:
                        return self.reply(status, {"error": {"code": "Injected", "message": "no more rows today"}})
                    fake.datasets[path[1]]["tables"][path[3]]["rows"].extend(body["rows"])
                    return self.reply(200, {})
                return self.reply(404, {"error": {"code": "NotFound"}})

            do_GET = do_POST = do_PUT = do_DELETE = handle_request  # noqa: N815 (http.server's names)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1.0/myorg"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def rows(self, table):
        (dataset,) = self.datasets.values()
        return dataset["tables"][table]["rows"]


@pytest.fixture()
def power_bi():
    fake = FakePowerBi()
    yield fake
    fake.httpd.shutdown()


@pytest.fixture(scope="module")
def simulated():
    store = aa.Store.memory()
    assert store.ingest_jsonl(aa.simulate_jsonl(SIM)).rejected == []
    return store, store.tenant_ids()[0]


def settings(power_bi, **extra):
    return {"access_token": "token-1", "api_url": power_bi.url, "max_attempts": 1, **extra}


def test_a_push_creates_the_dataset_with_every_row_of_the_tenants_tables(simulated, power_bi):
    store, tenant = simulated
    pushed = aa.push_power_bi(store, tenant, "Calls", settings(power_bi), push={"rows_per_request": 250})
    tables = aa.tenant_tables(store, tenant)
    assert pushed["created"] is True
    assert [t["table"] for t in pushed["tables"]] == list(tables)
    for summary in pushed["tables"]:
        name = summary["table"]
        rows = len(next(iter(tables[name].values())))
        assert summary["rows"] == rows == len(power_bi.rows(name)) > 0
        assert summary["requests"] == -(-rows // 250)
    assert [row["call_id"] for row in power_bi.rows("calls")] == tables["calls"]["call_id"]
    assert {c["name"] for c in power_bi.datasets["ds-1"]["tables"]["calls"]["columns"]} == set(tables["calls"])
    assert all(auth == "Bearer token-1" for _, _, auth in power_bi.requests)


def test_a_refused_push_says_what_was_already_pushed(simulated, power_bi):
    store, tenant = simulated
    power_bi.fail["metrics"] = 400
    with pytest.raises(aa.PowerBiError, match=r"HTTP 400.*no more rows today; already pushed: calls \d+ rows") as error:
        aa.push_power_bi(store, tenant, "Calls", settings(power_bi), options={"tables": ["calls", "metrics"]})
    assert isinstance(error.value, aa.AybizaError)
    calls = len(power_bi.rows("calls"))
    assert calls > 0
    assert error.value.pushed == [{"table": "calls", "rows": calls, "requests": 1, "truncated_values": 0}]
    assert power_bi.rows("metrics") == []


def test_pushing_again_appends_or_replaces(simulated, power_bi):
    store, tenant = simulated
    metrics = {"tables": ["metrics"]}
    first = aa.push_power_bi(store, tenant, "Ops", settings(power_bi), options=metrics)
    rows = first["tables"][0]["rows"]
    again = aa.push_power_bi(store, tenant, "Ops", settings(power_bi), options=metrics)
    assert again["created"] is False and again["dataset_id"] == first["dataset_id"]
    assert len(power_bi.rows("metrics")) == 2 * rows
    aa.push_power_bi(store, tenant, "Ops", settings(power_bi), options=metrics, push={"mode": "replace"})
    assert len(power_bi.rows("metrics")) == rows
    methods = [method for method, _, _ in power_bi.requests]
    assert methods.count("DELETE") == 1 and methods.count("PUT") == 1


def test_bad_settings_and_options_are_refused_before_any_request(simulated, power_bi, monkeypatch):
    store, tenant = simulated
    for bad_settings, bad_push in [
        ({"tenant_id": "t", "client_id": "c", "api_url": power_bi.url}, None),
        ({**settings(power_bi), "token": "x"}, None),
        (settings(power_bi), {"rows_per_request": 0}),
        (settings(power_bi), {"mode": "upsert"}),
    ]:
        with pytest.raises(aa.InvalidArgumentError):
            aa.push_power_bi(store, tenant, "Calls", bad_settings, push=bad_push)
    for name in ["POWERBI_ACCESS_TOKEN", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(aa.InvalidArgumentError, match="POWERBI_ACCESS_TOKEN"):
        aa.push_power_bi(store, tenant, "Calls", {"api_url": power_bi.url})
    assert power_bi.requests == []


def test_the_sign_in_can_come_from_the_environment(simulated, power_bi, monkeypatch):
    store, tenant = simulated
    monkeypatch.setenv("POWERBI_ACCESS_TOKEN", "token-1")
    pushed = aa.push_power_bi(store, tenant, "Ops", {"api_url": power_bi.url}, options={"tables": ["metrics"]})
    assert pushed["tables"][0]["rows"] == len(power_bi.rows("metrics")) > 0
