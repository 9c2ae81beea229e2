// A small SVG plotting kit for the explorers: scales, axes with ticks, contour ellipses of a
// quadratic, paths with markers, legends and notes.  Every function returns SVG markup as a
// string; an explorer joins the strings of one redraw and writes them into its <svg> at once,
// which is both the simplest and (for a few hundred elements) a fast way to redraw.

/** The collection's colours (d2lite.colours); d2lite.page sends them with every explorer. */
// (These defaults are the table's values too; tests/test_page.py checks that they agree.)
export const COLOURS = {
  adagrad: "#0b6fd4", gd: "#e16300", sgd: "#e16300", preconditioned: "#00695c",
  global: "#000000", count: "#b45666", x1: "#08306b", x2: "#4a8fc8", contour: "#7a93b3",
  minimum: "#000000", note: "#b2182b", grid: "#e5e5e5",
};

export const esc = (text) => String(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;")
  .replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A number written briefly: 3 significant digits, a real minus sign. */
export function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const s = a !== 0 && (a < 1e-3 || a >= 1e4)
    ? Number(v.toPrecision(digits)).toExponential().replace("e+", "e")
    : String(Number(v.toPrecision(digits)));
  return s.replace("-", "\u2212");
}

/** Values this close to 0 are printed as a bound, never as digits: after many steps a
 * coordinate like -2.4e-83 is rounding-level noise, not something to read. */
export const TINY = 1e-12;

/** `v` briefly (fmt), or `|name| < 1e-12` when 0 < |v| < TINY. */
export function fmtBounded(v, name) {
  return Number.isFinite(v) && v !== 0 && Math.abs(v) < TINY ? `|${name}| < ${TINY}` : fmt(v);
}

/** The two halves of a figure, each a markup string or a list of layers: side by side, or
 * (ctx.stacked, a narrow screen) the right one moved under the left by `shift` = [dx, dy].
 * Returns the list of layers (boot.js redraws only the layers whose markup changed). */
export function place(ctx, left, right, shift) {
  const list = (x) => (Array.isArray(x) ? x : [x]);
  const moved = ctx.stacked
    ? list(right).map((r) => `<g transform="translate(${shift[0]},${shift[1]})">${r}</g>`) : list(right);
  return [...list(left), ...moved];
}

/** A scale from [d0, d1] to [r0, r1]; `log` for a log10 axis.  Has .invert and .domain. */
export function scale(d0, d1, r0, r1, log = false) {
  const f = log ? Math.log10 : (v) => v;
  const a = f(d0), b = f(d1);
  const map = (v) => r0 + (f(v) - a) * (r1 - r0) / (b - a);
  map.invert = (p) => {
    const u = a + (p - r0) * (b - a) / (r1 - r0);
    return log ? 10 ** u : u;
  };
  map.domain = [d0, d1];
  map.log = log;
  return map;
}

