/**
 * Mutation fuzz of the com-async rules. Seeds: every source file in
 * examples/, test/fixtures/, the `code:` strings of test/rules/*.test.ts and
 * the benchmark generator's function templates. Each mutant deletes,
 * duplicates, swaps or moves 1-3 random statements of a seed (statement lists
 * of the AST; text is rebuilt by slicing source ranges), then is linted with
 * every com-async rule. Fails on any rule exception (thrown, or an
 * `engineError` report) and on any suggestion whose output does not parse.
 * Deterministic for a seed.
 *
 *   node test/robustness/fuzz.mjs [--mutants 3000] [--seed 1] [--max-seconds 600]
 *
 * Prints the counts, the first failures with a reduced reproducer, and as
 * last line `N passed, N failed` (one test per linted mutant).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "@typescript-eslint/parser";
import { prng, templateSnippets, generateFile } from "../../bench/generate.mjs";
import { ROOT, createLinter, describeException, lintOnce } from "./lint.mjs";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? Number(argv[i + 1]) : fallback;
};
const MUTANTS = option("--mutants", 3000);
const SEED = option("--seed", 1);
const MAX_SECONDS = option("--max-seconds", 600);
const SOURCE_EXTENSIONS = /\.(m|c)?(t|j)s$/;
const FILENAME = path.join(ROOT, "fuzz-mutant.ts");
const LINT_OPTIONS = { parser: "ts", sourceType: "module" };

// ---- seeds -------------------------------------------------------------------

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && SOURCE_EXTENSIONS.test(d.name) && !/^eslint\.config\./.test(d.name))
    .map((d) => path.join(d.parentPath ?? d.path, d.name))
    .sort();
}

/** The `code:` strings (plain literals and templates without substitutions) of the rule tests. */
function ruleTestCode() {
  const out = [];
  for (const file of filesUnder(path.join(ROOT, "test/rules"))) {
    const ast = tryParse(fs.readFileSync(file, "utf8"));
    if (!ast) continue;
    visit(ast, (node) => {
      if (node.type !== "Property" || node.key.type !== "Identifier" || node.key.name !== "code") return;
      const v = node.value;
      if (v.type === "Literal" && typeof v.value === "string") out.push({ name: `${path.relative(ROOT, file)}:${v.loc.start.line}`, text: v.value });
      if (v.type === "TemplateLiteral" && v.expressions.length === 0) out.push({ name: `${path.relative(ROOT, file)}:${v.loc.start.line}`, text: v.quasis[0].value.cooked });
    });
  }
  return out;
}

function seeds() {
  const fromFiles = [...filesUnder(path.join(ROOT, "examples")), ...filesUnder(path.join(ROOT, "test/fixtures"))].map((file) => ({ name: path.relative(ROOT, file), text: fs.readFileSync(file, "utf8") }));
  const generated = [...templateSnippets(SEED).map((text, i) => ({ name: `bench template ${i}`, text })), { name: "bench generated file", text: generateFile(0, 12, SEED) }];
  return [...fromFiles, ...ruleTestCode(), ...generated].filter((s) => s.text.trim().length > 0 && tryParse(s.text));
}

// ---- AST helpers -----------------------------------------------------------------

function tryParse(text) {
  try {
    return parse(text, { range: true, loc: true, comment: false });
  } catch {
    return null;
  }
}

function visit(node, fn) {
  if (!node || typeof node.type !== "string") return;
  fn(node);
  for (const key of Object.keys(node)) {
    if (key === "parent" || key === "loc" || key === "range") continue;
    const value = node[key];
    if (Array.isArray(value)) for (const v of value) visit(v, fn);
    else if (value && typeof value === "object") visit(value, fn);
  }
}

/** Every statement list of the AST with at least one statement. */
function statementLists(ast) {
  const lists = [];
  visit(ast, (node) => {
    if ((node.type === "Program" || node.type === "BlockStatement" || node.type === "StaticBlock" || node.type === "TSModuleBlock") && node.body.length > 0) lists.push(node.body);
    if (node.type === "SwitchCase" && node.consequent.length > 0) lists.push(node.consequent);
  });
  return lists;
}

/** Applies non-overlapping [start, end, text] edits. */
function edit(text, edits) {
  let out = text;
  for (const [start, end, insert] of [...edits].sort((a, b) => b[0] - a[0] || b[1] - a[1])) out = out.slice(0, start) + insert + out.slice(end);
  return out;
}

