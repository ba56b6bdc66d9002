// Headroom's plan card: the horizon's planned power per device, stacked on the base load above zero,
// battery discharge below it, PV, the grid, the import limit, the price on its own axis, the
// battery's stored energy and "now"; hover (or tap) shows each step's values and each device's
// reasons. A compact variant shows one device. Plain web components, no build step; data comes from
// `headroom.get_plan` over Home Assistant's own connection, times follow the user's HA settings.

// A hue family per device kind; a device's shade comes from a hash of its id, so colours never move
// when a car plugs in or a device is added.
const FAMILIES = {
  ev_charger: ["#1e88e5", "#1565c0", "#42a5f5", "#0d47a1", "#64b5f6", "#1976d2", "#2962ff", "#0277bd"],
  battery: ["#43a047", "#2e7d32", "#66bb6a", "#1b5e20", "#7cb342", "#388e3c", "#558b2f", "#4caf50"],
  appliance: ["#fb8c00", "#ef6c00", "#ffa726", "#e65100", "#f57c00", "#ff9800", "#ffb74d", "#f4511e"],
  thermal_storage: ["#8e24aa", "#6a1b9a", "#ab47bc", "#4a148c", "#7b1fa2", "#ba68c8", "#9c27b0", "#5e35b1"],
  reservation: ["#6d4c41", "#8d6e63", "#4e342e", "#a1887f", "#5d4037", "#795548"],
  fixed: ["#9e9d24", "#c0ca33", "#827717", "#afb42b"],
};
export const COLORS = {
  base: "#90a4ae",
  pv: "#f9a825",
  grid: "#00acc1",
  limit: "#e53935",
  price: "var(--primary-text-color, #212121)",
};
const RESERVATION_PREFIX = "reservation:";
const UNKNOWN = "—";

/** The FNV-1a hash of a string (32 bits): the same id gives the same shade on every browser. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function deviceColor(kind, id) {
  const family = FAMILIES[kind] || FAMILIES.fixed;
  return family[hash(String(id)) % family.length];
}

/** What a person calls a device of the plan: a reservation by its id in words, not its key. */
export function friendlyName(device) {
  const id = String(device.id || "");
  if (device.kind === "reservation" || id.startsWith(RESERVATION_PREFIX)) {
    const words = id.startsWith(RESERVATION_PREFIX) ? id.slice(RESERVATION_PREFIX.length) : id;
    return `Reserved: ${words.replace(/[_-]+/g, " ").trim()}`;
  }
  return device.name || id;
}

/** "12 quarter-hours", "1 hour", "3 half-hours", "4 × 5 min" for a count of plan steps. */
export function stepsText(count, stepMinutes) {
  const names = { 15: ["quarter-hour", "quarter-hours"], 30: ["half-hour", "half-hours"], 60: ["hour", "hours"] };
  const name = names[stepMinutes];
  if (name) return `${count} ${count === 1 ? name[0] : name[1]}`;
  return `${count} × ${stepMinutes || "?"} min`;
}

const REASONS = {
  cheapest_steps: (r, c) => (r.steps ? `cheapest ${stepsText(r.steps.length, c.stepMinutes)}` : "cheapest time"),
  fastest: () => "as early as possible",
  waiting: () => "waiting for a cheaper time",
  import_limit_binding: () => "held back: the fuse is full",
  pv_surplus: () => "on PV surplus",
  window: (r) => `the goal is ${r.shortfall_kwh} kWh out of reach in the time left`,
  priority: (r, c) => `${(r.served_first || []).map((id) => c.names[id] || id).join(", ") || "other cars"} first`,
  charge_cheap: () => "charging while cheap",
  discharge_expensive: () => "discharging while dear",
  holding: () => "holding its charge for later",
  running: () => "running",
  cheapest_window: () => "the cheapest whole run",
  chosen_start: () => "the cheapest start that fits under the fuse",
  not_scheduled: () => "no time fits",
  comfort: () => "heat needed to stay comfortable",
  comfort_shortfall: (r) => `${r.shortfall_kwh} kWh short of comfort`,
};

