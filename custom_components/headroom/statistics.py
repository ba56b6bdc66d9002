"""The ledger's settled hours as the recorder's long-term statistics (external, source ``headroom``),
so that the Statistics and Energy cards plot them and the recorder keeps them for years.

Money in the home's currency (realised cost, business-as-usual cost, saving), energy in kWh (grid
import and export, each device) as running sums that continue across restarts (the last sum is kept
in the ledger's Store), and the peak in kW as an hourly mean and maximum. Home Assistant 2026.2's
metadata wants a unit class; 2025.4's has none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from datetime import datetime
from typing import Any, cast

from homeassistant.components.recorder.models import StatisticData, StatisticMeanType, StatisticMetaData
from homeassistant.components.recorder.statistics import async_add_external_statistics
from homeassistant.core import HomeAssistant

from .const import DOMAIN
from .policy.accounting import Hour

type HourValue = Callable[[Hour], float]

# Each summed statistic: its key, its name and its hourly value.
MONEY: dict[str, tuple[str, HourValue]] = {
    "realised_cost": ("Realised cost", lambda h: h.record.cost),
    "business_as_usual_cost": ("Business-as-usual cost", lambda h: h.bau_cost),
    "saving": ("Saving", lambda h: h.bau_cost - h.record.cost),
}
ENERGY: dict[str, tuple[str, HourValue]] = {
    "grid_import": ("Grid import", lambda h: h.record.import_kwh),
    "grid_export": ("Grid export", lambda h: h.record.export_kwh),
}
PEAK = "peak_import"


def statistic_id(key: str) -> str:
    """The external statistic's id (``headroom:<key>``)."""
    return f"{DOMAIN}:{key}"


def device_key(device_id: str) -> str:
    """A device's energy statistic key, by its subentry id (which stays when it is renamed)."""
    return f"energy_{device_id.lower()}"


def metadata(
    key: str, name: str, unit: str | None, unit_class: str | None, *, summed: bool
) -> StatisticMetaData:
    """One statistic's metadata, with the unit class where this Home Assistant has the field."""
    meta: dict[str, Any] = {
        "has_mean": not summed,
        "mean_type": StatisticMeanType.NONE if summed else StatisticMeanType.ARITHMETIC,
        "has_sum": summed,
        "name": f"Headroom {name}",
        "source": DOMAIN,
        "statistic_id": statistic_id(key),
        "unit_of_measurement": unit,
    }
    if "unit_class" in StatisticMetaData.__annotations__:
        meta["unit_class"] = unit_class
    return cast(StatisticMetaData, meta)


def async_write_hours(
    hass: HomeAssistant,
    hours: Sequence[tuple[datetime, Hour]],
    sums: MutableMapping[str, float],
    names: Mapping[str, str],
    currency: str,
) -> None:
    """Add these hours (in time order, none written before) to every statistic, each sum going on
    from ``sums`` (updated in place)."""
    rows: dict[str, list[StatisticData]] = {}
    metas: dict[str, StatisticMetaData] = {}

    def add(
        key: str, name: str, unit: str | None, unit_class: str | None, start: datetime, value: float
    ) -> None:
        total = sums.get(key, 0.0) + value
        sums[key] = total
        rows.setdefault(key, []).append(StatisticData(start=start, state=value, sum=total))
        metas[key] = metadata(key, name, unit, unit_class, summed=True)

    for start, hour in hours:
        for device_id, kwh in hour.record.device_kwh.items():
            add(
                device_key(device_id),
                f"{names.get(device_id, device_id)} energy",
                "kWh",
                "energy",
                start,
                kwh,
            )
        if not hour.metered:
            continue  # without a grid reading there is no realised cost, import or peak to write
        for key, (name, value) in MONEY.items():
            add(key, name, currency, None, start, float(value(hour)))
        for key, (name, value) in ENERGY.items():
            add(key, name, "kWh", "energy", start, float(value(hour)))
        mean = hour.record.import_kwh / max(hour.record.grid_seconds / 3600.0, 1e-9)
        rows.setdefault(PEAK, []).append(StatisticData(start=start, mean=mean, max=hour.peak_kw))
        metas[PEAK] = metadata(PEAK, "Peak import", "kW", "power", summed=False)
    for key, stats in rows.items():
        async_add_external_statistics(hass, metas[key], stats)
