"""Decision quality: every shipped simulator scenario at 0, 20 and 40 % correlated forecast error over
three noise seeds, each policy's comparison cost against the bound.

    python -m benchmarks.decision_quality                      # prints the table (7 days, 2 processes)
    python -m benchmarks.decision_quality --write docs/decision-quality.md

The table is what ``simulator run SCENARIO --compare --error E --noise-seeds 1,2,3 --json`` prints,
one line per scenario and error; CPU seconds are per simulated run of Headroom (its solves included).
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from custom_components.headroom.simulator.quality import evaluate
from custom_components.headroom.simulator.scenario import Scenario

EXAMPLES = Path(__file__).parents[1] / "examples" / "simulator"
ERRORS = (0.0, 0.2, 0.4)
SEEDS = (1, 2, 3)


def _one(job: tuple[str, float, float]) -> tuple[str, float, dict[str, Any]]:
    name, error, days = job
    scenario = Scenario.from_json(json.loads((EXAMPLES / f"{name}.json").read_text()))
    seeds = [scenario.seed] if error == 0 else list(SEEDS)
    return name, error, evaluate(scenario, days, error, seeds)


def _rows(results: list[tuple[str, float, dict[str, Any]]]) -> list[str]:
    lines = [
        "| scenario | error | bound | BAU | Headroom | capture mean | capture worst | trips BAU / Headroom "
        "| capture at the same end | EV goals (Headroom) | fallbacks | CPU s / run |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, error, answer in results:
        bau, headroom = answer["policies"]["bau"], answer["policies"]["headroom"]
        lines.append(
            f"| {name} | {error:.0%} | {answer['bound']:.2f} | {bau['cost']:.2f} | {headroom['cost']:.2f} "
            f"| {headroom['capture']['mean']:.3f} | {headroom['capture']['worst']:.3f} "
            f"| {bau['trips']} / {headroom['trips']} | {headroom['capture_same_end']['mean']:.3f} "
            f"| {headroom['goals_met']}/{headroom['goals_total']} "
            f"| {headroom['fallbacks']} | {headroom['cpu_seconds']:.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.decision_quality")
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", type=Path, help="write the Markdown page (docs/decision-quality.md)")
    args = parser.parse_args(argv)
    names = sorted(p.stem for p in EXAMPLES.glob("*.json"))
    jobs = [(name, error, args.days) for name in names for error in ERRORS]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(_one, jobs))
    seconds = time.perf_counter() - started
    lines = _rows(results)
    print("\n".join(lines))
    print(f"\n{len(jobs)} comparisons in {seconds:.0f} s on {args.workers} processes")
    if args.write:
        accounting = {name: answer["accounting"] for name, error, answer in results if error == 0}
        args.write.write_text(_page(lines, args.days, accounting), encoding="utf-8")
    return 0


FINDINGS = """## Where the gap is (measured on perfect forecasts, 7 days)

Gap = Headroom - bound, comparison cost. Measured with the scenario's own seed, error 0:

| scenario | bound | bound at Headroom's end | Headroom | gap | of it: the end of the days | of it: Headroom's |
| --- | --- | --- | --- | --- | --- | --- |
| dutch_home | 7.22 | 7.77 | 8.87 | 1.65 | 0.55 | 1.10 |
| geyser_time_of_use | 33.18 | 33.19 | 34.31 | 1.12 | 0.01 | 1.12 |
| south_africa_load_shedding | 172.78 | 183.10 | 194.18 | 21.40 | 10.32 | 11.08 |

- **The end of the days.** Energy held at the end is valued at the period's mean import price
  (`stored per kWh` below), above the cheapest hours' price. The bound, knowing where the days end,
  fills the battery (South Africa: the off-peak 22:00-24:00 at 2.10, valued at 3.50) and the car still
  plugged in (Dutch home, Sunday night) before midnight; Headroom's rolling plan, rightly for a home
  that goes on, charges after midnight at the same or a lower price, outside the accounted days. This
  is not a decision Headroom can improve without knowing the end; the accounting is left as it is.
- **The horizon.** The Dutch home at `horizon_hours` 36 and 48 (prices beyond publication are
  persistence forecasts) costs 8.87 and 8.89 against 8.87 at 24 h; South Africa at 36 h 194.95 against
  194.18. A longer horizon does not pay on these homes.
