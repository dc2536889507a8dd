/**
 * The documented oxlint configuration (examples/.oxlintrc.json, quoted in the
 * README): it loads the plugin by its package name, enables the rules of
 * configs.strict, and, run as the README says, reports on examples/ what
 * ESLint reports with examples/eslint.config.mjs.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import plugin from "eslint-plugin-com-async";
import { OXLINT_BIN, exampleJobs, lintWithEslint } from "./hosts";
import type { Rules } from "./hosts";

const ROOT = path.resolve(__dirname, "../../..");
const CONFIG = path.join(ROOT, "examples/.oxlintrc.json");

/** .oxlintrc.json is JSONC: drop whole-line comments (the only kind the file uses). */
const readConfig = () => JSON.parse(fs.readFileSync(CONFIG, "utf8").replace(/^\s*\/\/.*$/gm, "")) as { jsPlugins: string[]; rules: Rules };

describe("examples/.oxlintrc.json", () => {
  it("loads the plugin by its package name and enables exactly the rules of configs.strict", () => {
    const config = readConfig();
    assert.deepEqual(config.jsPlugins, ["eslint-plugin-com-async"]);
    assert.deepEqual(config.rules, plugin.configs.strict.rules);
  });

  it("run from the repository root, reports on examples/ what ESLint reports", () => {
    const run = spawnSync(process.execPath, [OXLINT_BIN, "-c", "examples/.oxlintrc.json", "-f", "json", "examples/"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(run.status, 1, `oxlint should fail on the examples' problems:\n${run.stderr}`);
    const found = (JSON.parse(run.stdout) as { diagnostics: { code: string; filename: string; labels: { span: { line: number } }[] }[] }).diagnostics
      .map((d) => `${d.filename} ${d.code.replace(/^(.+)\((.+)\)$/, "$1/$2")} line ${d.labels[0].span.line}`)
      .sort();
    const expected = exampleJobs(plugin.configs.strict.rules as Rules)
      .flatMap((job) => lintWithEslint(job).map((f) => `${job.key} ${f.rule} line ${f.line}`))
      .sort();
    assert.ok(expected.length >= 9, `ESLint finds only ${expected.length} problems in examples/`);
    assert.deepEqual(found, expected);
  });
});
