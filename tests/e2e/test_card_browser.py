"""The plan card in a real browser: Home Assistant from ``scripts/develop`` with the demo home,
onboarded through its API, the demo dashboard opened in headless Chromium (Debian's, driven by
Playwright). What a user reads at a glance is checked against the plan Headroom answers: every drawn
series in the legend by its friendly name (a reservation as "Reserved: heat pump"), a kW axis with a
labelled zero, the price in EUR/kWh, time ticks on round times in the user's time format and time
zone, the compact card's states as Home Assistant formats them, a device found by its id after a
rename, the editor built on HA's ``ha-form``, and a swipe over the chart that scrolls a phone's page.
Screenshots in the light and the dark theme, at desktop and phone width, go to ``artifacts/``."""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .demo_process import ROOT, START_TIMEOUT_S, Demo, call, demo_home

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
# Home Assistant's frontend logs these itself on a fresh instance (no cloud, no external URL).
BENIGN = ("Failed to load resource", "[Violation]")
# The browser's own zone, unlike the demo home's (Europe/Amsterdam): HA's "server" and "local"
# time-zone settings then give different clocks.
BROWSER_ZONE = "America/New_York"
CARD = "headroom-plan-card"
JSON_HEADERS = {"Content-Type": "application/json"}

PLAN: dict[str, Any] = {
    "status": "optimal",
    "cost": 1.0,
    "baseline_cost": 2.0,
    "step_minutes": 60,
    "currency": "EUR",
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
        {
            "id": "reservation:heat_pump",
            "name": "reservation:heat_pump",
            "kind": "reservation",
            "power_kw": [1, 1, 0],
        },
    ],
}

# A card of its own in the page, on the page's own Home Assistant connection, with the user's locale
# changed as HA's profile page would: its time ticks as [epoch ms, label].
OWN_CARD_TICKS = """async ({config, locale}) => {
  const ha = document.querySelector('home-assistant');
  const card = document.createElement('headroom-plan-card');
  card.setConfig(config);
  document.body.append(card);
  card.hass = {...ha.hass, locale: {...ha.hass.locale, ...locale}};
  for (let i = 0; i < 100 && !card.shadowRoot.querySelector('[data-role=xtick]'); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const ticks = [...card.shadowRoot.querySelectorAll('[data-role=xtick]')]
    .map((e) => [Number(e.dataset.time), e.textContent]);
  card.remove();
  return ticks;
}"""

# Every plan card in the page, through the dashboard's shadow roots.
ALL_CARDS = """() => { const out = []; const walk = (root) => root.querySelectorAll('*').forEach((e) => {
  if (e.tagName.toLowerCase() === 'headroom-plan-card') out.push(e); if (e.shadowRoot) walk(e.shadowRoot); });
  walk(document); return out; }"""

# HA's device registry: rename a device as the user does on its page (name_by_user).
RENAME = """async ({name, newName}) => { const hass = document.querySelector('home-assistant').hass;
  const device = Object.values(hass.devices).find((d) => d.name === name);
  await hass.callWS({type: 'config/device_registry/update', device_id: device.id, name_by_user: newName});
  for (let i = 0; i < 50 && document.querySelector('home-assistant').hass.devices[device.id].name_by_user !== newName; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return device.id; }"""

COMPACT_BY_ID = """async ({id, unknown}) => { const ha = document.querySelector('home-assistant');
  const card = document.createElement('headroom-plan-card'); card.setConfig({device: id});
  document.body.append(card);
  const entry = Object.values(ha.hass.entities).find((e) => e.device_id === id && e.translation_key === unknown);
  const states = {...ha.hass.states};
  if (entry) states[entry.entity_id] = {...states[entry.entity_id], state: 'unknown'};
  card.hass = {...ha.hass, states};
  const root = card.shadowRoot; const text = root.querySelector('.title').textContent;
  const power = root.querySelector('[data-field=power]'); card.remove();
  return {title: text, power: power && power.textContent}; }"""