export function reasonText(reason, context = { stepMinutes: 15, names: {} }) {
  const f = REASONS[reason.code];
  return f ? f(reason, context) : String(reason.code).replace(/_/g, " ");
}

const positive = (values) => values.map((p) => Math.max(Number(p) || 0, 0));
const negative = (values) => values.map((p) => Math.max(-(Number(p) || 0), 0));
const any = (values) => values.some((v) => Math.abs(v) > 1e-6);

/**
 * Plan (get_plan's answer) -> what the chart draws: areas stacked above zero (base load, devices,
 * battery charging), areas below zero (battery discharging), lines (PV, grid, import limit, price)
 * and stored energy per battery. Every series carries the name its legend entry shows.
 * `hours` shows only that many hours from the start. Exported for tests as HeadroomPlanCard.shape.
 */
export function shapePlan(plan, now = Date.now(), hours = undefined) {
  let steps = plan.steps || [];
  const stepMinutes = Number(plan.step_minutes) || 15;
  const shown = hours ? Math.max(1, Math.round((hours * 60) / stepMinutes)) : steps.length;
  steps = steps.slice(0, shown);
  const n = steps.length;
  const cut = (values) => (values || []).slice(0, n);
  const times = steps.map((s) => Date.parse(s.start));
  const stacked = [{ name: "Base load", kind: "base", color: COLORS.base, values: steps.map((s) => s.base_load_kw) }];
  const below = [];
  const soc = [];
  const names = Object.fromEntries((plan.devices || []).map((d) => [d.id, friendlyName(d)]));
  for (const device of plan.devices || []) {
    const power = cut(device.power_kw);
    const name = friendlyName(device);
    const color = deviceColor(device.kind, device.id);
    const reasons = device.reasons || [];
    if (device.kind === "battery") {
      stacked.push({ name: `${name} charging`, kind: "battery", id: device.id, color, values: positive(power), reasons });
      below.push({ name: `${name} discharging`, kind: "battery", id: device.id, color, values: negative(power), reasons });
      // soc_kwh holds the energy at each step's start and the horizon's end: drawn at step ends.
      if (device.soc_kwh) soc.push({ name: `${name} stored energy`, id: device.id, color, values: device.soc_kwh.slice(1, n + 1) });
      continue;
    }
    stacked.push({ name, kind: device.kind, id: device.id, color, values: positive(power), reasons });
  }
  const nowIndex = times.findIndex((t, i) => t <= now && (i + 1 >= times.length || times[i + 1] > now));
  return {
    times,
    end: n ? times[n - 1] + stepMinutes * 60000 : 0,
    stepMinutes,
    names,
    stacked,
    below,
    soc,
    pv: steps.map((s) => s.pv_kw || 0),
    grid: steps.map((s) => (s.grid_import_kw || 0) - (s.grid_export_kw || 0)),
    limit: steps.map((s) => s.import_limit_kw),
    price: steps.map((s) => s.price),
    nowIndex,
    status: plan.status,
    currency: plan.currency,
  };
}

/** 1, 2, 2.5 or 5 times a power of ten: the tick step for about `count` ticks over `span`. */
export function niceStep(span, count = 4) {
  const raw = Math.max(span, 1e-9) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const factor = [1, 2, 2.5, 5, 10].find((f) => f * power >= raw);
  return factor * power;
}

/** The time zone HA's profile asks for: the server's (`hass.config.time_zone`) or the browser's. */
export function timeZoneOf(hass) {
  const option = hass && hass.locale && hass.locale.time_zone;
  const server = hass && hass.config && hass.config.time_zone;
  if (option === "local" || !server) return undefined;
  return server;
}

/** Does the user's HA time format (`hass.locale.time_format`: 12, 24, language, system) use AM/PM? */
export function uses12h(hass) {
  const locale = hass && hass.locale;
  const option = locale && locale.time_format;
  if (option === "12") return true;
  if (option === "24") return false;
  const language = option === "system" ? undefined : (locale && locale.language) || (hass && hass.language);
  return new Intl.DateTimeFormat(language, { hour: "numeric" }).formatToParts(new Date(0))
    .some((p) => p.type === "dayPeriod");
}

