// The two training explorers: Python trained every slider position when the cell ran
// (d2lite/page_grids.py); here we only pick the runs for the sliders' values and draw them.
import { axes, COLOURS, fmt, legend, noteText, panel, path, place } from "./plot.js";

/** Decode the 16-bit log codes of d2lite.page_grids.encode_log (65535 = not finite). */
export function decodeLog(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const codes = new Uint16Array(bytes.buffer);
  return Float64Array.from(codes, (c) => (c === 65535 ? NaN : 10 ** (-12 + c / 65534 * 18)));
}

/** The index of the grid value nearest (in log) to v. */
function nearest(grid, v) {
  let best = 0;
  grid.forEach((g, i) => {
    if (Math.abs(Math.log(g / v)) < Math.abs(Math.log(grid[best] / v))) best = i;
  });
  return best;
}

/** Finite-and-positive leading part of a curve: [[x, y], ...] and whether it was cut. */
function finitePart(xs, ys) {
  const out = [];
  for (let i = 0; i < xs.length; i++) {
    if (!(Number.isFinite(ys[i]) && ys[i] > 0)) return { points: out, cut: i };
    out.push([xs[i], ys[i]]);
  }
  return { points: out, cut: -1 };
}

/** A log range holding every value, padded by a few percent of its decades. */
function logRange(values) {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (!v.length) return [0.1, 10];
  const lo = Math.min(...v), hi = Math.max(...v);
  const pad = Math.max(Math.log10(hi / lo), 0.3) * 0.06;
  return [lo / 10 ** pad, hi * 10 ** pad];
}

const RULE_COLOURS = [COLOURS.global, COLOURS.count, COLOURS.adagrad];
const RULE_DASHES = ["6 2 2 2", "2 2", ""];  // d2lite.colours.OPTIMIZER_DASHES, not colour alone

/** Notebook 01: the three rate rules on Zipf-distributed sparse features. */
export const sparse = {
  size: [880, 330],
  stacked: [14, 0, 394, 620],  // narrow screens: the right panel under the left
  compute(values, ctx, config) {
    const d = config.data;
    if (!ctx.decoded) {
      ctx.decoded = { loss: decodeLog(d.test_loss), centres: decodeLog(d.centres),
        medians: decodeLog(d.medians) };
    }
    const e = d.exponents.findIndex((a) => Math.abs(a - values.zipf_exponent) < 1e-6);
    if (e < 0) throw new Error(`no trained runs for exponent ${values.zipf_exponent}`);
    const r = nearest(d.rates, values.lr), nr = d.rates.length, nRules = d.rules.length;
    const runs = d.rules.map((name, k) => {
      const row = (e * nRules + k) * nr + r;
      return { name, colour: RULE_COLOURS[k], dash: RULE_DASHES[k], diverged: d.diverged[row] === 1,
        loss: Array.from(ctx.decoded.loss.subarray(row * d.records, (row + 1) * d.records)),
        medians: Array.from(ctx.decoded.medians.subarray(row * d.bins, (row + 1) * d.bins)) };
    });
    const centres = Array.from(ctx.decoded.centres.subarray(e * d.bins, (e + 1) * d.bins));
    return { exponent: d.exponents[e], rate: d.rates[r], runs, centres, steps: d.steps };
  },
  render(m, values, ctx) {
    const left = { x: 70, y: 34, w: 330, h: 240 }, right = { x: 510, y: 34, w: 330, h: 240 };
    const curves = m.runs.map((run) => ({ run, ...finitePart(m.steps, run.loss) }));
    const lp = panel(left, [m.steps[0] / 1.2, m.steps[m.steps.length - 1] * 1.2],
      logRange(curves.flatMap((c) => c.points.map((p) => p[1]))), { xlog: true, ylog: true });
    let s = "", r = "";
    s += axes(lp, { xlabel: "step (examples seen)", ylabel: "excess test loss", grid: true,
      clipId: `${ctx.uid}-l`, title: `Zipf exponent a = ${m.exponent.toFixed(1)}, η₀ = ${fmt(m.rate)}` });
    curves.forEach((c) => { s += path(lp, c.points, c.run.colour, { markers: false, clipId: `${ctx.uid}-l`, dash: c.run.dash }); });
    s += legend(lp, curves.map((c) => ({ label: `${c.run.name}, η₀ = ${fmt(m.rate)}`
      + (c.run.diverged ? " (diverged)" : ""), colour: c.run.colour, dash: c.run.dash })));
    const shown = m.runs.filter((run) => !run.diverged);
    const meds = shown.flatMap((run) => run.medians.filter((v, i) => Number.isFinite(m.centres[i])));
    const xs = m.centres.filter(Number.isFinite);
    const rp = panel(right, logRange(xs), logRange(meds), { xlog: true, ylog: true });
    r += axes(rp, { xlabel: "feature frequency (fraction of examples)", ylabel: "median error |wᵢ − w*ᵢ|",
      title: "median error of the weights, by frequency", grid: true, clipId: `${ctx.uid}-r` });
    shown.forEach((run) => {
      const pts = m.centres.map((c, i) => [c, run.medians[i]]).filter(([c, v]) => Number.isFinite(c) && Number.isFinite(v));
      r += path(rp, pts, run.colour, { clipId: `${ctx.uid}-r`, dash: run.dash });
    });
    if (shown.length) {  // errors fall with frequency: the lower left corner stays clear
      r += legend(rp, shown.map((run) => ({ label: run.name, colour: run.colour, marker: true, dash: run.dash })),
        "bottom-left");
    }
    const gone = m.runs.filter((run) => run.diverged).map((run) => run.name);
    const note = gone.length ? `diverged (loss blew up): ${gone.join(", ")}` : "";
    s += noteText(lp, note ? [note] : []);
    r += noteText(rp, gone.length ? [`not shown, diverged: ${gone.join(", ")}`] : []);
    return { svg: place(ctx, s, r, [-440, 300]), note, summary: { exponent: m.exponent, rate: m.rate, diverged: gone.length > 0,
      note, curves: curves.map((c) => c.points), medians: shown.map((run) => run.medians) } };
  },
};

