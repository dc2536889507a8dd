/**
 * The plugin under the real ESLint CLI, as CI runs it: a temporary project
 * (a copy of test/fixtures/cli, a flat config importing the plugin by its
 * package name, node_modules linked to this repository's), linted in a child
 * process serially, with --concurrency (worker threads load the plugin once
 * each), with --cache (results come back from the cache file), and with the
 * SARIF formatter for GitHub code scanning.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import plugin from "eslint-plugin-com-async";

const ROOT = path.resolve(__dirname, "../../..");
const FIXTURE = path.join(ROOT, "test/fixtures/cli");
const ESLINT_BIN = path.join(path.dirname(require.resolve("eslint/package.json")), "bin/eslint.js");
const SARIF_FORMATTER = path.join(ROOT, "eslint-plugin/formatters/sarif.js");

const CONFIG = `import comAsync from "eslint-plugin-com-async";
import tsParser from "@typescript-eslint/parser";

export default [
  { files: ["**/*.ts"], languageOptions: { parser: tsParser } },
  { ...comAsync.configs.strict, files: ["**/*.ts", "**/*.js"] },
];
`;

/** What the fixture must report, as `file ruleId line:column`. */
const EXPECTED = [
  "src/cancel.ts com-async/cancel-without-finish 6:5",
  "src/leak.ts com-async/missing-release 3:18",
  "src/plain.js com-async/begin-while-pending 5:3",
];

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: number;
  fatal?: boolean;
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

interface Project {
  dir: string;
  file(name: string): string;
}

const projects: string[] = [];

/** A fresh temporary copy of the fixture with its flat config; removed after the suite. */
function makeProject(extra: Record<string, string> = {}): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-cli-"));
  projects.push(dir);
  fs.mkdirSync(path.join(dir, "src"));
  for (const name of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, name), path.join(dir, "src", name));
  for (const [name, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, "src", name), text);
  fs.writeFileSync(path.join(dir, "eslint.config.mjs"), CONFIG);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "junction");
  return { dir, file: (name) => path.join(dir, name) };
}

/** `npx eslint <args>` in the project, with `DEBUG` namespaces of ESLint's debug log on stderr. */
function eslint(project: Project, args: string[], debug = ""): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, DEBUG: debug, FORCE_COLOR: "0" };
  const run = spawnSync(process.execPath, [ESLINT_BIN, ...args], { cwd: project.dir, env, encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The JSON formatter's results as sorted `file ruleId line:column-endLine:endColumn message` rows. */
function rows(project: Project, json: string): string[] {
  const results = JSON.parse(json) as LintResult[];
  return results
    .flatMap((r) => r.messages.map((m) => `${path.relative(project.dir, r.filePath).split(path.sep).join("/")} ${m.ruleId} ${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.message}`))
    .sort();
}

const short = (row: string) => row.split(" ").slice(0, 3).join(" ").replace(/-\d+:\d+$/, "");

/** Cache misses logged by ESLint's lint-result-cache (DEBUG=eslint:lint-result-cache). */
function cacheMisses(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => line.includes("Cache entry not found or no longer valid"))
    .map((line) => path.basename(line.trim().split(/\s+/).pop() ?? ""));
}

describe("eslint CLI", function () {
  // Each run starts Node, ESLint and typescript-eslint: seconds each on a loaded machine.
  this.timeout(300_000);

  let project: Project;
  let serial: string[];

  before(() => {
    project = makeProject();
    const run = eslint(project, ["-f", "json", "--concurrency=off", "src"]);
    assert.equal(run.status, 1, `eslint exits 1 when it reports errors:\n${run.stderr}`);
    serial = rows(project, run.stdout);
  });

  after(() => {
    for (const dir of projects) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports the fixture's problems when linting serially", () => {
    assert.deepEqual(serial.map(short), EXPECTED);
  });

  it("--concurrency=2 lints in two worker threads with the same results", () => {
    const run = eslint(project, ["-f", "json", "--concurrency=2", "src"], "eslint:eslint");
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /Linting using 2 worker thread\(s\)/);
    assert.deepEqual(rows(project, run.stdout), serial);
  });

  it("--concurrency=auto gives the same results", () => {
    // With 4 files (and 2 cores here) ESLint's heuristic picks one thread: this checks the flag
    // and the plugin under it, the worker threads themselves are the test above.
    const run = eslint(project, ["-f", "json", "--concurrency=auto", "src"]);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(rows(project, run.stdout), serial);
  });

  it("--cache: the second run takes every result from the cache, an edited file is linted again", () => {
    const cache = project.file(".cache/eslintcache");
    const args = ["-f", "json", "--cache", "--cache-location", cache, "src"];
    const first = eslint(project, args, "eslint:lint-result-cache");
    assert.equal(first.status, 1, first.stderr);
    assert.ok(fs.existsSync(cache), "the cache file exists after the first run");
    assert.deepEqual(cacheMisses(first.stderr).sort(), ["cancel.ts", "clean.ts", "leak.ts", "plain.js"]);
    assert.deepEqual(rows(project, first.stdout), serial);

    const second = eslint(project, args, "eslint:lint-result-cache");
    assert.equal(second.status, 1, second.stderr);
    assert.deepEqual(cacheMisses(second.stderr), [], "nothing is linted again");
    assert.deepEqual(rows(project, second.stdout), serial);

    fs.appendFileSync(project.file("src/leak.ts"), "// edited\n");
    const third = eslint(project, args, "eslint:lint-result-cache");
    assert.deepEqual(cacheMisses(third.stderr), ["leak.ts"]);
    assert.deepEqual(rows(project, third.stdout), serial);
  });

  it("--cache together with --concurrency=2", () => {
    const fresh = makeProject();
    const args = ["-f", "json", "--cache", "--cache-location", fresh.file(".eslintcache"), "--concurrency=2", "src"];
    const first = eslint(fresh, args, "eslint:lint-result-cache");
    assert.equal(first.status, 1, first.stderr);
    const second = eslint(fresh, args, "eslint:lint-result-cache");
    assert.equal(second.status, 1, second.stderr);
    assert.deepEqual(cacheMisses(second.stderr), []);
    assert.deepEqual(rows(fresh, first.stdout), serial);
    assert.deepEqual(rows(fresh, second.stdout), serial);
  });

  describe("SARIF formatter (eslint-plugin/formatters/sarif.js)", () => {
    interface SarifLocation {
      physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number } };
    }
    interface SarifLog {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; version?: string; rules: { id: string; helpUri?: string; shortDescription?: { text: string } }[] } };
        originalUriBaseIds: Record<string, { uri: string }>;
        results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: SarifLocation[] }[];
        invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; locations: SarifLocation[] }[] }[];
      }[];
    }

    let sarifProject: Project;
    let log: SarifLog;

    before(() => {
      sarifProject = makeProject({ "broken.ts": "export function (\n" });
      // A formatter path, relative to the working directory, as a workflow passes it.
      const run = eslint(sarifProject, ["-f", path.relative(sarifProject.dir, SARIF_FORMATTER), "src"]);
      assert.equal(run.status, 1, run.stderr);
      log = JSON.parse(run.stdout) as SarifLog;
    });

    it("is a SARIF 2.1.0 log with one run by ESLint", () => {
      assert.equal(log.version, "2.1.0");
      assert.match(log.$schema, /sarif-2\.1\.0/);
      assert.equal(log.runs.length, 1);
      assert.equal(log.runs[0].tool.driver.name, "ESLint");
      assert.equal(log.runs[0].tool.driver.version, require("eslint/package.json").version);
      assert.equal(log.runs[0].originalUriBaseIds["%SRCROOT%"].uri, pathToFileURL(sarifProject.dir + path.sep).href);
    });

    it("has a result per problem, at the location the JSON formatter gives, relative to the project", () => {
      const results = log.runs[0].results.map((r) => {
        const { artifactLocation, region } = r.locations[0].physicalLocation;
        assert.equal(artifactLocation.uriBaseId, "%SRCROOT%");
        assert.equal(r.level, "error");
        return `${artifactLocation.uri} ${r.ruleId} ${region.startLine}:${region.startColumn}-${region.endLine}:${region.endColumn} ${r.message.text}`;
      });
      assert.deepEqual(results.sort(), serial);
    });

    it("describes every reported rule, with the rule's documentation as helpUri", () => {
      const { rules } = log.runs[0].tool.driver;
      assert.deepEqual(rules.map((r) => r.id).sort(), ["com-async/begin-while-pending", "com-async/cancel-without-finish", "com-async/missing-release"]);
      for (const result of log.runs[0].results) assert.equal(rules[result.ruleIndex].id, result.ruleId);
      for (const rule of rules) {
        const meta = plugin.rules[rule.id.replace("com-async/", "") as keyof typeof plugin.rules].meta;
        assert.equal(rule.helpUri, meta.docs?.url);
        assert.equal(rule.shortDescription?.text, meta.docs?.description);
      }
    });

    it("reports a file that does not parse as a tool notification, not as a result", () => {
      const [notification, ...others] = log.runs[0].invocations[0].toolExecutionNotifications;
      assert.equal(others.length, 0);
      assert.equal(notification.level, "error");
      assert.equal(notification.locations[0].physicalLocation.artifactLocation.uri, "src/broken.ts");
      assert.match(notification.message.text, /Parsing error/);
    });
  });
});