/** Round numbers between lo and hi, about `count` of them (1, 2 or 5 times a power of ten). */
export function niceTicks(lo, hi, count = 5) {
  const raw = (hi - lo) / Math.max(count, 1);
  if (!(raw > 0) || !Number.isFinite(raw)) return [lo];
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

/** Powers of ten (with 2 and 5 on a short axis) between lo and hi. */
export function logTicks(lo, hi) {
  const ticks = [], decades = Math.log10(hi / lo);
  const subs = decades <= 1.2 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : decades <= 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of subs) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

/** A panel: a box in the SVG plus its x and y scales. */
export function panel(box, xDomain, yDomain, { xlog = false, ylog = false } = {}) {
  return { box, x: scale(xDomain[0], xDomain[1], box.x, box.x + box.w, xlog),
    y: scale(yDomain[0], yDomain[1], box.y + box.h, box.y, ylog) };
}

/** Frame, ticks, tick labels, axis labels and title of a panel; `clipId` names its clip path. */
export function axes(p, { xlabel = "", ylabel = "", title = "", clipId = "", grid = false } = {}) {
  const { box, x, y } = p;
  const xt = x.log ? logTicks(...x.domain) : niceTicks(...x.domain, Math.max(3, box.w / 70));
  const yt = y.log ? logTicks(...y.domain) : niceTicks(...y.domain, Math.max(3, box.h / 45));
  let s = clipId ? `<clipPath id="${clipId}"><rect x="${box.x}" y="${box.y}" width="${box.w}" `
    + `height="${box.h}"/></clipPath>` : "";
  s += `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="white" `
    + `stroke="#333"/>`;
  const bottom = box.y + box.h;
  for (const t of xt) {
    const px = x(t).toFixed(1);
    if (grid) s += `<line x1="${px}" x2="${px}" y1="${box.y}" y2="${bottom}" stroke="${COLOURS.grid}"/>`;
    s += `<line x1="${px}" x2="${px}" y1="${bottom}" y2="${bottom + 4}" stroke="#333"/>`
      + `<text x="${px}" y="${bottom + 15}" text-anchor="middle">${fmt(t)}</text>`;
  }
  for (const t of yt) {
    const py = y(t).toFixed(1);
    if (grid) s += `<line x1="${box.x}" x2="${box.x + box.w}" y1="${py}" y2="${py}" stroke="${COLOURS.grid}"/>`;
    s += `<line x1="${box.x - 4}" x2="${box.x}" y1="${py}" y2="${py}" stroke="#333"/>`
      + `<text x="${box.x - 6}" y="${py}" dy="0.32em" text-anchor="end">${fmt(t)}</text>`;
  }
  s += `<text x="${box.x + box.w / 2}" y="${bottom + 32}" text-anchor="middle">${esc(xlabel)}</text>`;
  s += `<text transform="translate(${box.x - 42},${box.y + box.h / 2}) rotate(-90)" `
    + `text-anchor="middle">${esc(ylabel)}</text>`;
  title.split("\n").forEach((line, i, all) => {
    s += `<text x="${box.x + box.w / 2}" y="${box.y - 8 - 15 * (all.length - 1 - i)}" `
      + `text-anchor="middle" font-weight="600">${esc(line)}</text>`;
  });
  return s;
}

/**
 * Contour lines of f(x) = 1/2 x^T Q x at the given levels: ellipses centred on the minimum with
 * semi-axes sqrt(2 level / lambda_i) along the eigenvectors, drawn in data coordinates.
 */
export function ellipses(p, q, levels, eig, clipId) {
  const [l1, l2] = eig;  // largest first
  // the eigenvector of the largest eigenvalue makes the angle phi with the x1 axis
  const phi = 0.5 * Math.atan2(2 * q.b, q.a - q.d) * 180 / Math.PI;
  const sx = (p.x(1) - p.x(0)), sy = (p.y(1) - p.y(0));
  let s = `<g clip-path="url(#${clipId})"><g transform="translate(${p.x(0)},${p.y(0)}) `
    + `scale(${sx},${sy}) rotate(${phi})" fill="none" stroke="${COLOURS.contour}">`;
  for (const level of levels) {
    const rx = Math.sqrt(2 * level / l1), ry = Math.sqrt(2 * level / l2);
    if (Number.isFinite(rx) && Number.isFinite(ry)) {
      s += `<ellipse rx="${rx}" ry="${ry}" vector-effect="non-scaling-stroke"/>`;
    }
  }
  return s + "</g></g>";
}

/** Round contour levels from 0 to the largest value of f in the window (as matplotlib does). */
export function contourLevels(fmax, count = 10) {
  return niceTicks(0, fmax, count).filter((v) => v > 0 && v < fmax);
}

/** A polyline with round markers; `upTo` points solid, the rest faint. */
export function path(p, points, colour, { upTo = points.length, clipId = "", dash = "",
  markers = true, radius = 2.6, width = 1.6 } = {}) {
  const xy = points.map(([a, b]) => `${p.x(a).toFixed(2)},${p.y(b).toFixed(2)}`);
  let s = `<g clip-path="${clipId ? `url(#${clipId})` : "none"}">`;
  const solid = xy.slice(0, upTo), faint = xy.slice(Math.max(upTo - 1, 0));
  if (faint.length > 1) {
    s += `<polyline points="${faint.join(" ")}" fill="none" stroke="${colour}" stroke-width="${width}" `
      + `stroke-opacity="0.25" stroke-dasharray="${dash}"/>`;
  }
  if (solid.length > 1) {
    s += `<polyline points="${solid.join(" ")}" fill="none" stroke="${colour}" `
      + `stroke-width="${width}" stroke-dasharray="${dash}"/>`;
  }
  if (markers && solid.length) {
    // all markers as one path of circles: one element instead of hundreds keeps redraws fast
    const r = radius, d = solid.map((pt) => {
      const [cx, cy] = pt.split(",");
      return `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
    });
    s += `<path d="${d.join("")}" fill="${colour}"/>`;
  }
  return s + "</g>";
}

/** The minimum, marked with a star and the word "minimum". */
export function minimumMark(p, x1 = 0, x2 = 0) {
  const cx = p.x(x1), cy = p.y(x2), r = 7, pts = [];
  for (let k = 0; k < 10; k++) {
    const rad = k % 2 ? r * 0.45 : r, a = Math.PI / 2 + k * Math.PI / 5;
    pts.push(`${(cx + rad * Math.cos(a)).toFixed(1)},${(cy - rad * Math.sin(a)).toFixed(1)}`);
  }
  return `<polygon points="${pts.join(" ")}" fill="${COLOURS.minimum}"/>`;
}

/** A start handle: an open circle the reader can drag. */
export function startHandle(p, x1, x2) {
  return `<circle data-role="start" cx="${p.x(x1).toFixed(1)}" cy="${p.y(x2).toFixed(1)}" r="7" `
    + `fill="white" fill-opacity="0.6" stroke="#333" stroke-width="1.5" `
    + `style="cursor:move;touch-action:none"/>`;
}

/** A legend box: entries [{label, colour, dash, marker}] at the panel's top right. */
export function legend(p, entries, where = "top-right") {
  const width = 12 + 7 * Math.max(...entries.map((e) => e.label.length)) + 30;
  const x0 = where === "outside-right" ? p.box.x + p.box.w + 10
    : where === "below" ? p.box.x
      : where.endsWith("left") ? p.box.x + 8 : p.box.x + p.box.w - width - 8;
  const y0 = where === "below" ? p.box.y + p.box.h + 42
    : where.startsWith("bottom") ? p.box.y + p.box.h - 8 - 16 * entries.length - 4
      : p.box.y + 8;
  let s = `<rect x="${x0}" y="${y0}" width="${width}" height="${16 * entries.length + 4}" `
    + `fill="white" fill-opacity="0.85" stroke="#ccc"/>`;
  entries.forEach((e, i) => {
    const y = y0 + 12 + 16 * i;
    s += `<line x1="${x0 + 6}" x2="${x0 + 28}" y1="${y}" y2="${y}" stroke="${e.colour}" `
      + `stroke-width="1.6" stroke-dasharray="${e.dash || ""}"/>`;
    if (e.marker) s += `<circle cx="${x0 + 17}" cy="${y}" r="2.6" fill="${e.colour}"/>`;
    s += `<text x="${x0 + 34}" y="${y}" dy="0.32em">${esc(e.label)}</text>`;
  });
  return s;
}

/** A note written over a panel (divergence, values not finite). */
export function noteText(p, lines) {
  if (!lines.length) return "";
  let s = `<g data-role="note-on-figure">`;
  lines.forEach((line, i) => {
    s += `<text x="${p.box.x + p.box.w / 2}" y="${p.box.y + p.box.h / 2 + 16 * i}" `
      + `text-anchor="middle" fill="${COLOURS.note}" stroke="white" stroke-width="3" `
      + `paint-order="stroke">${esc(line)}</text>`;
  });
  return s + "</g>";
}

/** The window that holds every point and the minimum, padded as d2lite.trace2d._window does. */
export function windowFor(pointSets, margin = 0.15) {
  const all = pointSets.flat();
  const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (const [a, b] of all.length ? all : [[0, 0]]) {
    lo[0] = Math.min(lo[0], a); lo[1] = Math.min(lo[1], b);
    hi[0] = Math.max(hi[0], a); hi[1] = Math.max(hi[1], b);
  }
  return [0, 1].map((i) => {
    const span = Math.max(hi[i] - lo[i], 1e-3 * Math.max(1, Math.abs(hi[i])));
    const pad = margin * span + (span < 1 ? 0.5 : 0);
    return [lo[i] - pad, hi[i] + pad];
  });
}

/** Widen one of the two ranges so that a unit is as long on both axes (equal aspect). */
export function equalAspect(win, box) {
  const [[x0, x1], [y0, y1]] = win;
  const kx = (x1 - x0) / box.w, ky = (y1 - y0) / box.h;
  if (kx > ky) {
    const half = kx * box.h / 2, mid = (y0 + y1) / 2;
    return [[x0, x1], [mid - half, mid + half]];
  }
  const half = ky * box.w / 2, mid = (x0 + x1) / 2;
  return [[mid - half, mid + half], [y0, y1]];
}

/** The largest value of f over a box, reached at a corner (f is convex). */
export function maxOnBox(f, win) {
  const [[x0, x1], [y0, y1]] = win;
  return Math.max(f(x0, y0), f(x0, y1), f(x1, y0), f(x1, y1));
}