function languageOf(hass) {
  const locale = hass && hass.locale;
  if (locale && locale.time_format === "system") return undefined;
  return (locale && locale.language) || (hass && hass.language) || undefined;
}

// As HA's own time format: "1:00 PM" or "13:00" (h23: never "24:00").
const clockOptions = (ampm) =>
  ampm ? { hour: "numeric", minute: "2-digit", hour12: true } : { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

/** Formatters for the chart: clock times and weekdays in the user's format and time zone. */
export function timeFormatters(hass) {
  const timeZone = timeZoneOf(hass);
  const ampm = uses12h(hass);
  const language = languageOf(hass);
  const clock = new Intl.DateTimeFormat(language, { ...clockOptions(ampm), timeZone });
  const day = new Intl.DateTimeFormat(language, { weekday: "short", timeZone });
  const parts = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "numeric", hourCycle: "h23", timeZone });
  return {
    time: (t) => clock.format(new Date(t)),
    day: (t) => day.format(new Date(t)),
    /** Minutes since midnight in the shown time zone. */
    minuteOfDay: (t) => {
      const p = Object.fromEntries(parts.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
      return (Number(p.hour) % 24) * 60 + Number(p.minute);
    },
    /** A time of day ("07:00:00", as a time entity states it) in the user's format. */
    timeOfDay: (text) => {
      const m = /^(\d{1,2}):(\d{2})/.exec(text);
      if (!m) return text;
      const format = new Intl.DateTimeFormat(language, { ...clockOptions(ampm), timeZone: "UTC" });
      return format.format(Date.UTC(2000, 0, 1, Number(m[1]), Number(m[2])));
    },
  };
}

/** Round times between `start` and `end`: every 15, 30 min, 1, 2, 3, 4, 6, 12 h, whichever gives at most `most`. */
export function timeTicks(start, end, minuteOfDay, most = 6) {
  const span = (end - start) / 60000;
  const every = [15, 30, 60, 120, 180, 240, 360, 720, 1440].find((m) => span / m <= most) || 1440;
  const ticks = [];
  for (let t = Math.ceil(start / 900000) * 900000; t <= end; t += 900000) {
    if (minuteOfDay(t) % every === 0) ticks.push(t);
  }
  return ticks;
}

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const num = (v, digits) => (Math.abs(v) < 1e-9 ? 0 : v).toFixed(digits);

const STYLE = `
  :host { display: block; }
  ha-card, .card { padding: 12px 12px 8px; }
  .title { font-size: 1.1em; font-weight: 500; margin-bottom: 4px; color: var(--primary-text-color); }
  .sub { color: var(--secondary-text-color); font-size: 0.85em; }
  svg { width: 100%; height: auto; display: block; touch-action: pan-y; user-select: none; }
  .grid { stroke: var(--divider-color, #ddd); stroke-width: 0.5; }
  .zero { stroke: var(--secondary-text-color, #666); stroke-width: 1; }
  .label { fill: var(--secondary-text-color, #666); font-size: 9px; }
  .unit { fill: var(--secondary-text-color, #666); font-size: 9px; font-weight: 600; }
  .legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 0.8em; color: var(--primary-text-color);
    margin-top: 4px; }
  .legend span { display: inline-flex; align-items: center; }
  .legend i { display: inline-block; width: 12px; height: 10px; margin-right: 4px; border-radius: 2px;
    background: var(--c); }
  .legend i.faded { background: none; box-shadow: inset 0 0 0 1px var(--c); position: relative; }
  .legend i.faded::after { content: ""; position: absolute; inset: 0; background: var(--c); opacity: 0.45; }
  .legend i.line { height: 0; border-top: 2px solid var(--c); background: none; border-radius: 0; }
  .legend i.dashed { height: 0; border-top: 2px dashed var(--c); background: none; border-radius: 0; }
  .legend i.dotted { height: 0; border-top: 2px dotted var(--c); background: none; border-radius: 0; }
  .tip { position: absolute; pointer-events: none; background: var(--card-background-color, #fff);
    color: var(--primary-text-color); border: 1px solid var(--divider-color, #ccc); border-radius: 6px;
    padding: 6px 8px; font-size: 0.8em; box-shadow: 0 2px 6px rgba(0,0,0,.2); max-width: 280px; z-index: 1; }
  .wrap { position: relative; }
  .row { display: flex; justify-content: space-between; gap: 8px; padding: 2px 0; color: var(--primary-text-color); }
  .row span:first-child { color: var(--secondary-text-color); }
  .error { color: var(--error-color, #db4437); }
`;

