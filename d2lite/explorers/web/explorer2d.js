// The three 2-D explorers.  Each is a plain object: `size` of its SVG, `compute(values, ctx)`
// runs every iteration for the current sliders and start point (recomputing everything on each
// input, as Distill's momentum article does: it is cheap in 2-D), and `render(model, ctx)`
// returns the SVG markup, the note about divergence, the panel on which the start point can be
// dragged, and a JSON summary for tests.  boot.js supplies sliders, dragging and stepping.
import { adagradRun, CHAPTER, divergenceNote, eigenvalues, preconditioningRuns,
  rotatePoint, rotationRuns, rotationSweep, shownCount, value } from "./quadratic.js";
import { axes, COLOURS, contourLevels, ellipses, equalAspect, esc, fmt, fmtBounded, legend, maxOnBox,
  minimumMark, noteText, panel, path, place, scale, startHandle, TINY, windowFor } from "./plot.js";

const LEFT = { x: 64, y: 44, w: 330, h: 250 };
const RIGHT = { x: 506, y: 44, w: 330, h: 250 };
// On a narrow screen (boot.js sets ctx.stacked) the right panel goes under the left one: moved
// by SHIFT, in a figure of STACKED = [x, y, width, height] (its viewBox).
const SHIFT = [-442, 310];
const STACKED = [10, 0, 394, 650];

/** The window kept from the last drawing while it still holds `fresh` and `fresh` fills at
 * least 60 % of it each way: small moves then leave the axes and contours as they were, so
 * only the moving layer is drawn again (boot.js skips a layer whose markup is unchanged). */
function kept(old, fresh) {
  if (!old) return fresh;
  const fits = [0, 1].every((i) => old[i][0] <= fresh[i][0] && fresh[i][1] <= old[i][1]
    && fresh[i][1] - fresh[i][0] >= 0.6 * (old[i][1] - old[i][0]));
  return fits ? old : fresh;
}

/** Contours, path(s), minimum and start handle of one quadratic on one panel: `layers` are
 * the still part (axes, contours, minimum) and the moving part (paths, handle). */
function contourPanel(box, q, paths, ctx, key, { aspect = false, labels = ["x₁", "x₂"],
  title = "", handle = null } = {}) {
  const shown = paths.map((p) => p.points.slice(0, shownCount(p.points)));
  let win = ctx.frozen[key];
  if (!win) {
    win = windowFor([...shown, [[0, 0]], handle ? [handle] : []]);
    if (aspect) win = equalAspect(win, box);
    ctx.kept = ctx.kept || {};
    win = kept(ctx.kept[key], win);
    ctx.kept[key] = win;
  }
  const p = panel(box, win[0], win[1]);
  ctx.windows[key] = win;
  const clip = `${ctx.uid}-${key}`;
  const f = (a, b) => value(q, a, b);
  let still = axes(p, { xlabel: labels[0], ylabel: labels[1], title, clipId: clip });
  // the contours change only with the problem and the window, not with η or the steps: reuse
  const contourKey = `${win}|${q.chapter ? "chapter" : ""}${q.a},${q.b},${q.d}`;
  ctx.contours = ctx.contours || {};
  if (!ctx.contours[key] || ctx.contours[key].key !== contourKey) {
    ctx.contours[key] = { key: contourKey,
      svg: ellipses(p, q, contourLevels(maxOnBox(f, win), 10), eigenvalues(q), clip) };
  }
  still += ctx.contours[key].svg;
  still += `<g clip-path="url(#${clip})">` + minimumMark(p) + "</g>";
  let s = "";
  for (const line of paths) {
    const upTo = Math.min(ctx.step + 1, shown[paths.indexOf(line)].length);
    s += path(p, shown[paths.indexOf(line)], line.colour, { upTo, clipId: clip, dash: line.dash });
    const here = shown[paths.indexOf(line)][upTo - 1];
    if (here) {
      s += `<circle cx="${p.x(here[0])}" cy="${p.y(here[1])}" r="5" fill="none" `
        + `stroke="${line.colour}" stroke-width="2" clip-path="url(#${clip})"/>`;
    }
  }
  if (handle) s += startHandle(p, handle[0], handle[1]);
  return { svg: still + s, layers: [still, s], panel: p };
}

