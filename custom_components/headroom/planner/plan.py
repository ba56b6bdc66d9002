"""What the planner hands back: one ``DevicePlan`` per device inside one ``Plan``, and their JSON.

Kept apart from the problem so that every device kind can build its own plans without
importing the problem (which imports the kinds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

FORMAT_VERSION = 1

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
PlanStatus = Literal["optimal", "feasible", "over_limit", "breach", "fallback"]
BatteryMode = Literal["idle", "self_consumption", "forced_charge", "forced_discharge", "non_export"]
# One machine-readable reason: {"code": ..., "steps": [...], ...}; dashboards make sentences of them.
Reason = dict[str, Any]


@dataclass(kw_only=True)
class DevicePlan:
    """One device's part of a plan; each kind fills in the fields that mean something for it."""

    power_kw: FloatArray
    energy_kwh: float | None = None
    shortfall_kwh: float | None = None
    finish_step: int | None = None
    soc_kwh: FloatArray | None = None
    mode: list[BatteryMode] | None = None
    mode_factor: FloatArray | None = None
    start: int | None = None
    reasons: list[Reason] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"power_kw": rounded(self.power_kw)}
        if self.energy_kwh is not None:
            out["energy_kwh"] = round(self.energy_kwh, 4)
            out["shortfall_kwh"] = round(self.shortfall_kwh or 0.0, 4)
            out["finish_step"] = self.finish_step
        elif self.shortfall_kwh is not None:
            out["shortfall_kwh"] = round(self.shortfall_kwh, 4)
        if self.soc_kwh is not None:
            out["soc_kwh"] = rounded(self.soc_kwh)
        if self.mode is not None and self.mode_factor is not None:
            out["mode"] = list(self.mode)
            out["mode_factor"] = rounded(self.mode_factor, 3)
        if self.start is not None:
            out["start"] = self.start
        return out


@dataclass(kw_only=True)
class Plan:
    """The planner's answer: its status (optimal, feasible at the time limit, over_limit, breach, fallback),
    energy cost, grid flows and PV used per step (kW), each device's plan, the business-as-usual cost, and
    the explanations.

    ``over_limit_steps`` are the steps where the plan is above the import limit or a phase's fuse only
    because the uncontrollable load alone is (``over_limit_kwh`` in all); ``breach_kwh`` is what a breach
    plan adds above the limits beyond that, within the breach margin."""

    status: PlanStatus
    cost: float
    objective: float
    mip_gap: float | None
    solve_seconds: float
    grid_import_kw: FloatArray
    grid_export_kw: FloatArray
    pv_used_kw: FloatArray
    devices: dict[str, DevicePlan]
    baseline_cost: float = 0.0
    baseline_limit_exceeded_steps: int = 0
    breach_kwh: float = 0.0
    over_limit_steps: list[int] = field(default_factory=list)
    over_limit_kwh: float = 0.0
    battery_wear_cost: float = 0.0
    limit_binding: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Per device, what a kWh drawn at each step costs the site (``duals.py``), when asked for.
    price_signals: dict[str, FloatArray] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "status": self.status,
            "cost": round(self.cost, 6),
            "objective": round(self.objective, 6),
            "mip_gap": None if self.mip_gap is None else round(self.mip_gap, 6),
            "solve_seconds": round(self.solve_seconds, 4),
            "breach_kwh": round(self.breach_kwh, 4),
            "over_limit_kwh": round(self.over_limit_kwh, 4),
            "over_limit_steps": list(self.over_limit_steps),
            "battery_wear_cost": round(self.battery_wear_cost, 6),
            "grid_import_kw": rounded(self.grid_import_kw),
            "grid_export_kw": rounded(self.grid_export_kw),
            "pv_used_kw": rounded(self.pv_used_kw),
            "devices": {k: v.to_json() for k, v in self.devices.items()},
            "baseline": {
                "cost": round(self.baseline_cost, 6),
                "limit_exceeded_steps": self.baseline_limit_exceeded_steps,
            },
            "explain": {
                "import_limit_binding": list(self.limit_binding),
                "devices": {k: v.reasons for k, v in self.devices.items()},
                "notes": list(self.notes),
            },
        }


def rounded(values: FloatArray, digits: int = 4) -> list[float]:
    """A series as JSON numbers to ``digits`` decimals, never ``-0.0``."""
    # +0.0 turns -0.0 into 0.0 so that JSON never shows "-0.0".
    return [round(float(v), digits) + 0.0 for v in values]