// ---- mutations -----------------------------------------------------------------

const OPERATIONS = ["delete", "duplicate", "swap", "move"];

/** One random mutation of `text` (already parsed as `ast`), or null if none applies. */
function mutate(text, ast, r) {
  const lists = statementLists(ast);
  if (lists.length === 0) return null;
  const list = r.pick(lists);
  const i = r.int(list.length);
  const s = list[i];
  const slice = (n) => text.slice(n.range[0], n.range[1]);
  const op = r.pick(OPERATIONS);
  switch (op) {
    case "delete":
      return { op, text: edit(text, [[s.range[0], s.range[1], ""]]) };
    case "duplicate":
      return { op, text: edit(text, [[s.range[1], s.range[1], `\n${slice(s)}`]]) };
    case "swap": {
      if (list.length < 2) return null;
      let j = r.int(list.length - 1);
      if (j >= i) j++;
      const t = list[j];
      return { op, text: edit(text, [[s.range[0], s.range[1], slice(t)], [t.range[0], t.range[1], slice(s)]]) };
    }
    case "move": {
      // Cut a statement and paste it before a statement of another list (not inside itself).
      const targets = lists.flat().filter((t) => t.range[1] <= s.range[0] || t.range[0] >= s.range[1]);
      if (targets.length === 0) return null;
      const t = r.pick(targets);
      return { op, text: edit(text, [[s.range[0], s.range[1], ""], [t.range[0], t.range[0], `${slice(s)}\n`]]) };
    }
  }
  return null;
}

// ---- checks --------------------------------------------------------------------

/** Lints one mutant; returns its problems (rule exceptions, unparsable suggestion outputs) and counts. */
function check(linter, text) {
  const result = lintOnce(linter, text, FILENAME, LINT_OPTIONS);
  const problems = [];
  const counts = { messages: 0, suggestions: 0, unparsable: 0, notFixed: 0 };
  if (result.exception) problems.push({ kind: "rule exception", detail: describeException(result.exception), key: exceptionKey(result.exception) });
  for (const m of result.engineErrors) problems.push({ kind: "engineError report", detail: m.message, key: m.message });
  if (result.parseError || result.crash) return { problems, counts, skipped: true };
  const reported = result.messages.filter((m) => m.ruleId?.startsWith("com-async/") && m.messageId !== "engineError");
  for (const message of reported) {
    counts.messages++;
    const problem = reportedText(text, message);
    const sameProblem = (messages, source) => messages.filter((m) => m.ruleId === message.ruleId && reportedText(source, m) === problem).length;
    const before = sameProblem(reported, text);
    for (const suggestion of message.suggestions ?? []) {
      counts.suggestions++;
      const fixed = edit(text, [[suggestion.fix.range[0], suggestion.fix.range[1], suggestion.fix.text]]);
      if (!tryParse(fixed)) {
        counts.unparsable++;
        problems.push({ kind: "unparsable suggestion output", detail: `${message.ruleId}: "${suggestion.desc}"`, key: `${message.ruleId}:${suggestion.messageId}`, fixed });
        continue;
      }
      // Spec §4: re-linting must not report the same problem again (as test/plugin/suggestions.test.ts
      // judges it: fewer reports of this rule on the same code). Counted, not a failure here.
      const again = lintOnce(linter, fixed, FILENAME, LINT_OPTIONS);
      if (sameProblem(again.messages, fixed) >= before) {
        counts.notFixed++;
        if (notFixedSamples.length < 500) notFixedSamples.push(`${message.ruleId} at ${message.line}:${message.column}, "${suggestion.desc}" = ${JSON.stringify(suggestion.fix)} on:\n${text.replace(/^/gm, "    | ")}`);
      }
    }
  }
  return { problems, counts, skipped: false };
}

function offsetOf(text, line, column) {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf("\n", offset) + 1;
  return offset + column - 1;
}

function reportedText(text, m) {
  return text.slice(offsetOf(text, m.line, m.column), offsetOf(text, m.endLine ?? m.line, m.endColumn ?? m.column));
}

function exceptionKey(error) {
  return String(error?.message ?? error).split("\n")[0];
}

