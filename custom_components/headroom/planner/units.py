"""Electrical facts stated once: mains voltage and the kW <-> A conversions every layer uses.

The planner, the policy, the simulator and the Home Assistant layer all import these; none of
them writes ``230`` or ``* phases * voltage / 1000`` again.
"""

from __future__ import annotations

import math

VOLTAGE_V = 230.0
MIN_CURRENT_A = 6.0


def kw_from_amps(amps: float, phases: int, voltage_v: float = VOLTAGE_V) -> float:
    """The power of ``amps`` on each of ``phases`` phases, kW."""
    return amps * phases * voltage_v / 1000.0


def amps_from_kw(power_kw: float, phases: int, voltage_v: float = VOLTAGE_V) -> float:
    """The current per phase that carries ``power_kw`` over ``phases`` phases, A (not rounded)."""
    return power_kw * 1000.0 / (phases * voltage_v)


def charger_amps(power_kw: float, phases: int, min_a: float, max_a: float, step_a: float = 1.0) -> float:
    """The charger current for a planned power: 0, or within [min, max] rounded down to the step.
    Below the minimum a charger is off (0 A), never 1-5 A, which cars treat as an error."""
    amps = amps_from_kw(power_kw, phases)
    if amps < min_a - 1e-6:
        return 0.0
    amps = math.floor(amps / step_a + 1e-6) * step_a
    return max(min(amps, max_a), min_a)
