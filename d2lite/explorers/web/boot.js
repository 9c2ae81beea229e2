// Mounting: turns a <div class="d2lite-explorer"> written by d2lite/page.py into a live
// explorer.  The container holds a still image of the default state, a JSON config and this
// script.  On success the still is hidden and the container gets data-status="live"; on any
// failure it keeps the still, gets data-status="failed" and says why in [data-role=reason].
//
// Test hooks: every mounted explorer is pushed on window.d2liteExplorers as
//   {kind, root, sliders: {name: {min, max, step, value, log}}, set(name, value) -> ms,
//    state() -> JSON summary of what is drawn, workMs: [ms of each input event's work],
//    flush() -> draws now what the next animation frame would draw}.
// Input events only record the new value; the drawing happens at most once per animation
// frame (requestAnimationFrame), however fast the events come.  set() draws at once.
import { algorithm, preconditioning, rotation } from "./explorer2d.js";
import { lr, sparse } from "./grid.js";
import { COLOURS } from "./plot.js";
import { rotatePoint } from "./quadratic.js";

const KINDS = { algorithm, preconditioning, rotation, sparse, lr };

let counter = 0;

/** A slider row: label, <input type=range data-name>, the value it shows, and - / + buttons
 * that move it by one position (fine control for a thumb on a phone). */
