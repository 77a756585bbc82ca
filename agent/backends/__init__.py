"""Chat backends: the interface every backend speaks (`base.py`) and the OpenAI-compatible one
(`openai_compatible.py`). The built-in guided backend lives in `agent/guided/backend.py`.
"""
