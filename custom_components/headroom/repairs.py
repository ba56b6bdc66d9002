"""Headroom's repair issues: one way to raise and clear them.

Every issue is Headroom's, not fixable from the repairs dialog, and named ``<key>_<owner>``
(the translation key, then the entry or device it is about), so that removing an entry can
find every issue it raised.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN


def raise_issue(
    hass: HomeAssistant,
    key: str,
    owner: str,
    *,
    severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
    **placeholders: str,
) -> None:
    """Raise (or update) the issue ``key`` about ``owner``, its text filled with ``placeholders``."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"{key}_{owner}",
        is_fixable=False,
        severity=severity,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def clear_issue(hass: HomeAssistant, key: str, owner: str) -> None:
    """The issue ``key`` about ``owner`` is over."""
    ir.async_delete_issue(hass, DOMAIN, f"{key}_{owner}")