// What the compact card shows of a device, by its entities' translation keys, in this order.
const COMPACT_FIELDS = [
  ["planned_power", "power", "Planned power"],
  ["planned_mode", "mode", "Planned mode"],
  ["planned_soc", "stored", "Planned energy stored"],
  ["planned_start", "start", "Planned start"],
  ["departure", "departure", "Departure"],
  ["expected_soc", "soc", "Expected state of charge"],
  ["goal_reachable", "reachable", "Goal reachable"],
  ["control_state", "control", "Control"],
];

const DEFAULTS = { show_price: true, show_stored_energy: true };

class HeadroomPlanCard extends HTMLElement {
  static shape = shapePlan;
  static timeTicks = timeTicks;
  static deviceColor = deviceColor;
  static reasonText = reasonText;

  static async getConfigElement() {
    await loadHaForm();
    return document.createElement("headroom-plan-card-editor");
  }

  static getStubConfig() {
    return {};
  }

  setConfig(config) {
    this._config = { ...DEFAULTS, ...(config || {}) };
    if (!this.shadowRoot) this.attachShadow({ mode: "open" });
    this._render();
  }

  getCardSize() {
    return this._compactDevice() ? 3 : 7;
  }

  set hass(hass) {
    const old = this._hass;
    this._hass = hass;
    if (this._config && this._config.device && this._compactDevice()) {
      this._render();
      return;
    }
    const statusId = this._statusEntity();
    const status = statusId ? hass.states[statusId] : undefined;
    const stamp = status ? status.last_updated : undefined;
    if (stamp && stamp !== this._stamp) {
      this._stamp = stamp;
      this._fetch();
    } else if (this._plan && old && (old.locale !== hass.locale || old.themes !== hass.themes)) {
      this._render();
    }
  }

  get hass() {
    return this._hass;
  }

  /** The configured device: by its id (what the editor stores), or by its name (older configs). */
  _device() {
    const hass = this._hass;
    const wanted = this._config && this._config.device;
    if (!hass || !wanted) return undefined;
    const devices = hass.devices || {};
    return devices[wanted] || Object.values(devices).find((d) => d.name_by_user === wanted || d.name === wanted);
  }

  /** A compact card for one device; the site's own device (or none) stands for the whole home. */
  _compactDevice() {
    const device = this._device();
    return device && device.model !== "Site plan" ? device : undefined;
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
    const card = document.createElement("ha-card");
    const wanted = this._config && this._config.device;
    let body;
    if (!wanted) body = this._chartHtml();
    else if (!this._hass) body = `<div class="card"><div class="title">${esc(wanted)}</div></div>`;
    else if (this._compactDevice()) body = this._compact();
    else if (this._device()) body = this._chartHtml();
    else body = `<div class="card"><div class="error">No Headroom device ${esc(wanted)}</div></div>`;
    card.innerHTML = `<style>${STYLE}</style>${body}`;
    this.shadowRoot.replaceChildren(card);
    const svg = this.shadowRoot.querySelector("svg");
    if (svg && this._shape) this._hover(svg);
  }

  /** A state as HA shows it: its own formatting and translations, "—" when there is none. */
  _formatState(entityId) {
    const hass = this._hass;
    const state = entityId && hass.states[entityId];
    if (!state || state.state === "unknown" || state.state === "unavailable" || state.state === "") return UNKNOWN;
    const domain = entityId.split(".")[0];
    if (domain === "time") return timeFormatters(hass).timeOfDay(state.state);
    const entry = hass.entities && hass.entities[entityId];
    if (domain === "binary_sensor" && entry && entry.translation_key === "goal_reachable") {
      return state.state === "on" ? "Yes" : "No";
    }
    if (typeof hass.formatEntityState === "function") return hass.formatEntityState(state);
    if (state.state === "on" || state.state === "off") return state.state === "on" ? "On" : "Off";
    const unit = state.attributes.unit_of_measurement;
    return unit ? `${state.state} ${unit}` : state.state;
  }

