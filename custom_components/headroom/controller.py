"""Writes the policy's setpoints to the real devices, the way people need automation near their
fuse to behave.

- Only in ``active`` mode; ``off`` and ``advisory`` write nothing.
- Writes only what changed; raises at most once a minute per device, lowers at any time, and
  lowers go out before raises (``policy.setpoints.paced``), so that no moment of the sequence
  overloads the fuse.
- A change Headroom did not make (a person turning the charger's current, a mode, a switch)
  wins: that device is left alone until released.
- A charger that draws more than it was allowed is told again once, then planned as what it
  draws, and a repair issue says so.
- Measured import above the limit cuts the loads at once (``policy.decide.fuse_cut``), without
  waiting for a plan.

It knows the coordinator only through ``ControllerHooks``: data flows one way.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import CALLBACK_TYPE, Context, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import (
    CONF_GRID_POWER_ENTITY,
    CONF_MIN_WRITE_INTERVAL_S,
    DOMAIN,
    SUBENTRY_APPLIANCE,
    SUBENTRY_EV_CHARGER,
    ControlMode,
    ControlState,
)
from .data import HeadroomData, site_settings
from .devices import Command, configs, drivable, kind_of, read_devices
from .devices import ev_charger as ev_charger_kind
from .meter import phase_entities, read_meter
from .policy.decide import Excess, drawing_now, excess_at, fuse_cut, held, setpoints
from .policy.intents import Intents
from .policy.readings import Readings
from .policy.setpoints import Setpoint, paced
from .repairs import clear_issue, raise_issue
from .unavailable import Unavailable

_LOGGER = logging.getLogger(__name__)
VERIFY_AFTER = timedelta(minutes=3)
CHECK_INTERVAL = timedelta(seconds=30)
FOLLOW_TOLERANCE_KW = 0.5
ISSUE_NOT_FOLLOWING = "device_not_following"
ISSUE_COMMAND_FAILED = "device_command_failed"
COMMANDED_STORAGE_VERSION = 1


@dataclass(frozen=True)
class ControllerHooks:
    """What the controller may see of and ask of the cycle that owns it."""

    entry: ConfigEntry
    data: Callable[[], HeadroomData | None]
    intents: Callable[[], Intents]
    control_mode: Callable[[], ControlMode]
    replan_now: Callable[[], Awaitable[Any]]
    request_refresh: Callable[[], Awaitable[None]]
    save_and_refresh: Callable[[], Awaitable[None]]
    entities_changed: Callable[[], None]
    # Devices whose record (the ledger's following score) says they do not do what they are told.
    poorly_following: Callable[[], frozenset[str]] = frozenset
    forgive: Callable[[str], None] = lambda _: None


@dataclass
class _Watch:
    """A charger told to stay at or below ``limit_kw``, checked after ``VERIFY_AFTER``."""

    limit_kw: float
    since: datetime
    commands: list[Command]
    retried: bool = False


class DeviceController:
    """Writes the plan's setpoints to the devices Headroom drives (in active mode only), defends the fuse
    by cutting loads as soon as the meter shows more than the limit, and detects take-overs: a change it
    did not make leaves that device to the person until released."""

    def __init__(self, hass: HomeAssistant, hooks: ControllerHooks) -> None:
        self.hass = hass
        self.hooks = hooks
        self.unresponsive: set[str] = set()
        # Devices whose control actions fail: shown as not following and planned as what they draw,
        # but still written to each cycle, so that they come back by themselves once a call works.
        self.failing: set[str] = set()
        self._ours: deque[str] = deque(maxlen=500)
        self._unavailable = Unavailable(_LOGGER)
        self._last_write: dict[tuple[str, str], datetime] = {}
        self._commanded: dict[tuple[str, str], Command] = {}
        # What each device was last told to draw (kW): the cut's account when its sensor lags.
        self.told_kw: dict[str, float] = {}
        self._watch: dict[str, _Watch] = {}
        # The plan and step last applied: a new step is applied as it comes, between plans too.
        self._applied: tuple[datetime, int] | None = None
        # Devices cut for the fuse, at the level (kW) they stay at until the meter shows room.
        self.holds: dict[str, float] = {}
        # What Headroom last wrote, kept across restarts: a device confirming it is not a person.
        self._store: Store[dict[str, Any]] = Store(
            hass, COMMANDED_STORAGE_VERSION, commanded_store_key(hooks.entry.entry_id)
        )
        self._expected: dict[tuple[str, str], str | None] = {}

    @property
    def _subentries(self) -> Any:
        return self.hooks.entry.subentries

    def name_of(self, device_id: str) -> str:
        """The device's name as the person gave it (logs name devices, not subentry ids)."""
        sub = self._subentries.get(device_id)
        return str(sub.title) if sub is not None else device_id

    # ------------------------------------------------------------------ state

    def state_of(self, device_id: str) -> ControlState:
        mode = self.hooks.control_mode()
        if mode == ControlMode.OFF:
            return ControlState.OFF
        if self.hooks.intents().is_manual(device_id, dt_util.now()):
            return ControlState.MANUAL
        if (
            device_id in self.unresponsive
            or device_id in self.failing
            or device_id in self.hooks.poorly_following()
        ):
            return ControlState.NOT_FOLLOWING
        sub = self._subentries.get(device_id)
        if mode == ControlMode.ADVISORY or (sub is not None and not drivable(sub.subentry_type, sub.data)):
            return ControlState.ADVISORY
        return ControlState.ACTIVE

    @property
    def not_following(self) -> frozenset[str]:
        """Devices the plan takes as drawing what they draw: they ignore or refuse commands."""
        return frozenset(self.unresponsive | self.failing | self.hooks.poorly_following())

    def driven(self) -> list[str]:
        """Devices Headroom writes to: active ones, and failing ones (to see them work again)."""
        return [
            d
            for d in self._subentries
            if self.state_of(d) == ControlState.ACTIVE
            or (d in self.failing and d not in self.unresponsive and self._active_but_failing(d))
        ]

    def _active_but_failing(self, device_id: str) -> bool:
        return self.hooks.control_mode() == ControlMode.ACTIVE and not self.hooks.intents().is_manual(
            device_id, dt_util.now()
        )

    async def async_release(self, device_id: str) -> None:
        """Headroom drives the device again (a person switched its control back on)."""
        self.hooks.intents().manual.pop(device_id, None)
        self.unresponsive.discard(device_id)
        self.failing.discard(device_id)
        self.hooks.forgive(device_id)
        self._watch.pop(device_id, None)
        clear_issue(self.hass, ISSUE_NOT_FOLLOWING, device_id)
        clear_issue(self.hass, ISSUE_COMMAND_FAILED, device_id)
        self.hooks.entities_changed()
        await self.hooks.replan_now()

    async def async_take_over(self, device_id: str) -> None:
        """A person drives the device until they release it."""
        self.hooks.intents().manual[device_id] = None
        self._watch.pop(device_id, None)
        self.hooks.entities_changed()
        await self.hooks.save_and_refresh()

    # ------------------------------------------------------------------ applying the plan

    def wanted(self, data: HeadroomData, readings: Readings | None = None) -> list[Setpoint]:
        """What the plan's current step asks of every device Headroom drives: from the cycle's own
        readings right after a plan, from a fresh read when a later step begins."""
        readings = readings or dataclasses.replace(data.readings, now=dt_util.now())
        return setpoints(data.problem, data.plan, data.devices, readings, self.driven())

    async def async_apply(self, data: HeadroomData, readings: Readings | None = None) -> None:
        if self.hooks.control_mode() != ControlMode.ACTIVE:
            return
        self._applied = (data.planned_at, data.step_of(dt_util.now()))
        readings = readings or dataclasses.replace(data.readings, now=dt_util.now())
        wanted = self.wanted(data, readings)
        if self.holds:
            room = self._excess(data)
            if room is None:
                self.holds.clear()  # no meter to judge by: the plan (within the limit) holds
            else:
                phases = data.problem.site.phases
                wanted, self.holds = held(
                    wanted, self.holds, room, data.devices, readings, phases.count if phases else 1
                )
        await self._send(wanted, urgent=False)

    async def _async_next_step(self) -> None:
        """A plan's next step begins: apply it now rather than at the next plan."""
        data = self.hooks.data()
        if (
            data is not None
            and self._applied is not None
            and self._applied[0] == data.planned_at
            and self._applied[1] != data.step_of(dt_util.now())
        ):
            driven = {d: data.devices[d] for d in self.driven() if d in data.devices}
            await self.async_apply(data, Readings(now=dt_util.now(), devices=read_devices(self.hass, driven)))

    def _commands(self, wanted: list[Setpoint]) -> list[tuple[Setpoint, Command]]:
        out = []
        for setpoint in wanted:
            sub = self._subentries.get(setpoint.device_id)
            if sub is not None:
                out += [
                    (setpoint, c)
                    for c in kind_of(sub.subentry_type).commands(self.hass, dict(sub.data), setpoint)
                ]
        return out

    def _write_intervals(self) -> dict[str, timedelta]:
        """Devices whose vendor limits how often a setting may change (from their profile)."""
        return {
            device_id: timedelta(seconds=float(seconds))
            for device_id, sub in self._subentries.items()
            if (seconds := sub.data.get(CONF_MIN_WRITE_INTERVAL_S))
        }

    async def _send(self, wanted: list[Setpoint], *, urgent: bool) -> None:
        now = dt_util.utcnow()
        pairs = self._commands(wanted)
        fresh = [
            c for _, c in pairs if c.entity_id is not None or self._commanded.get((c.device_id, c.key)) != c
        ]
        ready = paced(fresh, self._last_write, now, urgent=urgent, intervals=self._write_intervals())
        sent_ok = {id(c) for c in ready if await self._call(c, now) or await self._retry(c, now)}
        for setpoint in wanted:
            mine = [c for s, c in pairs if s is setpoint]
            if all(id(c) in sent_ok or c not in fresh for c in mine):
                self.told_kw[setpoint.device_id] = setpoint.power_kw
                if setpoint.kind == SUBENTRY_EV_CHARGER and mine:
                    self._track(setpoint, mine, now)
                if setpoint.kind == SUBENTRY_APPLIANCE and setpoint.on and mine:
                    # Started: its window is used, even when no power sensor shows it running.
                    self.hooks.intents().appliance_started[setpoint.device_id] = dt_util.now()

    async def _call(self, command: Command, now: datetime) -> bool:
        context = Context()
        self._ours.append(context.id)
        try:
            await self.hass.services.async_call(
                command.domain, command.service, command.data, blocking=True, context=context
            )
        except (HomeAssistantError, vol.Invalid) as err:
            self._unavailable.failed(
                f"{command.domain}.{command.service} for {self.name_of(command.device_id)}",
                "Could not %s.%s for %s: %s",
                command.domain,
                command.service,
                self.name_of(command.device_id),
                err,
            )
            return False
        self._unavailable.worked(f"{command.domain}.{command.service} for {self.name_of(command.device_id)}")
        if command.device_id in self.failing:
            self.failing.discard(command.device_id)
            clear_issue(self.hass, ISSUE_COMMAND_FAILED, command.device_id)
            self.hooks.entities_changed()
        key = (command.device_id, command.key)
        self._last_write[key] = now
        self._commanded[key] = command
        self._expected[key] = command.expect
        self._store.async_delay_save(self._stored, 10)
        return True

    async def _retry(self, command: Command, now: datetime) -> bool:
        """A failed write is tried once more; failing again, the device does not follow Headroom:
        it is planned as what it draws and a repair says which action failed, until a write works."""
        if await self._call(command, now):
            return True
        if command.device_id not in self.failing:
            self.failing.add(command.device_id)
            sub = self._subentries.get(command.device_id)
            raise_issue(
                self.hass,
                ISSUE_COMMAND_FAILED,
                command.device_id,
                device=sub.title if sub else command.device_id,
                action=f"{command.domain}.{command.service}",
                entity_id=command.entity_id or "-",
            )
            self.hooks.entities_changed()
            self.hass.async_create_task(self._async_refresh())
        return False

    async def _async_refresh(self) -> None:
        await self.hooks.request_refresh()

    def _stored(self) -> dict[str, Any]:
        return {
            "expected": [{"device_id": d, "key": k, "expect": e} for (d, k), e in self._expected.items()],
            "told_kw": self.told_kw,
        }

    async def async_save(self) -> None:
        """Write the record of Headroom's own writes now (an unload, a reload)."""
        await self._store.async_save(self._stored())

    async def async_load(self) -> None:
        """What Headroom wrote before a restart, so that a device confirming it is not taken for a
        person; a file that cannot be read only loses that memory."""
        try:
            stored = await self._store.async_load() or {}
            for row in stored.get("expected", []):
                self._expected[(str(row["device_id"]), str(row["key"]))] = (
                    None if row.get("expect") is None else str(row["expect"])
                )
            self.told_kw.update(
                {str(k): float(v) for k, v in stored.get("told_kw", {}).items() if math.isfinite(float(v))}
            )
        except (HomeAssistantError, ValueError, TypeError, KeyError, AttributeError) as err:
            _LOGGER.warning(
                "Headroom's record of its own writes could not be read (%s); starting afresh", err
            )
            self._expected.clear()

    def _track(self, setpoint: Setpoint, commands: list[Command], now: datetime) -> None:
        watch = self._watch.get(setpoint.device_id)
        self._watch[setpoint.device_id] = _Watch(
            max(setpoint.power_kw, 0.0), now, commands, retried=watch.retried if watch else False
        )

    # ------------------------------------------------------------------ listening

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        entities: dict[str, tuple[str, str]] = {}
        for device_id, sub in self._subentries.items():
            for conf, key in kind_of(sub.subentry_type).KEYS.items():
                if entity_id := sub.data.get(conf):
                    entities[entity_id] = (device_id, key)
        unsubs = [
            async_track_time_interval(
                self.hass,
                self._async_check,
                CHECK_INTERVAL,
                name="headroom device check",
                cancel_on_shutdown=True,
            )
        ]
        if entities:
            unsubs.append(
                async_track_state_change_event(self.hass, list(entities), self._changed_by(entities))
            )
        config = site_settings(self.hooks.entry)
        meters = [e for e in (config.get(CONF_GRID_POWER_ENTITY), *phase_entities(config)) if e]
        if meters:
            unsubs.append(async_track_state_change_event(self.hass, meters, self._meter_changed))

        @callback
        def stop() -> None:
            for unsub in unsubs:
                unsub()

        return stop

    def _changed_by(
        self, entities: dict[str, tuple[str, str]]
    ) -> Callable[[Event[EventStateChangedData]], None]:
        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            new, old = event.data["new_state"], event.data["old_state"]
            if new is None or old is None or new.state == old.state:
                return
            if new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN) or old.state in (
                STATE_UNAVAILABLE,
                STATE_UNKNOWN,
            ):
                return
            if new.context.id in self._ours:
                return
            device_id, key = entities[event.data["entity_id"]]
            if self.state_of(device_id) != ControlState.ACTIVE:
                return  # nothing of ours to defend
            expected = self._expected.get((device_id, key))
            if expected is not None and _same(expected, new.state):
                return  # the device confirming our own command
            _LOGGER.info(
                "%s changed by hand (%s -> %s): Headroom leaves %s alone until released",
                event.data["entity_id"],
                old.state,
                new.state,
                self.name_of(device_id),
            )
            self.hass.bus.async_fire(
                f"{DOMAIN}_control_paused", {"subentry_id": device_id, "entity_id": event.data["entity_id"]}
            )
            self.hass.async_create_task(self.async_take_over(device_id))

        return changed

    async def _async_check(self, now: datetime) -> None:
        """A new plan step to apply? Did the chargers follow? Retry once, then plan with what they
        really draw."""
        await self._async_next_step()
        for device_id, watch in list(self._watch.items()):
            if now - watch.since < VERIFY_AFTER or self.state_of(device_id) != ControlState.ACTIVE:
                continue
            sub = self._subentries.get(device_id)
            measured = ev_charger_kind.read(self.hass, dict(sub.data)).power_kw if sub else None
            if measured is None or measured <= watch.limit_kw + FOLLOW_TOLERANCE_KW:
                del self._watch[device_id]
                continue
            if not watch.retried:
                _LOGGER.info(
                    "%s draws %.1f kW, allowed %.1f kW: telling it again",
                    self.name_of(device_id),
                    measured,
                    watch.limit_kw,
                )
                await self._resend(watch.commands, now)
                self._watch[device_id] = _Watch(watch.limit_kw, now, watch.commands, retried=True)
                continue
            del self._watch[device_id]
            self.unresponsive.add(device_id)
            raise_issue(
                self.hass,
                ISSUE_NOT_FOLLOWING,
                device_id,
                device=sub.title if sub else device_id,
                measured=f"{measured:.1f}",
                allowed=f"{watch.limit_kw:.1f}",
            )
            await self.hooks.request_refresh()

    async def _resend(self, commands: list[Command], now: datetime) -> None:
        for command in sorted(commands, key=lambda c: c.delta_kw):
            await self._call(command, now)

    def _excess(self, data: HeadroomData) -> Excess | None:
        """The meter now against the limit of the plan's current step and each phase's fuse; None
        without a grid meter reading."""
        meter = read_meter(self.hass, site_settings(self.hooks.entry))
        if meter.grid_kw is None:
            return None
        limit = float(data.problem.site.import_limit_kw[data.step_of(dt_util.now())])
        return excess_at(meter.grid_kw, meter.phase_kw, limit, data.problem.site.phases)

    @callback
    def _meter_changed(self, event: Event[EventStateChangedData]) -> None:
        data = self.hooks.data()
        if data is None:
            return
        excess = self._excess(data)
        if excess is None:
            return
        if not excess.over:
            if self.holds and self.hooks.control_mode() == ControlMode.ACTIVE:
                # Room again? Devices held down since a cut go back up as far as it allows.
                self.hass.async_create_task(self.async_apply(data))
            return
        limit = float(data.problem.site.import_limit_kw[data.step_of(dt_util.now())])
        self.hass.bus.async_fire(
            f"{DOMAIN}_limit_risk",
            {
                "measured_kw": round(limit + excess.site_kw, 3),
                "limit_kw": round(limit, 3),
                "over_kw": round(max(excess.site_kw, *excess.phase_kw, 0.0), 3),
                "status": "over_limit",
            },
        )
        self.hass.async_create_task(self._async_cut(excess, data))

    async def _async_cut(self, excess: Excess, data: HeadroomData) -> None:
        """Lower what Headroom drives by the meter's excess, now, from a fresh read of the devices;
        each device cut stays at its lowered level until the meter shows room (``held``)."""
        if self.hooks.control_mode() == ControlMode.ACTIVE:
            devices = configs(self._subentries)
            driven = self.driven()
            readings = Readings(
                now=dt_util.now(), devices=read_devices(self.hass, {d: devices[d] for d in driven})
            )
            phases = data.problem.site.phases
            count = phases.count if phases else 1
            loads = drawing_now(devices, readings, self.hooks.intents(), self.told_kw, driven, count)
            cuts = fuse_cut(excess, loads, devices, readings)
            await self._send(cuts, urgent=True)
            for cut in cuts:
                self.holds[cut.device_id] = min(cut.power_kw, self.holds.get(cut.device_id, math.inf))
        await self.hooks.request_refresh()


def commanded_store_key(entry_id: str) -> str:
    """Where the record of Headroom's own writes is kept (removed with the entry)."""
    return f"{DOMAIN}.{entry_id}.commanded"


def _same(expected: str, actual: str) -> bool:
    try:
        return abs(float(expected) - float(actual)) < 1e-6
    except ValueError:
        return expected == actual
