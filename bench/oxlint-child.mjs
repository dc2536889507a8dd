/**
 * Runs the oxlint CLI in this process (what `node_modules/.bin/oxlint` does:
 * the native linter is a Node addon, JS plugins run on this thread) and, at
 * exit, writes the process's peak RSS (native threads included) as JSON to the
 * file named by BENCH_OXLINT_RESULT. Started by bench/oxlint.mjs.
 *
 *   BENCH_OXLINT_RESULT=out.json node bench/oxlint-child.mjs <oxlint arguments>
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const out = process.env.BENCH_OXLINT_RESULT;
process.on("exit", (code) => {
  if (out) fs.writeFileSync(out, JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, code }));
});
// oxlint's CLI reads its arguments from process.argv.slice(2): ours, unchanged.
await import(pathToFileURL(path.join(path.dirname(require.resolve("oxlint/package.json")), "dist/cli.js")).href);
