// Headroom's plan card: the horizon's planned power per device, stacked, with base load and PV, the
// import limit, the price on a second axis, battery energy and "now"; hover shows the values and
// each device's reasons. A compact variant shows one device. Plain web components, no build step;
// data comes from `headroom.get_plan` over Home Assistant's own connection.

const COLORS = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00acc1", "#6d4c41", "#3949ab", "#c0ca33"];
const BASE_COLOR = "#90a4ae";
const PV_COLOR = "#fdd835";
const LIMIT_COLOR = "#e53935";

const REASONS = {
  cheapest_steps: (r) => `cheapest steps${r.steps ? " " + r.steps.length : ""}`,
  fastest: () => "as early as possible",
  waiting: () => "waiting for cheaper steps",
  import_limit_binding: () => "limited: fuse full",
  pv_surplus: () => "on PV surplus",
  window: (r) => `goal out of reach by ${r.shortfall_kwh} kWh`,
  priority: (r) => `other cars first (${(r.served_first || []).length})`,
  charge_cheap: () => "charging while cheap",
  discharge_expensive: () => "discharging while dear",
  holding: () => "holding charge for later",
  running: () => "running",
  cheapest_window: () => "cheapest window",
  chosen_start: () => "start chosen around the limit",
  not_scheduled: () => "no window fits",
};

/** Plan (get_plan's answer) -> what the chart draws. Exported for tests as HeadroomPlanCard.shape. */
export function shapePlan(plan, now = Date.now()) {
  const steps = plan.steps || [];
  const times = steps.map((s) => Date.parse(s.start));
  const stacked = [{ name: "Base load", kind: "base", color: BASE_COLOR,
    values: steps.map((s) => s.base_load_kw) }];
  let battery = null;
  let colorIndex = 0;
  for (const device of plan.devices || []) {
    const power = device.power_kw || [];
    if (device.kind === "battery") {
      battery = device;
      stacked.push({ name: `${device.name} charging`, kind: "battery", color: COLORS[colorIndex++ % COLORS.length],
        values: power.map((p) => Math.max(p, 0)), reasons: device.reasons || [] });
      continue;
    }
    stacked.push({ name: device.name, kind: device.kind, color: COLORS[colorIndex++ % COLORS.length],
      values: power.map((p) => Math.max(p, 0)), reasons: device.reasons || [] });
  }
  const nowIndex = times.findIndex((t, i) => t <= now && (i + 1 >= times.length || times[i + 1] > now));
  return {
    times,
    stacked,
    pv: steps.map((s) => s.pv_kw),
    discharge: battery ? battery.power_kw.map((p) => Math.max(-p, 0)) : null,
    limit: steps.map((s) => s.import_limit_kw),
    price: steps.map((s) => s.price),
    soc: battery && battery.soc_kwh ? battery.soc_kwh.slice(1) : null,
    grid: steps.map((s) => s.grid_import_kw - s.grid_export_kw),
    nowIndex,
    status: plan.status,
  };
}

function reasonText(reason) {
  const f = REASONS[reason.code];
  return f ? f(reason) : reason.code;
}