EDITOR = """async (id) => { const hass = document.querySelector('home-assistant').hass;
  const editor = await customElements.get('headroom-plan-card').getConfigElement();
  editor.hass = hass; editor.setConfig({device: id, hours_to_show: 12}); document.body.append(editor);
  const form = editor.querySelector('ha-form');
  for (let i = 0; i < 50 && !(form && form.shadowRoot && form.shadowRoot.querySelector('ha-selector')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const selectors = [...form.shadowRoot.querySelectorAll('ha-selector')].map((s) =>
    s.shadowRoot && s.shadowRoot.firstElementChild ? s.shadowRoot.firstElementChild.tagName.toLowerCase() : null);
  let changed = null;
  editor.addEventListener('config-changed', (e) => { changed = e.detail.config; });
  form.dispatchEvent(new CustomEvent('value-changed', {detail: {value: {...form.data, hours_to_show: 6, title: ''}}}));
  editor.remove();
  return {haForm: !!customElements.get('ha-form'), data: form.data, schema: form.schema, selectors, changed}; }"""


def _login_script(demo: Demo) -> str:
    tokens = {
        **demo.token,
        "hassUrl": demo.base,
        "clientId": demo.token["client_id"],
        "expires": int(time.time() * 1000) + 1_800_000,
    }
    return f"window.localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"


def _service(demo: Demo, service: str, data: dict[str, Any]) -> Any:
    return call(
        f"{demo.base}/api/services/headroom/{service}?return_response",
        demo.access_token,
        json.dumps(data).encode(),
        JSON_HEADERS,
    )["service_response"]


def _open_dashboard(browser: Any, demo: Demo, errors: list[str], **context_args: Any) -> tuple[Any, Any]:
    context = browser.new_context(timezone_id=BROWSER_ZONE, **context_args)
    context.add_init_script(_login_script(demo))
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{demo.base}/headroom-demo/plan")
    # Home Assistant builds the dashboard and the card fetches the plan: poll for the limit line.
    for _ in range(90):
        page.wait_for_timeout(1000)
        if page.locator(f"{CARD} svg [data-role=limit]").count():
            return context, page
    page.screenshot(path=str(ARTIFACTS / "headroom-plan-card-failed.png"))
    raise AssertionError(f"the card drew no plan; console errors: {errors}")


def _expected_names(plan: dict[str, Any]) -> set[str]:
    """The legend entries a user should find for the plan's devices, by the names they know."""
    names = {"Base load", "Import limit", f"Price ({plan['currency']}/kWh)"}
    for device in plan["devices"]:
        power = device["power_kw"]
        if device["kind"] == "battery":
            names |= {f"{device['name']} charging"} if max(power) > 0 else set()
            names |= {f"{device['name']} discharging"} if min(power) < 0 else set()
            names.add(f"{device['name']} stored energy (kWh)")
        elif device["kind"] == "reservation":
            names.add("Reserved: " + device["id"].removeprefix("reservation:").replace("_", " "))
        elif max(power) > 0:
            names.add(device["name"])
    return names


def _clock(moment: datetime, twelve_hour: bool) -> str:
    if twelve_hour:
        return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _assert_ticks(ticks: list[list[Any]], zone: str, twelve_hour: bool) -> list[datetime]:
    """Each tick on :00 or :30 in ``zone`` and labelled as that zone's clock in the format asked."""
    assert len(ticks) >= 3, ticks
    moments = []
    for epoch_ms, label in ticks:
        moment = datetime.fromtimestamp(epoch_ms / 1000, ZoneInfo(zone))
        assert moment.minute in (0, 30) and moment.second == 0, (moment, label)
        assert re.sub(r"\s", " ", label) == _clock(moment, twelve_hour), (moment, label)
        moments.append(moment)
    return moments


