/**
 * Target (b) measured so that a 10% difference can be trusted on a loaded machine:
 * com-async's rules-only cost over no-unused-vars', on the library-heavy corpus, for
 * one or more builds of the plugin side by side (issue 10 item 5).
 *
 *   node bench/cost.mjs [--mode callgrind|wall] [--builds name=dir,...] [--files 4]
 *                       [--warmup 3] [--passes 4] [--repeat 2] [--rounds 15] [--seed 1] [--only config,...]
 *                       [--node-flags "--single-threaded"] [--core rule+rule,rule]
 *                       [--gc natural|forced] [--settle 2] [--corpus dir]
 *
 * A build is a directory holding a built `eslint-plugin` (its `dist/index.js`), or a plugin
 * module (`bench/floor-plugin.cjs`, the least a path-sensitive check does); the default is
 * this worktree's. `scratch/` is git-ignored: `cp -r eslint-plugin
 * scratch/builds/base` keeps a baseline to compare against.
 *
 * callgrind (default): one process per configuration and repetition, under
 * `valgrind --tool=callgrind`, counting instructions only inside the measured passes
 * (each a `vm.Script#runInThisContext`, the toggle below). The corpus is parsed once and
 * linted `--warmup` times first, so that V8 has compiled the hot code before counting;
 * then one forced GC and `--settle` passes not counted, then `--passes` counted passes,
 * so that a major GC falling inside one pass is averaged over several (and shows up as
 * spread between repetitions, which is reported). Not a forced GC before every counted
 * pass (`--gc forced`, the earlier method): a collection when no object of a lint is alive
 * makes V8 drop optimised code that embeds such objects ("weak objects" deoptimisations),
 * and the counted passes then mostly measured TurboFan compiling it again, which a real
 * run, collecting in the middle of files, does not do. The counts are also split into
 * compiling, GC and the rest (with callgrind_annotate). node runs with `--single-threaded`
 * (`--node-flags` to change): with V8's background compiler and GC threads, what the
 * main thread executes depends on when optimised code arrives, and two processes of one
 * build differed by up to 2x; single-threaded, they agree within about 2%, whatever the
 * machine's load.
 *
 * wall: one process; every round lints each file with every configuration in turn
 * (rotating order), after one forced GC per round (every configuration of a round pays
 * alike for what that collection makes V8 compile again); a configuration's cost in a round
 * is its time minus the same round's no-rules time, and the reported ratio is the
 * median over rounds of the paired ratio. Useful on a quiet machine only.
 *
 * Both modes also check that every build gives the same messages on the corpus.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ROOT, comFilesUnder, generateLibraryHeavy, writeCorpus } from "./generate.mjs";
import { optionValue } from "./cli-options.mjs";

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const TOGGLE = "node::contextify::ContextifyScript::EvalMachine*";

// ---- the measured process -----------------------------------------------------------

/** Loads ESLint once and the plugin of each build; returns a flat config per (config, file). */
function setup(job) {
  const { Linter, SourceCode } = require("eslint");
  const tsParser = require("@typescript-eslint/parser");
  // A build is a plugin's directory (its built `dist/index.js`) or a plugin module itself (bench/floor-plugin.cjs).
  const entry = (dir) => (/\.c?js$/.test(dir) ? dir : path.join(dir, "dist/index.js"));
  const plugins = Object.fromEntries(job.builds.map((b) => [b.name, require(entry(b.dir))]));
  const rulesOf = (config) => {
    if (config === "none") return {};
    if (config === "no-unused-vars") return { "no-unused-vars": "error" };
    // `--core`: ESLint's own rules, for scale (its code path rules: consistent-return, no-unreachable, ...).
    if (config.startsWith("core:")) return Object.fromEntries(config.slice(5).split("+").map((rule) => [rule, "error"]));
    return plugins[config].configs.strict.rules;
  };
  const flat = (config) => [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tsParser, sourceType: "module", ecmaVersion: "latest" },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
      plugins: config in plugins ? { "com-async": plugins[config] } : {},
      rules: rulesOf(config),
    },
  ];
  const linter = new Linter({ cwd: "/" });
  const parsed = job.files.map((file) => {
    const text = fs.readFileSync(file, "utf8");
    const messages = linter.verify(text, flat("none"), file);
    if (messages.some((m) => m.fatal)) throw new Error(`${file}: ${messages[0].message}`);
    const sc = linter.getSourceCode();
    return { file, parts: { text: sc.text, ast: sc.ast, parserServices: sc.parserServices, scopeManager: sc.scopeManager, visitorKeys: sc.visitorKeys } };
  });
  const configs = Object.fromEntries(job.configs.map((c) => [c, flat(c)]));
  /** Lints file `i` with `config` on a fresh SourceCode over the parsed AST. */
  const lint = (config, i) => linter.verify(new SourceCode(parsed[i].parts), configs[config], parsed[i].file);
  return { lint, count: parsed.length };
}

