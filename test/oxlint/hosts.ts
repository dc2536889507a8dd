/**
 * The plugin under its two hosts, reduced to what a user sees of a finding:
 * ESLint's `Linter` (untyped: typescript-eslint's parser without a project)
 * and the oxlint CLI with the plugin as a JS plugin (`jsPlugins`), run once
 * over many files so that the parity test stays fast.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";

const ROOT = path.resolve(__dirname, "../../..");
/** The plugin as a package consumer gets it: what `jsPlugins` names in an .oxlintrc.json. */
export const PLUGIN_ENTRY = require.resolve("eslint-plugin-com-async");
export const OXLINT_BIN = path.join(path.dirname(require.resolve("oxlint/package.json")), "bin/oxlint");

/** Severity, or severity and the rule's options, as in a flat config or `.oxlintrc.json`. */
export type Rules = Record<string, "error" | "off" | ["error", ...unknown[]]>;

/** One finding, positions 1-based in UTF-16 code units as ESLint reports them. */
export interface Finding {
  rule: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export interface Job {
  /** Unique key of the job, used for the result map. */
  key: string;
  text: string;
  /** `.ts` or `.js`: the file's extension under both hosts. */
  extension: string;
  rules: Rules;
}

const byPosition = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message);

const linter = new Linter({ configType: "flat" });

/** ESLint's findings for one job, with the configuration of the untyped rule tests. */
export function lintWithEslint(job: Job): Finding[] {
  const file = `file${job.extension}`;
  const messages = linter.verify(
    job.text,
    [{ files: ["**/*.ts", "**/*.js"], plugins: { "com-async": plugin as never }, languageOptions: { parser: tsParser as never, sourceType: "module" }, rules: job.rules }],
    file,
  );
  return messages
    .map((m) => ({ rule: m.ruleId ?? (m.fatal ? "(parse error)" : "(none)"), line: m.line, column: m.column, endLine: m.endLine ?? m.line, endColumn: m.endColumn ?? m.column, message: m.message }))
    .sort(byPosition);
}

/** Line and column (1-based, UTF-16) of a UTF-16 index into `text`. */
function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: index - lineStart + 1 };
}

interface OxlintDiagnostic {
  message: string;
  code?: string;
  filename: string;
  labels?: { span: { offset: number; length: number } }[];
}

/**
 * oxlint's findings for every job, from one oxlint process: each distinct rule
 * set gets a directory and an `overrides` entry, so one config serves all.
 * Positions are converted from the JSON reporter's UTF-8 byte offsets (its
 * `column` counts bytes too) to ESLint's UTF-16 line and column.
 */
export function lintWithOxlint(jobs: readonly Job[]): Map<string, Finding[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-oxlint-"));
  try {
    const groups = new Map<string, string>();
    const files = new Map<string, Job>();
    jobs.forEach((job, i) => {
      const rulesKey = JSON.stringify(job.rules);
      if (!groups.has(rulesKey)) groups.set(rulesKey, `group${groups.size}`);
      const file = path.join(groups.get(rulesKey)!, `case${i}${job.extension}`);
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), job.text);
      files.set(file, job);
    });
    const config = {
      // Only the plugin's rules: oxlint's own default rules (category "correctness") are off.
      plugins: [],
      categories: { correctness: "off" },
      jsPlugins: [PLUGIN_ENTRY],
      overrides: [...groups].map(([rulesKey, group]) => ({ files: [`${group}/**`], rules: JSON.parse(rulesKey) as Rules })),
    };
    fs.writeFileSync(path.join(dir, ".oxlintrc.json"), JSON.stringify(config, null, 2));
    const run = spawnSync(process.execPath, [OXLINT_BIN, "-c", ".oxlintrc.json", "--disable-nested-config", "-f", "json", "."], { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
    // Exit code 1 means "found problems"; anything else is a failure of the run itself.
    if (run.status !== 0 && run.status !== 1) throw new Error(`oxlint exited with ${run.status}:\n${run.stderr}\n${run.stdout}`);
    const report = JSON.parse(run.stdout) as { diagnostics: OxlintDiagnostic[]; number_of_files: number };
    if (report.number_of_files !== jobs.length) throw new Error(`oxlint linted ${report.number_of_files} of ${jobs.length} files:\n${run.stderr}`);
    const out = new Map<string, Finding[]>(jobs.map((job) => [job.key, []]));
    for (const d of report.diagnostics) {
      const job = files.get(path.normalize(d.filename));
      if (!job) throw new Error(`oxlint reported a file it was not given: ${d.filename}: ${d.message}`);
      const bytes = Buffer.from(job.text, "utf8");
      const span = d.labels?.[0]?.span ?? { offset: 0, length: 0 };
      const start = position(job.text, bytes.subarray(0, span.offset).toString("utf8").length);
      const end = position(job.text, bytes.subarray(0, span.offset + span.length).toString("utf8").length);
      // oxlint writes a JS plugin's rule as "plugin(rule)".
      const rule = d.code?.replace(/^([^()]+)\((.+)\)$/, "$1/$2") ?? "(none)";
      out.get(job.key)!.push({ rule, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, message: d.message });
    }
    for (const findings of out.values()) findings.sort(byPosition);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The examples/ sources (each one rule's misuse and fix), linted with every rule. */
export function exampleJobs(rules: Rules): Job[] {
  const dir = path.join(ROOT, "examples");
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f))
    .sort()
    .map((f) => ({ key: `examples/${f}`, text: fs.readFileSync(path.join(dir, f), "utf8"), extension: path.extname(f), rules }));
}
