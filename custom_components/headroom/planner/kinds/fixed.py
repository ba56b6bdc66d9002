"""A fixed load: power already promised to someone (a reservation, a device that plans itself).

It is committed from the start: it counts as load in every step and nothing moves it, so
the planner never builds, schedules or envelopes it; those questions are errors here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from ..context import Context
from ..plan import DevicePlan, FloatArray, Reason
from ..reader import Reader, listed
from ..views import ProblemView, Room, Scene


@dataclass(frozen=True, kw_only=True)
class Fixed:
    """Power already promised to someone: a reservation, or a device that plans itself."""

    id: str
    power_kw: FloatArray
    phases: tuple[int, ...] = (1, 2, 3)


def _never_planned(fixed: Fixed) -> NoReturn:
    raise TypeError(f"{fixed.id}: a fixed load is committed; nothing plans it")


class FixedKind:
    """The ``fixed`` kind (see the module's docstring)."""

    name = "fixed"
    model = Fixed

    def parse(self, r: Reader, steps: int, site_phases: int) -> Fixed:
        return Fixed(id=r.string("id"), power_kw=r.series("power_kw", steps), phases=r.phases(site_phases))

    def dump(self, fixed: Fixed) -> dict[str, Any]:
        return {"power_kw": listed(fixed.power_kw)}

    def committed(self, fixed: Fixed, steps: int) -> DevicePlan:
        return DevicePlan(power_kw=fixed.power_kw.copy())

    def build(self, ctx: Context, fixed: Fixed) -> NoReturn:
        _never_planned(fixed)

    def baseline(self, problem: ProblemView, fixed: Fixed) -> NoReturn:
        _never_planned(fixed)

    def greedy_rank(self, fixed: Fixed) -> tuple[int, int, int, str]:
        return (0, 0, 0, "")

    def greedy(self, problem: ProblemView, fixed: Fixed, room: Room, notes: list[str]) -> NoReturn:
        _never_planned(fixed)

    def follow(self, problem: ProblemView, fixed: Fixed, net_kw: FloatArray) -> NoReturn:
        _never_planned(fixed)

    def explain(self, scene: Scene, fixed: Fixed, plan: DevicePlan) -> list[Reason]:
        return []

    def ceiling(self, problem: ProblemView, fixed: Fixed, planned: FloatArray) -> NoReturn:
        _never_planned(fixed)

    def size(self, fixed: Fixed, steps: int) -> int:
        return 0  # a constant of the balance


KIND = FixedKind()