/** Every message, as text, for comparing builds. */
const messageText = (m) => `${m.ruleId}|${m.line}:${m.column}-${m.endLine}:${m.endColumn}|${m.message}|${JSON.stringify(m.suggestions?.map((s) => [s.desc, s.fix]) ?? [])}`;

function callgrindChild(job) {
  const { lint, count } = setup(job);
  const [config] = job.configs;
  let messages = [];
  const pass = () => {
    messages = [];
    for (let i = 0; i < count; i++) for (const m of lint(config, i)) messages.push(`${i}|${messageText(m)}`);
  };
  for (let w = 0; w < job.warmup; w++) pass();
  globalThis.__measuredPass = pass;
  const measured = new vm.Script("globalThis.__measuredPass()");
  if (job.gc === "forced") {
    for (let p = 0; p < job.passes; p++) {
      globalThis.gc();
      measured.runInThisContext();
    }
  } else {
    // One full collection, then passes that are not counted while V8 re-optimises what it dropped: a
    // collection between passes, when no object of a lint is alive, takes optimised code that embeds such
    // objects with them ("weak objects" deoptimisations, then recompiling, in ESLint's code as in the
    // plugins'), which a real run, collecting in the middle of files, does not see.
    globalThis.gc();
    for (let s = 0; s < job.settle; s++) pass();
    for (let p = 0; p < job.passes; p++) measured.runInThisContext();
  }
  return { messages };
}

function wallChild(job) {
  const { lint, count } = setup(job);
  const times = Object.fromEntries(job.configs.map((c) => [c, []]));
  const messages = Object.fromEntries(job.configs.map((c) => [c, []]));
  for (let round = -job.warmup; round < job.rounds; round++) {
    globalThis.gc();
    const spent = Object.fromEntries(job.configs.map((c) => [c, 0]));
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < job.configs.length; j++) {
        const config = job.configs[(i + j + Math.max(round, 0)) % job.configs.length];
        const start = performance.now();
        const out = lint(config, i);
        spent[config] += performance.now() - start;
        if (round === -job.warmup) for (const m of out) messages[config].push(`${i}|${messageText(m)}`);
      }
    }
    if (round >= 0) for (const c of job.configs) times[c].push(spent[c]);
  }
  return { times, messages };
}

// ---- the driver ------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtM = (x) => `${(x / 1e6).toFixed(1)} M`;
const log = (...args) => console.error(`[cost ${new Date().toISOString().slice(11, 19)}]`, ...args);

function oneOf(name, given, allowed) {
  if (!allowed.includes(given)) throw new Error(`${name} ${given}: expected one of ${allowed.join(", ")}`);
  return given;
}

