"""`capplan serve [--host 127.0.0.1] [--port 8765] [--db PATH|postgresql://...] [--token T] [--open]`.

Decisions: loopback by default; any other address needs a token (given, or generated and printed once
with the address to open). With a token set, every request needs it. The database is SQLite in the
user's data directory unless --db says otherwise (`agent/web/store.py`). The chat model is chosen as
`capplan chat` chooses it (--offline, --model, --base-url, OPENAI_*); its key stays on the server.
The web libraries are an optional extra: `pip install -e '.[web]'`.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys
from typing import Any

from agent.errors import InputError

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def configure(p: argparse.ArgumentParser) -> None:
    from agent.backends.base import DEFAULT_MODEL

    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; others need a token)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--db", metavar="PATH|URL", help="SQLite file, or postgresql://user@host/db (default: "
                                                    "sessions.db in the user's data directory)")
    p.add_argument("--token", help="require this token on every request (generated when binding beyond loopback)")
    p.add_argument("--open", action="store_true", help="open the page in a browser")
    p.add_argument("--offline", action="store_true", help="use the built-in guided mode even when an LLM is configured")
    p.add_argument("--model", metavar="NAME", help=f"chat model id (default: $CAPPLAN_MODEL or {DEFAULT_MODEL})")
    p.add_argument("--base-url", metavar="URL", help="OpenAI-compatible server (default: $OPENAI_BASE_URL)")


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from agent.web.app import Settings, create_app
        from agent.web.store import SessionStore, database_url
    except ImportError as exc:
        raise InputError([f"the web app needs its optional libraries ({exc.name} is missing): "
                          "pip install -e '.[web]'"]) from None
    problems = []
    if not 0 <= args.port <= 65535:
        problems.append(f"--port: {args.port} is not a port number (0-65535)")
    if args.token is not None and len(args.token) < 8:
        problems.append("--token: use at least 8 characters")
    if args.base_url and not args.base_url.startswith(("http://", "https://")):
        problems.append(f"--base-url: expected an http(s) URL, got {args.base_url!r}")
    if problems:
        raise InputError(problems)
    loopback = is_loopback(args.host)
    token = args.token or (None if loopback else secrets.token_urlsafe(24))
    try:
        store = SessionStore(database_url(args.db))
    except Exception as exc:  # noqa: BLE001 - a database that cannot open is the person's to fix
        from agent.redact import scrub

        raise InputError([f"--db: cannot open the session database ({type(exc).__name__}: "
                          f"{scrub(str(exc)).splitlines()[0][:200]})"]) from None
    settings = Settings(token=token, allowed_hosts={"127.0.0.1", "localhost", "[::1]"} if loopback else set())
    app = create_app(store, backend_factory(args), settings)
    from agent.commands.chat import warn_model

    warn_model(backend_factory(args)(lambda _text: None), lambda text: sys.stderr.write(f"capplan serve: {text}\n"))
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    _announce(server, args, token)
    server.run()
    store.close()
    return 0


def backend_factory(args: argparse.Namespace) -> Any:
    """notify -> a fresh backend for one turn, chosen exactly as `capplan chat` chooses it."""
    from agent.commands.chat import make_backend

    class _Notifier:
        def __init__(self, notify: Any) -> None:
            self.warn = notify

    return lambda notify: make_backend(args, _Notifier(notify))


def _announce(server: Any, args: argparse.Namespace, token: str | None) -> None:
    """Print the address once the socket is bound (port 0 picks one), then open it if asked."""
    original = server.startup

    async def startup(sockets: Any = None) -> None:
        await original(sockets=sockets)
        port = args.port
        for s in getattr(server, "servers", []) or []:
            for sock in s.sockets or []:
                port = sock.getsockname()[1]
        host = args.host if ":" not in args.host else f"[{args.host}]"
        url = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
        sys.stdout.write(f"capplan serve: {url}\n" + ("" if args.token or not token else
                         "  (a token was generated for this address; anyone with this link can use the app)\n"))
        sys.stdout.write(f"  sessions: {_where(args.db)}\n  Ctrl-C stops the server.\n")
        sys.stdout.flush()
        if args.open:
            import webbrowser

            webbrowser.open(url)

    server.startup = startup


def _where(db: str | None) -> str:
    from agent.web.store import default_db_path

    if db and "://" in db:
        return db.split("@")[-1] if "@" in db else db.split("://")[0] + "://..."
    return str(os.path.expanduser(db) if db else default_db_path())
