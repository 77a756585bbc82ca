"""Configuration from a plan: Kubernetes manifests, KEDA ScaledObjects, Terraform variables.

Pure rendering (DESIGN.md): a plan's JSON dict in, text out; the command reads and writes the files.
YAML is produced by PyYAML from Python dicts (never string templates), and each document is preceded
by comments naming the scenario, the capplan version, the date, and the plan figure behind each value.
"""
from __future__ import annotations

import json
from typing import Any

from forecasting.export import keda, kubernetes, terraform
from forecasting.export.common import Doc, Options, header

TARGETS = ("kubernetes", "keda", "terraform")
__all__ = ["Options", "TARGETS", "documents", "render"]


def documents(plan: dict[str, Any], target: str, opts: Options) -> list[Doc]:
    """The documents of a target (terraform: one, whose body is the variables)."""
    if target == "kubernetes":
        return kubernetes.documents(plan, opts)
    if target == "keda":
        return keda.documents(plan, opts)
    if target == "terraform":
        return [Doc(terraform.variables(plan, opts))]
    raise ValueError(f"unknown export target {target!r}; targets: {', '.join(TARGETS)}")


def _yaml(doc: Doc) -> str:
    import yaml  # type: ignore[import-untyped]

    class _Plain(yaml.SafeDumper):  # type: ignore[misc]
        """No &anchors / *aliases for repeated label maps: people read and edit these files."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    lines = [f"# {doc.body['kind']} {doc.body['metadata']['name']}"]
    for path, value, source in doc.sources:
        lines.append(f"#   note: {source}" if path == "note" else f"#   {path} = {value}  <- {source}")
    return "\n".join(lines) + "\n" + str(yaml.dump(doc.body, Dumper=_Plain, sort_keys=False, default_flow_style=False, width=120))


def render(plan: dict[str, Any], target: str, opts: Options) -> str:
    """The file's text: YAML documents separated by `---` (kubernetes, keda) or JSON (terraform)."""
    docs = documents(plan, target, opts)
    if target == "terraform":
        return json.dumps(docs[0].body, indent=2) + "\n"
    head = "".join(f"# {line}\n" for line in header(plan, opts, f"{target} configuration"))
    if not docs:
        return head + "# (nothing to export: the plan has no tier this target configures)\n"
    return head + "---\n".join(_yaml(d) for d in docs)
