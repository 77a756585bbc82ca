"""The `capplan` console script: argument parsing and the exit-code contract.

Exit codes (DESIGN.md): 0 success; 2 bad input or usage, one line per problem on stderr; 1 anything
else, without a traceback unless `--debug`. Subcommand modules are imported only when chosen, so one
command's dependencies never slow another's start-up.
"""
from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from typing import Sequence

from agent.errors import InputError

# subcommand -> (module, one-line help). The module provides configure(parser) and run(args).
COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("agent.commands.plan", "capacity plan for a scenario file (JSON)"),
    "schema": ("agent.commands.schema", "JSON Schema of a scenario"),
    "catalog": ("agent.commands.catalog", "what the catalog knows: models, GPUs, instances, prices"),
    "llm-estimate": ("agent.commands.llm_estimate", "self-hosted LLM serving estimate for one model on one GPU"),
    "chat": ("agent.commands.chat", "plain-English conversation that builds and explains a plan"),
    "report": ("agent.commands.report", "self-contained HTML report (charts, what-ifs, full plan) of a transcript or plan"),
    "serve": ("agent.commands.serve", "browser app: chat, plan cards, charts, what-ifs side by side (needs .[web])"),
    "calibrate": ("agent.commands.calibrate", "what your workload really is, from request logs, usage exports or vLLM metrics"),
    "compare": ("agent.commands.compare", "forecast vs actual: a plan against real usage, metric by metric"),
    "export": ("agent.commands.export", "Kubernetes, KEDA or Terraform configuration from a plan"),
    "options": ("agent.commands.options", "ways to serve the model calls (hosted APIs, own GPUs), ranked, with break-even"),
}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; this keeps its message to one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"capplan: error: {message}\n")
        raise SystemExit(2)


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = _Parser(prog="capplan", description="Capacity plans for chatbot and LLM-agent applications.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # The command is the first word that is not an option (the only global option, --debug, takes no
    # value). When it names a command, only that command's parser is built and its module imported: the
    # other ten parsers would serve nothing but `capplan --help` and a misspelt command, and building them
    # is ~10% of a `capplan plan` start-up (issue 16, move 12).
    first = next((a for a in argv if not a.startswith("-")), None)
    chosen = first if first in COMMANDS else None
    for name, (module_name, help_text) in COMMANDS.items():
        if chosen is not None and name != chosen:
            continue
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module_name).configure(sp)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    code = _main(argv)
    if argv is None:  # the real process is about to exit: a late Ctrl-C must not turn success into a kill
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return code


def _main(argv: Sequence[str] | None) -> int:
    # pydantic scans every installed package's entry points for plugins on first model build (~10 ms);
    # the command line uses none. A user who does can still set the variable to something else.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args) or 0)
    except InputError as exc:
        from agent.redact import one_line

        for line in exc.problems[:50]:
            sys.stderr.write(f"capplan {args.command}: {one_line(line, 2000)}\n")
        if len(exc.problems) > 50:
            sys.stderr.write(f"capplan {args.command}: ... and {len(exc.problems) - 50} more problems\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("capplan: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the exit-code contract: no traceback unless --debug
        if args.debug:
            raise
        from agent.redact import one_line

        sys.stderr.write(f"capplan {args.command}: error: {type(exc).__name__}: {one_line(str(exc), 2000)}\n"
                         "(run with --debug for a traceback)\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
