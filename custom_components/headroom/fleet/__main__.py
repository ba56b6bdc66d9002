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
from pathlib import Path
from typing import Any, NoReturn

from .model import ProblemError, fleet_from_json
from .plan import DEFAULT_DAY_TIME_LIMIT_S, plan_fleet

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_LINE_CHARS = 500


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


def load_json(path: str) -> Any:
    """A file's JSON; anything that keeps it from being read as JSON is a ``ProblemError``."""
    try:
        file = Path(path)
        if file.stat().st_size > MAX_FILE_BYTES:
            raise ProblemError("", f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise ProblemError("", f"cannot read {path}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise ProblemError("", f"{path} is not UTF-8 text: byte {err.start}") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ProblemError("", f"{path} is not JSON: {err.msg} at line {err.lineno}") from err
    except (RecursionError, ValueError) as err:
        raise ProblemError("", f"{path} is not usable JSON: {err}") from err


def _say(message: str) -> None:
    line = " ".join(message.split())
    if len(line) > MAX_LINE_CHARS:
        line = line[: MAX_LINE_CHARS - 3] + "..."
    print(f"error: {line}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0, 2 on bad input, 1 on a failure of its own)."""
    try:
        args = _parser().parse_args(argv)
    except _BadArguments as err:
        _say(str(err))
        return EXIT_BAD_INPUT
    try:
        if args.command == "plan":
            fleet = fleet_from_json(load_json(args.fleet))
            out = plan_fleet(fleet, day_time_limit=args.day_time_limit).to_json()
            sys.stdout.write(json.dumps(out, allow_nan=False) + "\n")
            return 0
        code: int = args.run(args)
        return code
    except ProblemError as err:
        _say(str(err))
        return EXIT_BAD_INPUT
    except Exception as err:  # one line, whatever it is
        _say(f"internal error: {type(err).__name__}: {err}")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
