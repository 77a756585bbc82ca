"""One module per `capplan` subcommand.

Each module exposes `configure(parser)` (adds its arguments) and `run(args) -> int` (the exit code).
Modules import heavy libraries (rich, openai) inside `run`, never at import time, so that
`capplan plan --format json` starts nearly as fast as `import pydantic`.
"""
