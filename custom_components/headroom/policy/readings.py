"""What the house measured at one moment, and what the sources forecast: the policy's inputs.

Readers fill these from Home Assistant states (``devices/``, ``sources/``); the simulator
fills them from its physical models. ``None`` means "could not be read": the policy says so
in the plan's stale inputs instead of planning on a made-up number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..planner.model import FloatArray


@dataclass(frozen=True, kw_only=True)
class CurrentRange:
    """The current a charger's control accepts (min, max, step), as the device itself says."""

    min_a: float = 0.0
    max_a: float = 1e9
    step_a: float = 1.0


@dataclass(frozen=True, kw_only=True)
class ChargerReading:
    """A charger now: plugged in or not, power (kW), current limit (A), the car's SoC (%), the current
    range its control accepts and the car's own charge target (%), where the car has one."""

    plugged: bool
    power_kw: float | None
    soc_percent: float | None = None
    current_range: CurrentRange | None = None
    target_soc_percent: float | None = None


@dataclass(frozen=True, kw_only=True)
class BatteryReading:
    """A battery now: SoC (%), power (kW) and the mode its select shows."""

    soc_percent: float | None
    power_kw: float | None = None
    mode: str | None = None


@dataclass(frozen=True, kw_only=True)
class ApplianceReading:
    """An appliance now: running or not, and its power (kW) if measured."""

    running: bool
    power_kw: float | None = None


@dataclass(frozen=True, kw_only=True)
class ThermalReading:
    """A heat store: its temperature (°C) and whether its element draws now."""

    temperature_c: float | None
    power_kw: float | None = None
    heating: bool | None = None


DeviceReading = ChargerReading | BatteryReading | ApplianceReading | ThermalReading


@dataclass(frozen=True, kw_only=True)
class Readings:
    """One moment of the house. ``now`` is aware and on the home's local clock.

    ``house_power_kw`` is the house's consumption as its sensor shows it, which in most homes
    includes what Headroom's own devices draw (the policy takes them out, once);
    ``grid_power_kw`` is import (+) or export (-) at the meter, ``grid_phase_kw`` the same per
    phase when the meter reports phases (None for a phase it does not), ``pv_power_kw`` what the
    panels make now."""

    now: datetime
    house_power_kw: float | None = None
    grid_power_kw: float | None = None
    grid_phase_kw: tuple[float | None, ...] = ()
    pv_power_kw: float | None = None
    devices: dict[str, DeviceReading] = field(default_factory=dict)
    # Entities that could not be read (named so that the plan status can say which).
    stale: tuple[str, ...] = ()


@dataclass(kw_only=True)
class Forecasts:
    """Per-step series over the horizon from the sources (prices, PV, the house's own load)."""

    import_price: FloatArray
    export_price: FloatArray
    pv_kw: FloatArray
    # The house's load from history; None: hold what it draws now.
    base_load_kw: FloatArray | None = None
    base_load_basis: str = ""
    stale: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    price_description: str = ""