  _compact() {
    const hass = this._hass;
    const device = this._compactDevice();
    const name = device.name_by_user || device.name;
    const entities = Object.values(hass.entities || {}).filter((e) => e.platform === "headroom" && e.device_id === device.id);
    const byKey = Object.fromEntries(entities.map((e) => [e.translation_key, e.entity_id]));
    const rows = COMPACT_FIELDS.filter(([key]) => byKey[key]).map(([key, field, label]) =>
      `<div class="row"><span>${label}</span><span data-field="${field}">${esc(this._formatState(byKey[key]))}</span></div>`);
    return `<div class="card" data-variant="compact" data-device="${esc(device.id)}">
      <div class="title">${esc(name)}</div>${rows.join("")}</div>`;
  }

  _chartHtml() {
    const config = this._config || {};
    const title = esc(config.title || "Headroom plan");
    if (this._error) return `<div class="card"><div class="title">${title}</div><div class="error">${esc(this._error)}</div></div>`;
    if (!this._plan) return `<div class="card"><div class="title">${title}</div><div class="sub">Waiting for the plan…</div></div>`;
    const shape = shapePlan(this._plan, Date.now(), Number(config.hours_to_show) || undefined);
    if (!shape.times.length) {
      this._shape = undefined;
      return `<div class="card"><div class="title">${title}</div><div class="sub">${esc(shape.status || "")} · no steps planned</div></div>`;
    }
    this._shape = shape;
    const currency = shape.currency || (this._hass && this._hass.config && this._hass.config.currency) || "";
    shape.priceUnit = `${currency}/kWh`;
    const { svg, legend } = drawChart(shape, timeFormatters(this._hass), config);
    this._geometry = svg.geometry;
    const cost = (v) => Number(v).toFixed(2);
    return `<div class="card"><div class="title">${title}</div>
      <div class="sub">${esc(shape.status)} · cost ${cost(this._plan.cost)} ${esc(currency)}
        (business as usual ${cost(this._plan.baseline_cost)} ${esc(currency)})</div>
      ${this._monthHtml()}
      <div class="wrap">${svg.html}<div class="tip" hidden></div></div>
      <div class="legend">${legend}</div></div>`;
  }

  /** What happened this month (the saving-this-month sensor, from what was measured): the saving
   * against business as usual, the realised cost and the goals met; nothing before there is one. */
  _monthHtml() {
    const hass = this._hass;
    if (!hass) return "";
    const entry = Object.values(hass.entities || {}).find(
      (e) => e.platform === "headroom" && e.translation_key === "saving_this_month");
    const state = entry && hass.states[entry.entity_id];
    if (!state || state.state === "unknown" || state.state === "unavailable") return "";
    const a = state.attributes;
    const unit = a.unit_of_measurement || "";
    const money = (v) => `${Number(v).toFixed(2)} ${unit}`.trim();
    const goals = Number(a.goals_met || 0) + Number(a.goals_missed || 0);
    const goalText = goals ? ` · goals met ${a.goals_met} of ${goals}` : "";
    return `<div class="sub" data-field="month">This month: saved ${esc(money(state.state))}
      (paid ${esc(money(a.realised_cost))}, business as usual ${esc(money(a.business_as_usual_cost))})${esc(goalText)}</div>`;
  }