def _check_legend(page: Any, plan: dict[str, Any]) -> None:
    drawn = page.eval_on_selector_all(f"{CARD} svg [data-name]", "els => els.map(e => e.dataset.name)")
    legend = page.eval_on_selector_all(f"{CARD} .legend [data-legend]", "els => els.map(e => e.textContent)")
    assert drawn and set(drawn) <= set(legend), set(drawn) - set(legend)
    assert _expected_names(plan) <= set(legend), _expected_names(plan) - set(legend)
    assert "Reserved: heat pump" in legend
    assert not [name for name in legend if "reservation:" in name or re.search(r"[0-9A-Z]{26}", name)]


def _check_month(page: Any, demo: Any) -> None:
    """This month's saving, as the saving-this-month sensor states it, under the plan's cost."""
    saving = demo.state("sensor.demo_home_saving_this_month")
    month = page.locator(f"{CARD} [data-field=month]").first.text_content()
    unit = saving["attributes"]["unit_of_measurement"]
    assert f"This month: saved {float(saving['state']):.2f} {unit}" in " ".join(month.split())
    assert "business as usual" in month


def _check_axes(page: Any, plan: dict[str, Any]) -> None:
    svg = f"{CARD} svg"
    zero = page.locator(f"{svg} [data-role=ytick][data-value='0']")
    assert zero.count() == 1 and zero.text_content() == "0"
    assert page.locator(f"{svg} [data-role=zero]").count() == 1
    assert page.locator(f"{svg} [data-role=yunit]").text_content() == "kW"
    values = [
        float(v)
        for v in page.eval_on_selector_all(f"{svg} [data-role=ytick]", "e => e.map(x => x.dataset.value)")
    ]
    battery = next(d for d in plan["devices"] if d["kind"] == "battery")
    exports = [s["grid_export_kw"] for s in plan["steps"]]
    if min(battery["power_kw"]) < -0.01 or max(exports) > 0.01:  # discharge and export go below zero
        assert min(values) < 0
        assert page.locator(f"{svg} [data-name='Home battery discharging']").count() == 1
    assert max(values) >= max(s["import_limit_kw"] for s in plan["steps"])
    assert (
        page.locator(f"{svg} [data-role=price-unit]").text_content() == f"{plan['currency']}/kWh" == "EUR/kWh"
    )
    assert page.locator(f"{svg} [data-role=ptick]").count() >= 2


def _check_time(page: Any) -> None:
    # The dashboard's card: a fresh user's profile (time format from the language "en": 12 h, the
    # browser's zone).
    ticks = page.eval_on_selector_all(
        f"{CARD} svg [data-role=xtick]", "els => els.map(e => [Number(e.dataset.time), e.textContent])"
    )
    _assert_ticks(ticks, BROWSER_ZONE, twelve_hour=True)
    # The profile set to 24 h and the server's zone, then 12 h and the browser's zone.
    ticks = page.evaluate(
        OWN_CARD_TICKS, {"config": {}, "locale": {"time_format": "24", "time_zone": "server"}}
    )
    _assert_ticks(ticks, "Europe/Amsterdam", twelve_hour=False)
    ticks = page.evaluate(
        OWN_CARD_TICKS, {"config": {}, "locale": {"time_format": "12", "time_zone": "local"}}
    )
    _assert_ticks(ticks, BROWSER_ZONE, twelve_hour=True)
    # Zoomed in to two hours: ticks each half hour.
    ticks = page.evaluate(
        OWN_CARD_TICKS,
        {"config": {"hours_to_show": 2}, "locale": {"time_format": "24", "time_zone": "server"}},
    )
    moments = _assert_ticks(ticks, "Europe/Amsterdam", twelve_hour=False)
    assert {m.minute for m in moments} == {0, 30}


