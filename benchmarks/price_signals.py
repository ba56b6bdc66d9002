"""What the price signals add to a cycle's solve: every planner example solved with and without
``price_signals=True`` (the fixed LP's duals), median of five, printed.

    python -m benchmarks.price_signals
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from custom_components.headroom.planner import ProblemError, problem_from_json, solve

EXAMPLES = Path(__file__).parents[1] / "examples"
RUNS = 5


def _median_seconds(path: Path, signals: bool) -> float:
    problem = problem_from_json(json.loads(path.read_text()))
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        solve(problem, price_signals=signals)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    print(f"{'example':40}  {'solve s':>8}  {'+ signals s':>11}  {'added':>7}")
    for path in sorted(EXAMPLES.glob("*.json")):
        try:
            problem_from_json(json.loads(path.read_text()))
        except ProblemError:
            continue  # not a problem (a feasibility request)
        plain, signalled = _median_seconds(path, False), _median_seconds(path, True)
        print(f"{path.stem:40}  {plain:8.3f}  {signalled:11.3f}  {signalled - plain:+7.3f}")


if __name__ == "__main__":
    main()
