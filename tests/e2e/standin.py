"""A stand-in in-page explorer for testing the browser test itself (a test fixture, not product code).

It follows the page contract (``/work/notes/PAGE_CONTRACT.md``, summarised in README.md) in
the smallest way: a ``<div class="d2lite-explorer">`` holding a still PNG and a one-line caption,
a JSON config and an inline module script that mounts a canvas and range inputs and registers
``{kind, root, sliders, set, state, workMs}`` in ``window.d2liteExplorers``.  The 2-D kind also
has a draggable start point and step/play buttons.

``bug=`` plants one defect, so that the tests can show each check fails when it should:

* ``"config"``: the config is not valid JSON: the explorer must not mount (``status=failed``);
* ``"frozen"``: the figure ignores the second slider;
* ``"nan"``: at the first slider's top end the path holds NaN and no note says so;
* ``"slow"``: every input event busy-waits 80 ms (above the three-frame regression bound);
* ``"throws"``: the first slider's top end throws inside the input handler (a page error).

    >>> html = standin_html("standin2d")
    >>> 'class="d2lite-explorer"' in html and 'type="module"' in html
    True
"""
from __future__ import annotations

import base64
import html
import io
import json
import secrets

KINDS = {
    "standin1d": {"sliders": {"a": {"min": 0.0, "max": 2.0, "step": 0.01, "value": 1.0},
                              "b": {"min": -1.0, "max": 1.0, "step": 0.05, "value": 0.0}}},
    "standin2d": {"sliders": {"eta": {"min": 0.01, "max": 0.19, "step": 0.005, "value": 0.05},
                              "steps": {"min": 1, "max": 60, "step": 1, "value": 20},
                              "x2": {"min": -2.0, "max": 2.0, "step": 0.1, "value": 1.0}},
                  "twoD": True},
}
BUGS = ("config", "frozen", "nan", "slow", "throws")

