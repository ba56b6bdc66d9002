"""The site's bookings as a calendar: one event per booked charging session, from the car's arrival
to its departure, so that a dashboard's calendar card shows which car is due on which charger when.
Read only: bookings are made and cancelled with ``book_session`` and ``cancel_booking``."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.calendar import CalendarEntity, CalendarEntityDescription, CalendarEvent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .bookings import PRIORITY_NAMES
from .coordinator import HeadroomConfigEntry
from .entity import HeadroomEntity
from .policy import bookings
from .policy.ev_charger import ChargerConfig
from .policy.intents import Booking

PARALLEL_UPDATES = 0
BOOKINGS = CalendarEntityDescription(key="bookings", translation_key="bookings")


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """One calendar for the site: its bookings."""
    async_add_entities([BookingCalendar(entry.runtime_data, BOOKINGS)])


class BookingCalendar(HeadroomEntity, CalendarEntity):
    """Every booking to come, on every charger; its state is on while a booked stay is under way."""

    def _events(self) -> list[CalendarEvent]:
        found = sorted(self.coordinator.intents.bookings.values(), key=lambda b: b.arrival)
        return [self._event(b) for b in found]

    def _event(self, booking: Booking) -> CalendarEvent:
        charger = self.coordinator.config_entry.subentries.get(booking.charger)
        config = ChargerConfig.from_data(charger.data if charger else {})
        energy = bookings.planned_energy_kwh(booking, config)
        wanted = f"to {booking.target_soc:g} %" if booking.target_soc is not None else f"{energy:g} kWh"
        return CalendarEvent(
            start=booking.arrival,
            end=booking.departure,
            summary=f"{booking.vehicle or booking.id} on {charger.title if charger else booking.charger}",
            description=f"{wanted}, priority {PRIORITY_NAMES.get(booking.priority, booking.priority)}",
            uid=booking.id,
        )

    @property
    def event(self) -> CalendarEvent | None:
        """The booking under way now, else the next one."""
        now = dt_util.now()
        return next((e for e in self._events() if e.end_datetime_local > now), None)

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        return [
            e
            for e in self._events()
            if e.start_datetime_local < end_date and e.end_datetime_local > start_date
        ]
