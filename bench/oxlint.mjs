/**
 * Section (f) of the benchmark: the same corpora under oxlint, the plugin as a
 * JS plugin. Used by bench/run.mjs (`--only f`).
 *
 * Every measurement is one fresh process, timed from spawn to exit (so module
 * loading and reading the files count for both hosts), configurations
 * alternating run by run; ratios are medians of the ratios of adjacent runs.
 *  - oxlint, no rules: the native parse and nothing else (no JS plugin, so no
 *    AST is sent to JavaScript).
 *  - oxlint + a no-op JS plugin: com-async's rules with empty listener bodies
 *    (the same node types and code path events): what the host spends on a JS
 *    plugin (AST transfer to JS, JS-side traversal, scopes, code path analysis).
 *  - oxlint + com-async (configs.strict's rules).
 *  - ESLint + com-async: bench/child.mjs's end-to-end job (Linter, typescript-eslint's parser).
 * oxlint's JS side runs in a Node process (bin/oxlint imports the native addon and
 * runs JS plugins on its main thread), so `node --cpu-prof` profiles the plugin
 * under oxlint as it does under ESLint; native threads are not sampled.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { summarizeProfile } from "./profile.mjs";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OXLINT_CHILD = path.join(ROOT, "bench", "oxlint-child.mjs");
const OXLINT_DIST = path.join(path.dirname(require.resolve("oxlint/package.json")), "dist") + path.sep;
const PLUGIN_DIST = path.join(ROOT, "eslint-plugin", "dist") + path.sep;
const plugin = require("eslint-plugin-com-async");

export const oxlintVersion = () => require("oxlint/package.json").version;

const HOLLOW_PLUGIN = `// com-async's rules with empty listener bodies: the host's cost of a JS plugin.
const plugin = require(${JSON.stringify(require.resolve("eslint-plugin-com-async"))});
module.exports = {
  meta: { name: "eslint-plugin-hollow" },
  rules: Object.fromEntries(Object.entries(plugin.rules).map(([name, rule]) => [name, {
    meta: rule.meta,
    create(context) {
      return Object.fromEntries(Object.keys(rule.create(context)).map((key) => [key, () => {}]));
    },
  }])),
};
`;

/** Writes the three oxlint configurations into `dir`; returns their paths by name. */
export function writeOxlintConfigs(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const hollow = path.join(dir, "hollow-plugin.cjs");
  fs.writeFileSync(hollow, HOLLOW_PLUGIN);
  const strict = Object.keys(plugin.configs.strict.rules);
  // No oxlint rules of its own, and nothing ignored (corpus (a) lives in node_modules).
  const base = { plugins: [], categories: { correctness: "off" }, ignorePatterns: [] };
  const configs = {
    none: base,
    hollow: { ...base, jsPlugins: [{ name: "hollow", specifier: hollow }], rules: Object.fromEntries(strict.map((id) => [id.replace("com-async/", "hollow/"), "error"])) },
    strict: { ...base, jsPlugins: [require.resolve("eslint-plugin-com-async")], rules: plugin.configs.strict.rules },
  };
  return Object.fromEntries(
    Object.entries(configs).map(([name, config]) => {
      const file = path.join(dir, `${name}.oxlintrc.json`);
      fs.writeFileSync(file, JSON.stringify(config, null, 2));
      return [name, file];
    }),
  );
}

/** One oxlint process over `files`: wall time, peak RSS, diagnostics count. */
export function runOxlint(configFile, files, extraNodeFlags = []) {
  const result = path.join(path.dirname(configFile), "result.json");
  const start = performance.now();
  const run = spawnSync(process.execPath, [...extraNodeFlags, OXLINT_CHILD, "-c", configFile, "--no-ignore", "--disable-nested-config", "-f", "json", ...files], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 << 20,
    env: { ...process.env, BENCH_OXLINT_RESULT: result },
  });
  const ms = performance.now() - start;
  if (run.status !== 0 && run.status !== 1) throw new Error(`oxlint failed (${run.status}):\n${run.stderr}`);
  const report = JSON.parse(run.stdout);
  if (report.number_of_files !== files.length) throw new Error(`oxlint linted ${report.number_of_files} of ${files.length} files`);
  const engineErrors = report.diagnostics.filter((d) => d.message.startsWith("com-async could not analyse"));
  if (engineErrors.length) throw new Error(`the plugin failed under oxlint: ${engineErrors[0].filename}: ${engineErrors[0].message}`);
  return { ms, maxRssMB: JSON.parse(fs.readFileSync(result, "utf8")).maxRssMB, reports: report.diagnostics.length, threads: report.threads_count };
}