def _check_tooltip(page: Any, plan: dict[str, Any]) -> None:
    # Over the middle of every step of the plot.
    box = page.locator(f"{CARD} svg [data-role=hover]").first.bounding_box()
    assert box is not None
    tips = []
    steps = len(plan["steps"])
    for k in range(steps):
        page.mouse.move(box["x"] + box["width"] * (k + 0.5) / steps, box["y"] + box["height"] * 0.5)
        tips.append(page.locator(f"{CARD} .tip").first.inner_text())
    text = "\n".join(tips)
    assert "EUR/kWh" in text
    limit = plan["steps"][0]["import_limit_kw"]
    assert f"limit {limit:g} kW" in tips[0], tips[0]  # as stated, never rounded up past the fuse
    assert "cheapest steps" not in text and "reservation:" not in text
    # The reason a charger charges, counted in the plan's own steps (quarter-hours here).
    assert plan["step_minutes"] == 15
    counts = {
        len(r["steps"])
        for d in plan["devices"]
        for r in d["reasons"]
        if r["code"] == "cheapest_steps" and r["steps"]
    }
    if counts:
        assert any(re.search(rf"cheapest {n} quarter-hours?", text) for n in counts), text
    reason = page.evaluate(
        "r => customElements.get('headroom-plan-card').reasonText(r, {stepMinutes: 15, names: {}})",
        {"code": "cheapest_steps", "steps": list(range(12))},
    )
    assert reason == "cheapest 12 quarter-hours"


def _check_compact(page: Any) -> None:
    compact = page.locator(f"{CARD} [data-variant=compact]").first
    fields = dict(
        compact.evaluate(
            "el => [...el.querySelectorAll('[data-field]')].map(e => [e.dataset.field, e.textContent])"
        )
    )
    assert fields["power"].endswith("kW")
    assert not re.search(r"\d\d:\d\d:\d\d", fields["departure"]), fields
    assert re.fullmatch(r"\d{1,2}:\d\d (AM|PM)", re.sub(r"\s", " ", fields["departure"])), fields
    assert fields["reachable"] in ("Yes", "No", "—")
    assert not [v for v in fields.values() if re.search(r"unknown|unavailable|^on$|^off$", v)], fields
    # Configured by device id (what the editor stores), a rename does not lose it.
    device_id = page.evaluate(RENAME, {"name": "Charger driveway", "newName": "Garage car"})
    found = page.evaluate(COMPACT_BY_ID, {"id": device_id, "unknown": None})
    assert found["title"] == "Garage car" and found["power"].endswith("kW"), found
    # A state Home Assistant does not know (yet) reads as a dash, never "unknown kW".
    found = page.evaluate(COMPACT_BY_ID, {"id": device_id, "unknown": "planned_power"})
    assert found["power"] == "—", found


def _check_editor(page: Any) -> None:
    device_id = page.evaluate(
        "name => Object.values(document.querySelector('home-assistant').hass.devices).find(d => d.name === name).id",
        "Charger street",
    )
    editor = page.evaluate(EDITOR, device_id)
    assert editor["haForm"]
    assert editor["data"] == {
        "device": device_id,
        "hours_to_show": 12,
        "show_price": True,
        "show_stored_energy": True,
    }
    assert editor["schema"][0]["selector"] == {"device": {"filter": [{"integration": "headroom"}]}}
    assert editor["selectors"] == [
        "ha-selector-device",
        "ha-selector-text",
        "ha-selector-number",
        "ha-selector-boolean",
        "ha-selector-boolean",
    ]
    assert editor["changed"] == {
        "device": device_id,
        "hours_to_show": 6,
        "show_price": True,
        "show_stored_energy": True,
    }


def _check_shape(page: Any) -> None:
    """The card's data shaping, on a plan made by hand."""
    shaped = page.evaluate(
        "plan => { const C = customElements.get('headroom-plan-card'); const s = C.shape(plan, "
        "Date.parse('2026-01-01T01:30:00Z')); return {names: s.stacked.map(x => x.name), "
        "car: s.stacked[1].values, below: s.below.map(x => [x.name, x.values]), soc: s.soc.map(x => x.values), "
        "now: s.nowIndex, limit: s.limit, colors: [s.stacked[1].color, "
        "C.shape({...plan, devices: plan.devices.slice(1)}).stacked[1].color, s.stacked[2].color]}; }",
        PLAN,
    )
    car, battery_alone, battery = shaped.pop("colors")
    assert battery_alone == battery != car  # a device's colour does not move when another leaves
    assert shaped == {
        "names": ["Base load", "Car", "Battery charging", "Reserved: heat pump"],
        "car": [7, 0, 0],
        "below": [["Battery discharging", [0, 0, 1]]],
        "soc": [[5, 6.4, 5.3]],
        "now": 1,
        "limit": [11, 11, 11],
    }


