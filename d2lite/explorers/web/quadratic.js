// The numeric core of the 2-D explorers: rotated quadratics f(x) = 1/2 x^T Q x, gradient
// descent, diagonal preconditioning and Adagrad with epsilon inside the root.
//
// Every function repeats the arithmetic of its Python original in d2lite, operation for
// operation and in the same order, so that both give the same floating-point numbers
// (tests/e2e/test_parity.py checks this in Chromium):
//   rotatedQuadratic  <- d2lite.quadratic.quadratic_2d
//   eigenvalues       <- Quadratic2D.eigenvalues (numpy.linalg.eigvalsh: LAPACK dsterf/dlae2)
//   preconditioned    <- d2lite.preconditioning.diagonal_preconditioner
//   adagradRun        <- d2lite.optimizers.optim.Adagrad (the book's settings), run by
//                        d2lite.run; the same as train_2d with adagrad_2d_rule
//   gdRun             <- d2lite.trace2d.train_2d with gd_2d
//   preconditioningRuns, rotationRuns, rotationSweep <- d2lite.figures.preconditioning_runs,
//                        d2lite.quadratic.rotated_problem and rotation_sweep
// Plain functions on plain numbers and arrays: nothing here touches the page.

/** Points farther than this from the origin count as diverged (d2lite.trace2d.OFF_CHART). */
export const OFF_CHART = 1e8;

/** cos and sin of `angle` degrees, as numpy's deg2rad then cos/sin.
 * @param {number} angle  @returns {[number, number]} */
export function cosSin(angle) {
  const t = angle * (Math.PI / 180);
  return [Math.cos(t), Math.sin(t)];
}

/** Q = R(angle) diag(l1, l2) R(angle)^T as {a: Q11, b: Q12, d: Q22}.
 * @param {number} l1 @param {number} l2 @param {number} angle  degrees
 * @returns {{a: number, b: number, d: number}} */
export function rotatedQuadratic(l1, l2, angle) {
  const [c, s] = cosSin(angle);
  return { a: l1 * c * c + l2 * s * s, b: (l1 - l2) * c * s, d: l1 * s * s + l2 * c * c };
}

/** The chapter's f(x) = 0.1 x1^2 + 2 x2^2, whose gradient d2lite writes as (0.2 x1, 4 x2). */
export const CHAPTER = { a: 0.2, b: 0, d: 4, chapter: true };

/** Gradient Q x of the quadratic, as Quadratic2D.grad (or f_2d_grad for CHAPTER). */
export function gradient(q, x1, x2) {
  if (q.chapter) return [0.2 * x1, 4 * x2];
  return [q.a * x1 + q.b * x2, q.b * x1 + q.d * x2];
}

/** f(x) = 1/2 (a x1^2 + 2 b x1 x2 + d x2^2), as Quadratic2D.__call__. */
export function value(q, x1, x2) {
  if (q.chapter) return 0.1 * x1 * x1 + 2 * x2 * x2;
  return 0.5 * (q.a * x1 * x1 + 2 * q.b * x1 * x2 + q.d * x2 * x2);
}

// LAPACK's 2x2 symmetric eigenvalue formula (dlae2), which numpy's eigvalsh reaches through
// dsyevd -> dsterf; repeated here so that both give the same last bits.
function dlae2(a, b, c) {
  const sm = a + c, adf = Math.abs(a - c), ab = Math.abs(b + b);
  const [acmx, acmn] = Math.abs(a) > Math.abs(c) ? [a, c] : [c, a];
  let rt;
  if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) ** 2);
  else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) ** 2);
  else rt = ab * Math.SQRT2;
  if (sm === 0) return [0.5 * rt, -0.5 * rt];
  const rt1 = sm < 0 ? 0.5 * (sm - rt) : 0.5 * (sm + rt);
  return [rt1, (acmx / rt1) * acmn - (b / rt1) * b];
}

/** Eigenvalues of the symmetric [[a, b], [b, d]], largest first (as eigvalsh, reversed).
 * @param {{a: number, b: number, d: number}} q  @returns {[number, number]} */
export function eigenvalues(q) {
  const eps = 2 ** -53;
  // dsterf treats a negligible off-diagonal entry as zero: the diagonal is then the answer
  const negligible = Math.abs(q.b) <= Math.sqrt(Math.abs(q.a)) * Math.sqrt(Math.abs(q.d)) * eps
    || q.b * q.b <= eps * eps * Math.abs(q.a * q.d);
  const [r1, r2] = negligible ? [q.a, q.d] : dlae2(q.a, q.b, q.d);
  return r1 >= r2 ? [r1, r2] : [r2, r1];
}

/** The preconditioned matrix Q_ij / sqrt(Q_ii Q_jj) and the roots sqrt(Q_ii). */
export function preconditioned(q) {
  const r1 = Math.sqrt(q.a), r2 = Math.sqrt(q.d);
  return { q: { a: 1, b: 0.5 * (q.b / r1 / r2 + q.b / r2 / r1), d: 1 }, roots: [r1, r2] };
}

