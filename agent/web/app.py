"""The ASGI app of `capplan serve`: the JSON API, the page, and the safety rules around both.

API (DESIGN.md; stable): GET /health -> {"status": "ok"}; GET /api/sessions (id, title, updated_at);
POST /api/sessions (new, or {"transcript": {...}} to import a `capplan chat` transcript) -> {"id"};
GET /api/sessions/{id} (the page's view); POST /api/sessions/{id}/messages {"text"} -> SSE stream of the
turn; POST /api/sessions/{id}/inputs {"scenario", "mode": "correction"|"what_if", "changes": {path: value}}
-> SSE stream; GET /api/sessions/{id}/transcript.json | transcript.md | report.html | plan.json?scenario=.

Safe by default: the page and API answer only the Host names of a loopback bind (no DNS rebinding);
on any other address every request needs the token (Authorization: Bearer, the cookie the page sets,
or ?token= on the first page load), else 401. Responses carry a Content-Security-Policy with no inline
script, nosniff, no referrer, no framing. Bodies over MAX_BODY_BYTES get 413, messages over
MAX_MESSAGE_CHARS 413 with the limit in the message. Errors are JSON {"error": "..."}, never a traceback.
"""
from __future__ import annotations

import hmac
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from agent.web import views
from agent.web.store import SessionStore
from agent.web.turns import BackendFactory, TurnService

MAX_BODY_BYTES = 64 * 1024  # a message, a form change; an imported transcript may be larger:
MAX_IMPORT_BYTES = 8 * 1024 * 1024
MAX_MESSAGE_CHARS = 8000
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin")]
_SID = re.compile(r"^[0-9a-f]{16}$")
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "LICENSE.txt": "text/plain; charset=utf-8"}
ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


@dataclass
class Settings:
    token: str | None = None  # required on every request when set
    allowed_hosts: set[str] = field(default_factory=set)  # empty: any Host (a token guards the app)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers={"cache-control": "no-store"})


def _static(name: str) -> bytes:
    return resources.files("agent.web").joinpath("static").joinpath(name).read_bytes()