function fmtTime(t) {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

class HeadroomPlanCard extends HTMLElement {
  static shape = shapePlan;

  static getConfigElement() {
    return document.createElement("headroom-plan-card-editor");
  }

  static getStubConfig() {
    return {};
  }

  setConfig(config) {
    this._config = config || {};
    this._rendered = false;
    if (!this.shadowRoot) this.attachShadow({ mode: "open" });
    this._render();
  }

  getCardSize() {
    return this._config && this._config.device ? 2 : 6;
  }

  set hass(hass) {
    this._hass = hass;
    const statusId = this._statusEntity();
    const status = statusId ? hass.states[statusId] : undefined;
    const stamp = status ? status.last_updated : undefined;
    if (this._config && this._config.device) {
      this._render();
      return;
    }
    if (stamp && stamp !== this._stamp) {
      this._stamp = stamp;
      this._fetch();
    }
  }

  _statusEntity() {
    if (!this._hass) return undefined;
    if (this._config && this._config.entity) return this._config.entity;
    return Object.keys(this._hass.states).find(
      (id) => id.startsWith("sensor.") && id.endsWith("_plan_status") && "price_source" in this._hass.states[id].attributes);
  }

  async _fetch() {
    try {
      const answer = await this._hass.connection.sendMessagePromise({
        type: "call_service", domain: "headroom", service: "get_plan", service_data: {}, return_response: true,
      });
      this._plan = answer.response;
      this._error = undefined;
    } catch (err) {
      this._error = (err && err.message) || String(err);
    }
    this._render();
  }

  _render() {
    if (!this.shadowRoot) return;
    const style = `
      :host { display: block; }
      ha-card, .card { padding: 12px 12px 8px; }
      .title { font-size: 1.1em; font-weight: 500; margin-bottom: 4px; color: var(--primary-text-color); }
      .sub { color: var(--secondary-text-color); font-size: 0.85em; }
      svg { width: 100%; height: auto; display: block; touch-action: none; }
      .axis { stroke: var(--divider-color, #ccc); stroke-width: 1; }
      .label { fill: var(--secondary-text-color, #666); font-size: 10px; }
      .legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 0.8em; color: var(--primary-text-color); }
      .legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px;
        background: var(--c); border-radius: 2px; vertical-align: middle; }
      .tip { position: absolute; pointer-events: none; background: var(--card-background-color, #fff);
        color: var(--primary-text-color); border: 1px solid var(--divider-color, #ccc); border-radius: 6px;
        padding: 6px 8px; font-size: 0.8em; box-shadow: 0 2px 6px rgba(0,0,0,.2); max-width: 260px; }
      .wrap { position: relative; }
      .row { display: flex; justify-content: space-between; padding: 2px 0; color: var(--primary-text-color); }
      .error { color: var(--error-color, #db4437); }
    `;
    const card = document.createElement("ha-card");
    if (this._config && this._config.device) {
      card.innerHTML = `<style>${style}</style>${this._compact()}`;
    } else {
      card.innerHTML = `<style>${style}</style>${this._chartHtml()}`;
    }
    this.shadowRoot.replaceChildren(card);
    const svg = this.shadowRoot.querySelector("svg");
    if (svg && this._shape) this._hover(svg);
  }

  _compact() {
    const hass = this._hass;
    const name = this._config.device;
    if (!hass) return `<div class="card"><div class="title">${name}</div></div>`;
    const entities = Object.values(hass.entities || {}).filter((e) => e.platform === "headroom" &&
      e.device_id && hass.devices[e.device_id] && hass.devices[e.device_id].name === name);
    const byKey = Object.fromEntries(entities.map((e) => [e.translation_key, e.entity_id]));
    const value = (key, suffix = "") => {
      const state = byKey[key] && hass.states[byKey[key]];
      return state ? `${state.state}${suffix}` : "–";
    };
    return `<div class="card" data-variant="compact">
      <div class="title">${name}</div>
      <div class="row"><span>Planned power</span><span data-field="power">${value("planned_power", " kW")}</span></div>
      <div class="row"><span>Departure</span><span data-field="departure">${value("departure")}</span></div>
      <div class="row"><span>Expected state of charge</span><span data-field="soc">${value("expected_soc", " %")}</span></div>
      <div class="row"><span>Goal reachable</span><span data-field="reachable">${value("goal_reachable")}</span></div>
    </div>`;
  }

  _chartHtml() {
    const title = (this._config && this._config.title) || "Headroom plan";
    if (this._error) return `<div class="card"><div class="title">${title}</div><div class="error">${this._error}</div></div>`;
    if (!this._plan) return `<div class="card"><div class="title">${title}</div><div class="sub">Waiting for the plan…</div></div>`;
    const shape = shapePlan(this._plan);
    this._shape = shape;
    const n = shape.times.length;
    const W = 360, H = 200, L = 30, R = 34, T = 8, B = 18;
    const plotW = W - L - R, plotH = H - T - B;
    let top = 0;
    for (let i = 0; i < n; i++) {
      const sum = shape.stacked.reduce((a, s) => a + (s.values[i] || 0), 0);
      top = Math.max(top, sum, shape.limit[i] || 0, shape.pv[i] || 0);
    }
    const bottom = shape.discharge ? Math.max(...shape.discharge, 0) : 0;
    const span = (top + bottom) * 1.08 || 1;
    const x = (i) => L + (i / Math.max(n, 1)) * plotW;
    const y = (v) => T + ((top * 1.08 - v) / span) * plotH;
    const priceMin = Math.min(...shape.price), priceMax = Math.max(...shape.price);
    const py = (p) => T + (1 - (p - priceMin) / ((priceMax - priceMin) || 1)) * plotH * 0.9 + plotH * 0.05;
    const parts = [];
    // Stacked areas, one step wide each (the plan holds power over a step).
    const base = new Array(n).fill(0);
    shape.stacked.forEach((series, k) => {
      let d = "";
      for (let i = 0; i < n; i++) {
        const lo = base[i], hi = base[i] + (series.values[i] || 0);
        if (hi - lo > 1e-6) d += `M${x(i)},${y(lo)}H${x(i + 1)}V${y(hi)}H${x(i)}Z`;
        base[i] = hi;
      }
      parts.push(`<path data-series="${k}" data-name="${series.name}" d="${d}" fill="${series.color}" fill-opacity="0.85"/>`);
    });
    if (shape.discharge) {
      let d = "";
      shape.discharge.forEach((v, i) => { if (v > 1e-6) d += `M${x(i)},${y(0)}H${x(i + 1)}V${y(-v)}H${x(i)}Z`; });
      parts.push(`<path data-series="discharge" d="${d}" fill="${COLORS[1]}" fill-opacity="0.4"/>`);
    }
    const stepLine = (values, f) => values.map((v, i) => `${i ? "L" : "M"}${x(i)},${f(v)}H${x(i + 1)}`).join("");
    parts.push(`<path data-role="pv" d="${stepLine(shape.pv, y)}" fill="none" stroke="${PV_COLOR}" stroke-width="1.5"/>`);
    parts.push(`<path data-role="limit" d="${stepLine(shape.limit, y)}" fill="none" stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    parts.push(`<path data-role="price" d="${stepLine(shape.price, py)}" fill="none" stroke="var(--primary-text-color, #333)" stroke-width="1" stroke-opacity="0.7"/>`);
    if (shape.soc) {
      const maxSoc = Math.max(...shape.soc, 1);
      parts.push(`<path data-role="soc" d="${shape.soc.map((v, i) => `${i ? "L" : "M"}${x(i + 1)},${T + (1 - v / maxSoc) * plotH}`).join("")}" fill="none" stroke="${COLORS[1]}" stroke-width="1" stroke-dasharray="1 2"/>`);
    }
    if (shape.nowIndex >= 0) {
      parts.push(`<line data-role="now" x1="${x(shape.nowIndex)}" x2="${x(shape.nowIndex)}" y1="${T}" y2="${T + plotH}" stroke="var(--accent-color, #ff9800)" stroke-width="1.5"/>`);
    }
    // Axes and labels.
    parts.push(`<line class="axis" x1="${L}" x2="${L + plotW}" y1="${y(0)}" y2="${y(0)}"/>`);
    parts.push(`<text class="label" x="2" y="${T + 8}">${top.toFixed(0)} kW</text>`);
    parts.push(`<text class="label" x="${W - R + 2}" y="${T + 8}">${priceMax.toFixed(2)}</text>`);
    parts.push(`<text class="label" x="${W - R + 2}" y="${T + plotH}">${priceMin.toFixed(2)}</text>`);
    for (let i = 0; i < n; i += Math.max(1, Math.round(n / 6))) {
      parts.push(`<text class="label" x="${x(i)}" y="${H - 4}">${fmtTime(shape.times[i])}</text>`);
    }
    parts.push(`<rect data-role="hover" x="${L}" y="${T}" width="${plotW}" height="${plotH}" fill="transparent"/>`);
    const legend = shape.stacked.map((s) => `<span style="--c:${s.color}">${s.name}</span>`).join("") +
      `<span style="--c:${PV_COLOR}">PV</span><span style="--c:${LIMIT_COLOR}">Import limit</span><span style="--c:var(--primary-text-color)">Price</span>`;
    return `<div class="card"><div class="title">${title}</div>
      <div class="sub">${shape.status} · cost ${Number(this._plan.cost).toFixed(2)} ${this._plan.currency || ""}
        (business as usual ${Number(this._plan.baseline_cost).toFixed(2)})</div>
      <div class="wrap"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Headroom plan">${parts.join("")}</svg>
      <div class="tip" hidden></div></div><div class="legend">${legend}</div></div>`;
  }

  _hover(svg) {
    const tip = this.shadowRoot.querySelector(".tip");
    const shape = this._shape;
    const n = shape.times.length;
    svg.addEventListener("pointermove", (ev) => {
      const box = svg.getBoundingClientRect();
      const fx = ((ev.clientX - box.left) / box.width) * 360;
      const i = Math.min(n - 1, Math.max(0, Math.floor(((fx - 30) / (360 - 64)) * n)));
      const lines = [`<b>${fmtTime(shape.times[i])}</b> · price ${shape.price[i].toFixed(3)} · limit ${shape.limit[i]} kW`];
      for (const s of shape.stacked) {
        if ((s.values[i] || 0) > 0.005) {
          const why = (s.reasons || []).filter((r) => !r.steps || r.steps.includes(i)).map(reasonText);
          lines.push(`${s.name}: ${s.values[i].toFixed(2)} kW${why.length ? " — " + why.join(", ") : ""}`);
        }
      }
      if (shape.pv[i] > 0.005) lines.push(`PV: ${shape.pv[i].toFixed(2)} kW`);
      tip.innerHTML = lines.join("<br>");
      tip.hidden = false;
      tip.style.left = `${Math.min(ev.clientX - box.left + 10, box.width - 200)}px`;
      tip.style.top = `${ev.clientY - box.top + 10}px`;
    });
    svg.addEventListener("pointerleave", () => { tip.hidden = true; });
  }
}

class HeadroomPlanCardEditor extends HTMLElement {
  setConfig(config) {
    this._config = config || {};
    this._render();
  }

  set hass(hass) {
    this._hass = hass;
    this._render();
  }

  _render() {
    if (!this._hass || !this._config) return;
    const devices = Object.values(this._hass.devices || {}).filter(
      (d) => d.manufacturer === "Headroom" && d.model !== "Site plan");
    const options = [`<option value="">Whole home</option>`].concat(devices.map((d) =>
      `<option value="${d.name}" ${d.name === this._config.device ? "selected" : ""}>${d.name}</option>`));
    this.innerHTML = `<label>Show <select>${options.join("")}</select></label>`;
    this.querySelector("select").addEventListener("change", (ev) => {
      const device = ev.target.value;
      const config = { ...this._config };
      if (device) config.device = device; else delete config.device;
      this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
    });
  }
}

// Defined once Home Assistant's own app is: the frontend swaps in a scoped custom-element registry
// while it starts, and a card defined before that can be lost (seen as "Custom element doesn't
// exist" now and then).
function defineCard() {
  const registry = window.customElements;
  if (!registry.get("home-assistant")) {
    setTimeout(defineCard, 50);
    return;
  }
  if (registry.get("headroom-plan-card")) return;
  registry.define("headroom-plan-card", HeadroomPlanCard);
  registry.define("headroom-plan-card-editor", HeadroomPlanCardEditor);
  window.customCards = window.customCards || [];
  window.customCards.push({
    type: "headroom-plan-card", name: "Headroom plan",
    description: "The plan: power per device, PV, the import limit, the price and the battery.",
    preview: true,
  });
}
defineCard();
