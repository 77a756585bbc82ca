"""The browser app (`capplan serve`): the same chat loop, backends, tools and transcripts as `capplan chat`.

app.py (routes, security headers, token, limits), store.py + migrations.py (sessions in SQLite or
PostgreSQL through SQLAlchemy), turns.py (a turn run on a worker thread, its hooks streamed as
Server-Sent Events), views.py (a session as the page draws it), static/ (the page; no third-party code).
"""