/** Greedy reduction: deletes statements while the same problem persists. */
function reduce(linter, text, key) {
  const stillFails = (candidate) => check(linter, candidate).problems.some((p) => p.key === key);
  let current = text;
  for (let changed = true; changed; ) {
    changed = false;
    const ast = tryParse(current);
    if (!ast) break;
    const statements = statementLists(ast)
      .flat()
      .sort((a, b) => b.range[1] - b.range[0] - (a.range[1] - a.range[0]));
    for (const s of statements) {
      const candidate = edit(current, [[s.range[0], s.range[1], ""]]);
      if (tryParse(candidate) && stillFails(candidate)) {
        current = candidate;
        changed = true;
        break;
      }
    }
  }
  return current;
}

// ---- main ----------------------------------------------------------------------

const started = Date.now();
const r = prng(SEED);
const linter = createLinter();
const pool = seeds();
const totals = { mutations: 0, unparsableMutants: 0, lintRuns: 0, messages: 0, suggestions: 0, exceptions: 0, engineErrors: 0, unparsable: 0, notFixed: 0, passed: 0, failed: 0 };
const failures = new Map();
const notFixedSamples = [];
console.log(`fuzz: ${pool.length} seeds (${filesUnder(path.join(ROOT, "examples")).length} from examples/), ${MUTANTS} mutants, seed ${SEED}`);

// The seeds themselves first: they must pass too.
const work = [...pool.map((s) => ({ name: s.name, text: s.text, mutated: false })), ...Array.from({ length: MUTANTS }, () => null)];
let stoppedEarly = false;
for (const item of work) {
  if (Date.now() - started > MAX_SECONDS * 1000) {
    stoppedEarly = true;
    break;
  }
  let name = item?.name;
  let text = item?.text;
  if (!item) {
    const seed = r.pick(pool);
    name = seed.name;
    text = seed.text;
    const steps = 1 + r.int(3);
    let ok = true;
    for (let k = 0; k < steps && ok; k++) {
      const ast = tryParse(text);
      const mutation = ast && mutate(text, ast, r);
      totals.mutations++;
      if (!mutation || !tryParse(mutation.text)) {
        totals.unparsableMutants++;
        ok = k > 0; // keep the mutant of the earlier steps, if any
        break;
      }
      text = mutation.text;
      name = `${name} +${mutation.op}`;
    }
    if (!ok) continue;
  }
  const { problems, counts, skipped } = check(linter, text);
  if (skipped && problems.length === 0) continue;
  totals.lintRuns++;
  totals.messages += counts.messages;
  totals.suggestions += counts.suggestions;
  totals.unparsable += counts.unparsable;
  totals.notFixed += counts.notFixed;
  for (const p of problems) {
    if (p.kind === "rule exception") totals.exceptions++;
    if (p.kind === "engineError report") totals.engineErrors++;
    if (!failures.has(p.key)) failures.set(p.key, { ...p, name, text, count: 0 });
    failures.get(p.key).count++;
  }
  if (problems.length > 0) totals.failed++;
  else totals.passed++;
}

const dir = failures.size > 0 ? fs.mkdtempSync(path.join(os.tmpdir(), "com-async-fuzz-")) : null;
let n = 0;
for (const [key, f] of failures) {
  const reduced = reduce(linter, f.text, key);
  const file = path.join(dir, `failure-${++n}.ts`);
  fs.writeFileSync(file, reduced);
  console.log(`FAILURE ${f.kind} (${f.count}×): ${f.detail}\n  from ${f.name}; reduced reproducer (${reduced.split("\n").length} lines) in ${file}:\n${reduced.replace(/^/gm, "    | ")}`);
}
for (const sample of notFixedSamples.sort((a, b) => a.length - b.length).slice(0, 3)) console.log(`suggestion output still reports the same problem (one of the shortest): ${sample}`);
if (stoppedEarly) console.log(`fuzz: stopped at the ${MAX_SECONDS} s budget`);
console.log(
  `fuzz summary: ${totals.mutations} mutations (${totals.unparsableMutants} gave code that does not parse and were dropped), ${totals.lintRuns} lint runs, ${totals.messages} com-async messages, ${totals.suggestions} suggestions applied, ${totals.exceptions} rule exceptions, ${totals.engineErrors} engineError reports, ${totals.unparsable} unparsable suggestion outputs; ${totals.notFixed} suggestion outputs still report the same problem (spec §4, not counted as failures); ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;