- **Resolution.** The bound solved at a 15-minute tick instead of 5 (the realised series sampled at
  15 minutes, so indicative only): Dutch home 7.74 instead of 7.22 (+0.52), South Africa 173.33 instead
  of 172.78 (+0.55). About half of the Dutch home's own gap (1.10) is the 5-minute tick the bound sees
  and the 15-minute plan does not (PV and load peaks inside a step, the dishwasher's profile).
- **The geyser.** The whole gap is one 15-minute heat at the peak price before the evening shower,
  every day (0.75 kWh x 7 at 0.28 instead of 0.07 = 1.10). The simulated owner configured comfort
  3 K above the shower's 45 C (`simulator/sensors.py`); the bound needs only 45 C: heated to 65 C in the
  night tariff the tank reaches the evening shower at 46 C. The thermal model is not the cause (its
  fixed heat per shower is conservative in the evening, optimistic in the morning, when the tank is
  full anyway); the margin is the owner's setting, and a smaller one would trade it against cold
  showers under forecast error.
- **South Africa.** Of Headroom's own 11.08, the 25 % load margin in the steps before and during
  load shedding (`policy/problem.py` `OUTAGE_LOAD_MARGIN`) is 7.86 on perfect forecasts (186.32 with
  the margin 0, but then 0.11 kWh not served). With it Headroom imports 20.9 kWh off-peak instead
  of 16.9 and saves only 0.3 kWh at the peak (32.3 against 32.0): the extra charge still in the battery
  after the morning outage most likely takes the place of midday PV, which then has nowhere to go
  (export pays 0). It is the insurance that lifts the worst capture at
  40 % error (see the commit that added it). The rest (3.2) is not split further here (the bound at
  a 15-minute tick accounts for about 0.55 of it). Making the margin depend on the forecast's measured error instead of a fixed 25 % is
  the next step and is not done.
"""


def _page(lines: list[str], days: float, accounting: dict[str, dict[str, float]]) -> str:
    prices = "\n".join(
        f"| {name} | {a['stored_per_kwh']} | {a['shortfall_per_kwh']} | {a['trip']} | {a['cold_shower']} "
        f"| {a['value_of_lost_load']} |"
        for name, a in accounting.items()
    )
    return f"""# Decision quality

Regenerate with `python -m benchmarks.decision_quality --write docs/decision-quality.md` (every shipped
scenario in `examples/simulator/`, {days:g} days, 0, 20 and 40 % forecast error, noise seeds 1, 2, 3).

**Costs** are comparison costs (`simulator/accounting.py`): the energy bill plus, at stated prices,
energy not served, kWh a car lacked at its departure, fuse trips, appliance runs missed and cold
showers, less the energy the home holds at the end beyond what it held at the start (battery, hot
water, a car still plugged in), so a policy that pushes work past the end of the days gains nothing.
**Bound** is the least any policy could pay: the whole period as one perfect-foresight linear program
on the realised days at the simulator's 5-minute tick (`simulator/bound.py`); it relaxes the home
(no minimum charge current, a run may be spread over its starts, phases summed), so it is a true lower
bound and the capture ratio, (BAU - Headroom) / (BAU - bound), is conservative. **Error** is the
relative standard deviation of a day-ahead forecast of the house's load and PV, correlated hour to hour
(AR(1), persistence 0.9), for PV half of it one level for the whole day, smaller nearer the hour;
dynamic prices are known only as far as published (tomorrow's from 13:00). Capture mean and worst are
over the seeds; trips and goals are the worst seed's. **Capture at the same end** is the mean capture
against the bound asked to end each run holding exactly what that run held at the end
(`bound(..., stored_gain_kwh=...)`): the difference is what the end of the accounted days is worth to
perfect foresight, which a rolling plan for a home that goes on living cannot see (see below).

{chr(10).join(lines)}

The issue's targets (capture at least 0.97 at 20 % and 0.95 at 40 % on every scenario) are not met
yet: the table is the honest state.

{FINDINGS}
Stated prices per scenario (currency per kWh, per trip, per cold shower):

| scenario | stored per kWh | shortfall per kWh | trip | cold shower | value of lost load |
| --- | --- | --- | --- | --- | --- |
{prices}
"""


if __name__ == "__main__":
    raise SystemExit(main())
