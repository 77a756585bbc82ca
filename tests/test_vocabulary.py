"""One vocabulary (issue 16, move 1): the report, the terminal, the tools and the guided mode name a
figure, write its number and read a person's word for it from forecasting/vocabulary.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from forecasting import plan, vocabulary
from forecasting.report import summary_rows
from forecasting.report.compare import comparison
from forecasting.report.uncertainty import figure_label

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _plan(name: str):  # noqa: ANN202
    return plan(json.loads((EXAMPLES / f"{name}.json").read_text()))


@pytest.mark.parametrize("name", ["support-chatbot", "selfhosted-chatbot", "travel-agent"])
def test_report_rows_are_named_by_the_vocabulary(name: str) -> None:
    p = _plan(name)
    app = p.inputs["app_type"]
    rows = summary_rows(p)
    assert [label for label, _, _ in rows] == [vocabulary.heading(key, app) for _, _, key in rows]
    assert all(label != key for label, _, key in rows), "every headline row has a heading of its own"
    messages = next(label for label, _, key in rows if key == "load.requests_per_second")
    assert messages == ("Tasks at peak" if app == "agent" else "Messages at peak")
    peak = next(value for _, value, key in rows if key == "load.llm_calls_per_second")
    assert peak == f"{vocabulary.cell_text(p.load.llm_calls_per_second)} {vocabulary.unit('load.llm_calls_per_second')}"


def test_the_comparison_and_the_bands_use_the_same_names() -> None:
    p = _plan("travel-agent")
    rows = comparison([("a", p), ("b", p)])
    assert {r.label for r in rows} <= {vocabulary.heading(k) for k in vocabulary.HEADINGS} | {"Monthly cost at the horizon"}
    assert figure_label(p, "load.requests_per_second") == "Tasks at peak (/s)"  # an agent's are tasks, not messages
    assert figure_label(p, "storage.database.storage_gb_at_horizon") == "Database storage at the horizon (GB)"
    assert figure_label(p, "compute.app.instances") == "App instances"  # a count says its unit itself


def test_the_number_writers_live_in_the_vocabulary() -> None:
    from forecasting import report
    from forecasting.actuals import report as actuals_report
    from forecasting.report import mermaid

    assert report.fmt is vocabulary.cell_text and report.usd is vocabulary.usd_text
    assert mermaid._num is vocabulary.plain_number and actuals_report._n is vocabulary.measured_text
    assert [vocabulary.cell_text(x) for x in (26.35, 3.5, 1234.5, 7, None, True)] == ["26.4", "3.50", "1,234", "7", "—", "yes"]
    assert vocabulary.number_text(26.35) == "26.4" and vocabulary.number_text(3.5) == "3.5"
    assert vocabulary.plain_number(1234.5) == "1234" and vocabulary.plain_number(2.50) == "2.5"
    assert vocabulary.measured_text(0.1234, 3) == "0.123" and vocabulary.measured_text(None) == "-"
    assert vocabulary.usd_text(42.5) == "$42.50" and vocabulary.usd_text(42.5, cents=False) == "$42"


@pytest.mark.parametrize("text, metric", [
    ("why so many GPUs?", "llm.self_hosted.gpus"), ("why that tier?", "llm.api.tier"),
    ("how did you get the tokens per minute?", "llm.api.required_tpm"), ("why is the llm cost so high", "llm.monthly_usd"),
    ("why does it cost that much?", "cost.monthly_usd"), ("why so many workers?", "compute.workers.instances"),
    ("explain the weather", None),
])
def test_a_persons_word_names_one_figure_for_both_chat_paths(text: str, metric: str | None) -> None:
    from agent.guided.understand import understand

    assert vocabulary.metric_for(text) == metric
    if metric is not None:
        assert understand(text).explain_topic == metric  # the guided mode reads the same table


def test_the_explain_tool_reads_the_same_words() -> None:
    hosted, own = _plan("support-chatbot"), _plan("selfhosted-chatbot")
    assert vocabulary.match_metric("tier", list(hosted.explanations)) == ["llm.api.tier"]
    assert vocabulary.match_metric("llm cost", list(hosted.explanations)) == ["llm.monthly_usd"]
    assert vocabulary.match_metric("autoscaling thresholds", list(hosted.explanations)) == ["compute.autoscaling"]
    gpus = vocabulary.match_metric("why so many replicas", list(own.explanations))
    assert gpus == list(vocabulary.EXPLAINED_BY["llm.self_hosted.gpus"])


def test_a_figure_has_one_name_in_a_line_and_in_a_table() -> None:
    """The long label (a line of its own) says the heading's words, with the unit or period spelled out."""
    for label, path in vocabulary.KEY_FIGURES:
        if path in vocabulary.HEADINGS:
            words = [w for w in vocabulary.heading(path).lower().split() if w != "at"]
            assert all(w in label.lower() for w in words), (path, label, vocabulary.heading(path))
