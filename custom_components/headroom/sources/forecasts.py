"""HA states and fetched answers -> the policy's ``Forecasts`` for one horizon: import and export
prices (entity with fees, time-of-use, or fixed), PV, and the house's own load from history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Any

import numpy as np
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er

from ..const import (
    CONF_EXPORT_PRICE_ENTITY,
    CONF_EXPORT_PRICE_FACTOR,
    CONF_EXPORT_PRICE_FIXED,
    CONF_PRICE_ENTITY,
    CONF_PRICE_FIXED,
    CONF_PRICE_MULTIPLIER,
    CONF_PRICE_OFFSET,
    CONF_PV_FORECAST_ENTITY,
    CONF_PV_PESSIMISTIC,
    CONF_TOU_OFF_PEAK_PRICE,
    CONF_TOU_PEAK_END,
    CONF_TOU_PEAK_PRICE,
    CONF_TOU_PEAK_START,
    CONF_TOU_WEEKEND_OFF_PEAK,
)
from ..policy.readings import Forecasts
from ..policy.timeline import Timeline
from .base_load import BaseLoadProfile
from .prices import (
    PricePoint,
    PriceSeries,
    entity_format,
    merge_points,
    not_a_number,
    price_series,
    sibling_points,
    source_label,
)
from .pv import attribute_points, not_finite, pv_series
from .tariff import tou_series, with_fees

FALLBACK_PRICE = 0.25


@dataclass
class Inputs:
    """What the coordinator fetched before the cycle (service answers, energy platforms, history)."""

    price_points: list[PricePoint] | None = None
    # The energy platforms' PV forecasts, by the forecast integration's config entry id.
    pv_arrays: dict[str, list[PricePoint]] = field(default_factory=dict)
    # Forecast integrations whose energy platform gave nothing (named by their entry's title).
    pv_missing: list[str] = field(default_factory=list)
    base_load: BaseLoadProfile | None = None


def pv_forecast_entities(config: dict[str, Any]) -> list[str]:
    """The configured PV forecast entities (one or several)."""
    value = config.get(CONF_PV_FORECAST_ENTITY) or []
    return [value] if isinstance(value, str) else list(value)


def read_forecasts(
    hass: HomeAssistant, config: dict[str, Any], inputs: Inputs, timeline: Timeline
) -> Forecasts:
    """The horizon's import and export prices, PV (kW) and base load per step, with what was stale and
    what was assumed instead. Every series is finite: a source's value that is not a number is
    left out, its source named in ``stale`` and what was used instead in ``assumptions``."""
    stale: list[str] = []
    assumptions: list[str] = []
    import_price, description = _import_prices(hass, config, inputs, timeline, stale, assumptions)
    export_price = _export_prices(hass, config, import_price, timeline, stale, assumptions)
    pv = _pv(hass, config, inputs, timeline, stale, assumptions)
    base = inputs.base_load
    base_load = None if base is None else base.series(timeline.start, timeline.step_minutes, timeline.steps)
    if base_load is not None and not np.isfinite(base_load).all():
        base = base_load = None
        assumptions.append("the base load history has values that are not numbers: the load now is held")
    for name, series in (
        ("import price", import_price),
        ("export price", export_price),
        ("PV", pv),
        ("base load", base_load),
    ):
        assert series is None or np.isfinite(series).all(), f"{name} forecast is not finite"
    return Forecasts(
        import_price=import_price,
        export_price=export_price,
        pv_kw=pv,
        base_load_kw=base_load,
        base_load_basis=base.basis if base is not None else "",
        stale=stale,
        assumptions=assumptions,
        price_description=description,
    )


def _pv(
    hass: HomeAssistant,
    config: dict[str, Any],
    inputs: Inputs,
    timeline: Timeline,
    stale: list[str],
    assumptions: list[str],
) -> Any:
    """The energy platforms' and the forecast entities' PV: providers (config entries) add up, one
    provider picked twice counts once (its sensor's periods first, as they honour "pessimistic"; the
    energy platform fills the rest). An entity that is missing, unavailable or unknown is a stale
    input (its PV counts as none), not silently "no PV"."""
    registry = er.async_get(hass)
    by_provider: dict[str, list[list[PricePoint]]] = {}
    if bad := sum(not_finite(points) for points in inputs.pv_arrays.values()):
        assumptions.append(
            f"{bad} PV forecast values from the energy platform are not numbers: no PV for them"
        )
    unavailable: list[str] = list(inputs.pv_missing)
    for source in inputs.pv_missing:
        stale.append(source)
        assumptions.append(f"PV forecast from {source} is unavailable: no PV planned from it")
    for pv_entity in pv_forecast_entities(config):
        pv_state = hass.states.get(pv_entity)
        if pv_state is None or pv_state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            stale.append(pv_entity)
            unavailable.append(pv_entity)
            assumptions.append(f"PV forecast {pv_entity} is unavailable: no PV planned from it")
            continue
        points = attribute_points(pv_state, bool(config.get(CONF_PV_PESSIMISTIC, False)))
        if bad := not_finite(points):
            stale.append(pv_entity)
            assumptions.append(f"{bad} values in {pv_entity} are not numbers: no PV planned for them")
        entry = registry.async_get(pv_entity)
        by_provider.setdefault((entry.config_entry_id if entry else None) or pv_entity, []).append(points)
    for entry_id, points in inputs.pv_arrays.items():
        if entry_id in by_provider:
            provider = hass.config_entries.async_get_entry(entry_id)
            assumptions.append(
                f"PV forecast of {provider.title if provider else entry_id} picked as a sensor and as an energy "
                "platform: counted once"
            )
        by_provider.setdefault(entry_id, []).append(points)
    if not by_provider and not unavailable:
        assumptions.append("no PV forecast: PV counts as part of the measured load")
    arrays = [merge_points(sources) for sources in by_provider.values()]
    return pv_series(arrays, timeline.start, timeline.step_minutes, timeline.steps)


def _export_prices(
    hass: HomeAssistant,
    config: dict[str, Any],
    import_price: Any,
    timeline: Timeline,
    stale: list[str],
    assumptions: list[str],
) -> Any:
    """Its own sensor, or the rule "fraction of the import price plus an offset" (a fixed price
    is a fraction of 0)."""
    factor = float(config.get(CONF_EXPORT_PRICE_FACTOR, 0.0))
    export_price = factor * import_price + float(config.get(CONF_EXPORT_PRICE_FIXED, 0.0))
    if export_entity := config.get(CONF_EXPORT_PRICE_ENTITY):
        state = hass.states.get(export_entity)
        exported = price_series(
            state,
            timeline.start,
            timeline.step_minutes,
            timeline.steps,
            sibling_points(hass, export_entity),
            entity_format(hass, export_entity),
            source_label(hass, export_entity),
        )
        if exported is None:
            stale.append(export_entity)
        else:
            _not_numbers(export_entity, state, exported, timeline.step_minutes, stale, assumptions)
            export_price = np.array(exported.values)
    return export_price


def _not_numbers(
    entity_id: str,
    state: State | None,
    prices: PriceSeries,
    step_minutes: int,
    stale: list[str],
    assumptions: list[str],
) -> None:
    """A price source that said NaN or inf somewhere is stale, and the plan says what it used instead."""
    if not_a_number(state):
        assumptions.append(f"the state of {entity_id} is not a number: the price now comes from its list")
    if prices.bad_steps:
        assumptions.append(
            f"prices of {entity_id} for {prices.bad_steps * step_minutes / 60:.2f} h are not numbers: "
            "those steps repeat the day before or hold the price now"
        )
    if (not_a_number(state) or prices.bad_steps) and entity_id not in stale:
        stale.append(entity_id)


def _import_prices(
    hass: HomeAssistant,
    config: dict[str, Any],
    inputs: Inputs,
    timeline: Timeline,
    stale: list[str],
    assumptions: list[str],
) -> tuple[Any, str]:
    """An entity's prices (with fees), a time-of-use schedule, or a fixed price."""
    start, step_minutes, steps = timeline.start, timeline.step_minutes, timeline.steps
    if price_entity := config.get(CONF_PRICE_ENTITY):
        state = hass.states.get(price_entity)
        prices = price_series(
            state,
            start,
            step_minutes,
            steps,
            inputs.price_points,
            entity_format(hass, price_entity),
            source_label(hass, price_entity),
        )
        if prices is None:
            stale.append(price_entity)
            return np.full(steps, FALLBACK_PRICE), "price unavailable"
        _not_numbers(price_entity, state, prices, step_minutes, stale, assumptions)
        if prices.known_steps == 0:
            if price_entity not in stale:
                stale.append(price_entity)  # a price now but no forecast Headroom can read
            assumptions.append(f"no price forecast in {price_entity}: the price now is held")
        elif prices.known_steps < steps:
            assumptions.append(
                f"prices known for {prices.known_steps * step_minutes / 60:.1f} h; "
                "the rest repeats the day before"
            )
        values = with_fees(
            prices.values,
            float(config.get(CONF_PRICE_MULTIPLIER, 1.0)),
            float(config.get(CONF_PRICE_OFFSET, 0.0)),
        )
        return np.array(values), prices.description
    if config.get(CONF_TOU_PEAK_PRICE) is not None and config.get(CONF_TOU_OFF_PEAK_PRICE) is not None:
        values = tou_series(
            start,
            step_minutes,
            steps,
            peak=float(config[CONF_TOU_PEAK_PRICE]),
            off_peak=float(config[CONF_TOU_OFF_PEAK_PRICE]),
            peak_start=time.fromisoformat(config.get(CONF_TOU_PEAK_START, "07:00:00")),
            peak_end=time.fromisoformat(config.get(CONF_TOU_PEAK_END, "23:00:00")),
            weekend_off_peak=bool(config.get(CONF_TOU_WEEKEND_OFF_PEAK, False)),
        )
        return np.array(values), "time-of-use schedule"
    return np.full(steps, float(config.get(CONF_PRICE_FIXED, FALLBACK_PRICE))), "fixed price"
