"""Self-hosted LLM serving estimator: catalog (models, GPUs, engine profiles), physics, estimates.

The public entry point is `forecasting.llm_serving`; these modules are split only to stay small.
"""
