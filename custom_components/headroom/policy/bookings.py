"""Booked charging sessions (seed 001: a vehicle "scheduled to arrive"): planned before the car is
there, and taken over by the car that plugs in when one is due.

A booking holds a charger from its arrival to its departure. Until the car comes it is planned as
an EV session of its own (``booking:<id>``) that may draw only from its arrival step, so the plan
keeps room for it and moves other loads around it. A car on the same charger is planned to be
done by the booked arrival: one car on a charger at a time. When the charger shows a car plugged
in from ``EARLY_ARRIVAL`` before a booking's arrival until its departure, that car is taken to be
the booked one (Headroom cannot tell cars apart): the booking becomes the charger's goal and
leaves the bookings, so its energy is held once, by the plugged session.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..const import CONF_EV_CAPACITY_KWH, CONF_EV_SOC_ENTITY
from ..planner.model import Device, Ev
from .ev_charger import ChargerConfig
from .intents import Booking, Intents
from .timeline import Timeline
from .wiring import wired_phases

BOOKING_PREFIX = "booking:"
# A car plugged in this long before its booked arrival takes the booking over.
EARLY_ARRIVAL = timedelta(minutes=60)


def device_id(booking_id: str) -> str:
    """The planner's id of a booked session."""
    return f"{BOOKING_PREFIX}{booking_id}"


def planned_energy_kwh(booking: Booking, config: ChargerConfig) -> float:
    """The energy the booked car is planned to take (kWh): what was booked; for a target state of
    charge, from the state of charge it arrives with and the battery size, else the charger's
    default energy (the car's own state of charge is read once it plugs in)."""
    if booking.energy_kwh is not None:
        return booking.energy_kwh
    target = booking.target_soc if booking.target_soc is not None else 0.0
    if booking.arrival_soc is not None and config.capacity_kwh:
        return max(0.0, (target - booking.arrival_soc) / 100.0 * config.capacity_kwh)
    return config.default_energy_kwh


def knows_soc(data: Mapping[str, Any]) -> bool:
    """Whether a charger can turn a target state of charge into energy: it knows the battery size
    or reads the car's state of charge."""
    return bool(data.get(CONF_EV_CAPACITY_KWH)) or bool(data.get(CONF_EV_SOC_ENTITY))


def session(
    booking: Booking, data: Mapping[str, Any], timeline: Timeline, site_phase_count: int | None
) -> Ev | None:
    """The booked session in the planner's terms: it may charge from the first step that begins at or
    after its arrival (never before the car is there) until its departure; None when none of that lies
    in the horizon."""
    arrival = timeline.first_step_from(booking.arrival)
    departure = timeline.first_step_from(booking.departure)
    if departure <= arrival:
        return None
    config = ChargerConfig.from_data(data)
    phases = (
        wired_phases(data, site_phase_count)
        if site_phase_count is not None
        else tuple(range(1, min(config.phases, 3) + 1))
    )
    return Ev(
        id=device_id(booking.id),
        arrival=arrival,
        departure=departure,
        energy_kwh=planned_energy_kwh(booking, config),
        max_kw=config.max_kw,
        min_kw=config.min_kw,
        priority=booking.priority,
        phases=phases,
    )


def sessions(
    bookings: Iterable[Booking],
    chargers: Mapping[str, Mapping[str, Any]],
    timeline: Timeline,
    site_phase_count: int | None,
) -> list[Device]:
    """Every booked session on a charger that still exists, in the horizon."""
    out: list[Device] = []
    for booking in bookings:
        if booking.charger in chargers:
            ev = session(booking, chargers[booking.charger], timeline, site_phase_count)
            if ev is not None:
                out.append(ev)
    return out


def make_way(devices: Iterable[Device], bookings: Iterable[Booking], timeline: Timeline) -> list[Device]:
    """The plugged cars' sessions, each done by the first booked arrival on its charger: the booked
    car needs the charger then."""
    first_arrival: dict[str, int] = {}
    for booking in bookings:
        step = max(timeline.first_step_from(booking.arrival), 1)
        first_arrival[booking.charger] = min(first_arrival.get(booking.charger, step), step)
    out: list[Device] = []
    for device in devices:
        cut = first_arrival.get(device.id)
        if isinstance(device, Ev) and cut is not None and cut < device.departure:
            device = dataclasses.replace(device, departure=max(cut, device.arrival + 1))
        out.append(device)
    return out


def overlapping(intents: Intents, booking: Booking) -> Booking | None:
    """Another booking on the same charger whose stay overlaps this one's, if any."""
    for other in sorted(intents.bookings.values(), key=lambda b: b.arrival):
        if (
            other.id != booking.id
            and other.charger == booking.charger
            and other.arrival < booking.departure
            and booking.arrival < other.departure
        ):
            return other
    return None


def upcoming(intents: Intents, charger: str) -> list[Booking]:
    """A charger's bookings, the next first."""
    return sorted((b for b in intents.bookings.values() if b.charger == charger), key=lambda b: b.arrival)


def take_over(
    intents: Intents, plugged: Iterable[str], chargers: Mapping[str, Mapping[str, Any]], now: datetime
) -> list[Booking]:
    """The bookings that the cars plugged in now take over: for each plugged charger, its earliest
    booking that is due (from ``EARLY_ARRIVAL`` before its arrival until its departure) becomes the
    charger's goal (energy or target, departure, priority) and leaves the bookings."""
    taken: list[Booking] = []
    for charger in plugged:
        due = [b for b in upcoming(intents, charger) if b.arrival - EARLY_ARRIVAL <= now < b.departure]
        if not due:
            continue
        booking = due[0]
        goal = intents.goal(charger)
        goal.departure_at = booking.departure
        goal.priority = booking.priority
        data = chargers.get(charger, {})
        if booking.energy_kwh is not None or not data.get(CONF_EV_SOC_ENTITY):
            # Without the car's own state of charge, the energy planned before it came holds.
            goal.energy_kwh = planned_energy_kwh(booking, ChargerConfig.from_data(data))
        else:
            goal.target_soc, goal.energy_kwh = float(booking.target_soc or goal.target_soc), None
        del intents.bookings[booking.id]
        taken.append(booking)
    return taken