JS = r"""
const root = document.getElementById(__ID__);
const reason = (msg) => {
  root.dataset.status = 'failed';
  const p = document.createElement('p');
  p.dataset.role = 'reason';
  p.textContent = 'The live explorer could not start (' + msg + '); the figure above is a still.';
  root.appendChild(p);
};
try {
  const cfg = JSON.parse(root.querySelector('script.d2lite-config').textContent);
  const bug = cfg.bug || '';
  const W = 360, H = 240;
  const box = document.createElement('div');
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H; canvas.dataset.role = 'figure';
  box.appendChild(canvas);
  const note = document.createElement('p');
  note.dataset.role = 'note'; note.hidden = true;
  const values = {};
  const controls = document.createElement('div');
  let start = [1.5, 1.0], shown = null;
  const workMs = [];
  const path = () => {
    if (cfg.twoD) {  // gradient descent on f = (x1^2 + 10 x2^2) / 2
      const eta = values.eta, pts = [start.slice()];
      for (let t = 0; t < values.steps; t++) {
        const [a, b] = pts[pts.length - 1];
        pts.push([a - eta * a, b - eta * 10 * b]);
      }
      if (bug === 'nan' && values.eta >= cfg.sliders.eta.max) pts.push([NaN, NaN]);
      return pts;
    }
    const pts = [];
    for (let i = 0; i <= 50; i++) {
      const b = bug === 'frozen' ? 0 : values.b;
      pts.push([i / 50, values.a * Math.sin(6 * i / 50 + 3 * b)]);
    }
    if (bug === 'nan' && values.a >= cfg.sliders.a.max) pts[10][1] = NaN;
    return pts;
  };
  let drawn = [];
  const toPx = ([x, y]) => cfg.twoD ? [W / 2 + x * 60, H / 2 - y * 50] : [20 + x * (W - 40), H / 2 - y * 50];
  const draw = () => {
    const t0 = performance.now();
    if (bug === 'slow') while (performance.now() - t0 < 80) {}
    let pts = path();
    if (shown !== null) pts = pts.slice(0, shown + 1);
    drawn = pts;
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, W, H);
    ctx.beginPath();
    const finite = pts.filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    finite.forEach((p, i) => { const [x, y] = toPx(p); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
    ctx.stroke();
    if (cfg.twoD) { const [x, y] = toPx(start); ctx.fillRect(x - 4, y - 4, 8, 8); }
    return performance.now() - t0;
  };
  const readouts = {};
  const set = (name, value) => {
    const input = controls.querySelector(`input[data-name="${name}"]`);
    if (!input) throw new Error(`no slider ${name}`);
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
    return workMs[workMs.length - 1];
  };
  const onInput = (name, input) => {
    const t0 = performance.now();
    values[name] = Number(input.value);
    if (name === 'x2') start = [start[0], values.x2];
    readouts[name].textContent = input.value;
    if (bug === 'throws' && name === Object.keys(cfg.sliders)[0]
        && values[name] >= cfg.sliders[name].max) throw new Error('planted bug at the top end');
    draw();
    workMs.push(performance.now() - t0);
  };
  for (const [name, s] of Object.entries(cfg.sliders)) {
    const label = document.createElement('label');
    label.textContent = name + ' ';
    const input = document.createElement('input');
    Object.assign(input, {type: 'range', min: s.min, max: s.max, step: s.step, value: s.value});
    input.dataset.name = name;
    const out = document.createElement('output');
    out.textContent = String(s.value);
    readouts[name] = out;
    values[name] = s.value;
    input.addEventListener('input', () => onInput(name, input));
    label.append(input, out);
    controls.appendChild(label);
  }
  if (cfg.twoD) {
    const step = document.createElement('button');
    step.textContent = 'step'; step.dataset.role = 'step';
    step.onclick = () => { shown = shown === null ? 1 : (shown + 1) % (values.steps + 1); draw(); };
    const play = document.createElement('button');
    play.textContent = 'play'; play.dataset.role = 'play';
    play.onclick = () => { shown = 0; const tick = () => { if (shown < values.steps) {
      shown++; draw(); requestAnimationFrame(tick); } else { shown = null; draw(); } }; tick(); };
    controls.append(step, play);
    let dragging = false;
    const fromEvent = (e) => { const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left - W / 2) / 60, -(e.clientY - r.top - H / 2) / 50]; };
    canvas.addEventListener('pointerdown', (e) => { dragging = true; canvas.setPointerCapture(e.pointerId);
      const t0 = performance.now(); start = fromEvent(e); draw(); workMs.push(performance.now() - t0); });
    canvas.addEventListener('pointermove', (e) => { if (!dragging) return;
      const t0 = performance.now(); start = fromEvent(e); draw(); workMs.push(performance.now() - t0); });
    canvas.addEventListener('pointerup', () => { dragging = false; });
  }
  box.append(controls, note);
  if (cfg.twoD) start = [1.5, values.x2];
  draw();
  const explorer = {
    kind: root.dataset.kind, root, sliders: cfg.sliders, set, workMs,
    state: () => ({path: drawn, shown, start, diverged: false,
                   note: note.hidden ? null : note.textContent}),
  };
  if (cfg.twoD) explorer.startPixel = () => {
    const r = canvas.getBoundingClientRect(); const [x, y] = toPx(start);
    return {x: r.left + x, y: r.top + y}; };
  root.querySelector('.d2lite-still').hidden = true;
  root.querySelector('.d2lite-caption').hidden = true;
  root.appendChild(box);
  (window.d2liteExplorers = window.d2liteExplorers || []).push(explorer);
  root.dataset.status = 'live';
} catch (error) {
  reason(String(error && error.message || error));
}
"""


def still_png(kind: str) -> bytes:
    """A small PNG standing for the explorer's default figure."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.6, 2.4), dpi=60)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 1, 0], label=kind)
    ax.set(xlabel="x", ylabel="y", title=f"{kind} (still)")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def standin_html(kind: str, bug: str | None = None) -> str:
    """The explorer's self-contained HTML: still, caption, config and module script."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    if bug is not None and bug not in BUGS:
        raise ValueError(f"bug must be None or one of {BUGS}, got {bug!r}")
    ident = f"standin-{secrets.token_hex(6)}"
    config = json.dumps({**KINDS[kind], "bug": bug})
    if bug == "config":
        config = config[:-3]  # cut short: not JSON any more
    png = base64.b64encode(still_png(kind)).decode()
    caption = f"Stand-in explorer {kind}: the still of its default setting."
    return (f'<div class="d2lite-explorer" id="{ident}" data-kind="{kind}">'
            f'<img class="d2lite-still" alt="{html.escape(caption)}" src="data:image/png;base64,{png}">'
            f'<p class="d2lite-caption">{html.escape(caption)}</p>'
            f'<script type="application/json" class="d2lite-config">{config}</script>'
            f'<script type="module">{JS.replace("__ID__", json.dumps(ident))}</script></div>')


def standin_page(explorers: list[tuple[str, str | None]], title: str = "stand-in explorers") -> str:
    """A whole HTML page holding one stand-in explorer per ``(kind, bug)``."""
    body = "\n".join(f"<section><h2>{k} {b or ''}</h2>{standin_html(k, b)}</section>"
                     for k, b in explorers)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body>\n{body}\n</body></html>\n")
