/**
 * Crash-free sweep: lints every .js/.mjs/.cjs/.ts/.mts/.cts file under
 * node_modules with every com-async rule (untyped), on both cores, and fails
 * if any rule throws or the engine reports an internal error.
 *
 *   node test/robustness/sweep.mjs [--root node_modules] [--max-seconds 570]
 *                                  [--workers 2] [--no-trigger] [--no-espree] [--limit N]
 *
 * By default a comment naming `Begin_` is put in front of every file, so the
 * plugin's fast path (no protocol name in the file: analyse nothing) never
 * skips a file and the engine runs on every function of every file;
 * --no-trigger lints the files as they are. TypeScript files are parsed by
 * typescript-eslint's parser; JavaScript files by it (falling back to espree
 * if it fails) and, unless --no-espree, by espree as well: the rules must
 * cope with both ASTs. Files over 2 MB are skipped.
 * Parse errors are counted, not failures (a file no parser accepts says
 * nothing about the rules). The last line is `N passed, N failed`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { ROOT, createLinter, describeException, engineWork, lintFile, withTriggerWord } from "./lint.mjs";
import { optionValue } from "../../bench/cli-options.mjs";

const EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]);
const MAX_BYTES = 2 * 1024 * 1024;
const BATCH = 8;

if (isMainThread) {
  await main();
} else {
  work();
}

// ---- main thread -------------------------------------------------------------

function options() {
  const argv = process.argv.slice(2);
  const value = (name, fallback) => optionValue(argv, name, fallback);
  return {
    root: path.resolve(ROOT, value("--root", "node_modules")),
    maxSeconds: Number(value("--max-seconds", 570)),
    workers: Math.max(1, Number(value("--workers", Math.min(2, os.availableParallelism?.() ?? os.cpus().length)))),
    trigger: !argv.includes("--no-trigger"),
    espree: !argv.includes("--no-espree"),
    limit: Number(value("--limit", Infinity)),
  };
}

/** Every candidate file, by real path (a symlinked workspace package is walked once). */
function findFiles(root) {
  const files = [];
  const visited = new Set();
  const walk = (dir) => {
    let real;
    try {
      real = fs.realpathSync(dir);
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = fs.readdirSync(real, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(real, entry.name);
      if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(full))) walk(full);
      else if (entry.isFile() && EXTENSIONS.has(path.extname(entry.name))) files.push(full);
    }
  };
  walk(root);
  return [...new Set(files)].sort();
}

