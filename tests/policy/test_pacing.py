"""Raises are paced per device: at least a minute apart, or the vendor's own longer interval (a
charger cloud that accepts a new current only every 15 minutes); lowers and fuse cuts never wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.headroom.policy.setpoints import Setpoint, paced

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
INTERVALS = {"zaptec": timedelta(minutes=15)}


def _setpoint(device_id: str, delta_kw: float) -> Setpoint:
    return Setpoint(device_id=device_id, kind="ev_charger", power_kw=5.0, delta_kw=delta_kw, amps=8.0)


def test_a_raise_waits_for_the_vendors_interval() -> None:
    last = {
        ("zaptec", "ev_charger"): NOW - timedelta(minutes=5),
        ("ocpp", "ev_charger"): NOW - timedelta(minutes=5),
    }
    ready = paced(
        [_setpoint("zaptec", 2.0), _setpoint("ocpp", 2.0)], last, NOW, urgent=False, intervals=INTERVALS
    )
    assert [s.device_id for s in ready] == ["ocpp"]  # the other one waits 10 more minutes
    later = paced(
        [_setpoint("zaptec", 2.0)], last, NOW + timedelta(minutes=10), urgent=False, intervals=INTERVALS
    )
    assert [s.device_id for s in later] == ["zaptec"]


def test_a_lower_or_a_cut_never_waits() -> None:
    last = {("zaptec", "ev_charger"): NOW - timedelta(seconds=10)}
    assert paced([_setpoint("zaptec", -3.0)], last, NOW, urgent=False, intervals=INTERVALS)
    assert paced([_setpoint("zaptec", 3.0)], last, NOW, urgent=True, intervals=INTERVALS)