/** Notebook 04: Adagrad and minibatch SGD from scratch at one learning rate. */
export const lr = {
  size: [720, 340],
  stacked: [0, 0, 410, 400],  // narrow screens: a narrower panel, the key under it
  compute(values, ctx, config) {
    const d = config.data, k = nearest(d.rates, values.lr);
    const curves = Object.entries(d.curves).map(([name, rows], i) => ({
      name, colour: [COLOURS.adagrad, COLOURS.sgd][i], dash: ["", "5 3"][i],
      losses: [d.initial, ...rows[k].map((v) => (v === null ? NaN : v))] }));
    return { rate: d.rates[k], epochs: [0, ...d.epochs], floor: d.floor, curves };
  },
  render(m, values, ctx) {
    const box = ctx.stacked ? { x: 66, y: 34, w: 320, h: 240 } : { x: 80, y: 34, w: 430, h: 240 };
    const parts = m.curves.map((c) => ({ c, ...finitePart(m.epochs, c.losses) }));
    const ys = [m.floor, ...parts.flatMap((p) => p.points.map((q) => q[1]))];
    const p = panel(box, [-0.05 * m.epochs[m.epochs.length - 1], m.epochs[m.epochs.length - 1] * 1.05],
      logRange(ys), { ylog: true });
    const finals = parts.map(({ c, cut }) => (cut < 0 ? `${c.name} ${fmt(c.losses[c.losses.length - 1])}`
      : `${c.name} diverged`));
    let s = axes(p, { xlabel: "epoch", ylabel: "loss (half MSE)", grid: true, clipId: `${ctx.uid}-p`,
      title: `lr = ${fmt(m.rate)}, final loss: ${finals.join(", ")}` });
    const fy = p.y(m.floor);
    s += `<line x1="${box.x}" x2="${box.x + box.w}" y1="${fy}" y2="${fy}" stroke="#000" stroke-dasharray="2 3"/>`;
    parts.forEach(({ c, points }) => { s += path(p, points, c.colour, { clipId: `${ctx.uid}-p`, dash: c.dash }); });
    s += legend(p, [...parts.map(({ c }) => ({ label: c.name, colour: c.colour, marker: true, dash: c.dash })),
      { label: `best linear fit (${m.floor.toFixed(3)})`, colour: "#000", dash: "2 3" }],
    ctx.stacked ? "below" : "outside-right");
    const notes = parts.filter((q) => q.cut >= 0).map(({ c, cut }) =>
      `${c.name}: the loss became inf or NaN at epoch ${fmt(m.epochs[cut], 2)}`);
    const note = notes.length ? `${notes.join("; ")} (the learning rate is too large)` : "";
    s += noteText(p, notes);
    return { svg: s, note, summary: { rate: m.rate, diverged: notes.length > 0, note,
      curves: parts.map((q) => q.points) } };
  },
};