/** The start point turned with the problem: R(angle) (x1, x2). */
export function rotatePoint(x1, x2, angle) {
  const [c, s] = cosSin(angle);
  return [c * x1 - s * x2, s * x1 + c * x2];
}

/**
 * Adagrad from `start` for `steps` steps, as d2lite.optim.Adagrad with the book's settings:
 *   s_i <- s_i + g_i^2,   x_i <- x_i - (lr / sqrt(s_i + eps)) g_i.
 * Returns {points: [[x1, x2], ...] (steps + 1 of them), states: [[s1, s2], ...] (steps),
 * rates: [[lr / sqrt(s1 + eps), ...], ...] (steps)}.
 * @param {{a: number, b: number, d: number}} q @param {number} lr @param {number} eps
 * @param {[number, number]} start @param {number} steps
 */
export function adagradRun(q, lr, eps, start, steps) {
  let [x1, x2] = start, s1 = 0, s2 = 0;
  const points = [[x1, x2]], states = [], rates = [];
  // d2lite.optim.Adagrad.effective_rate: lr / sqrt(s + eps), and 0 where that root is not > 0
  const rate = (s) => { const d = Math.sqrt(s + eps); return d > 0 ? lr / d : 0; };
  for (let t = 0; t < steps; t++) {
    const [g1, g2] = gradient(q, x1, x2);
    s1 = s1 + g1 * g1;
    s2 = s2 + g2 * g2;
    const r1 = rate(s1), r2 = rate(s2);
    x1 = x1 - r1 * g1;
    x2 = x2 - r2 * g2;
    states.push([s1, s2]);
    rates.push([r1, r2]);
    points.push([x1, x2]);
  }
  return { points, states, rates };
}

/** Gradient descent x <- x - lr * grad f(x): the steps + 1 points visited.
 * @param {{a: number, b: number, d: number}} q @param {number} lr
 * @param {[number, number]} start @param {number} steps  @returns {Array<[number, number]>} */
export function gdRun(q, lr, start, steps) {
  let [x1, x2] = start;
  const points = [[x1, x2]];
  for (let t = 0; t < steps; t++) {
    const [g1, g2] = gradient(q, x1, x2);
    x1 = x1 - lr * g1;
    x2 = x2 - lr * g2;
    points.push([x1, x2]);
  }
  return points;
}

/** How many leading points are finite and on the chart (a diverged path is drawn that far). */
export function shownCount(points) {
  for (let i = 0; i < points.length; i++) {
    const [x1, x2] = points[i];
    if (!(Math.abs(x1) <= OFF_CHART && Math.abs(x2) <= OFF_CHART)) return i;  // NaN fails too
  }
  return points.length;
}

/** The note for a path cut short: '' when all of it is shown. */
export function divergenceNote(name, points) {
  const shown = shownCount(points);
  if (shown === points.length) return "";
  const [x1, x2] = points[shown];
  const why = Number.isFinite(x1) && Number.isFinite(x2) ? "diverged" : "values not finite";
  return `${name}: ${why} after step ${shown - 1} (drawn up to there)`;
}

/** The explorer "preconditioning": plain GD and GD on the rescaled problem, mapped back. */
export function preconditioningRuns(condition, angle, scaledRate, start, steps,
  largest = 4.0) {
  const q = rotatedQuadratic(largest / condition, largest, angle);
  const { q: qt, roots } = preconditioned(q);
  const [lmax, lmin] = eigenvalues(q), [ltmax, ltmin] = eigenvalues(qt);
  const plain = gdRun(q, scaledRate / lmax, start, steps);
  const yStart = [roots[0] * start[0], roots[1] * start[1]];
  const rescaled = gdRun(qt, scaledRate / ltmax, yStart, steps);
  const mappedBack = rescaled.map(([y1, y2]) => [y1 / roots[0], y2 / roots[1]]);
  return { q, qt, roots, kappa: lmax / lmin, kappaTilde: ltmax / ltmin, plain, rescaled,
    mappedBack };
}

/** The explorer "rotation": Adagrad and GD at rate lr on the problem turned by `angle`. */
export function rotationRuns(angle, lr, steps, start = [-5, -2], eigs = [0.2, 4.0]) {
  const q = rotatedQuadratic(eigs[0], eigs[1], angle);
  const turned = rotatePoint(start[0], start[1], angle);
  return { q, start: turned, adagrad: adagradRun(q, lr, 1e-6, turned, steps).points,
    gd: gdRun(q, lr, turned, steps) };
}

/** Distance to the optimum after `steps` steps against the angle, for both methods. */
export function rotationSweep(angles, lr, steps, start = [-5, -2], eigs = [0.2, 4.0]) {
  const adagrad = [], gd = [];
  for (const angle of angles) {
    const run = rotationRuns(angle, lr, steps, start, eigs);
    adagrad.push(Math.hypot(...run.adagrad[steps]));
    gd.push(Math.hypot(...run.gd[steps]));
  }
  return { angle: angles, adagrad, gd };
}
