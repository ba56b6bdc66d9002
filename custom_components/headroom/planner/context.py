"""What every device kind's MILP part needs: the program, the horizon and the objective weights,
and what the site reads back from each part (``DeviceVars``).

Below the kinds (which import it) and above nothing but the program: the weights are set by
``formulation.weights_for``, which knows the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .lp import FloatArray, IntArray, LinearProgram
from .plan import DevicePlan
from .views import ProblemView


@dataclass(frozen=True)
class Weights:
    """Objective weights, scaled to the prices so that HiGHS sees a well-conditioned problem.

    ``base`` exceeds the most a kWh can cost anywhere in the horizon, so delivering energy
    to a car always beats saving money; higher EV priorities get whole ``priority_gap``s more.
    A kWh above the limit (a breach, or uncontrollable load a store could have covered) costs
    more than any car's kWh; an appliance left out costs more per kWh of its run than that.
    """

    base: float
    priority_gap: float
    fastest_per_step: float
    tie_break: float
    stability: float
    breach_per_kwh: float
    over_limit_per_kwh: float
    unscheduled_per_kwh: float
    import_cap_per_kwh: float
    ev_rank: dict[int, int]


@dataclass
class Context:
    """What a device kind's ``build`` gets: the problem (read-only), the program to add its variables and
    rows to, the objective weights, and the fixed load per step (kW)."""

    problem: ProblemView
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
            k,
            np.concatenate([rows, row_of]),
            np.concatenate([dev, cols]),
            np.concatenate([np.ones(k), -vals]),
            lb=-prev,
        )
        self.lp.add_rows(
            k,
            np.concatenate([rows, row_of]),
            np.concatenate([dev, cols]),
            np.concatenate([np.ones(k), vals]),
            lb=prev,
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

    def notes(self, plan: DevicePlan) -> list[str]:
        """What the plan's notes should say about its extracted plan (e.g. left out)."""
        ...

    def wear_cost(self, plan: DevicePlan, dt: float) -> float:
        """Money its plan wears out (battery cycles); reported, not part of ``cost``."""
        ...
