/**
 * Where the instructions of target (b) go, by function: the counted passes of `bench/cost.mjs` run
 * under callgrind with every instruction's address kept (`--dump-instr=yes`) and V8 writing the
 * address range of each function it compiles (`--perf-basic-prof`), so that code V8 generated at run
 * time, which callgrind sees only as addresses, is named by its JavaScript function. A CPU profile
 * samples wall time, which memory latency inflates (a cold walk over the scope manager read as 12%
 * of the plugin's time in one); this counts instructions, the unit target (b) is judged in.
 *
 *   node bench/by-function.mjs [--build dir] [--configs none,no-unused-vars,b] [--passes 3]
 *                              [--warmup 8] [--settle 2] [--top 25] [--files 4] [--seed 1]
 *
 * Each configuration runs in its own process (about 5 minutes each under callgrind). Printed: each
 * configuration's instructions per pass by kind (the plugin's compiled JavaScript, ESLint's and other
 * JavaScript, V8's builtins by family, garbage collection, compiling, the rest of V8 and node), then,
 * for each configuration after the first, the kinds and the functions that cost more than in the first.
 * Self instructions only: a builtin is counted as itself, not in the function that called it (an
 * allocation that starts a scavenge would otherwise charge the whole collection to whichever function
 * allocated last). Addresses V8 reused for another function after a collection are named by the last
 * function it logged there, so a few small rows may be misnamed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, generateLibraryHeavy, writeCorpus } from "./generate.mjs";
import { optionValue } from "./cli-options.mjs";

const TOGGLE = "node::contextify::ContextifyScript::EvalMachine*";
const PLUGIN_CONFIG = "b";

function options() {
  const argv = process.argv.slice(2);
  const value = (name, fallback) => optionValue(argv, name, fallback);
  return {
    build: path.resolve(value("--build", path.join(ROOT, "eslint-plugin"))),
    configs: value("--configs", `none,no-unused-vars,${PLUGIN_CONFIG}`).split(","),
    passes: Number(value("--passes", 3)),
    warmup: Number(value("--warmup", 8)),
    settle: Number(value("--settle", 2)),
    top: Number(value("--top", 25)),
    files: Number(value("--files", 4)),
    seed: Number(value("--seed", 1)),
  };
}

/** V8's perf map: [start, size, name] rows, later rows winning where code was moved or replaced. */
function readPerfMap(file) {
  const rows = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (m) rows.push({ start: parseInt(m[1], 16), end: parseInt(m[1], 16) + parseInt(m[2], 16), name: m[3], order: rows.length });
  }
  rows.sort((a, b) => a.start - b.start || a.order - b.order);
  const starts = rows.map((r) => r.start);
  return (address) => {
    let lo = 0;
    let hi = starts.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= address) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let best = null;
    // Overlapping ranges (code replaced at the same address): the one logged last.
    for (let i = last; i >= 0 && i > last - 64; i--) if (address < rows[i].end && (!best || rows[i].order > best.order)) best = rows[i];
    return best ? best.name : null;
  };
}

/**
 * Self instructions per function of a callgrind file written with `--dump-instr=yes` (positions are
 * instruction addresses): named functions as callgrind names them, run-time code by `nameAt`.
 */
function selfByFunction(file, nameAt) {
  const names = new Map();
  const named = (v) => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(v);
    if (!m) return v;
    if (m[2] !== undefined) names.set(m[1], m[2]);
    return names.get(m[1]);
  };
  const out = new Map();
  const add = (k, n) => out.set(k, (out.get(k) ?? 0) + n);
  let fn = "";
  let address = 0;
  let callCost = false;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("fn=")) fn = named(line.slice(3));
    else if (line.startsWith("cfn=")) named(line.slice(4));
    else if (line.startsWith("calls=")) callCost = true;
    else if (/^[0-9+\-*]/.test(line)) {
      const [position, , cost = "0"] = line.split(" ");
      if (position === "*") {
        // same address
      } else if (position[0] === "+" || position[0] === "-") address += (position[0] === "-" ? -1 : 1) * Number(position.slice(1));
      else address = parseInt(position, 16);
      // The line after `calls=` is the call's inclusive cost: counted where it was spent, not here.
      if (callCost) {
        callCost = false;
        continue;
      }
      const generated = fn === "???" || fn.startsWith("0x");
      add(generated ? (nameAt(address) ?? "(generated code, unnamed)") : fn, Number(cost));
    }
  }
  return out;
}