function isDirectory(file) {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

async function main() {
  const opts = options();
  const started = Date.now();
  const all = findFiles(opts.root).slice(0, opts.limit);
  const queue = [];
  let skippedLarge = 0;
  for (const file of all) {
    if (fs.statSync(file).size > MAX_BYTES) skippedLarge++;
    else queue.push(file);
  }
  console.log(`sweep: ${all.length} files under ${path.relative(ROOT, opts.root) || opts.root}, ${skippedLarge} over 2 MB skipped, ${queue.length} to lint on ${opts.workers} worker(s), budget ${opts.maxSeconds} s${opts.trigger ? ", engine forced on every file" : ""}${opts.espree ? ", JavaScript parsed by espree too" : ""}`);

  const totals = { linted: 0, runs: 0, parseErrors: 0, exceptions: 0, engineErrors: 0, crashes: 0, workerDeaths: 0, analysedFiles: 0, analysedFunctions: 0, reports: {}, parsers: {} };
  const failures = [];
  const crashes = [];
  const reportSamples = [];
  const deadline = started + opts.maxSeconds * 1000;
  let next = 0;
  let stoppedEarly = false;
  let lastProgress = Date.now();

  // Batches go to whichever worker is free. A worker that dies (out of memory, say) fails its
  // batch and is replaced; past the budget (plus a grace period) running workers are terminated.
  const inFlight = new Map();
  await new Promise((resolve) => {
    let running = 0;
    const give = (worker) => {
      if (Date.now() > deadline) stoppedEarly = next < queue.length;
      if (next >= queue.length || Date.now() > deadline) {
        inFlight.delete(worker);
        worker.postMessage(null);
        return;
      }
      const batch = queue.slice(next, next + BATCH);
      next += BATCH;
      inFlight.set(worker, batch);
      worker.postMessage(batch);
    };
    const start = () => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { trigger: opts.trigger, espree: opts.espree }, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
      running++;
      worker.on("message", (results) => {
        for (const r of results) record(r);
        if (Date.now() - lastProgress > 30_000) {
          lastProgress = Date.now();
          console.log(`sweep: ${totals.linted}/${queue.length} files after ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
        give(worker);
      });
      worker.on("error", (error) => {
        totals.workerDeaths++;
        for (const file of inFlight.get(worker) ?? []) {
          totals.linted++;
          failures.push(`${path.relative(ROOT, file)}: the worker linting this batch died: ${String(error?.message ?? error).split("\n")[0]}`);
        }
        inFlight.delete(worker);
        if (next < queue.length && Date.now() <= deadline) start();
      });
      worker.on("exit", () => {
        if (--running === 0) resolve();
      });
      give(worker);
    };
    for (let i = 0; i < Math.min(opts.workers, queue.length || 1); i++) start();
    const grace = setTimeout(() => {
      for (const [worker, batch] of inFlight) {
        console.log(`sweep: terminating a worker still linting after the budget: ${batch.map((f) => path.relative(ROOT, f)).join(", ")}`);
        stoppedEarly = true;
        void worker.terminate();
      }
    }, deadline + 30_000 - Date.now());
    grace.unref();
  });

  function record(r) {
    totals.linted++;
    totals.runs += r.runs;
    if (r.parseError) totals.parseErrors++;
    if (r.crash) {
      totals.crashes++;
      if (crashes.length < 20) crashes.push(`${r.file}: ${r.crash}`);
    }
    if (r.exception || r.engineErrors.length > 0) {
      if (r.exception) totals.exceptions++;
      if (r.engineErrors.length > 0) totals.engineErrors++;
      failures.push(`${r.file}: ${r.exception ?? r.engineErrors.join("; ")}`);
    }
    for (const parser of r.parsers) totals.parsers[parser] = (totals.parsers[parser] ?? 0) + 1;
    if (r.engine.analysed) totals.analysedFiles++;
    totals.analysedFunctions += r.engine.functions;
    for (const [rule, n] of Object.entries(r.reports)) {
      totals.reports[rule] = (totals.reports[rule] ?? 0) + n;
      if (reportSamples.length < 10) reportSamples.push(`${rule} in ${r.file}:${r.firstReportLine[rule]}`);
    }
  }

  const seconds = (Date.now() - started) / 1000;
  for (const line of failures.slice(0, 50)) console.log(`FAILED ${line}`);
  for (const line of crashes) console.log(`(not a rule exception: ESLint or the parser throws without com-async too) ${line}`);
  const reports = Object.entries(totals.reports)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(", ");
  if (reportSamples.length) console.log(`com-async reports on library code (candidates for false positives): ${reports}\n  ${reportSamples.join("\n  ")}`);
  const parsers = Object.entries(totals.parsers)
    .map(([p, n]) => `${p} ${n}`)
    .join(", ");
  if (stoppedEarly) console.log(`sweep: stopped at the ${opts.maxSeconds} s budget after ${totals.linted} of ${queue.length} files`);
  console.log(
    `sweep summary: ${totals.linted} of ${queue.length} files linted (${totals.runs} lint runs) in ${seconds.toFixed(0)} s (${skippedLarge} over 2 MB skipped), parsed by ${parsers || "none"}, ${totals.analysedFiles} analysed by the engine (${totals.analysedFunctions} functions); ${totals.parseErrors} parse errors, ${totals.exceptions} rule exceptions, ${totals.engineErrors} engineError reports, ${totals.crashes} ESLint/parser crashes, ${totals.workerDeaths} worker deaths; com-async reports: ${reports || "none"}`,
  );
  // Passed: linted by the rules without an exception; a file no parser accepts is neither.
  const failed = failures.length;
  console.log(`${totals.linted - totals.parseErrors - failed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

// ---- worker thread -----------------------------------------------------------

function work() {
  const linter = createLinter();
  parentPort.on("message", (batch) => {
    if (batch === null) {
      parentPort.close();
      return;
    }
    parentPort.postMessage(batch.map((file) => lintOne(linter, file)));
  });
}

function lintOne(linter, file) {
  const raw = fs.readFileSync(file, "utf8");
  const text = workerData.trigger ? withTriggerWord(raw) : raw;
  const results = [lintFile(linter, text, file)];
  const engine = usable(results[0]) ? engineWork(linter) : { analysed: false, functions: 0 };
  const isJavaScript = /\.(c|m)?js$/.test(file);
  if (isJavaScript && workerData.espree && results[0].attempt?.parser !== "espree") results.push(lintFile(linter, text, file, "espree"));
  const reports = {};
  const firstReportLine = {};
  for (const m of results[0].messages) {
    if (!m.ruleId?.startsWith("com-async/") || m.messageId === "engineError") continue;
    reports[m.ruleId] = (reports[m.ruleId] ?? 0) + 1;
    firstReportLine[m.ruleId] ??= m.line;
  }
  const first = (pick) => results.map(pick).find(Boolean) ?? null;
  return {
    file: path.relative(ROOT, file),
    runs: results.length,
    parsers: results.filter((r) => r.attempt && !r.parseError).map((r) => `${r.attempt.parser}${r.attempt.jsx ? "+jsx" : ""}`),
    // A parse error only if no parser accepts the file.
    parseError: results.every((r) => r.parseError) ? results[0].parseError.message : null,
    exception: first((r) => r.exception && `${r.attempt?.parser}: ${describeException(r.exception)}`),
    crash: first((r) => r.crash && `${r.attempt?.parser}: ${describeException(r.crash)}`),
    engineErrors: results.flatMap((r) => r.engineErrors.map((m) => `${r.attempt?.parser}: ${m.message}`)),
    engine,
    reports,
    firstReportLine,
  };
}

function usable(result) {
  return !result.parseError && !result.exception && !result.crash;
}
