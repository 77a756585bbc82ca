"""The browser app's JSON API through an ASGI test client: every route, error, limit, the token, the Host
check, secrets, and 20 sessions at once with no lost or mixed messages.
"""
from __future__ import annotations

import asyncio
import json
import sys
from io import StringIO
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("starlette", reason="web extra not installed: pip install -e '.[web]'")
pytest.importorskip("httpx", reason="web extra not installed: pip install -e '.[web]'")

import httpx  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from agent.cli import main  # noqa: E402
from agent.web.app import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, Settings, create_app  # noqa: E402
from agent.web.store import SessionStore, database_url  # noqa: E402
from tests.web_support import guided_factory, sse_events  # noqa: E402

DESCRIBE = "We run a support chatbot with 200k registered users, about 3,000 online at once, growing 8% a month"
LOCAL = {"allowed_hosts": {"127.0.0.1", "localhost", "testserver"}}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(database_url(str(tmp_path / "web.db")))
    yield s
    s.close()


@pytest.fixture
def client(store: SessionStore) -> Iterator[TestClient]:
    with TestClient(create_app(store, guided_factory, Settings(**LOCAL))) as c:  # type: ignore[arg-type]
        yield c


def new_session(client: TestClient) -> str:
    r = client.post("/api/sessions")
    assert r.status_code == 201
    return str(r.json()["id"])


