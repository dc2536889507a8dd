/**
 * Target (c) of `npm run bench` is judged on the growth fitted over several sizes (bench/growth.mjs), not on one
 * step between two noisy costs: the fit must read linear work as 2x per doubling, quadratic work as 4x, and not
 * let one noisy step decide.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(__dirname, "../../..");
type Row = { n: number; cost: number };
type Growth = {
  fittedDoubling(rows: Row[]): number | null;
  growthFits(rows: Row[]): { all: number; largest: number } | null;
};
const growth = async () => (await import(pathToFileURL(path.join(ROOT, "bench/growth.mjs")).href)) as Growth;
const sizes = [250, 500, 1000, 2000, 4000];

describe("the growth fitted for target (c)", () => {
  it("reads linear work as doubling the cost, quadratic work as quadrupling it", async () => {
    const { fittedDoubling } = await growth();
    assert.ok(Math.abs(fittedDoubling(sizes.map((n) => ({ n, cost: 0.1 * n })))! - 2) < 1e-9);
    assert.ok(Math.abs(fittedDoubling(sizes.map((n) => ({ n, cost: 1e-4 * n * n })))! - 4) < 1e-9);
  });

  it("does not let one noisy step decide: a 2.65x step in linear work fits near 2x", async () => {
    const { growthFits } = await growth();
    // The costs of the table of 2026-12-06 (ms): one step of 2.65x, then 1.68x.
    const fit = growthFits([26, 55, 101, 267, 448].map((cost, i) => ({ n: sizes[i], cost })))!;
    assert.ok(fit.all > 1.9 && fit.all < 2.1, `all sizes: ${fit.all}`);
  });

  it("still catches growth that turns super-linear at the largest sizes", async () => {
    const { growthFits } = await growth();
    const fit = growthFits([25, 50, 100, 400, 1600].map((cost, i) => ({ n: sizes[i], cost })))!;
    assert.ok(fit.all > 2.2, `all sizes: ${fit.all}`);
    assert.ok(fit.largest > 3.9, `largest three: ${fit.largest}`);
  });

  it("fits nothing from a cost at or below zero, or from fewer than two sizes", async () => {
    const { fittedDoubling, growthFits } = await growth();
    assert.equal(fittedDoubling([{ n: 250, cost: 10 }, { n: 500, cost: -3 }]), null);
    assert.equal(fittedDoubling([{ n: 250, cost: 10 }]), null);
    assert.equal(growthFits([]), null);
  });
});
