"""Command line: ``python -m custom_components.headroom.fleet plan FLEET.json``.

``plan`` prints the result JSON (docs/fleet-format.md). Bad input of any kind (a file that cannot
be read or is not JSON, a field that is wrong, a bad argument) exits with code 2 and one line on
stderr naming the field's path; a failure of the planner's own is one line with code 1. The batch
commands (``db``, ``run``) are in ``batch``, which needs ``requirements_fleet.txt``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import NoReturn

from ..planner.reader import read_json_file, say_error
from .model import ProblemError, fleet_from_json
from .plan import DEFAULT_DAY_TIME_LIMIT_S, plan_fleet

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
MAX_FILE_BYTES = 256 * 1024 * 1024


class _BadArguments(Exception):
    """argparse's complaint, as one line instead of usage and a message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadArguments(message)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be above 0 and at most 3600 s")
    return value


def _parser() -> _Parser:
    parser = _Parser(prog="python -m custom_components.headroom.fleet")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    plan = sub.add_parser("plan", help="plan a fleet file and print the result as JSON")
    plan.add_argument("fleet")
    plan.add_argument(
        "--day-time-limit",
        type=_seconds,
        default=DEFAULT_DAY_TIME_LIMIT_S,
        metavar="SECONDS",
        help=f"for each day's solver run (default {DEFAULT_DAY_TIME_LIMIT_S:g})",
    )
    try:
        from . import batch
    except ImportError:  # SQLAlchemy is missing (requirements_fleet.txt): plan still works
        return parser
    batch.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0, 2 on bad input, 1 on a failure of its own)."""
    try:
        args = _parser().parse_args(argv)
    except _BadArguments as err:
        say_error(str(err))
        return EXIT_BAD_INPUT
    try:
        if args.command == "plan":
            fleet = fleet_from_json(read_json_file(args.fleet, MAX_FILE_BYTES))
            out = plan_fleet(fleet, day_time_limit=args.day_time_limit).to_json()
            sys.stdout.write(json.dumps(out, allow_nan=False) + "\n")
            return 0
        code: int = args.run(args)
        return code
    except ProblemError as err:
        say_error(str(err))
        return EXIT_BAD_INPUT
    except Exception as err:  # one line, whatever it is
        say_error(f"internal error: {type(err).__name__}: {err}")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
