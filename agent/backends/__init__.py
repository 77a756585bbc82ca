"""Chat backends: the interface every backend speaks (`base.py`) and the OpenAI-compatible one
(`openai_compatible.py`), and a local server speaking the Chat Completions wire format for offline
tests, demos and benchmarks (`local_server.py`). The built-in guided backend lives in
`agent/guided/backend.py`.
"""
