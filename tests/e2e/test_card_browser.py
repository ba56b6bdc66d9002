"""The plan card in a real browser: Home Assistant from ``scripts/develop`` with the demo home,
onboarded through its API, the demo dashboard opened in headless Chromium (Debian's, driven by
Playwright). The card draws a series per planned device plus base load, the import limit and the
price, with no console errors, at desktop and phone width; screenshots go to ``artifacts/``."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from .demo_process import ROOT, START_TIMEOUT_S, Demo, call, demo_home

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
# Home Assistant's frontend logs these itself on a fresh instance (no cloud, no external URL).
BENIGN = ("Failed to load resource", "[Violation]")

PLAN: dict[str, Any] = {
    "status": "optimal",
    "cost": 1.0,
    "baseline_cost": 2.0,
    "steps": [
        {
            "start": f"2026-01-01T{h:02d}:00:00+00:00",
            "price": p,
            "import_limit_kw": 11.0,
            "base_load_kw": 0.5,
            "pv_kw": pv,
            "grid_import_kw": g,
            "grid_export_kw": 0.0,
        }
        for h, p, pv, g in ((0, 0.1, 0.0, 7.5), (1, 0.3, 2.0, 0.0), (2, 0.2, 0.0, 0.5))
    ],
    "devices": [
        {
            "id": "a",
            "name": "Car",
            "kind": "ev_charger",
            "power_kw": [7.0, 0.0, 0.0],
            "reasons": [{"code": "cheapest_steps", "steps": [0]}],
        },
        {
            "id": "b",
            "name": "Battery",
            "kind": "battery",
            "power_kw": [0.0, 1.5, -1.0],
            "soc_kwh": [5.0, 5.0, 6.4, 5.3],
        },
    ],
}


def _login_script(demo: Demo) -> str:
    tokens = {
        **demo.token,
        "hassUrl": demo.base,
        "clientId": demo.token["client_id"],
        "expires": int(time.time() * 1000) + 1_800_000,
    }
    return f"window.localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is installed by .ci/run")
def test_the_plan_card_in_a_real_browser(tmp_path: Path, socket_enabled: None) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with demo_home(tmp_path) as demo:
        demo.wait_for_plan(time.monotonic() + START_TIMEOUT_S)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.add_init_script(_login_script(demo))
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{demo.base}/headroom-demo/plan")
            card = page.locator("headroom-plan-card").first
            # Home Assistant builds the dashboard and the card fetches the plan: poll for the limit line.
            for _ in range(90):
                page.wait_for_timeout(1000)
                if page.locator("headroom-plan-card svg [data-role=limit]").count():
                    break
            else:
                page.screenshot(path=str(ARTIFACTS / "headroom-plan-card-failed.png"))
                raise AssertionError(f"the card drew no plan; console errors: {errors}")

            # One stacked series per planned device (the battery's charging) on top of the base load;
            # which devices are in the plan depends on the hour (cars come home in the evening).
            plan = call(
                f"{demo.base}/api/services/headroom/get_plan?return_response",
                demo.access_token,
                b"{}",
                {"Content-Type": "application/json"},
            )["service_response"]
            expected = ["Base load"] + [
                f"{d['name']} charging" if d["kind"] == "battery" else d["name"] for d in plan["devices"]
            ]
            names = page.eval_on_selector_all(
                "headroom-plan-card svg [data-series]", "els => els.map(e => e.dataset.name).filter(Boolean)"
            )
            assert sorted(names) == sorted(expected)
            assert {"Base load", "Home battery charging"} <= set(names)
            assert page.locator("headroom-plan-card svg [data-role=price]").count() == 1
            assert page.locator("headroom-plan-card svg [data-role=now]").count() == 1
            compact = page.locator("headroom-plan-card [data-variant=compact] [data-field=power]").first
            assert compact.inner_text().endswith("kW")

            # Hover: the values and the reasons of the hour under the pointer.
            box = page.locator("headroom-plan-card svg").first.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            assert "limit" in page.locator("headroom-plan-card .tip").first.inner_text()

            # The card's data shaping, on a plan made by hand.
            shaped = page.evaluate(
                "plan => { const s = customElements.get('headroom-plan-card').shape(plan, "
                "Date.parse('2026-01-01T01:30:00Z')); return {n: s.stacked.length, "
                "names: s.stacked.map(x => x.name), car: s.stacked[1].values, "
                "discharge: s.discharge, soc: s.soc, now: s.nowIndex, limit: s.limit}; }",
                PLAN,
            )
            assert shaped == {
                "n": 3,
                "names": ["Base load", "Car", "Battery charging"],
                "car": [7, 0, 0],
                "discharge": [0, 0, 1],
                "soc": [5, 6.4, 5.3],
                "now": 1,
                "limit": [11, 11, 11],
            }

            card.screenshot(path=str(ARTIFACTS / "headroom-plan-card.png"))
            page.set_viewport_size({"width": 390, "height": 844})  # a phone
            page.wait_for_timeout(500)
            width = page.locator("headroom-plan-card svg").first.bounding_box()
            assert width is not None and width["width"] <= 390
            page.screenshot(path=str(ARTIFACTS / "headroom-plan-card-phone.png"))
            browser.close()
        assert [e for e in errors if not any(b in e for b in BENIGN)] == []