/** Names of the bundled modules of oxlint's lint.js (`//#region <path>` markers), by first line. */
function oxlintRegions() {
  const regions = [];
  fs.readFileSync(path.join(OXLINT_DIST, "lint.js"), "utf8")
    .split("\n")
    .forEach((line, i) => {
      const m = /^\/\/#region (.+)$/.exec(line);
      if (m) regions.push({ line: i, name: m[1].replace(/^(\.\.\/)+node_modules\/\.pnpm\/[^/]+\/node_modules\//, "") });
    });
  return regions;
}

/** What a part of oxlint's JavaScript does, for the profile table. */
function hostPart(region) {
  if (region.includes("deserialize")) return "AST deserialisation (raw transfer from Rust)";
  if (region.includes("eslint/lib/")) return "code path analysis (ESLint's, bundled)";
  if (region.includes("eslint-visitor-keys")) return "scope analysis (bundled scope manager) and visitor keys";
  if (region.includes("visitor.ts") || region.includes("cfg.ts")) return "traversal and event dispatch";
  if (/location|source_code|tokens|comments/.test(region)) return "SourceCode API (locations, tokens, comments)";
  return `other oxlint JS (${region})`;
}

/**
 * Shares of the main thread's samples: under a com-async frame, in oxlint's JS
 * (by bundled module), in the native addon, GC and idle (waiting for the
 * native threads).
 */
export function profileShares(profileFile) {
  const profile = JSON.parse(fs.readFileSync(profileFile, "utf8"));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const file = (node) => (node.callFrame.url.startsWith("file://") ? fileURLToPath(node.callFrame.url) : node.callFrame.url);
  const regions = oxlintRegions();
  const shares = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    let underPlugin = false;
    for (let id = profile.samples[i]; id !== undefined && !underPlugin; id = parent.get(id)) underPlugin = file(byId.get(id)).startsWith(PLUGIN_DIST);
    const leaf = byId.get(profile.samples[i]);
    const name = leaf.callFrame.functionName;
    const where = file(leaf);
    let part;
    // Host work the plugin triggers (oxlint builds scopes lazily, on the first getScope) is the host's.
    if (where === path.join(OXLINT_DIST, "lint.js")) part = hostPart(regions.filter((r) => r.line <= leaf.callFrame.lineNumber).pop()?.name ?? "") + (underPlugin ? ", called by com-async" : "");
    else if (underPlugin) part = name === "(garbage collector)" ? "garbage collector, under com-async" : "com-async's own code (and Node/V8 functions it calls)";
    else if (name === "(garbage collector)") part = "garbage collector";
    else if (name === "(idle)" || name === "(program)") part = "idle or native (waiting for oxlint's threads, V8 internals)";
    else if (where.startsWith(OXLINT_DIST)) part = `oxlint's CLI and addon calls (${path.basename(where)})`;
    else part = "other (Node, module loading)";
    shares.set(part, (shares.get(part) ?? 0) + ms);
  }
  return { total, shares: [...shares.entries()].sort((a, b) => b[1] - a[1]) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const int = (x) => Math.round(x).toLocaleString("en-US");

/**
 * Section (f): per corpus, `runs` rounds of the four configurations (rotating
 * order), then a CPU profile of com-async under oxlint on the COM-heavy corpus.
 * `eslintChild` is run.mjs's child(), which runs bench/child.mjs.
 */
export function oxlintSection({ runs, tmp, corpora, eslintChild, log, profile }) {
  const configs = writeOxlintConfigs(path.join(tmp, "oxlint"));
  const LABELS = {
    none: "oxlint, no rules (native parse only)",
    hollow: "oxlint + no-op JS plugin (com-async's listeners, empty bodies)",
    strict: "oxlint + com-async (configs.strict's rules)",
    eslint: "ESLint + com-async (configs.strict, typescript-eslint parser)",
  };
  const keys = Object.keys(LABELS);
  const tables = [];
  let threads = "?";
  for (const [label, files] of corpora) {
    const series = Object.fromEntries(keys.map((k) => [k, { ms: [], rss: [], reports: null }]));
    for (let run = 0; run < runs; run++) {
      for (let j = 0; j < keys.length; j++) {
        const key = keys[(j + run) % keys.length];
        log(`(f) ${label}: run ${run + 1}/${runs}, ${LABELS[key]}`);
        let r;
        if (key === "eslint") {
          const start = performance.now();
          const e = eslintChild({ kind: "e2e", files, config: { rules: "strict" } });
          r = { ms: performance.now() - start, maxRssMB: e.maxRssMB, reports: Object.entries(e.byRule).filter(([id]) => id.startsWith("com-async/")).reduce((n, [, v]) => n + v, 0) };
        } else {
          r = runOxlint(configs[key], files);
          threads = r.threads;
        }
        series[key].ms.push(r.ms);
        series[key].rss.push(r.maxRssMB);
        series[key].reports ??= r.reports;
      }
    }
    const paired = (k, base, op) => median(series[k].ms.map((t, i) => op(t, series[base].ms[i])));
    const ratio = (k) => paired(k, "none", (a, b) => a / b);
    const hostCost = paired("hollow", "none", (a, b) => a - b);
    const pluginCost = paired("strict", "hollow", (a, b) => a - b);
    tables.push(`#### ${label}: ${files.length} files

| configuration | wall time, median of ${runs} (ms) | paired ratio to oxlint without rules | peak RSS, median (MB) | reports |
|---|---:|---:|---:|---:|
${keys.map((k) => `| ${LABELS[k]} | ${int(median(series[k].ms))} | ${ratio(k).toFixed(2)}× | ${int(median(series[k].rss))} | ${k === "strict" || k === "eslint" ? series[k].reports : ""} |`).join("\n")}

ESLint + com-async takes **${paired("eslint", "strict", (a, b) => a / b).toFixed(1)}×** the time of oxlint + com-async (paired). Of oxlint + com-async's time over oxlint without rules, the host's JS-plugin machinery (the no-op plugin) is ${int(hostCost)} ms and com-async's own work ${int(pluginCost)} ms (paired medians).`);
  }
  const sections = [
    `### (f) oxlint as host (oxlint ${oxlintVersion()}, ${threads} threads)`,
    "",
    "Corpora (a) and (b), each configuration in a fresh process timed from spawn to exit (module loading and file reading included for both hosts), configurations rotating run by run; ratios pair runs of the same round. Peak RSS is the process's, oxlint's native threads included. Details in `bench/oxlint.mjs`.",
    "",
    ...tables.flatMap((t) => [t, ""]),
  ];
  if (profile) {
    const heavy = corpora[corpora.length - 1];
    const prof = (key) => {
      const dir = fs.mkdtempSync(path.join(tmp, `prof-${key}-`));
      log(`(f) profiling ${LABELS[key]} on ${heavy[0]} (node --cpu-prof)`);
      runOxlint(configs[key], heavy[1], ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
      const kept = path.join(path.dirname(tmp), `com-async-oxlint-${key}.cpuprofile`);
      fs.copyFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))), kept);
      return kept;
    };
    const withPlugin = prof("strict");
    const { total, shares } = profileShares(withPlugin);
    const hollow = profileShares(prof("hollow"));
    const hollowShare = new Map(hollow.shares);
    sections.push(
      `#### Where the main thread's time goes under oxlint, ${heavy[0]} (\`${withPlugin}\`)`,
      "",
      `oxlint's JS side (the CLI, the plugin host, the plugin) runs on the Node main thread, which \`node --cpu-prof\` samples; oxlint's native threads (parse, semantic analysis) are not sampled, and the main thread's waits for them show as idle. ${int(total)} ms sampled with com-async, ${int(hollow.total)} ms with the no-op plugin.`,
      "",
      "| part of the main thread's time | com-async (ms) | share | no-op plugin (ms) |",
      "|---|---:|---:|---:|",
      ...shares.map(([part, ms]) => `| ${part} | ${int(ms)} | ${((100 * ms) / total).toFixed(1)}% | ${int(hollowShare.get(part) ?? 0)} |`),
      "",
      "The plugin's functions under oxlint (bench/profile.mjs, against the no-op plugin's profile):",
      "",
      summarizeProfile(withPlugin, { top: 10, base: path.join(path.dirname(tmp), "com-async-oxlint-hollow.cpuprofile") }),
      "",
    );
  }
  return sections.join("\n").trimEnd();
}