def _swipe_scrolls(page: Any, cdp: Any) -> float:
    """Swipe up over the chart with a finger (CDP touch events): how far the page scrolled."""
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    box = page.locator(f"{CARD} svg").first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 11):
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - 15 * k}]}
        )
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(600)
    return float(page.evaluate("() => window.scrollY"))


def _check_phone(browser: Any, demo: Demo, errors: list[str]) -> None:
    context, page = _open_dashboard(
        browser, demo, errors, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    width = page.locator(f"{CARD} svg").first.bounding_box()
    assert width is not None and width["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "headroom-plan-card-phone.png"))
    cdp = context.new_cdp_session(page)
    assert _swipe_scrolls(page, cdp) > 50
    # The same swipe with the chart claiming every touch (touch-action: none) scrolls nothing: the
    # check above is the card's own style at work.
    cards = page.evaluate_handle(ALL_CARDS)
    page.evaluate(
        "cards => { const sheet = new CSSStyleSheet(); sheet.replaceSync('svg { touch-action: none !important; }');"
        " cards.forEach((c) => { c.shadowRoot.adoptedStyleSheets = [sheet]; }); }",
        cards,
    )
    assert _swipe_scrolls(page, cdp) == 0
    context.close()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is installed by scripts/setup")
def test_the_plan_card_in_a_real_browser(tmp_path: Path, socket_enabled: None) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with demo_home(tmp_path) as demo:
        demo.wait_for_plan(time.monotonic() + START_TIMEOUT_S)
        now = datetime.now(UTC)
        reservation = {"id": "heat_pump", "start": (now + timedelta(minutes=20)).isoformat()}
        _service(
            demo,
            "reserve_capacity",
            {**reservation, "end": (now + timedelta(hours=2)).isoformat(), "power_kw": 1.5},
        )
        rest_plan = _service(demo, "get_plan", {})
        errors: list[str] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context, page = _open_dashboard(browser, demo, errors, viewport={"width": 1100, "height": 900})
            # The plan the card fetched itself (get_plan over the page's connection), the reservation in.
            plan = page.locator(CARD).first.evaluate("c => c._plan")
            assert {d["name"] for d in plan["devices"]} == {d["name"] for d in rest_plan["devices"]}
            _check_legend(page, plan)
            _check_axes(page, plan)
            _check_time(page)
            _check_tooltip(page, plan)
            _check_compact(page)
            _check_editor(page)
            _check_shape(page)
            _check_month(page, demo)
            assert page.locator(f"{CARD} svg [data-role=now]").count() == 1

            card = page.locator(CARD).first
            page.mouse.move(0, 0)  # no tooltip in the screenshots
            light = card.evaluate(
                "c => getComputedStyle(c.shadowRoot.querySelector('ha-card')).backgroundColor"
            )
            card.screenshot(path=str(ARTIFACTS / "headroom-plan-card-light.png"))
            page.emulate_media(color_scheme="dark")
            page.wait_for_timeout(1000)
            dark = card.evaluate(
                "c => getComputedStyle(c.shadowRoot.querySelector('ha-card')).backgroundColor"
            )
            assert light != dark, "the card does not follow HA's dark theme"
            card.screenshot(path=str(ARTIFACTS / "headroom-plan-card-dark.png"))
            context.close()
            _check_phone(browser, demo, errors)
            browser.close()
        assert [e for e in errors if not any(b in e for b in BENIGN)] == []
