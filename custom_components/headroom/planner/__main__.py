"""Command line: ``python -m custom_components.headroom.planner solve|feasibility ...``.

Bad input of any kind (a file that cannot be read, is not UTF-8 or not JSON, a field that is
wrong, a problem beyond the size cap, a bad argument) exits with code 2 and one line on stderr
naming what is wrong; never a traceback. ``--time-limit`` holds for reading, building, solving,
the fallback and the explanations together: the planner gets what reading left, and a watchdog
ends the run (code 3, one line) should it still overrun. A failure that is not the input's
fault is one line too, with code 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from typing import Any, NoReturn

from .feasibility import check_feasibility, request_from_json
from .model import ProblemError, problem_from_json
from .reader import read_json_file, say_error
from .solve import DEFAULT_TIME_LIMIT_S, solve

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_TIME_LIMIT = 3
MAX_TIME_LIMIT_S = 3600.0
MAX_FILE_BYTES = 64 * 1024 * 1024
# The watchdog waits this long past the time limit: what the planner keeps back for the fallback is
# inside the limit, this is for an interpreter slowed by a busy machine.
WATCHDOG_GRACE_S = 1.0
# check_feasibility solves up to four times; each gets a quarter of what is left.
FEASIBILITY_SOLVES = 4


class _BadArguments(Exception):
    """argparse's complaint, as one line instead of usage and a message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadArguments(message)


def _time_limit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--time-limit must be a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= MAX_TIME_LIMIT_S:
        raise argparse.ArgumentTypeError(f"--time-limit must be above 0 and at most {MAX_TIME_LIMIT_S:g} s")
    return value


def _parser() -> _Parser:
    parser = _Parser(prog="python -m custom_components.headroom.planner")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p_solve = sub.add_parser("solve", help="plan a problem and print the plan as JSON")
    p_solve.add_argument("problem")
    p_feas = sub.add_parser("feasibility", help="can a prospective EV session be met?")
    p_feas.add_argument("problem")
    p_feas.add_argument("request")
    for p in (p_solve, p_feas):
        p.add_argument(
            "--time-limit",
            type=_time_limit,
            default=DEFAULT_TIME_LIMIT_S,
            metavar="SECONDS",
            help=f"for everything together (default {DEFAULT_TIME_LIMIT_S:g}, at most {MAX_TIME_LIMIT_S:g})",
        )
    return parser


def problem_document(document: Any) -> Any:
    """The problem in ``document``: a problem itself, or Home Assistant's downloaded diagnostics of
    Headroom (the problem under ``data.problem``), so the file from the UI replays as it is."""
    if isinstance(document, dict) and "start" not in document:
        inner = document.get("data", document)
        if isinstance(inner, dict) and isinstance(inner.get("problem"), dict):
            return inner["problem"]
    return document


def _run(args: argparse.Namespace, deadline: float) -> str:
    """The answer as JSON text, within ``deadline`` (monotonic)."""
    problem = problem_from_json(problem_document(read_json_file(args.problem, MAX_FILE_BYTES)))
    if args.command == "solve":
        left = max(deadline - time.monotonic(), 0.0)
        out = solve(problem, time_limit=left).to_json()
    else:
        request = request_from_json(read_json_file(args.request, MAX_FILE_BYTES), problem)
        left = max(deadline - time.monotonic(), 0.0)
        out = check_feasibility(problem, request, time_limit=left / FEASIBILITY_SOLVES).to_json()
    return json.dumps(out, indent=1, allow_nan=False)


def main(argv: list[str] | None = None) -> int:
    """``solve`` prints the plan for a problem file; ``feasibility`` whether a prospective EV session
    fits. Returns the exit code: 0; 2 on bad input; 3 when the time limit ran out; 1 on a failure of
    the planner's own. Every failure is one line on stderr."""
    started = time.monotonic()
    try:
        args = _parser().parse_args(argv)
    except _BadArguments as err:
        say_error(str(err))
        return EXIT_BAD_INPUT
    deadline = started + args.time_limit
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["out"] = _run(args, deadline)
        except ProblemError as err:
            box["bad"] = str(err)
        except RecursionError:
            box["bad"] = "input nested too deeply"
        except BaseException as err:  # one line, whatever it is
            box["error"] = f"{type(err).__name__}: {err}"

    worker = threading.Thread(target=work, name="headroom-cli", daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), 0.0) + WATCHDOG_GRACE_S)
    if worker.is_alive():
        say_error(f"the time limit of {args.time_limit:g} s ran out")
        return EXIT_TIME_LIMIT
    if "bad" in box:
        say_error(box["bad"])
        return EXIT_BAD_INPUT
    if "error" in box:
        say_error(f"internal error: {box['error']}")
        return EXIT_INTERNAL
    sys.stdout.write(box["out"] + "\n")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Not sys.exit: a solver abandoned by a watchdog may still hold its thread.
    os._exit(code)
