"""Charger assignment: a sensor per EV charger with the next car booked on it and, in its
``forecast`` attribute, every booking on it to come (for homes and small depots with more cars
than chargers). The bookings themselves are made with ``book_session`` and planned by
``policy.bookings``."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription

from .entity import HeadroomEntity
from .policy import bookings
from .policy.ev_charger import ChargerConfig
from .policy.intents import PRIORITIES, Booking

PRIORITY_NAMES = {v: k for k, v in PRIORITIES.items()}

NEXT_BOOKING = SensorEntityDescription(key="next_booking", translation_key="next_booking")


class NextBookingSensor(HeadroomEntity, SensorEntity):
    """The next car booked on this charger (its name, else the booking's id); None without one."""

    _unrecorded_attributes = frozenset({"forecast"})

    def _upcoming(self) -> list[Booking]:
        return bookings.upcoming(self.coordinator.intents, self.device_key)

    @property
    def native_value(self) -> str | None:
        found = self._upcoming()
        return (found[0].vehicle or found[0].id) if found else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        found = [self._described(b) for b in self._upcoming()]
        return {**(found[0] if found else {}), "forecast": found}

    def _described(self, booking: Booking) -> dict[str, Any]:
        """A booking as a person reads it, with what the latest plan gives it (None: not in the plan
        yet, beyond its horizon)."""
        assert self.subentry is not None
        planned = self.coordinator.data.plan.devices.get(bookings.device_id(booking.id))
        wanted = bookings.planned_energy_kwh(booking, ChargerConfig.from_data(self.subentry.data))
        return {
            "booking_id": booking.id,
            "vehicle": booking.vehicle,
            "arrival": booking.arrival.isoformat(),
            "departure": booking.departure.isoformat(),
            "energy_kwh": round(wanted, 3),
            "target_soc": booking.target_soc,
            "priority": PRIORITY_NAMES.get(booking.priority, str(booking.priority)),
            "planned_energy_kwh": None if planned is None else round(planned.energy_kwh or 0.0, 3),
            "shortfall_kwh": None if planned is None else round(planned.shortfall_kwh or 0.0, 3),
        }
