"""Booked sessions in the policy, without Home Assistant: one car on a charger at a time, never
charging before its arrival, and taken over once by the car that plugs in when it is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.headroom.planner.model import Ev
from custom_components.headroom.policy import bookings
from custom_components.headroom.policy.intents import Booking, Intents
from custom_components.headroom.policy.timeline import Timeline

START = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
TIMELINE = Timeline(START, 15, 96)
CHARGER = {"phases": "3", "min_current_a": 6, "max_current_a": 16, "default_energy_kwh": 20}


def booking(hours: float, until: float, **kwargs: object) -> Booking:
    fields: dict[str, object] = {"energy_kwh": 10.0, **kwargs}
    return Booking(
        id=str(fields.pop("id", "van")),
        charger="street",
        arrival=START + timedelta(hours=hours),
        departure=START + timedelta(hours=until),
        **fields,  # type: ignore[arg-type]
    )


def test_a_booked_session_starts_at_the_first_whole_step_after_arrival() -> None:
    ev = bookings.session(booking(2.1, 6), CHARGER, TIMELINE, 3)
    assert ev is not None and (ev.arrival, ev.departure) == (9, 24)
    assert ev.id == "booking:van" and ev.energy_kwh == 10.0 and ev.phases == (1, 2, 3)
    assert bookings.session(booking(30, 40), CHARGER, TIMELINE, 3) is None  # beyond the horizon


def test_a_target_uses_the_arrival_soc_and_the_battery_else_the_default() -> None:
    with_battery = {**CHARGER, "ev_capacity_kwh": 50}
    aimed = booking(1, 5, energy_kwh=None, target_soc=80.0, arrival_soc=30.0)
    assert bookings.session(aimed, with_battery, TIMELINE, 3).energy_kwh == 25.0  # type: ignore[union-attr]
    unknown = booking(1, 5, energy_kwh=None, target_soc=80.0)
    assert bookings.session(unknown, with_battery, TIMELINE, 3).energy_kwh == 20.0  # type: ignore[union-attr]


def test_a_plugged_car_makes_way_for_the_booked_one() -> None:
    plugged = Ev(id="street", arrival=0, departure=52, energy_kwh=20, max_kw=11, min_kw=4)
    other = Ev(id="driveway", arrival=0, departure=52, energy_kwh=20, max_kw=11, min_kw=4)
    cut = bookings.make_way([plugged, other], [booking(4, 8)], TIMELINE)
    assert [d.departure for d in cut if isinstance(d, Ev)] == [16, 52]


def test_the_car_plugged_in_when_due_takes_the_booking_over_once() -> None:
    intents = Intents(bookings={"van": booking(2, 5, priority=2)})
    assert bookings.take_over(intents, ["street"], {"street": CHARGER}, START) == []  # 2 h early: not yet
    due = START + timedelta(minutes=90)
    assert bookings.take_over(intents, [], {"street": CHARGER}, due) == []  # nothing plugged
    taken = bookings.take_over(intents, ["street"], {"street": CHARGER}, due)
    assert [b.id for b in taken] == ["van"] and intents.bookings == {}
    goal = intents.goals["street"]
    assert goal.energy_kwh == 10.0 and goal.priority == 2
    assert goal.departure_at == START + timedelta(hours=5)
    assert bookings.take_over(intents, ["street"], {"street": CHARGER}, START + timedelta(hours=3)) == []


def test_bookings_end_at_departure_and_survive_a_round_trip() -> None:
    intents = Intents(bookings={"van": booking(1, 5, vehicle="Van 1")})
    assert Intents.from_dict(intents.to_dict()).bookings == intents.bookings
    intents.expire(START + timedelta(hours=5))
    assert intents.bookings == {}
