"""The planning cycle: HA states -> snapshot -> Problem -> solve (executor) -> Plan -> entities.

Replans on its interval and, debounced, when an input that matters changes. The
DataUpdateCoordinator never runs two refreshes at once, so cycles cannot overlap.
"""

from __future__ import annotations

import logging
import time as time_mod
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import (
    CONF_CHARGER_POWER_ENTITY,
    CONF_CONTROL_MODE,
    CONF_EXPORT_PRICE_ENTITY,
    CONF_PLUGGED_ENTITY,
    CONF_PRICE_ENTITY,
    CONF_PV_FORECAST_ENTITY,
    CONF_REPLAN_MINUTES,
    DEFAULT_REPLAN_MINUTES,
    DOMAIN,
    SOLVE_TIME_LIMIT_S,
    SUBENTRY_EV_CHARGER,
    ControlMode,
    PlanState,
)
from .planner import Plan, Problem, problem_to_json, solve
from .snapshot import EvGoal, build_snapshot

_LOGGER = logging.getLogger(__name__)
STORAGE_VERSION = 1
REPLAN_DEBOUNCE_S = 10.0
ISSUE_PRICE_UNAVAILABLE = "price_unavailable"

type HeadroomConfigEntry = ConfigEntry[HeadroomCoordinator]


@dataclass
class HeadroomData:
    """One cycle's result, as the entities see it."""

    status: PlanState
    problem: Problem
    plan: Plan
    planned_at: datetime
    stale: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    price_description: str = ""
    cycle_seconds: float = 0.0

    def step_index(self, now: datetime) -> int:
        """The plan step that contains ``now`` (clamped to the horizon)."""
        elapsed = (now - self.problem.start).total_seconds() / 60 / self.problem.step_minutes
        return max(0, min(self.problem.steps - 1, int(elapsed)))

    def step_start(self, index: int) -> datetime:
        return self.problem.start + timedelta(minutes=self.problem.step_minutes * index)


class HeadroomCoordinator(DataUpdateCoordinator[HeadroomData]):
    config_entry: HeadroomConfigEntry

    def __init__(self, hass: HomeAssistant, entry: HeadroomConfigEntry) -> None:
        minutes = float(entry.options.get(CONF_REPLAN_MINUTES, entry.data.get(CONF_REPLAN_MINUTES,
                                                                               DEFAULT_REPLAN_MINUTES)))
        super().__init__(
            hass, _LOGGER, name=DOMAIN, config_entry=entry, update_interval=timedelta(minutes=minutes),
            request_refresh_debouncer=Debouncer(hass, _LOGGER, cooldown=REPLAN_DEBOUNCE_S, immediate=False),
        )
        self.store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}")
        self.goals: dict[str, EvGoal] = {}
        self.control_mode = ControlMode(self.config.get(CONF_CONTROL_MODE, ControlMode.ADVISORY))
        self._unsub_state: CALLBACK_TYPE | None = None

    @property
    def config(self) -> dict[str, Any]:
        """Site settings: the entry's data, overridden by its options."""
        return {**self.config_entry.data, **self.config_entry.options}

    async def _async_setup(self) -> None:
        stored = await self.store.async_load() or {}
        self.goals = {k: EvGoal.from_dict(v) for k, v in stored.get("goals", {}).items()}
        if mode := stored.get("control_mode"):
            self.control_mode = ControlMode(mode)

    async def async_save(self) -> None:
        await self.store.async_save(self._stored())

    def _stored(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "goals": {k: v.to_dict() for k, v in self.goals.items()},
            "control_mode": self.control_mode.value,
        }
        if self.data is not None:
            data["last_plan"] = self.data.plan.to_json()
            data["last_problem"] = problem_to_json(self.data.problem)
        return data

    def goal(self, subentry_id: str) -> EvGoal:
        return self.goals.setdefault(subentry_id, EvGoal())

    async def async_goal_changed(self) -> None:
        await self.async_save()
        await self.async_request_refresh()

    async def _async_update_data(self) -> HeadroomData:
        started = time_mod.perf_counter()
        now = dt_util.now()
        snapshot = build_snapshot(self.hass, self.config, dict(self.config_entry.subentries), self.goals, now)
        plan = await self.hass.async_add_executor_job(
            lambda: solve(snapshot.problem, time_limit=SOLVE_TIME_LIMIT_S)
        )
        status = PlanState(plan.status)
        price_entity = self.config[CONF_PRICE_ENTITY]
        if price_entity in snapshot.stale:
            status = PlanState.STALE_INPUTS
            ir.async_create_issue(
                self.hass, DOMAIN, f"{ISSUE_PRICE_UNAVAILABLE}_{self.config_entry.entry_id}",
                is_fixable=False, severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_PRICE_UNAVAILABLE, translation_placeholders={"entity_id": price_entity},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, f"{ISSUE_PRICE_UNAVAILABLE}_{self.config_entry.entry_id}")
        data = HeadroomData(
            status=status, problem=snapshot.problem, plan=plan, planned_at=now, stale=snapshot.stale,
            assumptions=snapshot.assumptions, price_description=snapshot.price_description,
            cycle_seconds=time_mod.perf_counter() - started,
        )
        self.hass.bus.async_fire(f"{DOMAIN}_plan_updated", {"status": status.value, "cost": round(plan.cost, 4)})
        self.store.async_delay_save(self._stored, 60)
        return data

    @callback
    def async_start_listening(self) -> CALLBACK_TYPE:
        """Replan (debounced) when an input that matters changes: a price or PV forecast, a car
        plugging in or out. Powers and SoCs drift every few seconds; the interval catches those."""
        entities = {self.config.get(k) for k in (CONF_PRICE_ENTITY, CONF_EXPORT_PRICE_ENTITY,
                                                 CONF_PV_FORECAST_ENTITY)}
        for sub in self.config_entry.subentries.values():
            if sub.subentry_type == SUBENTRY_EV_CHARGER:
                # Without a plug sensor, the charger's power is how a plug-in shows.
                entities.add(sub.data.get(CONF_PLUGGED_ENTITY) or sub.data.get(CONF_CHARGER_POWER_ENTITY))
        watched = sorted(e for e in entities if e)

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            old, new = event.data["old_state"], event.data["new_state"]
            if old is not None and new is not None and old.state == new.state and \
                    old.attributes == new.attributes:
                return
            self.hass.async_create_task(self.async_request_refresh())

        return async_track_state_change_event(self.hass, watched, changed)