/** Least-squares slope of log(value) against log(step), over the finite positive values. */
export function loglogSlope(values) {
  const xs = [], ys = [];
  values.forEach((v, i) => { if (Number.isFinite(v) && v > 0) { xs.push(Math.log(i + 1)); ys.push(Math.log(v)); } });
  if (xs.length < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0, sxx = 0;
  xs.forEach((x, i) => { sxy += (x - mx) * (ys[i] - my); sxx += (x - mx) ** 2; });
  return sxy / sxx;
}

/** The effective-rate panel: eta / sqrt(s_t + eps) per coordinate on log-log axes, as two
 * layers (the axes; the lines, legend and note). */
function ratePanel(box, rates, ctx) {
  const steps = rates.length;
  const ys = rates.flat().filter((v) => Number.isFinite(v) && v > 0);
  const refs = [0, 1].map((i) => rates.findIndex((r) => Number.isFinite(r[i]) && r[i] > 0));
  refs.forEach((k, i) => { if (k >= 0) ys.push(rates[k][i] * Math.sqrt((k + 1) / steps)); });
  const lo = ys.length ? Math.min(...ys) : 0.1, hi = ys.length ? Math.max(...ys) : 1;
  const span = Math.max(Math.log10(hi / lo), 0.2) * 0.08;
  // the axes (in log10 units) kept while the rates stay inside and fill 60 % of them
  ctx.kept = ctx.kept || {};
  const fresh = [[Math.log10(1 / 1.15), Math.log10(steps * 1.15)],
    [Math.log10(lo / 10 ** span), Math.log10(hi * 10 ** span)]];
  const dom = ctx.frozen.rate || kept(ctx.kept.rate, fresh);
  ctx.kept.rate = dom;
  const p = panel(box, dom[0].map((v) => 10 ** v), dom[1].map((v) => 10 ** v),
    { xlog: true, ylog: true });
  const clip = `${ctx.uid}-rate`;
  const still = axes(p, { xlabel: "step t", ylabel: "effective rate",
    title: "effective rate η/√(s + ε) (log-log)", clipId: clip, grid: true });
  let s = "";
  const entries = [];
  ["x1", "x2"].forEach((name, i) => {
    const pts = [];
    rates.forEach((r, k) => { if (Number.isFinite(r[i]) && r[i] > 0) pts.push([k + 1, r[i]]); });
    const upTo = pts.filter(([t]) => t <= ctx.step).length;
    const dash = name === "x2" ? "2 2" : "";  // not colour alone (d2lite.rates: solid, dashed)
    s += path(p, pts, COLOURS[name], { upTo, clipId: clip, radius: 2.2, width: 1.4, dash });
    if (refs[i] >= 0) {
      const k = refs[i], ref = [];
      for (let t = k + 1; t <= steps; t *= 1.25) ref.push([t, rates[k][i] * Math.sqrt((k + 1) / t)]);
      ref.push([steps, rates[k][i] * Math.sqrt((k + 1) / steps)]);
      s += path(p, ref, COLOURS[name], { clipId: clip, dash: "5 3", markers: false, width: 1 });
    }
    const slope = loglogSlope(rates.map((r) => r[i]));
    entries.push({ label: `${name === "x1" ? "x₁" : "x₂"} (slope ${Number.isFinite(slope)
      ? (Math.round(slope * 100) / 100 + 0).toFixed(2).replace("-", "−") : "n/a"})`,
    colour: COLOURS[name], marker: true, dash });
  });
  entries.push({ label: "slope −1/2", colour: "#555", dash: "5 3" });
  if (ctx.step >= 1) {
    const px = p.x(Math.min(ctx.step, steps));
    s += `<line x1="${px}" x2="${px}" y1="${box.y}" y2="${box.y + box.h}" stroke="#888" `
      + `stroke-dasharray="2 3"/>`;
  }
  const bad = rates.findIndex((r) => !(Number.isFinite(r[0]) && Number.isFinite(r[1])));
  const note = bad >= 0 ? [`rates not finite after step ${bad}`] : [];
  return [still, s + legend(p, entries) + noteText(p, note)];
}

/** Notebook 03: Adagrad on 0.1 x1^2 + 2 x2^2 and its effective rates. */
export const algorithm = {
  size: [880, 340],
  stacked: STACKED,
  steps: (values) => values.steps,
  initialStart: (values) => [values.x1, values.x2],
  startFromSliders: true,
  compute(values, ctx) {
    return adagradRun(CHAPTER, values.lr, values.eps, ctx.start, values.steps);
  },
  render(run, values, ctx) {
    const n = run.points.length - 1, t = Math.min(ctx.step, n);
    const at = run.points[Math.min(t, shownCount(run.points) - 1)];
    const where = `(${fmtBounded(at[0], "x₁")}, ${fmtBounded(at[1], "x₂")})`;
    const title = t === n ? `η = ${fmt(values.lr)}: after ${n} step${n === 1 ? "" : "s"} at ${where}`
      : `η = ${fmt(values.lr)}: step ${t} of ${n}, at ${where}`;
    const left = contourPanel(LEFT, CHAPTER, [{ points: run.points, colour: COLOURS.adagrad }],
      ctx, "path", { title, handle: ctx.start });
    const note = divergenceNote("Adagrad", run.points);
    const svg = place(ctx, [left.layers[0], left.layers[1] + noteText(left.panel, note ? [note] : [])],
      ratePanel(RIGHT, run.rates, ctx), SHIFT);
    return { svg, note, drag: left.panel,
      summary: { points: run.points, rates: run.rates, diverged: !!note, note } };
  },
};

/** Notebook 02: gradient descent before and after diagonal preconditioning. */
export const preconditioning = {
  size: [880, 380],
  stacked: [10, 0, 394, 700],
  steps: (values, config) => config.steps,
  initialStart: () => [-5, -2],
  compute(values, ctx, config) {
    return preconditioningRuns(values.condition, values.angle, values.lr_times_lambda_max, ctx.start,
      config.steps);
  },
  render(run, values, ctx, config) {
    const box = (b) => ({ ...b, y: 78, h: 240 });
    const progress = (q, pts) => {
      const ratio = value(q, ...pts[pts.length - 1]) / value(q, ...pts[0]);
      if (!Number.isFinite(ratio) || ratio > 1e8) return "diverged";
      return ratio < TINY ? `f(end) < ${TINY} · f(start)` : `f(end) = ${fmt(ratio, 2)} f(start)`;
    };
    const left = contourPanel(box(LEFT), run.q, [
      { points: run.plain, colour: COLOURS.gd },
      { points: run.mappedBack, colour: COLOURS.preconditioned, dash: "5 3" }], ctx, "original",
    { aspect: true, handle: ctx.start,
      title: `original: κ = ${fmt(run.kappa)}, axes turned ${fmt(values.angle)}°\nGD: ${progress(run.q, run.plain)}` });
    const right = contourPanel(box(RIGHT), run.qt, [
      { points: run.rescaled, colour: COLOURS.preconditioned, dash: "5 3" }], ctx, "rescaled",
    { aspect: true, labels: ["y₁ = √Q₁₁ · x₁", "y₂ = √Q₂₂ · x₂"],
      title: `preconditioned: κ = ${fmt(run.kappaTilde)}\n${progress(run.qt, run.rescaled)}` });
    const notes = [divergenceNote("gradient descent", run.plain),
      divergenceNote("preconditioned GD", run.rescaled)].filter(Boolean);
    const stable = values.lr_times_lambda_max < 2;
    const verdict = stable ? "stable, as η·λ_max < 2" : "η·λ_max ≥ 2: the steep direction diverges";
    const head = `${config.steps} steps of size η = ${fmt(values.lr_times_lambda_max)} / λ_max`;
    const fill = stable ? "#000" : COLOURS.note;
    // stacked, the heading takes two lines and the key goes under both panels
    const heading = (ctx.stacked ? [[head, 14], [`(${verdict})`, 30]] : [[`${head} (${verdict})`, 18]])
      .map(([text, y]) => `<text x="${ctx.stacked ? 207 : 440}" y="${y}" text-anchor="middle" `
        + `font-weight="600" fill="${fill}">${esc(text)}</text>`).join("");
    const panels = place(ctx, [left.layers[0], left.layers[1] + noteText(left.panel, notes)],
      right.layers, [-442, 310]);
    let svg = "";
    const [kx, ky, gap] = ctx.stacked ? [20, 685, 150] : [250, 362, 170];
    [["gradient descent", COLOURS.gd, ""], ["preconditioned GD", COLOURS.preconditioned, "5 3"]]
      .forEach(([label, colour, dash], i) => {
        const x = kx + gap * i;
        svg += `<line x1="${x}" x2="${x + 22}" y1="${ky}" y2="${ky}" stroke="${colour}" stroke-width="1.6" stroke-dasharray="${dash}"/>`
          + `<circle cx="${x + 11}" cy="${ky}" r="2.6" fill="${colour}"/><text x="${x + 28}" y="${ky}" dy="0.32em">${label}</text>`;
      });
    const mx = kx + 2 * gap + 5;
    svg += minimumMark({ x: () => mx, y: () => ky }) + `<text x="${mx + 11}" y="${ky}" dy="0.32em">minimum</text>`;
    const note = notes.join("; ");
    return { svg: [heading, ...panels, svg], note, drag: left.panel,
      summary: { points: run.plain, preconditioned: run.mappedBack, rescaled: run.rescaled,
        kappa: run.kappa, kappaTilde: run.kappaTilde, diverged: notes.length > 0, note } };
  },
};

const SWEEP_ANGLES = Array.from({ length: 31 }, (_, k) => 3 * k);

/** Notebook 09, exercise 2: the problem turned by an angle; only Adagrad notices. */
export const rotation = {
  size: [880, 340],
  stacked: STACKED,
  steps: (values, config) => config.steps,
  initialStart: () => [-5, -2],
  startIsUnturned: true,
  compute(values, ctx, config) {
    const key = `${ctx.start[0]},${ctx.start[1]}`;
    if (ctx.sweepKey !== key) {  // the sweep changes only when the start point does
      ctx.sweep = rotationSweep(SWEEP_ANGLES, config.lr, config.steps, ctx.start);
      ctx.sweepKey = key;
    }
    return { ...rotationRuns(values.angle, config.lr, config.steps, ctx.start), sweep: ctx.sweep };
  },
  render(run, values, ctx, config) {
    const eta = fmt(config.lr);
    const left = contourPanel(LEFT, run.q, [
      { points: run.adagrad, colour: COLOURS.adagrad },
      { points: run.gd, colour: COLOURS.gd, dash: "5 3" }], ctx, "turned",
    { handle: run.start, title: `problem turned by ${fmt(values.angle)} degrees` });
    const sweep = run.sweep, top = Math.max(...sweep.adagrad, ...sweep.gd) * 1.08 || 1;
    const p = panel(RIGHT, [0, 90], [0, top]);
    let still = axes(p, { xlabel: "rotation angle (degrees)", ylabel: `distance after ${config.steps} steps`,
      title: "only Adagrad depends on the angle" });
    still += path(p, sweep.angle.map((a, i) => [a, sweep.adagrad[i]]), COLOURS.adagrad, { markers: false });
    still += path(p, sweep.angle.map((a, i) => [a, sweep.gd[i]]), COLOURS.gd, { markers: false, dash: "5 3" });
    let s = "";
    const px = scale(0, 90, RIGHT.x, RIGHT.x + RIGHT.w)(values.angle);
    s += `<line x1="${px}" x2="${px}" y1="${RIGHT.y}" y2="${RIGHT.y + RIGHT.h}" stroke="#666" stroke-dasharray="2 3"/>`;
    const ends = [run.adagrad, run.gd].map((pts) => Math.hypot(...pts[pts.length - 1]));
    ends.forEach((d, i) => { s += `<circle cx="${px}" cy="${p.y(d)}" r="4" fill="${[COLOURS.adagrad, COLOURS.gd][i]}"/>`; });
    still += legend(p, [{ label: `Adagrad, η=${eta}`, colour: COLOURS.adagrad },
      { label: `gradient descent, η=${eta}`, colour: COLOURS.gd, dash: "5 3" }], "top-left");
    const notes = [divergenceNote("Adagrad", run.adagrad), divergenceNote("gradient descent", run.gd)]
      .filter(Boolean);
    const note = notes.join("; ");
    return { svg: place(ctx, [left.layers[0], left.layers[1] + noteText(left.panel, notes)],
      [still, s], SHIFT), note, drag: left.panel,
      toStart: (pt) => rotatePoint(pt[0], pt[1], -values.angle),
      summary: { points: run.adagrad, gd: run.gd, distances: ends, diverged: notes.length > 0, note } };
  },
};