def say(client: TestClient, sid: str, text: str) -> list[tuple[str, dict[str, Any]]]:
    r = client.post(f"/api/sessions/{sid}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    return sse_events(r.text)


def test_health_page_and_static(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    page = client.get("/")
    assert page.status_code == 200 and 'name="message"' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text and " onclick=" not in page.text  # no inline script at all
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/nope.js").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_a_turn_streams_text_tools_plan_and_done(client: TestClient) -> None:
    sid = new_session(client)
    events = say(client, sid, DESCRIBE)
    kinds = [e for e, _ in events]
    assert kinds[-1] == "done" and "text" in kinds and "plan" in kinds
    assert kinds.index("tool_start") < kinds.index("tool_end") < kinds.index("plan")
    plan = next(d for e, d in events if e == "plan")
    assert plan["name"] == "baseline" and {c["key"] for c in plan["cards"]} >= {"cost", "provision", "grow"}
    assert {c["key"] for c in plan["charts"]} >= {"cost-by-component", "capacity"}
    assert plan["charts"][0]["svg"].startswith("<svg") and plan["assumptions"][0]["source"]
    assert "".join(d["text"] for e, d in events if e == "text")
    listed = client.get("/api/sessions").json()["sessions"]
    assert listed[0]["id"] == sid and listed[0]["title"].startswith("We run a support chatbot")
    view = client.get(f"/api/sessions/{sid}").json()
    assert [m["role"] for m in view["messages"]][:2] == ["user", "assistant"]
    assert view["scenarios"][0]["name"] == "baseline" and view["final"] == "baseline"
    steps = [t for m in view["messages"] if m["role"] == "assistant" for t in m["tools"]]
    assert steps[0]["name"] == "forecast" and steps[0]["ok"] is True


def test_what_if_brings_a_comparison(client: TestClient) -> None:
    sid = new_session(client)
    say(client, sid, DESCRIBE)
    events = say(client, sid, "what if we double our users?")
    plan = next(d for e, d in events if e == "plan")
    assert plan["kind"] == "what_if" and plan["comparison"]["names"] == ["baseline", plan["name"]]
    rows = {r["label"]: r for r in plan["comparison"]["rows"]}
    assert rows["Registered users"]["cells"][1]["change"] == "+100%"


def test_transcript_is_the_chat_schema_and_resumes_in_the_terminal(client: TestClient, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sid = new_session(client)
    say(client, sid, DESCRIBE)
    r = client.get(f"/api/sessions/{sid}/transcript.json")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    data = r.json()
    assert data["kind"] == "capplan-chat-transcript" and data["final"] == "baseline"
    assert [s["name"] for s in data["scenarios"]] == ["baseline"]
    path = tmp_path / "web.json"
    path.write_text(json.dumps(data))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setattr(sys, "stdin", StringIO("what if we double our users?\n"))
    assert main(["chat", "--offline", "--resume", str(path)]) == 0
    resumed = json.loads(path.read_text())
    assert len(resumed["scenarios"]) == 2 and resumed["scenarios"][1]["base"] == "baseline"
    # ... and back: the terminal's transcript opens as a browser session
    imported = client.post("/api/sessions", json={"transcript": resumed})
    assert imported.status_code == 201
    view = client.get(f"/api/sessions/{imported.json()['id']}").json()
    assert [s["name"] for s in view["scenarios"]] == [s["name"] for s in resumed["scenarios"]]
    assert client.post("/api/sessions", json={"transcript": {"nope": 1}}).status_code == 422


def test_downloads_report_markdown_and_plan(client: TestClient) -> None:
    sid = new_session(client)
    assert client.get(f"/api/sessions/{sid}/report.html").status_code == 409  # no plan yet
    assert client.get(f"/api/sessions/{sid}/plan.json").status_code == 404
    say(client, sid, DESCRIBE)
    report = client.get(f"/api/sessions/{sid}/report.html")
    assert report.status_code == 200 and 'data-chart="cost-by-component"' in report.text
    policy = report.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'") and "script" not in policy  # inline CSS only, never script
    assert "attachment" in client.get(f"/api/sessions/{sid}/report.html?download=1").headers["content-disposition"]
    md = client.get(f"/api/sessions/{sid}/transcript.md")
    assert md.headers["content-type"].startswith("text/markdown") and "```mermaid" in md.text
    plan = client.get(f"/api/sessions/{sid}/plan.json", params={"scenario": "baseline"}).json()
    assert plan["cost"]["monthly_usd"] > 0 and len(plan["timeline"]) == 13
    assert client.get(f"/api/sessions/{sid}/plan.json", params={"scenario": "nope"}).status_code == 404


def test_inputs_panel_correction_and_what_if(client: TestClient) -> None:
    sid = new_session(client)
    say(client, sid, DESCRIBE)
    view = client.get(f"/api/sessions/{sid}").json()
    fields = {f["path"]: f for f in view["scenarios"][0]["inputs"]}
    assert fields["registered_users"]["given"] is True and fields["horizon_months"]["given"] is False
    assert fields["concurrent_users"]["value"] == 3000
    r = client.post(f"/api/sessions/{sid}/inputs", json={"scenario": "baseline", "mode": "correction",
                                                        "changes": {"registered_users": 300000, "horizon_months": 18}})
    events = sse_events(r.text)
    plan = next(d for e, d in events if e == "plan")
    assert plan["name"] == "baseline" and plan["kind"] == "baseline"
    data = client.get(f"/api/sessions/{sid}/transcript.json").json()
    base = data["scenarios"][-1]
    assert base["inputs"]["registered_users"] == 300000 and base["inputs"]["horizon_months"] == 18
    assert base["inputs"]["concurrent_users"] == 3000 and len(base["plan"]["timeline"]) == 19
    notes = [m["content"] for m in data["messages"] if m["role"] == "user"]
    assert notes[-1].startswith("[inputs panel] Correction to baseline")
    assert data["messages"][-1]["role"] == "assistant" and "Re-planned baseline" in data["messages"][-1]["content"]
    r = client.post(f"/api/sessions/{sid}/inputs", json={"scenario": "baseline", "mode": "what_if",
                                                        "changes": {"monthly_growth_rate": 0.03}})
    plan = next(d for e, d in sse_events(r.text) if e == "plan")
    assert plan["kind"] == "what_if" and plan["base"] == "baseline" and plan["comparison"]
    # the guided mode continues from the corrected facts
    events = say(client, sid, "what if we double our users?")
    doubled = next(d for e, d in events if e == "plan")
    reg = next(r for r in doubled["comparison"]["rows"] if r["label"] == "Registered users")
    assert reg["cells"][1]["text"] == "600,000"


@pytest.mark.parametrize("body, status, words", [
    ({"scenario": "baseline", "mode": "correction", "changes": {"storage.x": 1}}, 422, "can change only"),
    ({"scenario": "baseline", "mode": "correction", "changes": {"registered_users": "lots"}}, 422, "expected a number"),
    ({"scenario": "baseline", "mode": "correction", "changes": {"registered_users": -5}}, 422, "expected a number"),
    ({"scenario": "baseline", "mode": "correction", "changes": {"llm.deployment": "moon"}}, 422, "expected one of"),
    ({"scenario": "baseline", "mode": "sideways", "changes": {"registered_users": 5}}, 422, '"mode"'),
    ({"scenario": "baseline", "mode": "correction", "changes": {}}, 422, '"changes"'),
    ({"scenario": "ghost", "mode": "correction", "changes": {"registered_users": 5}}, 422, "no scenario named"),
])
def test_inputs_panel_errors(client: TestClient, body: dict[str, Any], status: int, words: str) -> None:
    sid = new_session(client)
    say(client, sid, DESCRIBE)
    r = client.post(f"/api/sessions/{sid}/inputs", json=body)
    assert r.status_code == status and words in r.json()["error"]


def test_an_input_the_planner_rejects_is_a_tool_error_in_the_conversation(client: TestClient) -> None:
    sid = new_session(client)
    say(client, sid, DESCRIBE)
    r = client.post(f"/api/sessions/{sid}/inputs", json={"scenario": "baseline", "mode": "correction",
                                                        "changes": {"concurrent_users": 900000}})
    events = sse_events(r.text)
    ended = next(d for e, d in events if e == "tool_end")
    assert ended["ok"] is False and events[-1][0] == "done"
    text = "".join(d["text"] for e, d in events if e == "text")
    assert text.startswith("That change could not be planned")
    data = client.get(f"/api/sessions/{sid}/transcript.json").json()
    assert data["scenarios"][0]["inputs"]["concurrent_users"] == 3000  # the plan made before is kept


def test_errors_and_limits(client: TestClient) -> None:
    sid = new_session(client)
    url = f"/api/sessions/{sid}/messages"
    assert client.get("/api/sessions/0123456789abcdef").status_code == 404
    assert client.get("/api/sessions/not-an-id").json()["error"].startswith("no session")
    assert client.post("/api/sessions/0123456789abcdef/messages", json={"text": "hi"}).status_code == 404
    assert client.post(url, content=b"{not json").status_code == 400
    assert client.post(url, content=b"[1]").status_code == 400
    assert client.post(url, content=b"").status_code == 400
    assert client.post(url, json={"text": "  "}).status_code == 422
    assert client.post(url, json={"text": 5}).status_code == 422
    long = client.post(url, json={"text": "x" * (MAX_MESSAGE_CHARS + 1)})
    assert long.status_code == 413 and f"{MAX_MESSAGE_CHARS:,}" in long.json()["error"]
    big = client.post(url, content=b'{"text": "' + b"y" * MAX_BODY_BYTES + b'"}',
                      headers={"content-type": "application/json"})
    assert big.status_code == 413 and "KiB" in big.json()["error"]
    chunked = client.post(url, content=iter([b'{"text": "', b"z" * MAX_BODY_BYTES, b'"}']))  # no Content-Length
    assert chunked.status_code == 413
    r = client.delete("/api/sessions")
    assert r.status_code == 405 and "error" in r.json()
    assert client.get("/nowhere").json()["error"].startswith("not found")
    assert client.get(f"/api/sessions/{sid}").json()["messages"] == []  # nothing was recorded by the refusals


def test_a_second_message_while_one_is_written_is_409(store: SessionStore) -> None:
    import threading

    started, release = threading.Event(), threading.Event()

    def slow_factory(notify: Any) -> Any:
        backend = guided_factory(notify)
        original = backend.respond

        def respond(*args: Any, **kwargs: Any) -> Any:
            started.set()
            release.wait(10)
            return original(*args, **kwargs)

        backend.respond = respond
        return backend

    app = create_app(store, slow_factory, Settings(**LOCAL))  # type: ignore[arg-type]

    async def scenario() -> tuple[int, int, str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            sid = (await c.post("/api/sessions")).json()["id"]
            first = asyncio.create_task(c.post(f"/api/sessions/{sid}/messages", json={"text": DESCRIBE}))
            while not started.is_set():
                await asyncio.sleep(0.01)
            second = await c.post(f"/api/sessions/{sid}/messages", json={"text": "again"})
            release.set()
            done = await first
            return second.status_code, done.status_code, second.json()["error"]

    second, first, message = asyncio.run(scenario())
    assert (second, first) == (409, 200) and "still being written" in message


def test_twenty_sessions_at_once_lose_and_mix_nothing(store: SessionStore) -> None:
    app = create_app(store, guided_factory, Settings(**LOCAL))  # type: ignore[arg-type]
    n = 20

    async def one(c: httpx.AsyncClient, i: int) -> tuple[str, int]:
        sid = (await c.post("/api/sessions")).json()["id"]
        users = 10_000 * (i + 1)
        r1 = await c.post(f"/api/sessions/{sid}/messages",
                          json={"text": f"a chatbot with {users} registered users, 100 online at once"})
        r2 = await c.post(f"/api/sessions/{sid}/messages", json={"text": f"what if we double? (session {i})"})
        assert r1.status_code == r2.status_code == 200
        assert sse_events(r2.text)[-1][0] == "done"
        return sid, users

    async def everything() -> list[tuple[str, int]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as c:
            return list(await asyncio.gather(*(one(c, i) for i in range(n))))

    results = asyncio.run(everything())
    assert len({sid for sid, _ in results}) == n
    for i, (sid, users) in enumerate(results):
        row = store.get(sid)
        assert row is not None
        said = [m["content"] for m in row.data["messages"] if m["role"] == "user"]
        assert said == [f"a chatbot with {users} registered users, 100 online at once", f"what if we double? (session {i})"]
        scenarios = row.data["scenarios"]
        assert scenarios[0]["inputs"]["registered_users"] == users
        assert scenarios[1]["inputs"]["registered_users"] == users * 2


def test_token_guards_every_route(store: SessionStore) -> None:
    token = "s3cret-token-value"
    with TestClient(create_app(store, guided_factory, Settings(token=token))) as c:  # type: ignore[arg-type]
        for method, path in (("GET", "/health"), ("GET", "/"), ("GET", "/api/sessions"), ("POST", "/api/sessions"),
                             ("GET", "/static/app.js")):
            r = c.request(method, path)
            assert r.status_code == 401 and "token" in r.json()["error"], path
        assert c.get("/health", headers={"authorization": "Bearer wrong-token"}).status_code == 401
        assert c.get("/health", headers={"authorization": f"Bearer {token}"}).json() == {"status": "ok"}
        assert c.get("/api/sessions", params={"token": token}).status_code == 401  # only the page takes ?token=
        first = c.get("/", params={"token": token}, follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/"
        assert "capplan_token" in first.headers["set-cookie"] and "httponly" in first.headers["set-cookie"].lower()
        c.cookies.set("capplan_token", token)
        assert c.get("/api/sessions").status_code == 200


def test_loopback_bind_refuses_other_host_names(client: TestClient) -> None:
    r = client.get("/health", headers={"host": "evil.example:8765"})
    assert r.status_code == 421 and "evil.example" in r.json()["error"]
    assert client.get("/health", headers={"host": "127.0.0.1:8765"}).status_code == 200


def test_the_api_key_never_reaches_the_browser(store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.backends.openai_compatible import OpenAIBackend
    from agent.backends.local_server import FakeOpenAIServer, Turn

    key = "sk-test-BROWSERKEY1234567890abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    with FakeOpenAIServer() as srv:
        srv.push(Turn(content=f"Sure. By the way your key is {key} and half of it is {key[:20]}"),
                 Turn(status=401, error={"error": {"message": f"Incorrect API key provided: {key}", "code": "invalid_api_key"}}))

        def factory(notify: Any) -> Any:
            return OpenAIBackend("fake", srv.base_url, key, max_attempts=1, notify=notify)

        with TestClient(create_app(store, factory, Settings(**LOCAL))) as c:  # type: ignore[arg-type]
            sid = new_session(c)
            first = c.post(f"/api/sessions/{sid}/messages", json={"text": "hi"}).text
            second = c.post(f"/api/sessions/{sid}/messages", json={"text": "again"}).text
            everything = first + second + c.get(f"/api/sessions/{sid}").text + \
                c.get(f"/api/sessions/{sid}/transcript.json").text + c.get(f"/api/sessions/{sid}/transcript.md").text
    assert "Sure." in first and any(e == "error" for e, _ in sse_events(second))
    assert key not in everything and key[8:24] not in everything