function sliderRow(spec, onInput, uid) {
  const row = document.createElement("div");
  row.className = "d2lite-slider";
  const input = document.createElement("input");
  input.type = "range";
  input.id = `${uid}-${spec.name}`;
  input.dataset.name = spec.name;
  const toInput = (v) => (spec.log ? Math.log10(v) : v);
  // screen readers read a log slider's position (-0.4) unless told the value it shows (0.4)
  input.min = toInput(spec.min); input.max = toInput(spec.max);
  input.step = spec.log ? 1 / spec.per_decade : spec.step;
  input.value = toInput(spec.value);
  const shown = document.createElement("span");  // the slider's aria-valuetext says it too
  shown.className = "d2lite-value";
  shown.setAttribute("aria-hidden", "true");
  const label = Object.assign(document.createElement("label"), { textContent: spec.label });
  label.htmlFor = input.id;
  const nudge = (sign, text) => {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: text });
    button.className = "d2lite-nudge";
    button.setAttribute("aria-label", `${sign < 0 ? "decrease" : "increase"} ${spec.label}`);
    button.addEventListener("click", () => {
      const before = input.value;
      if (sign < 0) input.stepDown(); else input.stepUp();
      if (input.value !== before) input.dispatchEvent(new Event("input"));
    });
    return button;
  };
  row.append(label, nudge(-1, "−"), input, nudge(1, "+"), shown);
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
  const uid = `d2lite-${root.dataset.key || "x"}-${++counter}`;  // unique in the document
  const values = Object.fromEntries(config.sliders.map((s) => [s.name, s.value]));
  const ctx = { uid, frozen: {}, step: Infinity, start: null, config, stacked: false };
  if (kind.initialStart) ctx.start = kind.initialStart(values);
  const live = document.createElement("div");
  live.className = "d2lite-live";
  const [w, h] = kind.size;
  live.innerHTML = `<div class="d2lite-figure" tabindex="0" role="group" aria-label="figure (scrolls sideways `
    + `on a narrow screen)"><svg data-role="figure" viewBox="0 0 ${w} ${h}" `
    + `width="100%" style="max-width:${w}px;min-width:${Math.round(w * 0.92)}px;`
    + `font:12px sans-serif;background:#fff;color:#000" role="img" `
    + `aria-label="${config.kind} explorer" aria-describedby="${uid}-summary"></svg></div>`
    + `<p class="d2lite-summary" id="${uid}-summary" data-role="summary" aria-live="polite"></p>`
    + `<p data-role="note" style="color:#b2182b;margin:2px 0;min-height:1.2em"></p>`
    + `<div class="d2lite-controls" style="font:13px sans-serif"></div>`;
  const svg = live.querySelector("svg"), note = live.querySelector("[data-role=note]");
  const summary = live.querySelector("[data-role=summary]");
  const controls = live.querySelector(".d2lite-controls");
  const hook = { kind: config.kind, root, sliders: {}, workMs: [], set: null, state: null };
  let model = null, drawn = null, shownLayers = [], groups = [];

  // Where the wide figure would shrink its text below 11 px (under 92 % of its width), its
  // panels are stacked: the right one under the left (kind.stacked is that figure's viewBox),
  // drawn at 13 px so that it stays readable at a phone's width.
  function layout() {
    const width = root.clientWidth;
    const stacked = !!kind.stacked && width > 0 && width < w * 0.92;
    if (stacked === ctx.stacked) return false;
    ctx.stacked = stacked;
    const box = stacked ? kind.stacked : [0, 0, w, h];
    svg.setAttribute("viewBox", box.join(" "));
    svg.style.maxWidth = `${stacked ? Math.round(box[2] * 1.35) : w}px`;
    svg.style.minWidth = `${Math.round(box[2] * (stacked ? 0.8 : 0.92))}px`;
    svg.style.fontSize = stacked ? "13px" : "12px";
    ctx.contours = {};
    shownLayers = [];
    return true;
  }

  function redraw() {
    const steps = kind.steps ? kind.steps(values, config) : 0;
    ctx.windows = {};
    model = kind.compute(values, ctx, config);
    drawn = kind.render(model, values, ctx, config);
    // the figure as layers (a list of markup strings), each in a <g>: one whose markup is the
    // same as last time (the axes and contours while η moves) is left alone, neither parsed
    // nor laid out again
    const layers = Array.isArray(drawn.svg) ? drawn.svg : [drawn.svg];
    if (layers.length !== shownLayers.length) {
      svg.innerHTML = layers.map((l) => `<g data-layer="">${l}</g>`).join("");
      groups = [...svg.children];
    } else {
      layers.forEach((l, i) => { if (l !== shownLayers[i]) groups[i].innerHTML = l; });
    }
    shownLayers = layers;
    note.textContent = drawn.note || "";
    if (stepper) {
      stepper.max = steps;
      stepper.value = Math.min(ctx.step, steps);
      stepLabel.textContent = `step ${Math.min(ctx.step, steps)} of ${steps}`;
      stepper.setAttribute("aria-valuetext", stepLabel.textContent);
    }
    for (const s of config.sliders) {
      const text = formatValue(s, values[s.name]);
      rows[s.name].shown.textContent = text;
      rows[s.name].input.setAttribute("aria-valuetext", text);
    }
    // the figure in words: its titles and the note, for a screen reader (and the hook)
    const titles = [...svg.querySelectorAll('text[font-weight="600"]')].map((t) => t.textContent);
    const words = [...titles, drawn.note].filter(Boolean).join(". ").replaceAll("\n", " ");
    if (summary.textContent !== words) summary.textContent = words;
  }
  // An input event only records its value (queuedMs: the time that took); the next animation
  // frame draws once for all the events since the last one.  workMs: the work of each drawing.
  let pending = 0, queuedMs = 0;
  function flush() {
    if (!pending) return undefined;
    cancelAnimationFrame(pending);
    pending = 0;
    const t0 = performance.now();
    redraw();
    svg.getBoundingClientRect();  // count the layout the new drawing needs, too
    const ms = performance.now() - t0 + queuedMs;
    queuedMs = 0;
    hook.workMs.push(ms);
    return ms;
  }
  function timed(action) {
    const t0 = performance.now();
    action();
    queuedMs += performance.now() - t0;
    if (!pending) pending = requestAnimationFrame(flush);
  }

  const rows = {};
  for (const spec of config.sliders) {
    const row = sliderRow(spec, (name, v) => timed(() => {
      values[name] = v;
      if (!playing()) ctx.step = Infinity;  // paused mid-run: show the whole new run
      if (kind.startFromSliders && (name === "x1" || name === "x2")) ctx.start = [values.x1, values.x2];
    }), uid);
    rows[spec.name] = row;
    controls.append(row.row);
    hook.sliders[spec.name] = {
      get min() { return spec.min; }, get max() { return spec.max; },
      get step() { return spec.log ? 1 / spec.per_decade : spec.step; },
      get value() { return values[spec.name]; }, log: !!spec.log };
  }

  // step through or play the iterations
  let stepper = null, stepLabel = null, timer = null;
  const playing = () => timer !== null;
  if (kind.steps) {
    const row = document.createElement("div");
    row.className = "d2lite-stepper";
    const moves = kind.startFromSliders ? "" : "or use the arrow buttons below";
    // a fixed width, so that "pause" and "play" do not move the step slider beside it
    row.innerHTML = `<button type="button" data-role="play" style="width:6.5em;white-space:nowrap;`
      + `flex:none;text-align:left">▶ play</button> `
      + `<input type="range" data-role="stepper" min="0" step="1" aria-label="step shown"> `
      + `<span aria-hidden="true"></span>`
      + `<span class="d2lite-hint">drag the open circle to move the start ${moves}</span>`;
    controls.append(row);
    stepper = row.querySelector("input");
    stepper.addEventListener("keydown", (event) => event.stopPropagation());  // as for sliders
    stepLabel = row.querySelector("span");
    stepper.addEventListener("input", () => timed(() => {
      const n = kind.steps(values, config), t = Number(stepper.value);
      ctx.step = t >= n ? Infinity : t;
    }));
    const play = row.querySelector("button");
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
      if (!playing()) ctx.step = Infinity;  // a new start: show its whole run
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
    if (!kind.startFromSliders) {  // the keyboard's (and a thumb's) way to move the start
      const pad = document.createElement("div");
      pad.className = "d2lite-startpad";
      pad.setAttribute("role", "group");
      pad.setAttribute("aria-label", "move the start point");
      pad.append(Object.assign(document.createElement("span"), { textContent: "move the start:" }));
      for (const [text, name, dx, dy] of [["←", "left", -1, 0], ["→", "right", 1, 0],
        ["↓", "down", 0, -1], ["↑", "up", 0, 1]]) {
        const button = Object.assign(document.createElement("button"), { type: "button", textContent: text });
        button.dataset.role = `start-${name}`;
        button.setAttribute("aria-label", `move the start ${name} by 0.5`);
        button.addEventListener("click", () => {
          // the start as shown on the plot (turned, for the rotation explorer), moved by 0.5
          const shown = kind.startIsUnturned ? rotatePoint(...ctx.start, values.angle) : ctx.start;
          const point = [shown[0] + 0.5 * dx, shown[1] + 0.5 * dy];
          timed(() => {
            if (!playing()) ctx.step = Infinity;
            ctx.start = drawn.toStart ? drawn.toStart(point) : point;
          });
        });
        pad.append(button);
      }
      controls.append(pad);
    }
  }

  hook.set = (name, v) => {
    const row = rows[name];
    if (!row) throw new Error(`no slider ${JSON.stringify(name)}; sliders: ${Object.keys(rows)}`);
    row.input.value = row.toInput(v);
    row.input.dispatchEvent(new Event("input"));
    return flush();  // set() draws at once, so a test reads what it set
  };
  hook.flush = flush;
  hook.state = () => JSON.parse(JSON.stringify({ kind: config.kind, values, start: ctx.start,
    step: ctx.step === Infinity ? null : ctx.step, stacked: ctx.stacked, ...drawn.summary },
  (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));

  layout();
  redraw();
  root.append(live);
  if (typeof ResizeObserver !== "undefined") {  // a phone turned, a panel resized: re-lay out
    new ResizeObserver(() => { if (layout()) redraw(); }).observe(root);
  }
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
