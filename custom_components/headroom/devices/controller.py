"""Turns the plan into commands, the way people need automation near their fuse to behave.

- Only in ``active`` mode; ``off`` and ``advisory`` write nothing.
- Writes only what changed; raises at most once a minute per device, lowers at any time,
  and lowers go out before raises, so that no moment of the sequence overloads the fuse.
- A change Headroom did not make (a person turning the charger's current, a mode, a switch)
  wins: that device is left alone until released.
- A charger that draws more than it was allowed is told again once, then planned as what it
  draws, and a repair issue says so.
- Measured import above the limit cuts the chargers at once, without waiting for a plan.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import voluptuous as vol
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import CALLBACK_TYPE, Context, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_CHARGE_SWITCH_ENTITY,
    CONF_CURRENT_LIMIT_ENTITY,
    CONF_GRID_POWER_ENTITY,
    CONF_MODE_SELECT_ENTITY,
    CONF_POWER_LIMIT_ENTITY,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SWITCH_ENTITY,
    DOMAIN,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    ControlMode,
    ControlState,
)
from ..sources import power_kw
from . import Command, ev_charger
from . import appliance as appliance_kind
from . import battery as battery_kind

if TYPE_CHECKING:
    from ..coordinator import HeadroomCoordinator, HeadroomData

_LOGGER = logging.getLogger(__name__)
RAISE_INTERVAL = timedelta(minutes=1)
VERIFY_AFTER = timedelta(minutes=3)
CHECK_INTERVAL = timedelta(seconds=30)
FOLLOW_TOLERANCE_KW = 0.5
LIMIT_TOLERANCE_KW = 0.1
ISSUE_NOT_FOLLOWING = "device_not_following"
CONTROLLED_KEYS = {
    CONF_CURRENT_LIMIT_ENTITY: "current", CONF_POWER_LIMIT_ENTITY: "current", CONF_CHARGE_SWITCH_ENTITY: "switch",
    CONF_MODE_SELECT_ENTITY: "mode", CONF_POWER_SETPOINT_ENTITY: "setpoint", CONF_SWITCH_ENTITY: "switch",
}


@dataclass
class _Watch:
    """A charger told to stay at or below ``limit_kw``, checked after ``VERIFY_AFTER``."""

    limit_kw: float
    since: datetime
    commands: list[Command]
    retried: bool = False


class DeviceController:
    def __init__(self, hass: HomeAssistant, coordinator: HeadroomCoordinator) -> None:
        self.hass = hass
        self.coordinator = coordinator
        self.unresponsive: set[str] = set()
        self._ours: deque[str] = deque(maxlen=500)
        self._last_write: dict[tuple[str, str], datetime] = {}
        self._commanded: dict[tuple[str, str], Command] = {}
        self._watch: dict[str, _Watch] = {}

    # ------------------------------------------------------------------ state

    def state_of(self, device_id: str) -> ControlState:
        mode = self.coordinator.control_mode
        if mode == ControlMode.OFF:
            return ControlState.OFF
        if self.coordinator.intents.is_manual(device_id, dt_util.now()):
            return ControlState.MANUAL
        if device_id in self.unresponsive:
            return ControlState.NOT_FOLLOWING
        return ControlState.ADVISORY if mode == ControlMode.ADVISORY else ControlState.ACTIVE

    def _driven(self, device_id: str) -> bool:
        return self.state_of(device_id) == ControlState.ACTIVE

    async def async_release(self, device_id: str) -> None:
        """Headroom drives the device again (a person switched its control back on)."""
        self.coordinator.intents.manual.pop(device_id, None)
        self.unresponsive.discard(device_id)
        self._watch.pop(device_id, None)
        ir.async_delete_issue(self.hass, DOMAIN, f"{ISSUE_NOT_FOLLOWING}_{device_id}")
        self.coordinator.async_update_listeners()
        await self.coordinator.async_replan_now()

    async def async_take_over(self, device_id: str) -> None:
        """A person drives the device until they release it."""
        self.coordinator.intents.manual[device_id] = None
        self._watch.pop(device_id, None)
        self.coordinator.async_update_listeners()
        await self.coordinator.async_goal_changed()

    # ------------------------------------------------------------------ applying the plan

    def wanted(self, data: HeadroomData) -> list[Command]:
        """What the plan's current step asks of every device Headroom drives."""
        now = dt_util.now()
        step = data.step_index(now)
        out: list[Command] = []
        for device_id, sub in self.coordinator.config_entry.subentries.items():
            if not self._driven(device_id):
                continue
            config = dict(sub.data)
            planned = data.plan.devices.get(device_id)
            if sub.subentry_type == SUBENTRY_EV_CHARGER:
                # Not in the plan (unplugged, blocked, off) means 0: a car plugging in does not
                # start at full power before the next plan.
                target = float(planned.power_kw[step]) if planned is not None else 0.0
                out += ev_charger.commands(self.hass, device_id, config, target, ev_charger.read(self.hass, config))
            elif sub.subentry_type == SUBENTRY_BATTERY and planned is not None:
                mode = planned.mode[step] if planned.mode is not None else None
                out += battery_kind.commands(self.hass, device_id, config, mode, float(planned.power_kw[step]),
                                             battery_kind.read(self.hass, config))
            elif sub.subentry_type == SUBENTRY_APPLIANCE:
                run_now = planned is not None and planned.start == step and float(planned.power_kw[step]) > 0
                out += appliance_kind.commands(self.hass, device_id, config, run_now,
                                               appliance_kind.read(self.hass, config))
        return out

    async def async_apply(self, data: HeadroomData) -> None:
        if self.coordinator.control_mode != ControlMode.ACTIVE:
            return
        await self._send(self.wanted(data), urgent=False)

    async def _send(self, commands: list[Command], *, urgent: bool) -> None:
        now = dt_util.utcnow()
        ready: list[Command] = []
        for command in commands:
            key = (command.device_id, command.key)
            last = self._last_write.get(key)
            if command.entity_id is None and self._commanded.get(key) == command:
                continue  # a vendor action with nothing to compare but what we sent last
            if not urgent and command.delta_kw > 0 and last is not None and now - last < RAISE_INTERVAL:
                continue
            ready.append(command)
        ready.sort(key=lambda c: c.delta_kw)  # lower first, then raise
        for command in ready:
            context = Context()
            self._ours.append(context.id)
            try:
                await self.hass.services.async_call(command.domain, command.service, command.data, blocking=True,
                                                    context=context)
            except (HomeAssistantError, vol.Invalid) as err:
                _LOGGER.warning("Could not %s.%s for %s: %s", command.domain, command.service, command.device_id, err)
                continue
            key = (command.device_id, command.key)
            self._last_write[key] = now
            self._commanded[key] = command
            if command.key == "current":
                self._track(command, now)
            sub = self.coordinator.config_entry.subentries.get(command.device_id)
            if sub is not None and sub.subentry_type == SUBENTRY_APPLIANCE and command.delta_kw > 0:
                # Started: its window is used, even when no power sensor shows it running.
                self.coordinator.intents.appliance_started[command.device_id] = dt_util.now()

    def _track(self, command: Command, now: datetime) -> None:
        sub = self.coordinator.config_entry.subentries.get(command.device_id)
        if sub is None:
            return
        limit = ev_charger.read(self.hass, dict(sub.data)).power_kw or 0.0
        limit += command.delta_kw
        watch = self._watch.get(command.device_id)
        self._watch[command.device_id] = _Watch(max(limit, 0.0), now, [command],
                                                retried=watch.retried if watch else False)

    # ------------------------------------------------------------------ listening

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        entities: dict[str, tuple[str, str]] = {}
        for device_id, sub in self.coordinator.config_entry.subentries.items():
            for conf, key in CONTROLLED_KEYS.items():
                if entity_id := sub.data.get(conf):
                    entities[entity_id] = (device_id, key)
        unsubs = [async_track_time_interval(self.hass, self._async_check, CHECK_INTERVAL,
                                            name="headroom device check", cancel_on_shutdown=True)]
        if entities:
            unsubs.append(async_track_state_change_event(self.hass, list(entities), self._changed_by(entities)))
        if grid := self.coordinator.config.get(CONF_GRID_POWER_ENTITY):
            unsubs.append(async_track_state_change_event(self.hass, [grid], self._grid_changed))

        @callback
        def stop() -> None:
            for unsub in unsubs:
                unsub()
        return stop

    def _changed_by(self, entities: dict[str, tuple[str, str]]) -> Callable[[Event[EventStateChangedData]], None]:
        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            new, old = event.data["new_state"], event.data["old_state"]
            if new is None or old is None or new.state == old.state:
                return
            if new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN) or old.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                return
            if new.context.id in self._ours:
                return
            device_id, key = entities[event.data["entity_id"]]
            ours = self._commanded.get((device_id, key))
            if ours is None or not self._driven(device_id):
                return  # nothing of ours to defend
            if ours.expect is not None and _same(ours.expect, new.state):
                return  # the device confirming our own command
            _LOGGER.info("%s changed by hand (%s -> %s): Headroom leaves %s alone until released",
                         event.data["entity_id"], old.state, new.state, device_id)
            self.hass.bus.async_fire(f"{DOMAIN}_control_paused", {"subentry_id": device_id,
                                                                   "entity_id": event.data["entity_id"]})
            self.hass.async_create_task(self.async_take_over(device_id))
        return changed

    async def _async_check(self, now: datetime) -> None:
        """Did the chargers follow? Retry once, then plan with what they really draw."""
        for device_id, watch in list(self._watch.items()):
            if now - watch.since < VERIFY_AFTER or not self._driven(device_id):
                continue
            sub = self.coordinator.config_entry.subentries.get(device_id)
            measured = ev_charger.read(self.hass, dict(sub.data)).power_kw if sub else None
            if measured is None or measured <= watch.limit_kw + FOLLOW_TOLERANCE_KW:
                del self._watch[device_id]
                continue
            if not watch.retried:
                _LOGGER.info("%s draws %.1f kW, allowed %.1f kW: telling it again", device_id, measured,
                             watch.limit_kw)
                for command in watch.commands:
                    self._commanded.pop((command.device_id, command.key), None)
                await self._send(watch.commands, urgent=True)
                self._watch[device_id] = _Watch(watch.limit_kw, now, watch.commands, retried=True)
                continue
            del self._watch[device_id]
            self.unresponsive.add(device_id)
            ir.async_create_issue(
                self.hass, DOMAIN, f"{ISSUE_NOT_FOLLOWING}_{device_id}", is_fixable=False,
                severity=ir.IssueSeverity.WARNING, translation_key=ISSUE_NOT_FOLLOWING,
                translation_placeholders={"device": sub.title if sub else device_id,
                                          "measured": f"{measured:.1f}", "allowed": f"{watch.limit_kw:.1f}"})
            await self.coordinator.async_request_refresh()

    @callback
    def _grid_changed(self, event: Event[EventStateChangedData]) -> None:
        data = self.coordinator.data
        measured = power_kw(event.data["new_state"])
        if data is None or measured is None:
            return
        limit = float(data.problem.site.import_limit_kw[data.step_index(dt_util.now())])
        excess = measured - limit
        if excess <= LIMIT_TOLERANCE_KW:
            return
        self.hass.bus.async_fire(f"{DOMAIN}_limit_risk", {"measured_kw": round(measured, 3), "limit_kw": limit,
                                                          "status": "over_limit"})
        self.hass.async_create_task(self._async_cut(excess))

    async def _async_cut(self, excess: float) -> None:
        """Lower the chargers Headroom drives by the excess (lowest-priority cars first), now."""
        if self.coordinator.control_mode == ControlMode.ACTIVE:
            commands: list[Command] = []
            chargers = [(d, s) for d, s in self.coordinator.config_entry.subentries.items()
                        if s.subentry_type == SUBENTRY_EV_CHARGER and self._driven(d)]
            chargers.sort(key=lambda pair: self.coordinator.goal(pair[0]).priority)
            for device_id, sub in chargers:
                if excess <= 0:
                    break
                config = dict(sub.data)
                state = ev_charger.read(self.hass, config)
                drawing = state.power_kw or 0.0
                if drawing <= 0:
                    continue
                new = ev_charger.commands(self.hass, device_id, config, max(drawing - excess, 0.0), state)
                commands += new
                excess -= drawing - max(drawing - excess, 0.0)
            await self._send(commands, urgent=True)
        await self.coordinator.async_request_refresh()


def _same(expected: str, actual: str) -> bool:
    try:
        return abs(float(expected) - float(actual)) < 1e-6
    except ValueError:
        return expected == actual
