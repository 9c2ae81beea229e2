// Mounting: turns a <div class="d2lite-explorer"> written by d2lite/page.py into a live
// explorer.  The container holds a still image of the default state, a JSON config and this
// script.  On success the still is hidden and the container gets data-status="live"; on any
// failure it keeps the still, gets data-status="failed" and says why in [data-role=reason].
//
// Test hooks: every mounted explorer is pushed on window.d2liteExplorers as
//   {kind, root, sliders: {name: {min, max, step, value, log}}, set(name, value) -> ms,
//    state() -> JSON summary of what is drawn, workMs: [ms of each input event's work]}.
import { algorithm, preconditioning, rotation } from "./explorer2d.js";
import { lr, sparse } from "./grid.js";
import { COLOURS } from "./plot.js";

const KINDS = { algorithm, preconditioning, rotation, sparse, lr };

let counter = 0;

/** A slider row: label, <input type=range data-name>, and the value it shows. */
function sliderRow(spec, onInput) {
  const row = document.createElement("label");
  row.className = "d2lite-slider";
  row.style.cssText = "display:grid;grid-template-columns:150px minmax(140px,320px) 70px;"
    + "align-items:center;gap:8px;margin:2px 0";
  const input = document.createElement("input");
  input.type = "range";
  input.dataset.name = spec.name;
  const toInput = (v) => (spec.log ? Math.log10(v) : v);
  input.min = toInput(spec.min); input.max = toInput(spec.max);
  input.step = spec.log ? 1 / spec.per_decade : spec.step;
  input.value = toInput(spec.value);
  const shown = document.createElement("output");
  row.append(Object.assign(document.createElement("span"), { textContent: spec.label }), input, shown);
  const read = () => {
    const x = Number(input.value);
    if (!spec.log) return x;
    return 10 ** (Math.round((x - Number(input.min)) * spec.per_decade) / spec.per_decade
      + Number(input.min));
  };
  input.addEventListener("input", () => onInput(spec.name, read()));
  // JupyterLab handles arrow keys that bubble up from an output (notebook navigation) and
  // cancels them: keep them on the slider so a keyboard user can move it.
  input.addEventListener("keydown", (event) => event.stopPropagation());
  return { row, input, shown, read, toInput };
}

function formatValue(spec, v) {
  if (spec.format === "exp") return v.toExponential(0);
  if (spec.format === "int") return String(Math.round(v));
  return spec.digits ? v.toFixed(spec.digits) : String(Number(v.toPrecision(3)));
}

