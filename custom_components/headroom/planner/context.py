"""What every device kind's MILP part needs: the program, the horizon and the objective weights,
and what the site reads back from each part (``DeviceVars``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .kinds.ev import Ev
from .lp import FloatArray, IntArray, LinearProgram

if TYPE_CHECKING:
    from .model import Problem
    from .plan import DevicePlan


@dataclass(frozen=True)
class Weights:
    """Objective weights, scaled to the prices so that HiGHS sees a well-conditioned problem.

    ``base`` exceeds the most a kWh can cost anywhere in the horizon, so delivering energy
    to a car always beats saving money; higher EV priorities get whole ``priority_gap``s more.
    """

    base: float
    priority_gap: float
    fastest_per_step: float
    tie_break: float
    stability: float
    breach_per_kwh: float
    import_cap_per_kwh: float
    ev_rank: dict[int, int]

    @classmethod
    def for_problem(cls, problem: Problem) -> Weights:
        tariff = problem.tariff
        # Ten times the dearest kWh: enough that a minimum-power step displacing another
        # car's energy to a dearer hour still loses to delivering more in total.
        base = (
            10.0 * (float(np.max(np.abs(tariff.import_price))) + float(np.max(np.abs(tariff.export_price))))
            + tariff.peak_price_per_kw / problem.step_hours
            + 1.0
        )
        evs = problem.of_kind(Ev)
        any_fastest = any(ev.mode == "fastest" for ev in evs)
        gap = base * (2.0 + (problem.steps if any_fastest else 0))
        ranks = {p: r for r, p in enumerate(sorted({ev.priority for ev in evs}))}
        top = base + gap * max(ranks.values(), default=0) + (base * problem.steps if any_fastest else 0)
        return cls(
            base=base,
            priority_gap=gap,
            fastest_per_step=base,
            tie_break=1e-5 * base,
            stability=1e-4 * base,
            breach_per_kwh=10.0 * top,
            import_cap_per_kwh=0.5 * base,
            ev_rank=ranks,
        )

    def ev_value_per_kwh(self, ev: Ev, steps: int) -> float:
        """What one kWh delivered is worth to the objective (before any time penalty)."""
        value = self.base + self.priority_gap * self.ev_rank[ev.priority]
        if ev.mode == "fastest":
            value += self.fastest_per_step * steps
        return value


@dataclass
class Context:
    problem: Problem
    lp: LinearProgram
    weights: Weights
    fixed_load_kw: FloatArray

    @property
    def steps(self) -> int:
        return self.problem.steps

    @property
    def dt(self) -> float:
        return self.problem.step_hours

    def add_stability(
        self, t: IntArray, cols: IntArray, vals: FloatArray, previous: FloatArray | None
    ) -> None:
        """Penalise |power - previous plan| slightly, so that at equal cost the plan stays put."""
        if previous is None or len(t) == 0:
            return
        steps, row_of = np.unique(t, return_inverse=True)
        k = len(steps)
        dev = self.lp.add_vars(k, 0.0, np.inf, self.weights.stability * self.dt)
        prev = previous[steps]
        rows = np.arange(k)
        # dev >= power - prev  and  dev >= prev - power
        self.lp.add_rows(
            k, np.concatenate([rows, row_of]), np.concatenate([dev, cols]),
            np.concatenate([np.ones(k), -vals]), lb=-prev,
        )
        self.lp.add_rows(
            k, np.concatenate([rows, row_of]), np.concatenate([dev, cols]),
            np.concatenate([np.ones(k), vals]), lb=prev,
        )


class DeviceVars(Protocol):
    """A device's part of the program, and what the site reads back from it by name.

    The site needs only the device's power per step (for the balance and the phase fuses),
    plus three facts that only storage has: how much it could feed back into the home
    (``supply_kw``, the export big-M), whether the grid may not take its energy
    (``export_only_pv``) and what its use wears out (``wear_cost``).
    """

    @property
    def phases(self) -> tuple[int, ...]: ...

    @property
    def supply_kw(self) -> float:
        """The most power it can feed into the home at once (0 for a load)."""
        ...

    @property
    def export_only_pv(self) -> bool:
        """True when nothing it feeds back may be exported: the site then exports at most PV."""
        ...

    def power_terms(self) -> tuple[IntArray, IntArray, FloatArray]:
        """(step, column, coefficient) triplets whose sum per step is the device's power."""
        ...

    def extract(self, x: FloatArray) -> DevicePlan: ...

    def wear_cost(self, plan: DevicePlan, dt: float) -> float:
        """Money its plan wears out (battery cycles); reported, not part of ``cost``."""
        ...