  _hover(svg) {
    const tip = this.shadowRoot.querySelector(".tip");
    const shape = this._shape;
    const { W, L, plotW } = this._geometry;
    const n = shape.times.length;
    const f = timeFormatters(this._hass);
    const context = { stepMinutes: shape.stepMinutes, names: shape.names };
    const unit = shape.priceUnit;
    const show = (ev) => {
      const box = svg.getBoundingClientRect();
      const fx = ((ev.clientX - box.left) / box.width) * W;
      const i = Math.min(n - 1, Math.max(0, Math.floor(((fx - L) / plotW) * n)));
      const from = shape.times[i], to = from + shape.stepMinutes * 60000;
      const lines = [`<b>${f.time(from)}–${f.time(to)}</b> · ${num(shape.price[i], 3)} ${esc(unit)} · limit ${+num(shape.limit[i], 3)} kW`];
      for (const s of shape.stacked.concat(shape.below)) {
        const v = s.values[i] || 0;
        if (v <= 0.005) continue;
        const why = (s.reasons || []).filter((r) => !r.steps || r.steps.includes(i)).map((r) => reasonText(r, context));
        lines.push(`${esc(s.name)}: ${num(v, 2)} kW${why.length ? " — " + esc(why.join(", ")) : ""}`);
      }
      if (shape.pv[i] > 0.005) lines.push(`PV: ${num(shape.pv[i], 2)} kW`);
      const g = shape.grid[i];
      lines.push(g >= 0 ? `Grid import: ${num(g, 2)} kW` : `Grid export: ${num(-g, 2)} kW`);
      for (const s of shape.soc) if (s.values[i] !== undefined) lines.push(`${esc(s.name)}: ${num(s.values[i], 1)} kWh`);
      tip.innerHTML = lines.join("<br>");
      tip.hidden = false;
      tip.style.left = `${Math.max(0, Math.min(ev.clientX - box.left + 10, box.width - 220))}px`;
      tip.style.top = `${ev.clientY - box.top + 10}px`;
    };
    svg.addEventListener("pointermove", show);
    svg.addEventListener("pointerdown", show);
    svg.addEventListener("pointerleave", () => { tip.hidden = true; });
  }
}