/** Mount one container; returns the hook object (or throws, leaving the still in place). */
export function mount(root) {
  const config = JSON.parse(root.querySelector("script.d2lite-config").textContent);
  const kind = KINDS[config.kind];
  if (config.colours) Object.assign(COLOURS, config.colours);  // the palette d2lite's figures use
  if (!kind) throw new Error(`unknown explorer kind ${JSON.stringify(config.kind)}`);
  const uid = `d2lite-${++counter}`;
  const values = Object.fromEntries(config.sliders.map((s) => [s.name, s.value]));
  const ctx = { uid, frozen: {}, step: Infinity, start: null, config };
  if (kind.initialStart) ctx.start = kind.initialStart(values);
  const live = document.createElement("div");
  live.className = "d2lite-live";
  const [w, h] = kind.size;
  live.innerHTML = `<svg data-role="figure" viewBox="0 0 ${w} ${h}" width="100%" `
    + `style="max-width:${w}px;touch-action:none;font:12px sans-serif;background:#fff;color:#000" `
    + `role="img" aria-label="${config.kind} explorer"></svg><p data-role="note" `
    + `style="color:#b2182b;margin:2px 0;min-height:1.2em"></p><div class="d2lite-controls" `
    + `style="font:13px sans-serif"></div>`;
  const svg = live.querySelector("svg"), note = live.querySelector("[data-role=note]");
  const controls = live.querySelector(".d2lite-controls");
  const hook = { kind: config.kind, root, sliders: {}, workMs: [], set: null, state: null };
  let model = null, drawn = null;

  function redraw() {
    const steps = kind.steps ? kind.steps(values, config) : 0;
    ctx.windows = {};
    model = kind.compute(values, ctx, config);
    drawn = kind.render(model, values, ctx, config);
    svg.innerHTML = drawn.svg;
    note.textContent = drawn.note || "";
    if (stepper) {
      stepper.max = steps;
      stepper.value = Math.min(ctx.step, steps);
      stepLabel.textContent = `step ${Math.min(ctx.step, steps)} of ${steps}`;
    }
    for (const s of config.sliders) rows[s.name].shown.textContent = formatValue(s, values[s.name]);
  }
  function timed(action) {
    const t0 = performance.now();
    action();
    redraw();
    svg.getBoundingClientRect();  // count the layout the new drawing needs, too
    const ms = performance.now() - t0;
    hook.workMs.push(ms);
    return ms;
  }

  const rows = {};
  for (const spec of config.sliders) {
    const row = sliderRow(spec, (name, v) => timed(() => {
      values[name] = v;
      if (kind.startFromSliders && (name === "x1" || name === "x2")) ctx.start = [values.x1, values.x2];
    }));
    rows[spec.name] = row;
    controls.append(row.row);
    hook.sliders[spec.name] = {
      get min() { return spec.min; }, get max() { return spec.max; },
      get step() { return spec.log ? 1 / spec.per_decade : spec.step; },
      get value() { return values[spec.name]; }, log: !!spec.log };
  }

  // step through or play the iterations
  let stepper = null, stepLabel = null;
  if (kind.steps) {
    const row = document.createElement("div");
    row.className = "d2lite-stepper";
    row.style.cssText = "display:flex;align-items:center;gap:8px;margin-top:4px";
    row.innerHTML = `<button type="button" data-role="play">▶ play</button> `
      + `<input type="range" data-role="stepper" min="0" step="1"> <span></span>`
      + `<span style="color:#666;margin-left:12px">drag the open circle to move the start</span>`;
    controls.append(row);
    stepper = row.querySelector("input");
    stepper.addEventListener("keydown", (event) => event.stopPropagation());  // as for sliders
    stepLabel = row.querySelector("span");
    stepper.addEventListener("input", () => timed(() => {
      const n = kind.steps(values, config), t = Number(stepper.value);
      ctx.step = t >= n ? Infinity : t;
    }));
    const play = row.querySelector("button");
    let timer = null;
    play.addEventListener("click", () => {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "▶ play"; return; }
      ctx.step = 0; play.textContent = "❚❚ pause";
      timer = setInterval(() => {
        const n = kind.steps(values, config);
        ctx.step = ctx.step + 1 >= n ? Infinity : ctx.step + 1;
        redraw();
        if (ctx.step === Infinity) { clearInterval(timer); timer = null; play.textContent = "▶ play"; }
      }, Math.max(30, 2400 / Math.max(kind.steps(values, config), 1)));
    });
  }

  // drag the start point on the contour plot
  if (kind.initialStart) {
    let dragging = false;
    const toData = (event) => {
      const pt = svg.createSVGPoint();
      pt.x = event.clientX; pt.y = event.clientY;
      const local = pt.matrixTransform(svg.getScreenCTM().inverse());
      const p = drawn.drag;
      const inside = local.x >= p.box.x && local.x <= p.box.x + p.box.w
        && local.y >= p.box.y && local.y <= p.box.y + p.box.h;
      return inside ? [p.x.invert(local.x), p.y.invert(local.y)] : null;
    };
    const moveTo = (point) => timed(() => {
      ctx.start = drawn.toStart ? drawn.toStart(point) : point;
      if (kind.startFromSliders) {
        [values.x1, values.x2] = ctx.start;
        for (const name of ["x1", "x2"]) rows[name].input.value = values[name];
      }
    });
    svg.addEventListener("pointerdown", (event) => {
      const point = toData(event);
      if (!point) return;
      dragging = true;
      svg.setPointerCapture(event.pointerId);
      ctx.frozen = { ...ctx.windows };  // the axes stay put while the point moves
      moveTo(point);
    });
    svg.addEventListener("pointermove", (event) => {
      if (!dragging) return;
      const point = toData(event);
      if (point) moveTo(point);
    });
    const stop = () => { if (dragging) { dragging = false; ctx.frozen = {}; redraw(); } };
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
  }

  hook.set = (name, v) => {
    const row = rows[name];
    if (!row) throw new Error(`no slider ${JSON.stringify(name)}; sliders: ${Object.keys(rows)}`);
    row.input.value = row.toInput(v);
    row.input.dispatchEvent(new Event("input"));
    return hook.workMs[hook.workMs.length - 1];
  };
  hook.state = () => JSON.parse(JSON.stringify({ kind: config.kind, values, start: ctx.start,
    step: ctx.step === Infinity ? null : ctx.step, ...drawn.summary },
  (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));

  redraw();
  root.append(live);
  const still = root.querySelector(".d2lite-still");
  if (still) still.hidden = true;
  root.dataset.status = "live";
  (window.d2liteExplorers = window.d2liteExplorers || []).push(hook);
  return hook;
}

/** Mount every container with this key that is not mounted yet; failures keep the still. */
export function mountAll(key) {
  for (const root of document.querySelectorAll(`.d2lite-explorer[data-key="${key}"]`)) {
    if (root.dataset.status) continue;
    try {
      mount(root);
    } catch (error) {
      root.dataset.status = "failed";
      const reason = root.querySelector("[data-role=reason]");
      if (reason) {
        reason.hidden = false;
        reason.textContent = `The live explorer could not start (${error.message}); `
          + "this is the still image of its default setting.";
      }
      const still = root.querySelector(".d2lite-still");
      if (still) still.hidden = false;
      console.error("d2lite explorer", error);
    }
  }
}