/** What kind of work a function is, for the summary rows. */
function kindOf(name) {
  if (/eslint-plugin\/dist\/|\/builds\/[^/]+\/dist\//.test(name)) return "plugin JavaScript";
  if (/node_modules\/eslint\//.test(name)) return "ESLint JavaScript";
  if (/^(JS|Function|LazyCompile|RegExp|Eval|Script):/.test(name) || name.startsWith("(generated")) return name.startsWith("RegExp:") ? "regular expressions (compiled)" : "other JavaScript";
  // (Heap::OnMoveEvent runs because V8 logs code moves for the perf map: counted with the collection that moves.)
  if (/Scaveng|Heap::|MarkCompact|Evacuat|IteratePointers|BodyDescriptor|Sweep|Marking|Pretenur|SlotCallback|MemoryChunk|ShouldBePromoted|SizeFromMap|NewSpace|MoveRange/.test(name)) return "garbage collection";
  if (/OrderedHash/.test(name)) return "builtins: Map and Set";
  if (/ElementsAccessor|JSArray|FixedArray/.test(name)) return "builtins: arrays";
  if (/LookupIterator|LoadIC|StoreIC|Runtime_.*Property|Accessors|PropertyCallback|JSObject::/.test(name)) return "builtins: property access";
  if (/String::|StringTable|String\b/.test(name)) return "builtins: strings";
  if (/compiler::|Compile|turboshaft|maglev|Maglev|baseline|Baseline|Pipeline|Graph|Schedul|RegisterAlloc|InstructionSelect/.test(name)) return "compiling";
  if (name.startsWith("Builtins_")) {
    // (kinds, not exact families: C++ helpers of a family above are counted with it)
    if (/Map|Set|Hash/.test(name)) return "builtins: Map and Set";
    if (/IC|GetProperty|SetProperty|Load|Store|RecordWrite/.test(name)) return "builtins: property access";
    if (/Array|Elements/.test(name)) return "builtins: arrays";
    if (/RegExp/.test(name)) return "builtins: regular expressions";
    if (/String/.test(name)) return "builtins: strings";
    if (/Allocat|Clone|Create/.test(name)) return "builtins: allocation";
    return "builtins: other";
  }
  return "V8 runtime and node (C++)";
}

function measure(opts, config, files, dir) {
  const out = path.join(dir, `callgrind.${config}.out`);
  const job = { mode: "callgrind", builds: [{ name: PLUGIN_CONFIG, dir: opts.build }], files, warmup: opts.warmup, passes: opts.passes, gc: "natural", settle: opts.settle, configs: [config] };
  const valgrind = ["valgrind", "--tool=callgrind", "--dump-instr=yes", "--collect-atstart=no", `--toggle-collect=${TOGGLE}`, `--callgrind-out-file=${out}`];
  const node = [process.execPath, "--expose-gc", "--max-old-space-size=8192", "--single-threaded", "--perf-basic-prof", "--no-logfile-per-isolate", `--logfile=${path.join(dir, "v8.log")}`, path.join(ROOT, "bench/cost.mjs"), "--child", JSON.stringify(job)];
  console.error(`[by-function] ${config}: counting (about 5 minutes under callgrind)`);
  const result = spawnSync(valgrind[0], [...valgrind.slice(1), ...node], { encoding: "utf8", maxBuffer: 256 << 20, cwd: ROOT });
  if (result.status !== 0) throw new Error(`child failed (${result.status}):\n${result.stderr.slice(-3000)}`);
  const map = `/tmp/perf-${result.pid}.map`;
  const byFunction = selfByFunction(out, readPerfMap(map));
  fs.rmSync(map, { force: true });
  fs.rmSync(out, { force: true });
  // Tiers of one function (`*f` optimised, `~f` interpreted, `^f` baseline) are one row.
  const merged = new Map();
  for (const [name, n] of byFunction) {
    const key = name.replace(/^(JS|Function|LazyCompile):[*~^+]?/, "JS:").replace(`${ROOT}/`, "");
    merged.set(key, (merged.get(key) ?? 0) + n / opts.passes);
  }
  return merged;
}

const M = (n) => `${(n / 1e6).toFixed(1)} M`;
const sumBy = (rows, f) => {
  const out = new Map();
  for (const [name, n] of rows) out.set(f(name), (out.get(f(name)) ?? 0) + n);
  return out;
};

function main() {
  const opts = options();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-by-function-"));
  const files = writeCorpus(dir, generateLibraryHeavy({ files: opts.files, functions: 100, seed: opts.seed }));
  const results = opts.configs.map((c) => [c, measure(opts, c, files, dir)]);
  const kinds = results.map(([c, rows]) => [c, sumBy(rows, kindOf)]);
  const allKinds = [...new Set(kinds.flatMap(([, k]) => [...k.keys()]))].sort();
  const total = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  const [baseName, baseKinds] = kinds[0];
  console.log(`\ninstructions per counted pass by kind (${files.length} files, ${opts.warmup} warm-up, ${opts.passes} counted passes; ${PLUGIN_CONFIG}: ${opts.build})\n`);
  console.log(`| kind | ${kinds.map(([c]) => c).join(" | ")} | ${kinds.slice(1).map(([c]) => `${c} over ${baseName}`).join(" | ")} |`);
  console.log(`|---|${kinds.map(() => "---:").join("|")}|${kinds.slice(1).map(() => "---:").join("|")}|`);
  for (const kind of [...allKinds, "total"]) {
    const of = (m) => (kind === "total" ? total(m) : (m.get(kind) ?? 0));
    console.log(`| ${kind} | ${kinds.map(([, m]) => M(of(m))).join(" | ")} | ${kinds.slice(1).map(([, m]) => M(of(m) - of(baseKinds))).join(" | ")} |`);
  }
  const [, baseRows] = results[0];
  for (const [config, rows] of results.slice(1)) {
    const diff = [...new Set([...rows.keys(), ...baseRows.keys()])].map((name) => [name, (rows.get(name) ?? 0) - (baseRows.get(name) ?? 0)]).sort((a, b) => b[1] - a[1]);
    console.log(`\n${config}: the ${opts.top} functions that cost most over ${baseName} (self instructions per pass)\n`);
    for (const [name, n] of diff.slice(0, opts.top)) console.log(`${M(n).padStart(9)}  ${name.slice(0, 150)}`);
    const plugin = [...rows].filter(([name]) => kindOf(name) === "plugin JavaScript").sort((a, b) => b[1] - a[1]);
    if (plugin.length > 0) {
      console.log(`\n${config}: the plugin's own compiled JavaScript, ${M(total(new Map(plugin)))} in ${plugin.length} functions; the largest ${opts.top}:\n`);
      for (const [name, n] of plugin.slice(0, opts.top)) console.log(`${M(n).padStart(9)}  ${name.slice(0, 150)}`);
    }
  }
}

main();