/** The chart's SVG and legend for a shaped plan; every drawn series has a legend entry of its name. */
function drawChart(shape, f, config) {
  const n = shape.times.length;
  const W = 360, H = 210, L = 30, R = config.show_price === false ? 8 : 40, T = 14, B = 26;
  const plotW = W - L - R, plotH = H - T - B;
  const start = shape.times[0], end = shape.end;
  let top = 0, bottom = 0;
  for (let i = 0; i < n; i++) {
    const sum = shape.stacked.reduce((a, s) => a + (s.values[i] || 0), 0);
    top = Math.max(top, sum, shape.limit[i] || 0, shape.pv[i] || 0, shape.grid[i]);
    bottom = Math.max(bottom, shape.below.reduce((a, s) => a + (s.values[i] || 0), 0), -shape.grid[i]);
  }
  const step = niceStep(top + bottom, 5);
  const yMax = Math.max(step, Math.ceil((top * 1.02) / step) * step);
  const yMin = bottom > 1e-6 ? -Math.ceil((bottom * 1.02) / step) * step : 0;
  const xt = (t) => L + ((t - start) / Math.max(end - start, 1)) * plotW;
  const x = (i) => xt(shape.times[i] !== undefined ? shape.times[i] : end);
  const y = (v) => T + ((yMax - v) / (yMax - yMin)) * plotH;
  const parts = [];
  const legend = [];
  const entry = (name, color, style = "area") =>
    legend.push(`<span data-legend="${esc(name)}"><i class="${style}" style="--c:${color}"></i>${esc(name)}</span>`);

  // Grid lines and kW ticks, the zero line labelled and stronger.
  for (let v = yMin; v <= yMax + step / 1000; v += step) {
    const value = Math.abs(v) < step / 1000 ? 0 : v;
    parts.push(`<line class="${value === 0 ? "zero" : "grid"}" ${value === 0 ? 'data-role="zero"' : ""} x1="${L}" x2="${L + plotW}" y1="${y(value)}" y2="${y(value)}"/>`);
    parts.push(`<text class="label" data-role="ytick" data-value="${value}" x="${L - 3}" y="${y(value) + 3}" text-anchor="end">${+value.toFixed(2)}</text>`);
  }
  parts.push(`<text class="unit" data-role="yunit" x="${L - 3}" y="9" text-anchor="end">kW</text>`);

  // Stacked areas above zero, one step wide each (the plan holds power over a step); below zero the
  // battery discharging, stacked downwards.
  const area = (series, direction, opacity) => {
    const base = new Array(n).fill(0);
    for (const s of series) {
      let d = "";
      for (let i = 0; i < n; i++) {
        const lo = base[i], hi = base[i] + (s.values[i] || 0) * direction;
        if (Math.abs(hi - lo) > 1e-6) d += `M${x(i)},${y(lo)}H${x(i + 1)}V${y(hi)}H${x(i)}Z`;
        base[i] = hi;
      }
      if (!d) continue;
      // Below zero: the device's colour, faded and outlined (readable on a dark theme too).
      const outline = direction < 0 ? ` stroke="${s.color}" stroke-width="0.8"` : "";
      parts.push(`<path data-series="${esc(s.id || s.kind)}" data-name="${esc(s.name)}" d="${d}" fill="${s.color}" fill-opacity="${opacity}"${outline}/>`);
      entry(s.name, s.color, opacity < 0.6 ? "faded" : "area");
    }
  };
  area(shape.stacked, 1, 0.85);
  area(shape.below, -1, 0.45);

  const stepLine = (values, f) => values.map((v, i) => `${i ? "L" : "M"}${x(i)},${f(v)}H${x(i + 1)}`).join("");
  const line = (role, name, values, f, color, style, extra = "") => {
    parts.push(`<path data-role="${role}" data-name="${esc(name)}" d="${stepLine(values, f)}" fill="none" stroke="${color}" ${extra}/>`);
    entry(name, color, style);
  };
  if (any(shape.pv)) line("pv", "PV", shape.pv, y, COLORS.pv, "line", 'stroke-width="1.5"');
  line("grid", "Grid (import +, export −)", shape.grid, y, COLORS.grid, "line", 'stroke-width="1.2"');
  line("limit", "Import limit", shape.limit, y, COLORS.limit, "dashed", 'stroke-width="1.5" stroke-dasharray="4 3"');

  // Stored energy on its own scale (0 to the highest value), marked in kWh at its ends.
  if (config.show_stored_energy !== false) {
    for (const s of shape.soc) {
      if (!s.values.length) continue;
      const most = Math.max(...s.values, 1e-6);
      const sy = (v) => T + (1 - v / most) * plotH * 0.9 + plotH * 0.05;
      const d = s.values.map((v, i) => `${i ? "L" : "M"}${x(i + 1)},${sy(v)}`).join("");
      const name = `${s.name} (kWh)`;
      parts.push(`<path data-role="soc" data-name="${esc(name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5" stroke-dasharray="1 2"/>`);
      const last = s.values.length - 1;
      parts.push(`<text class="label" data-role="soc-label" x="${x(0) + 2}" y="${sy(s.values[0]) - 3}" fill="${s.color}">${num(s.values[0], 1)} kWh</text>`);
      parts.push(`<text class="label" data-role="soc-label" x="${x(last + 1) - 2}" y="${sy(s.values[last]) - 3}" text-anchor="end" fill="${s.color}">${num(s.values[last], 1)} kWh</text>`);
      entry(name, s.color, "dotted");
    }
  }

  // The price on the right-hand axis, with its unit.
  if (config.show_price !== false && n) {
    let lo = Math.min(...shape.price), hi = Math.max(...shape.price);
    if (hi - lo < 1e-6) { lo -= 0.05; hi += 0.05; }
    const pstep = niceStep(hi - lo, 3);
    const pMin = Math.floor(lo / pstep) * pstep, pMax = Math.ceil(hi / pstep) * pstep;
    const py = (p) => T + ((pMax - p) / (pMax - pMin)) * plotH;
    const digits = pstep >= 1 ? 0 : pstep >= 0.1 ? 1 : pstep >= 0.01 ? 2 : 3;
    for (let p = pMin; p <= pMax + pstep / 1000; p += pstep) {
      parts.push(`<text class="label" data-role="ptick" x="${L + plotW + 3}" y="${py(p) + 3}">${num(p, digits)}</text>`);
    }
    parts.push(`<text class="unit" data-role="price-unit" x="${W - 1}" y="9" text-anchor="end">${esc(shape.priceUnit)}</text>`);
    line("price", `Price (${shape.priceUnit})`, shape.price, py, COLORS.price, "line", 'stroke-width="1" stroke-opacity="0.7"');
  }

  if (shape.nowIndex >= 0) {
    const now = Math.min(Math.max(Date.now(), start), end);
    parts.push(`<line data-role="now" x1="${xt(now)}" x2="${xt(now)}" y1="${T}" y2="${T + plotH}" stroke="var(--accent-color, #ff9800)" stroke-width="1.5"/>`);
    parts.push(`<text class="label" x="${xt(now) + 2}" y="${T + 8}">now</text>`);
  }

  // Time ticks on round times, in the user's format and time zone; a weekday under midnight.
  for (const t of timeTicks(start, end, f.minuteOfDay, Math.max(3, Math.round(plotW / 50)))) {
    parts.push(`<line class="grid" x1="${xt(t)}" x2="${xt(t)}" y1="${T + plotH}" y2="${T + plotH + 3}"/>`);
    parts.push(`<text class="label" data-role="xtick" data-time="${t}" x="${xt(t)}" y="${T + plotH + 12}" text-anchor="middle">${esc(f.time(t))}</text>`);
    if (f.minuteOfDay(t) === 0) parts.push(`<text class="label" data-role="day" x="${xt(t)}" y="${T + plotH + 22}" text-anchor="middle">${esc(f.day(t))}</text>`);
  }
  parts.push(`<rect data-role="hover" x="${L}" y="${T}" width="${plotW}" height="${plotH}" fill="transparent"/>`);
  const html = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Headroom plan">${parts.join("")}</svg>`;
  return { svg: { html, geometry: { W, L, plotW } }, legend: legend.join("") };
}