function options() {
  const argv = process.argv.slice(2);
  const value = (name, fallback) => optionValue(argv, name, fallback);
  const builds = value("--builds", `this=${path.join(ROOT, "eslint-plugin")}`)
    .split(",")
    .map((spec) => {
      const [name, dir] = spec.includes("=") ? spec.split("=") : [path.basename(spec), spec];
      return { name, dir: path.resolve(dir) };
    });
  return {
    mode: value("--mode", "callgrind"),
    builds,
    files: Number(value("--files", 4)),
    warmup: Number(value("--warmup", 3)),
    passes: Number(value("--passes", 4)),
    /** `natural` (default): one forced GC before the measured passes, `--settle` passes after it not counted; `forced`: a GC before every measured pass. */
    gc: oneOf("--gc", value("--gc", "natural"), ["natural", "forced"]),
    settle: Number(value("--settle", 2)),
    repeat: Number(value("--repeat", 2)),
    rounds: Number(value("--rounds", 15)),
    seed: Number(value("--seed", 1)),
    /** Real code instead of the generated corpus: a directory (a checkout of docs/ffi-corpus.md), `--files` of its files. */
    corpus: value("--corpus", null),
    /** Count only these configurations (the others' counts come from an earlier run). */
    only: value("--only", null)?.split(",") ?? null,
    /** ESLint core rules counted as configurations too (`a+b` is one configuration of two rules). */
    core: value("--core", null)?.split(",") ?? [],
    /** `--single-threaded` by default: V8 compiles and collects on the main thread, so what it does is counted, not left to thread timing. */
    nodeFlags: value("--node-flags", "--single-threaded").split(" ").filter(Boolean),
  };
}

/**
 * `count` TypeScript files of a real code base that name a Release (its COM client code), evenly spaced
 * in path order so that no one package or example dominates; the same files for every run.
 */
function realFiles(dir, count) {
  const all = comFilesUnder(dir);
  if (all.length === 0) throw new Error(`--corpus ${dir}: no TypeScript file names a Release`);
  const step = Math.max(1, all.length / count);
  return Array.from({ length: Math.min(count, all.length) }, (_, i) => all[Math.floor(i * step)]);
}

function run(job, wrapper = [], nodeFlags = []) {
  const node = [process.execPath, "--expose-gc", "--max-old-space-size=8192", ...nodeFlags, SELF, "--child", JSON.stringify(job)];
  const cmd = [...wrapper, ...node];
  const result = spawnSync(cmd[0], cmd.slice(1), { encoding: "utf8", maxBuffer: 256 << 20, cwd: ROOT });
  if (result.status !== 0) throw new Error(`child failed (${result.status}):\n${result.stderr.slice(-4000)}`);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}

/**
 * Where a callgrind count went (callgrind_annotate's inclusive counts of V8's entry points): TurboFan
 * compiling hot functions (on the main thread under `--single-threaded`, so inside the measured passes
 * while V8 is still warming up), garbage collection, and the rest (running the code: interpreted,
 * baseline and optimised). Null when callgrind_annotate is not there.
 */
function splitOf(file) {
  const result = spawnSync("callgrind_annotate", ["--inclusive=yes", "--threshold=100", file], { encoding: "utf8", maxBuffer: 256 << 20 });
  if (result.status !== 0) return null;
  const inclusive = (name) => {
    const line = result.stdout.split("\n").find((l) => l.includes(name));
    return line ? Number(line.trim().split(/\s+/)[0].replace(/,/g, "")) : 0;
  };
  const total = instructions(file);
  const compile = inclusive("v8::internal::Compiler::CompileOptimized(") + inclusive("v8::internal::Runtime_CompileOptimizedOSR(") + inclusive("v8::internal::Compiler::FinalizeTurbofanCompilationJob(");
  // Marking steps taken on allocation, outside a collection, count as running code: GC is a lower bound.
  const gc = inclusive("v8::internal::Heap::CollectGarbage(");
  // A node without symbols names none of them: no split rather than one that says "all running".
  if (compile === 0 && gc === 0) return null;
  return { compile, gc, run: total - compile - gc };
}

/** Total instructions of a callgrind output file (its `totals:` or `summary:` line). */
function instructions(file) {
  const text = fs.readFileSync(file, "utf8");
  const line = text.match(/^(?:totals|summary): (\d+)/m);
  if (!line) throw new Error(`no totals in ${file}`);
  return Number(line[1]);
}