def create_app(store: SessionStore, make_backend: BackendFactory, settings: Settings | None = None) -> ASGIApp:
    settings = settings or Settings()
    service = TurnService(store, make_backend)

    async def page(request: Request) -> Response:
        token = request.query_params.get("token")
        if token and settings.token and hmac.compare_digest(token, settings.token):
            response: Response = RedirectResponse("/", status_code=303)  # the token leaves the address bar
            response.set_cookie("capplan_token", token, httponly=True, samesite="strict")
            return response
        return Response(_static("index.html"), media_type="text/html; charset=utf-8",
                        headers={"cache-control": "no-store"})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return error(404, f"no static file {name!r}")
        return Response(_static(name), media_type=STATIC[name], headers={"cache-control": "no-cache"})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def list_sessions(request: Request) -> Response:
        return JSONResponse({"sessions": await service.call(store.list)})

    async def create_session(request: Request) -> Response:
        body = await _json_body(request, MAX_IMPORT_BYTES, allow_empty=True)
        from agent import transcript
        from agent.session import Session

        raw = body.get("transcript")
        if raw is None:
            session = Session()
        else:
            try:
                session = transcript.session_from_data(raw, "transcript")
            except transcript.TranscriptError as exc:
                raise ApiError(422, str(exc)) from None
        row = await service.call(store.create, transcript.to_json(session), views.title_of(session))
        return JSONResponse({"id": row.id, "title": row.title, "updated_at": row.updated_at}, status_code=201)

    async def get_session(request: Request) -> Response:
        row, session = await _load(request)
        return _json(views.session_view(row.id, row.title, row.updated_at, session))

    async def post_message(request: Request) -> Response:
        body = await _json_body(request, MAX_BODY_BYTES)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(422, 'the body needs "text": the message, a non-empty string')
        if len(text) > MAX_MESSAGE_CHARS:
            raise ApiError(413, f"the message is {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}")
        message = text.strip()
        return await _turn(request, lambda chat: chat.turn(message))

    async def post_inputs(request: Request) -> Response:
        body = await _json_body(request, MAX_BODY_BYTES)
        row, session = await _load(request)
        from agent.web.inputs import InputsError, plan_change

        try:
            note, tool, arguments, done = plan_change(session, body)
        except InputsError as exc:
            raise ApiError(422, str(exc)) from None
        return await _turn(request, lambda chat: chat.act(note, tool, arguments, done), row)

    async def _turn(request: Request, work: Callable[[Any], None], row: Any = None) -> Response:
        if row is None:
            row, _ = await _load(request)
        lock = service.lock(row.id)
        if lock.locked():
            raise ApiError(409, "a reply is still being written in this session; wait for it to finish")
        await lock.acquire()
        try:
            fresh = await service.call(store.get, row.id)  # what another tab saved while we waited
        except BaseException:
            lock.release()
            raise
        return StreamingResponse(service.stream(fresh, work, lock), media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    async def transcript_json(request: Request) -> Response:
        row, session = await _load(request)
        from agent import transcript

        return _json(transcript.to_json(session), download=f"capplan-{row.id}.json")

    async def transcript_md(request: Request) -> Response:
        row, session = await _load(request)
        from agent import transcript
        from agent.redact import scrub

        return Response(scrub(transcript.render_markdown(session)), media_type="text/markdown; charset=utf-8",
                        headers=_download(f"capplan-{row.id}.md"))

    async def report_html(request: Request) -> Response:
        row, session = await _load(request)
        from agent.errors import InputError
        from agent.redact import scrub
        from agent.reporting import session_report

        try:
            html = await service.call(session_report, session)
        except InputError as exc:
            raise ApiError(409, "; ".join(exc.problems)) from None
        headers = _download(f"capplan-{row.id}-report.html") if request.query_params.get("download") else {}
        headers["content-security-policy"] = REPORT_CSP  # the report's inline CSS; still no script at all
        return Response(scrub(html), media_type="text/html; charset=utf-8", headers=headers)

    async def plan_json(request: Request) -> Response:
        row, session = await _load(request)
        name = request.query_params.get("scenario")
        record = session.get(name)
        if record is None:
            raise ApiError(404, f'no scenario "{name}" in this session' if name else "no plan yet in this session")
        return _json(record.plan, download=f"capplan-{row.id}-{views._slug(record.name)}.plan.json")

    async def _load(request: Request) -> tuple[Any, Any]:
        sid = request.path_params["sid"]
        if not _SID.match(sid):
            raise ApiError(404, f"no session {sid[:40]!r}")
        row = await service.call(store.get, sid)
        if row is None:
            raise ApiError(404, f"no session {sid!r}")
        from agent import transcript

        try:
            return row, transcript.session_from_data(row.data, f"session {sid}")
        except transcript.TranscriptError as exc:
            raise ApiError(500, str(exc)) from None

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/api/sessions", list_sessions, methods=["GET"]),
        Route("/api/sessions", create_session, methods=["POST"]),
        Route("/api/sessions/{sid}", get_session, methods=["GET"]),
        Route("/api/sessions/{sid}/messages", post_message, methods=["POST"]),
        Route("/api/sessions/{sid}/inputs", post_inputs, methods=["POST"]),
        Route("/api/sessions/{sid}/transcript.json", transcript_json, methods=["GET"]),
        Route("/api/sessions/{sid}/transcript.md", transcript_md, methods=["GET"]),
        Route("/api/sessions/{sid}/report.html", report_html, methods=["GET"]),
        Route("/api/sessions/{sid}/plan.json", plan_json, methods=["GET"]),
    ]

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error(exc.status, exc.message)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = {404: "not found", 405: "method not allowed"}.get(status, str(getattr(exc, "detail", "error")))
        return error(status, f"{detail}: {request.method} {request.url.path}")

    async def on_crash(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("capplan.web").error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
        return error(500, f"internal error ({type(exc).__name__}); nothing saved was lost")

    from starlette.exceptions import HTTPException

    app = Starlette(routes=routes, exception_handlers={ApiError: on_api_error, HTTPException: on_http_error,
                                                      Exception: on_crash})
    app.state.service = service
    return Guard(app, settings)


def _json(data: Any, download: str | None = None) -> Response:
    headers = {"cache-control": "no-store", **(_download(download) if download else {})}
    return Response(views.safe_json(data), media_type="application/json", headers=headers)


def _download(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"'}


async def _json_body(request: Request, limit: int, allow_empty: bool = False) -> dict[str, Any]:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the request body is over the {limit // 1024:,} KiB limit")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        if allow_empty:
            return {}
        raise ApiError(400, "the request needs a JSON body")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"the request body is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return data


class Guard:
    """Pure ASGI middleware (streams pass through untouched): host check, token, size, security headers."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.state = app.state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                own = {k.lower() for k, _ in message.get("headers", [])}  # a route's own policy wins (the report)
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in own]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        problem = self._problem(scope, headers)
        if problem is not None:
            status, text = problem
            response = error(status, text)
            if status == 401:
                response.headers["www-authenticate"] = 'Bearer realm="capplan"'
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _problem(self, scope: dict[str, Any], headers: dict[str, str]) -> tuple[int, str] | None:
        s = self.settings
        if s.allowed_hosts:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
            if name.lower() not in s.allowed_hosts:
                return 421, f"this server answers only for {', '.join(sorted(s.allowed_hosts))}, not {host[:80]!r}"
        if s.token and not self._authorised(scope, headers):
            return 401, "a token is required: open the address capplan serve printed, or send Authorization: Bearer TOKEN"
        length = headers.get("content-length")
        if length is not None and length.isdigit():
            limit = MAX_IMPORT_BYTES if scope.get("path") == "/api/sessions" else MAX_BODY_BYTES
            if int(length) > limit:
                return 413, f"the request body is over the {limit // 1024:,} KiB limit"
        return None

    def _authorised(self, scope: dict[str, Any], headers: dict[str, str]) -> bool:
        token = self.settings.token or ""
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and hmac.compare_digest(auth[7:].strip(), token):
            return True
        for part in headers.get("cookie", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == "capplan_token" and hmac.compare_digest(value, token):
                return True
        if scope.get("path") == "/" and scope.get("method") == "GET":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            return any(hmac.compare_digest(v, token) for v in query.get("token", []))
        return False
