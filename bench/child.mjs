/**
 * One benchmark measurement in a fresh process (started by bench/run.mjs),
 * so that every configuration starts from the same heap and its peak memory
 * is its own. Prints one JSON line on stdout.
 *
 *   node bench/child.mjs '<job JSON>'
 *
 * Jobs:
 *   { kind: "e2e", files, config }            lint every file once, from text (parse included)
 *   { kind: "rules", files, configs, rounds, warmup = 1, gcEachPass = false }
 *                                              parse once, then time every config on fresh
 *                                              SourceCode objects over the same ASTs, interleaved
 *                                              (traversal + code path analysis + rules, no parse)
 *
 * A config is { rules: "none" | "strict" | "strict-forced" | "strict-hollow" | "floor-plus" | "no-unused-vars", typed?: { root } }.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Linter, SourceCode } from "eslint";
import tsParser from "@typescript-eslint/parser";

const require = createRequire(import.meta.url);
const plugin = require("eslint-plugin-com-async");
/** The yardstick of target (b): a reproduction of com-async's findings on the generated corpus, fitted to it (BENCHMARKS.md). */
const floorPlus = require("./floor-plus-plugin.cjs");
/** The engine's work counters (its public surface for tools); optional, the engine's API may move. */
let analysesOf = () => [];
try {
  analysesOf = require("eslint-plugin-com-async/engine").analysesOf;
} catch {
  // counters unavailable: reported as such
}

const FILES = ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.js", "**/*.mjs", "**/*.cjs"];

/**
 * The rules of a config. "strict-forced" is configs.strict with an acquire
 * function named `function` (a keyword, so it never matches a call): the word
 * occurs in nearly every file, so the plugin's fast path ("no protocol name in
 * the file, analyse nothing") is defeated and the engine runs on every function.
 */
function rulesOf(name) {
  switch (name) {
    case "none":
      return {};
    case "strict":
      return plugin.configs.strict.rules;
    case "strict-forced":
      return Object.fromEntries(Object.keys(plugin.configs.strict.rules).map((id) => [id, ["error", { acquireFunctions: [{ name: "function" }] }]]));
    case "floor-plus":
      return { "floor/floor": "error" };
    case "strict-hollow":
      return Object.fromEntries(Object.keys(plugin.configs.strict.rules).map((id) => [id.replace("com-async/", "hollow/"), "error"]));
    case "no-unused-vars":
      return { "no-unused-vars": "error" };
    default:
      throw new Error(`unknown rules set ${name}`);
  }
}

/**
 * The strict rules with their listeners' bodies emptied: what ESLint spends
 * dispatching the plugin's selectors and code path events, without the work.
 */
const hollow = {
  rules: Object.fromEntries(
    Object.entries(plugin.rules).map(([name, rule]) => [
      name,
      {
        meta: rule.meta,
        create(context) {
          return Object.fromEntries(Object.keys(rule.create(context)).map((key) => [key, () => {}]));
        },
      },
    ]),
  ),
};

export function flatConfig(config, file) {
  const ext = path.extname(file);
  const sourceType = config.sourceType ?? ([".ts", ".mts", ".mjs"].includes(ext) ? "module" : "script");
  const parserOptions = config.typed ? { projectService: true, tsconfigRootDir: config.typed.root } : {};
  return [
    // Linting node_modules is the point of the library-free run: lift the default ignore.
    { ignores: ["!**/node_modules/"] },
    {
      files: FILES,
      languageOptions: { parser: tsParser, sourceType, ecmaVersion: "latest", parserOptions },
      // Both sides of every comparison ignore inline directives: node_modules code names rules we do not load.
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
      plugins: { "com-async": plugin, hollow, floor: floorPlus },
      rules: rulesOf(config.rules),
    },
  ];
}

function summarize(messages, into) {
  for (const m of messages) {
    const key = m.fatal ? "(parse error)" : m.ruleId ?? "(other)";
    into[key] = (into[key] ?? 0) + 1;
  }
}

function e2e({ files, config }) {
  const linter = new Linter({ cwd: "/" });
  const texts = files.map((f) => fs.readFileSync(f, "utf8"));
  const configs = files.map((f) => flatConfig(config, f));
  const byRule = {};
  globalThis.gc?.();
  const start = performance.now();
  for (let i = 0; i < files.length; i++) summarize(linter.verify(texts[i], configs[i], files[i]), byRule);
  const ms = performance.now() - start;
  return { ms, maxRssMB: process.resourceUsage().maxRSS / 1024, heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20, byRule };
}

/** Adds one file's engine counters (analysed or skipped by the fast path) to `into`. */
function countEngine(sourceCode, into) {
  into.files++;
  for (const analysis of analysesOf(sourceCode)) {
    if (analysis.skipped) continue;
    into.analysed++;
    for (const key of ["functions", "segments", "transfers"]) into[key] += analysis.stats?.[key] ?? 0;
  }
}

function rules({ files, configs, rounds, warmup = 1, gcEachPass = false }) {
  const linter = new Linter({ cwd: "/" });
  const parsed = files.map((file) => {
    const text = fs.readFileSync(file, "utf8");
    const messages = linter.verify(text, flatConfig({ ...configs[0], rules: "none" }, file), file);
    if (messages.some((m) => m.fatal)) throw new Error(`${file}: ${messages.find((m) => m.fatal).message}`);
    const sc = linter.getSourceCode();
    return { file, text: sc.text, ast: sc.ast, parserServices: sc.parserServices, scopeManager: sc.scopeManager, visitorKeys: sc.visitorKeys };
  });
  const flat = configs.map((c) => parsed.map((p) => flatConfig(c, p.file)));
  const byRule = configs.map(() => null);
  const engine = configs.map(() => null);
  const pass = (k) => {
    const first = !byRule[k];
    const counts = {};
    const work = { files: 0, analysed: 0, functions: 0, segments: 0, transfers: 0 };
    let ms = 0;
    for (let i = 0; i < parsed.length; i++) {
      const { file, ...parts } = parsed[i];
      const sourceCode = new SourceCode(parts);
      const start = performance.now();
      const messages = linter.verify(sourceCode, flat[k][i], file);
      ms += performance.now() - start;
      summarize(messages, counts);
      if (first) countEngine(sourceCode, work);
    }
    if (first) {
      byRule[k] = counts;
      engine[k] = work;
    }
    return ms;
  };
  for (let round = 0; round < warmup; round++) configs.forEach((_, k) => pass(k));
  // One collection before the measured rounds, none between passes: a collection when no object of a lint
  // is alive drops optimised code that embeds such objects, and every pass after one would pay for
  // compiling it again (BENCHMARKS.md, session of 2026-12-05, fourth); the rotating order spreads the
  // natural collections over the configurations.
  globalThis.gc?.();
  // One round not counted after it, while V8 compiles again what the collection dropped.
  configs.forEach((_, k) => pass(k));
  const times = configs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so that no config always runs first (or right after a GC-heavy one).
    for (let j = 0; j < configs.length; j++) {
      const k = (j + round) % configs.length;
      // `gcEachPass` (a long pass over a large corpus, target (a)): a collection of the previous pass's garbage,
      // gigabytes there, takes seconds wherever it falls, more than the cost measured; outside the timing, it
      // falls in no pass. What it makes V8 compile again is little beside a pass of several seconds.
      if (gcEachPass) globalThis.gc?.();
      times[k].push(pass(k));
    }
  }
  return { times, byRule, engine, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const job = JSON.parse(process.argv[2]);
  const result = job.kind === "e2e" ? e2e(job) : rules(job);
  process.stdout.write(JSON.stringify(result) + "\n");
}
