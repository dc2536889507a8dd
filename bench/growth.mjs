/**
 * How a cost grows with the size of its input, for target (c) of bench/run.mjs ("doubling N costs
 * at most 2.2x"): fitted over several sizes, because one step between two noisy costs moved between
 * 1.8x and 2.65x from run to run over work that grows exactly linearly (BENCHMARKS.md, 2026-12-06).
 */

/**
 * How much doubling N multiplies the cost, fitted over `rows` ({ n, cost }) by least squares on
 * (log N, log cost): cost ∝ N^k, doubling costs 2^k. Null for fewer than two rows, or when a cost is
 * at or below zero (the machine's noise exceeded it: nothing to fit).
 */
export function fittedDoubling(rows) {
  if (rows.length < 2 || rows.some((r) => !(r.cost > 0))) return null;
  const xs = rows.map((r) => Math.log2(r.n));
  const ys = rows.map((r) => Math.log2(r.cost));
  const mean = (vs) => vs.reduce((a, b) => a + b, 0) / vs.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx === 0 ? null : 2 ** (sxy / sxx);
}

/**
 * The growth fitted over every size (the verdict's figure: five sizes outweigh one noisy cost), and over the
 * largest three, where a super-linear term shows first (shown beside it: three sizes are still moved by one
 * noisy cost, 2.04x and 2.21x in two runs over the same linear work); null when it cannot be fitted.
 */
export function growthFits(rows) {
  const all = fittedDoubling(rows);
  return all === null ? null : { all, largest: fittedDoubling(rows.slice(-3)) ?? all };
}
