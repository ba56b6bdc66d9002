"""What a device kind sees of the rest of the planner: read-only views, and the scene it explains.

The kinds sit below the generic modules, which reach them through the registry; so a kind
imports none of those modules, not even for type hints (no import cycle, ``TYPE_CHECKING``
counted). The problem and the greedy fallback's headroom reach a kind through the protocols
here, which ``model.Problem`` and ``fallback.Headroom`` satisfy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .plan import BoolArray, FloatArray, Plan

BINDING_TOLERANCE_KW = 1e-3


class TariffView(Protocol):
    """The prices a device kind may read: the import price per step (currency per kWh)."""

    @property
    def import_price(self) -> FloatArray: ...


class ProblemView(Protocol):
    """The horizon, prices and PV of ``model.Problem``, and its devices of one kind."""

    @property
    def steps(self) -> int: ...

    @property
    def step_hours(self) -> float: ...

    @property
    def pv_kw(self) -> FloatArray: ...

    @property
    def tariff(self) -> TariffView: ...

    def of_kind[T](self, kind: type[T]) -> list[T]: ...


class Room(Protocol):
    """Import headroom left per step (site-wide and on the given phases) for the greedy fallback."""

    def available(self, t: int, phases: tuple[int, ...]) -> float: ...

    def available_kw(self, phases: tuple[int, ...]) -> FloatArray: ...

    def take(self, t: int, phases: tuple[int, ...], kw: float) -> None: ...


@dataclass(frozen=True)
class Scene:
    """The site as the plan left it: what every device's explanation measures itself against."""

    problem: ProblemView
    plan: Plan
    price: FloatArray
    limit: FloatArray
    surplus: BoolArray  # PV used beyond the fixed load
    net_without_devices: FloatArray  # fixed load minus PV used
    tolerance_kw: float = BINDING_TOLERANCE_KW

    @staticmethod
    def steps(mask: BoolArray) -> list[int]:
        return [int(t) for t in np.nonzero(mask)[0]]
