"""The simulated central system's entry, made on start by headroom_sim."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult

from . import DOMAIN


class DemoCentralSystemFlow(ConfigFlow, domain=DOMAIN):
    VERSION = 1

    async def async_step_import(self, import_data: dict[str, Any]) -> ConfigFlowResult:
        await self.async_set_unique_id("headroom_demo")
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title="Demo charge points (simulated)", data={})