/** HA loads its form elements lazily: a built-in card's editor brings `ha-form` and its selectors. */
async function loadHaForm() {
  if (customElements.get("ha-form") && customElements.get("ha-selector")) return;
  try {
    const helpers = await window.loadCardHelpers();
    const card = await helpers.createCardElement({ type: "entities", entities: [] });
    if (card.constructor.getConfigElement) await card.constructor.getConfigElement();
  } catch (err) {
    // Without HA's helpers (an old frontend) the editor still loads; ha-form appears when HA loads it.
  }
  await Promise.race([customElements.whenDefined("ha-form"), new Promise((r) => setTimeout(r, 3000))]);
}

const EDITOR_SCHEMA = [
  { name: "device", selector: { device: { filter: [{ integration: "headroom" }] } } },
  { name: "title", selector: { text: {} } },
  { name: "hours_to_show", selector: { number: { min: 1, max: 48, step: 1, mode: "box", unit_of_measurement: "h" } } },
  { name: "show_price", selector: { boolean: {} } },
  { name: "show_stored_energy", selector: { boolean: {} } },
];
const EDITOR_LABELS = {
  device: "Device (empty: the whole home's plan)",
  title: "Title",
  hours_to_show: "Hours to show (empty: the whole plan)",
  show_price: "Show the price",
  show_stored_energy: "Show the battery's stored energy",
};

class HeadroomPlanCardEditor extends HTMLElement {
  setConfig(config) {
    this._config = config || {};
    this._render();
  }

  set hass(hass) {
    this._hass = hass;
    if (this._form) this._form.hass = hass;
    else this._render();
  }

  _render() {
    if (!this._hass || !this._config) return;
    if (!this._form) {
      this._form = document.createElement("ha-form");
      this._form.schema = EDITOR_SCHEMA;
      this._form.computeLabel = (s) => EDITOR_LABELS[s.name] || s.name;
      this._form.addEventListener("value-changed", (ev) => {
        const config = { ...this._config, ...ev.detail.value };
        for (const [key, value] of Object.entries(config)) {
          if (value === "" || value === undefined || value === null) delete config[key];
        }
        this._config = config;
        this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
      });
      this.replaceChildren(this._form);
    }
    this._form.hass = this._hass;
    this._form.data = { ...DEFAULTS, ...this._config };
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
    description: "The plan: power per device, PV, the grid, the import limit, the price and the battery.",
    preview: true,
  });
}
defineCard();
