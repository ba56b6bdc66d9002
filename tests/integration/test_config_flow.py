"""The whole config flow: site, errors, options, reconfigure, device subentries."""

from __future__ import annotations

import re

import pytest
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN

from .conftest import PRICE, SITE, start_subentry_reconfigure

FORM = {
    "name": "Home",
    "main_fuse_a": 25,
    "phase_count": "3",
    "price_entity": PRICE,
    "export_price_fixed": 0.0,
    "step_minutes": "15",
    "horizon_hours": 36,
    "replan_minutes": 5,
    "control_mode": "advisory",
}


async def test_user_flow_creates_the_site_from_the_fuse(hass: HomeAssistant, home: None) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM)
    # The form says what it found in the price entity before the home is added.
    assert result["step_id"] == "confirm"
    assert re.fullmatch(
        r"Nord Pool \(HACS\), 60-minute prices, \d+ h ahead", result["description_placeholders"]["found"]
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Home"
    assert result["data"]["main_fuse_a"] == 25
    await hass.async_block_till_done()
    assert hass.states.get("sensor.home_plan_status") is not None
    # The plan keeps the site under 25 A x 3 phases x 230 V, and each phase under 25 A.
    site = result["result"].runtime_data.data.problem.site
    assert site.import_limit_kw[0] == pytest.approx(17.25)
    assert site.phases is not None and (site.phases.count, site.phases.fuse_a) == (3, 25.0)


async def test_user_flow_errors_then_recovers(hass: HomeAssistant, home: None) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    no_limit = {k: v for k, v in FORM.items() if k != "main_fuse_a"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], no_limit)
    assert result["errors"] == {"base": "import_limit_missing"}

    hass.states.async_set("sensor.flat_price", "0.2", {"unit_of_measurement": "EUR/kWh"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**FORM, "price_entity": "sensor.flat_price"}
    )
    assert result["errors"] == {"price_entity": "no_price_forecast"}

    hass.states.async_set("sensor.dead_price", "unavailable")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**FORM, "price_entity": "sensor.dead_price"}
    )
    assert result["errors"] == {"price_entity": "price_unavailable"}
    assert not hass.config_entries.async_entries(DOMAIN)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {k: v for k, v in FORM.items() if k != "price_entity"}
    )
    assert result["errors"] == {"base": "price_source_missing"}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_time_of_use_schedule_instead_of_a_price_entity(hass: HomeAssistant, home: None) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    tou = {
        **{k: v for k, v in FORM.items() if k != "price_entity"},
        "tou_peak_price": 0.30,
        "tou_off_peak_price": 0.12,
        "tou_peak_start": "07:00:00",
        "tou_peak_end": "23:00:00",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], tou)
    assert result["description_placeholders"]["found"] == "time-of-use schedule"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    status = hass.states.get("sensor.home_plan_status")
    assert status.state == "optimal" and status.attributes["price_source"] == "time-of-use schedule"


async def test_a_fixed_price_instead_of_a_price_entity(hass: HomeAssistant, home: None) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    fixed = {**{k: v for k, v in FORM.items() if k != "price_entity"}, "price_fixed": 0.27}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], fixed)
    assert result["description_placeholders"]["found"] == "fixed price"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    status = hass.states.get("sensor.home_plan_status")
    assert status.attributes["price_source"] == "fixed price"


async def test_a_battery_without_a_mode_select_needs_no_second_step(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "battery"), context={"source": config_entries.SOURCE_USER}
    )
    form = {
        "name": "Shed battery",
        "soc_entity": "input_number.battery_soc",
        "capacity_kwh": 5,
        "min_soc_percent": 10,
        "max_charge_kw": 2.5,
        "max_discharge_kw": 2.5,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.states.get("sensor.shed_battery_planned_mode") is not None


async def test_only_one_site(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def test_options_change_the_limit_without_restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**SITE, "import_limit_kw": 4.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.runtime_data.data.problem.site.import_limit_kw[0] == 4.0


async def test_reconfigure(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**{k: v for k, v in SITE.items() if k != "import_limit_kw"}, "main_fuse_a": 16}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.runtime_data.data.problem.site.import_limit_kw[0] == pytest.approx(11.04)


async def test_a_fuse_changed_in_the_options_changes_the_limit(hass: HomeAssistant, home: None) -> None:
    """The limit follows the fuse: set up at 25 A, changed to 35 A in Configure, planned at 35 A."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    entry = result["result"]
    await hass.async_block_till_done()
    options = await hass.config_entries.options.async_init(entry.entry_id)
    form = {k: v for k, v in FORM.items() if k != "name"}
    options = await hass.config_entries.options.async_configure(
        options["flow_id"], {**form, "main_fuse_a": 35}
    )
    assert options["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    site = hass.config_entries.async_get_entry(entry.entry_id).runtime_data.data.problem.site
    assert site.import_limit_kw[0] == pytest.approx(24.15)  # 35 A x 3 x 230 V
    assert site.phases is not None and site.phases.fuse_a == 35.0
    # The form says which limit is in force: the fuse's, until a lower kW limit is typed in.
    options = await hass.config_entries.options.async_init(entry.entry_id)
    assert options["description_placeholders"] == {"limit_kw": "24.15", "fuse_kw": "24.15"}
    options = await hass.config_entries.options.async_configure(
        options["flow_id"], {**form, "main_fuse_a": 35, "import_limit_kw": 11}
    )
    await hass.async_block_till_done()
    options = await hass.config_entries.options.async_init(entry.entry_id)
    assert options["description_placeholders"] == {"limit_kw": "11.00", "fuse_kw": "24.15"}


async def test_add_edit_and_remove_a_charger(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    form = {
        "name": "Street",
        "charger_power_entity": "sensor.charger_power",
        "phases": "1",
        "min_current_a": 10,
        "max_current_a": 8,
        "default_energy_kwh": 10,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["errors"] == {"min_current_a": "min_above_max"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**form, "min_current_a": 6}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    street = next(s for s in entry.subentries.values() if s.title == "Street")
    assert hass.states.get("sensor.street_planned_power") is not None

    result = await start_subentry_reconfigure(hass, entry, "ev_charger", street.subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**form, "min_current_a": 6, "max_current_a": 32}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[street.subentry_id].data["max_current_a"] == 32

    assert hass.config_entries.async_remove_subentry(entry, street.subentry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.street_planned_power") is None


@pytest.mark.parametrize(("stored_kw", "kept"), [(17.25, False), (10.0, True)])
async def test_entries_from_before_the_limit_followed_the_fuse_are_migrated(
    hass: HomeAssistant, home: None, stored_kw: float, kept: bool
) -> None:
    """Entries made by 1.1 stored the limit worked out from their 25 A fuse (17.25 kW): it is dropped,
    so that the limit follows the fuse from now on. A limit someone typed in (10 kW) stays."""
    site = {k: v for k, v in FORM.items() if k != "name"}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        version=1,
        minor_version=1,
        data={**site, "phase_count": "3", "import_limit_kw": stored_kw},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.minor_version == 2
    assert (entry.data["import_limit_kw"] == stored_kw) is kept
    assert entry.runtime_data.data.problem.site.import_limit_kw[0] == pytest.approx(stored_kw)