function checkSameMessages(byBuild) {
  const names = Object.keys(byBuild);
  const [first, ...rest] = names;
  for (const name of rest) {
    const a = byBuild[first];
    const b = byBuild[name];
    const same = a.length === b.length && a.every((m, i) => m === b[i]);
    console.log(same ? `messages: ${name} = ${first} (${a.length} messages)` : `**messages differ**: ${first} ${a.length}, ${name} ${b.length}; first difference: ${a.find((m, i) => m !== b[i]) ?? "(none)"} / ${b.find((m, i) => m !== a[i]) ?? "(none)"}`);
  }
}

function main() {
  const opts = options();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-cost-"));
  const files = opts.corpus ? realFiles(opts.corpus, opts.files) : writeCorpus(dir, generateLibraryHeavy({ files: opts.files, functions: 100, seed: opts.seed }));
  const configs = ["none", "no-unused-vars", ...opts.core.map((rules) => `core:${rules}`), ...opts.builds.map((b) => b.name)];
  const job = { mode: opts.mode, builds: opts.builds, files, warmup: opts.warmup, passes: opts.passes, rounds: opts.rounds, gc: opts.gc, settle: opts.settle };
  const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  const source = opts.corpus ? `${opts.corpus} (TypeScript files naming a Release, evenly spaced in path order)` : `bench/generate.mjs (seed ${opts.seed})`;
  console.log(`corpus: ${files.length} files (${(bytes / 1024).toFixed(0)} KB) of ${source}; mode ${opts.mode}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  if (opts.mode === "wall") return wallMain(job, configs, opts);

  const counts = Object.fromEntries(configs.map((c) => [c, []]));
  const splits = Object.fromEntries(configs.map((c) => [c, []]));
  const messages = {};
  for (let r = 0; r < opts.repeat; r++) {
    // Rotated per repetition, so that no configuration always runs at the same moment of a load swing.
    for (let j = 0; j < configs.length; j++) {
      const config = configs[(j + r) % configs.length];
      if (opts.only && !opts.only.includes(config)) continue;
      const out = path.join(dir, `callgrind.${config}.${r}.out`);
      log(`repetition ${r + 1}/${opts.repeat}: ${config}`);
      const valgrind = ["valgrind", "--tool=callgrind", "--collect-atstart=no", `--toggle-collect=${TOGGLE}`, `--callgrind-out-file=${out}`];
      const result = run({ ...job, configs: [config] }, valgrind, opts.nodeFlags);
      counts[config].push(instructions(out) / opts.passes);
      const split = splitOf(out);
      if (split) splits[config].push(split);
      // A plugin module (the yardstick) has rules of its own names: only the engine's builds are compared.
      if (opts.builds.some((b) => b.name === config && !/\.c?js$/.test(b.dir))) messages[config] = result.messages;
    }
  }
  if (opts.only) return console.log(JSON.stringify(counts));
  const base = (c) => median(counts[c]);
  const nuvCost = base("no-unused-vars") - base("none");
  const gcText = opts.gc === "forced" ? "a forced GC before each measured pass" : `one forced GC and ${opts.settle} uncounted passes before them`;
  console.log(`\ninstructions per measured pass (main thread), median of ${opts.repeat} processes × ${opts.passes} passes, ${opts.warmup} warm-up passes each, ${gcText}\n`);
  // no-unused-vars' own cost is small, so the ratio moves with its count (by a fifth between runs seen here): with
  // several repetitions, each repetition's ratio (its counts only) shows how far one run can be trusted.
  const perRepetition = (c) => counts[c].map((n, r) => (n - counts.none[r]) / (counts["no-unused-vars"][r] - counts.none[r]));
  const range = (c) => {
    const ratios = perRepetition(c).filter(Number.isFinite);
    return ratios.length > 1 ? ` (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})` : "";
  };
  console.log("| configuration | instructions per pass | each repetition | cost over no rules | / no-unused-vars (range over repetitions) |");
  console.log("|---|---:|---|---:|---:|");
  for (const c of configs) {
    const cost = base(c) - base("none");
    const ratio = c === "none" ? "" : `${(cost / nuvCost).toFixed(2)}${c === "no-unused-vars" ? "" : range(c)}`;
    console.log(`| ${c} | ${fmtM(base(c))} | ${counts[c].map(fmtM).join(", ")} | ${c === "none" ? "" : fmtM(cost)} | ${ratio} |`);
  }
  if (configs.every((c) => splits[c].length === counts[c].length && counts[c].length > 0)) printSplit(configs, splits, opts.passes);
  checkSameMessages(messages);
}

/**
 * The same counts by what the instructions did, each part's cost over no rules and over no-unused-vars'
 * part. Compiling does not settle with a longer warm-up: V8 optimises late the functions that get hot late
 * (a large plugin's rarer paths, ESLint's report path), and optimises again the code the forced collection
 * dropped (ESLint's code path analysis and traversal; the engine keeps its solver's objects alive so that
 * its own code survives, solver.ts), so it stays part of what a plugin costs per pass; the rest is what
 * running the rules costs.
 */
function printSplit(configs, splits, passes) {
  const part = (c, k) => median(splits[c].map((s) => s[k])) / passes;
  const over = (c, k) => part(c, k) - part("none", k);
  console.log("\nthe same instructions by what they did, per pass (TurboFan compiling / garbage collection / the rest: running code), cost over no rules and / no-unused-vars' part\n");
  console.log("| configuration | compile | GC | run | compile over none (/ nuv) | GC over none | run over none (/ nuv) |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const c of configs) {
    // No ratio against a part no-unused-vars does not add to (compiling can be about nothing once warm).
    const ratio = (k) => (c === "no-unused-vars" || c === "none" || over("no-unused-vars", k) <= 0 ? "" : ` (${(over(c, k) / over("no-unused-vars", k)).toFixed(2)})`);
    const cells = c === "none" ? ["", "", ""] : [`${fmtM(over(c, "compile"))}${ratio("compile")}`, fmtM(over(c, "gc")), `${fmtM(over(c, "run"))}${ratio("run")}`];
    console.log(`| ${c} | ${fmtM(part(c, "compile"))} | ${fmtM(part(c, "gc"))} | ${fmtM(part(c, "run"))} | ${cells.join(" | ")} |`);
  }
}

function wallMain(job, configs, opts) {
  const result = run({ ...job, configs }, [], opts.nodeFlags.filter((f) => f !== "--single-threaded"));
  const { times } = result;
  const rounds = times.none.length;
  console.log(`\nrules only, ${rounds} rounds (after ${job.warmup} warm-up), each file linted by every configuration in turn\n`);
  console.log("| configuration | median ms per round | cost over no rules, median ms | paired / no-unused-vars, median | quartiles |");
  console.log("|---|---:|---:|---:|---|");
  for (const c of configs) {
    const costs = times[c].map((t, r) => t - times.none[r]);
    const ratios = costs.map((x, r) => x / (times["no-unused-vars"][r] - times.none[r])).sort((a, b) => a - b);
    const q = (f) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))].toFixed(2);
    const show = c !== "none";
    console.log(`| ${c} | ${median(times[c]).toFixed(0)} | ${show ? median(costs).toFixed(0) : ""} | ${show ? median(ratios).toFixed(2) : ""} | ${show ? `${q(0.25)}-${q(0.75)}` : ""} |`);
  }
  checkSameMessages(Object.fromEntries(job.builds.filter((b) => !/\.c?js$/.test(b.dir)).map((b) => [b.name, result.messages[b.name]])));
}

if (process.argv[2] === "--child") {
  const job = JSON.parse(process.argv[3]);
  const result = job.mode === "callgrind" ? callgrindChild(job) : wallChild(job);
  process.stdout.write(JSON.stringify(result) + "\n");
} else {
  main();
}
