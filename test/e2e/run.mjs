#!/usr/bin/env node
/**
 * `npm run test:e2e`: packages the extension, then runs the editor tests that
 * need more than Node: neovim as an LSP client, and a real VS Code
 * (code-server + chromium). Each installs what it needs (Debian packages,
 * code-server into ~/.cache/com-async-lint-e2e) and is skipped, with the
 * reason, where that is impossible. The last line is "N passed, N failed".
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runLauncherTest } from "./launcher.mjs";
import { runNeovimTest } from "./neovim.mjs";
import { runVsCodeTest } from "./vscode.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const results = [];

console.log("=== packaging the extension (npm run package)");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const pack = spawnSync(npm, ["run", "package"], { cwd: ROOT, encoding: "utf8" });
const packOutput = `${pack.stdout}${pack.stderr}`;
const packed = /DONE\s+Packaged: (.*)/.exec(packOutput);
if (pack.status === 0) {
  results.push({ name: "npm run package builds the .vsix", status: "passed", detail: packed?.[1] ?? "" });
} else {
  results.push({ name: "npm run package builds the .vsix", status: "failed", detail: packOutput.split("\n").slice(-20).join("\n") });
}
console.log(`  ${results[0].status}: ${results[0].detail}`);

console.log("=== the packaged server from its code cache (dist/launch.js)");
const launcher = pack.status === 0 ? await runLauncherTest() : { status: "skipped", detail: "no package" };
results.push({ name: "the packaged server runs from its code cache", ...launcher });
console.log(`  ${launcher.status}: ${launcher.detail}`);

console.log("=== neovim as an LSP client");
const nvim = runNeovimTest();
results.push({ name: "neovim gets a diagnostic and applies a code action", ...nvim });
console.log(`  ${nvim.status}: ${nvim.detail}`);

console.log("=== VS Code (code-server) end to end");
if (pack.status === 0) results.push(...(await runVsCodeTest()));
else results.push({ name: "VS Code end to end", status: "skipped", detail: "no .vsix" });

const count = (status) => results.filter((r) => r.status === status).length;
console.log("");
for (const r of results.filter((r) => r.status !== "passed")) console.log(`${r.status}: ${r.name}: ${r.detail.split("\n")[0]}`);
if (count("skipped") > 0) console.log(`${count("skipped")} skipped (see above; not failures)`);
console.log(`${count("passed")} passed, ${count("failed")} failed`);
process.exit(count("failed") > 0 ? 1 : 0);
