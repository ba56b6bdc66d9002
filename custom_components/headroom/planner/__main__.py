"""Command line: ``python -m custom_components.headroom.planner solve|feasibility ...``.

Bad input exits with code 2 and one line naming the field.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .feasibility import check_feasibility, request_from_json
from .model import ProblemError, problem_from_json
from .solve import DEFAULT_TIME_LIMIT_S, solve


def _load(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ProblemError("", f"cannot read {path}: {err.strerror}") from err
    except json.JSONDecodeError as err:
        raise ProblemError("", f"{path} is not JSON: {err.msg} at line {err.lineno}") from err


def main(argv: list[str] | None = None) -> int:
    """``solve`` prints the plan for a problem file; ``feasibility`` whether a prospective EV session
    fits. Returns the exit code: 0, or 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m custom_components.headroom.planner")
    sub = parser.add_subparsers(dest="command", required=True)
    p_solve = sub.add_parser("solve", help="plan a problem and print the plan as JSON")
    p_solve.add_argument("problem")
    p_feas = sub.add_parser("feasibility", help="can a prospective EV session be met?")
    p_feas.add_argument("problem")
    p_feas.add_argument("request")
    for p in (p_solve, p_feas):
        p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT_S, metavar="SECONDS")
    args = parser.parse_args(argv)
    try:
        problem = problem_from_json(_load(args.problem))
        if args.command == "solve":
            out = solve(problem, time_limit=args.time_limit).to_json()
        else:
            request = request_from_json(_load(args.request), problem)
            out = check_feasibility(problem, request, time_limit=args.time_limit).to_json()
    except ProblemError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
