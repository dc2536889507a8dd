/**
 * Is the yardstick of target (b) a check of the corpus it is priced on, or only a reproduction
 * of that corpus's findings? (issue 10 item 5). `bench/floor-cases.cjs` asks the first question
 * of the rule tests; this asks it of the library-heavy corpus itself, the code target (b) times:
 * every protocol statement of every COM declaration is deleted, doubled and swapped with the next in
 * turn (a Release, a Finish_, a Cancel, a Begin_), every `FAILED` or null test and every `break`, `continue` and `return`
 * deleted, and each mutant is linted with com-async and with the yardstick. A declaration agrees when both report the same kinds at the same places (the
 * five kinds the yardstick covers). A yardstick that agrees only on the unmodified corpus is
 * fitted to it, and its price is no lower bound for a check of that code.
 *
 *   node bench/floor-mutants.mjs [--files 4] [--seed 1] [--floor bench/floor-plus-plugin.cjs] [--show 3]
 *
 * Needs `npm run build`. `mutantAgreement` is also what test/unit/bench-floor.test.ts runs. Mutants keep every other character in place (a deleted statement
 * becomes spaces, its line breaks kept), so places compare across mutants. Round k deletes the
 * k-th mutation of every declaration that has one (declarations are independent:
 * each is its own function or class), so a round is one lint per file and configuration.
 */
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ROOT, generateLibraryHeavy } from "./generate.mjs";
import { optionValue } from "./cli-options.mjs";

const require = createRequire(import.meta.url);
const { Linter } = require("eslint");
const parser = require("@typescript-eslint/parser");

/** The yardstick's message ids, by the com-async rule each stands for. */
const KIND = { finishWithout: "finish-without-begin", released: "use-after-release", leak: "missing-release", cancelled: "cancel-without-finish", pending: "begin-while-pending" };
const COVERED = new Set(Object.values(KIND));
const PROTOCOL_CALL = /\.(?:Release|Cancel|Begin_\w+|Finish_\w+)\s*\(/;
const NULL_OR_FAILED_TEST = /^\s*(?:FAILED\(|!\s*[\w$]+\s*$)/;
const config = (p, rules) => [{ files: ["**/*.ts"], languageOptions: { parser }, plugins: { "com-async": p }, rules }];

/** A statement one can delete without changing how the code around it parses: in a list of statements. */
function inStatementList(node, parent) {
  return parent && (parent.type === "BlockStatement" || parent.type === "Program" || parent.type === "SwitchCase") && node.type !== "VariableDeclaration";
}

/**
 * The mutations of one declaration, in source order: each protocol statement deleted, doubled (a second
 * Release, Begin_, Finish_ or Cancel right after the first, on the same line) and swapped with the statement
 * after it (both one line); each null or `FAILED` test deleted; each `break`, `continue` and `return`
 * deleted (other paths).
 */
function candidates(text, unit) {
  const found = [];
  const visit = (node, parent) => {
    if (!node || typeof node.type !== "string") return;
    const source = text.slice(node.range[0], node.range[1]);
    if (inStatementList(node, parent)) {
      if (node.type === "ExpressionStatement" && PROTOCOL_CALL.test(source)) {
        found.push({ node, op: "delete" }, { node, op: "double" });
        // Swapped with the next statement when both are one line (`cancel.Release(); cancel.Cancel(0);`).
        const list = parent.type === "SwitchCase" ? parent.consequent : parent.body;
        const next = list[list.indexOf(node) + 1];
        if (next && node.loc.start.line === node.loc.end.line && next.loc.start.line === next.loc.end.line) found.push({ node, op: "swap", next });
      }
      else if (node.type === "IfStatement" && NULL_OR_FAILED_TEST.test(text.slice(node.test.range[0], node.test.range[1]))) found.push({ node, op: "delete" });
      else if (node.type === "BreakStatement" || node.type === "ContinueStatement" || node.type === "ReturnStatement") found.push({ node, op: "delete" });
    }
    for (const key of Object.keys(node)) {
      if (key === "parent") continue;
      const child = node[key];
      if (Array.isArray(child)) for (const c of child) visit(c, node);
      else if (child && typeof child.type === "string") visit(child, node);
    }
  };
  visit(unit, null);
  return found.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/** The declaration's template: its first line with the generated names taken out. */
const templateOf = (text, unit) => text.slice(unit.range[0], text.indexOf("\n", unit.range[0])).replace(/\b([fF]\d+_\d+|plain\d+_\d+)\b/g, "N");

/** The text with one mutation applied; line numbers stay as they were (a deletion leaves its line breaks). */
function mutate(text, { node, op, next }) {
  const [start, end] = node.range;
  const source = text.slice(start, end);
  if (op === "swap") return text.slice(0, start) + text.slice(next.range[0], next.range[1]) + text.slice(end, next.range[0]) + source + text.slice(next.range[1]);
  return text.slice(0, start) + (op === "delete" ? source.replace(/[^\n]/g, " ") : `${source} ${source}`) + text.slice(end);
}

/**
 * Lints every mutant of the COM declarations of `files` ({ name, text } of bench/generate.mjs) with com-async
 * (its five rules the yardstick covers, untyped, default options) and with `floor` (a yardstick plugin module).
 * Returns how many declarations agree, unmodified and mutated, by template, and each disagreement.
 */
export function mutantAgreement(files, floor, plugin = require(path.join(ROOT, "eslint-plugin/dist/index.js"))) {
  const linter = new Linter({ cwd: ROOT });
  const engineConfig = config(plugin, Object.fromEntries([...COVERED].map((kind) => [`com-async/${kind}`, "error"])));
  const floorConfig = config(floor, floor.configs.strict.rules);
  const byTemplate = new Map();
  const disagreements = [];
  let agree = 0;
  let total = 0;
  let baseAgree = 0;
  let baseTotal = 0;
  for (const file of files) {
    const ast = parser.parse(file.text, { range: true, loc: true });
    const units = ast.body.filter((s) => !/^export function plain/.test(file.text.slice(s.range[0], s.range[0] + 30)) && s.type !== "EmptyStatement");
    const lists = units.map((unit) => candidates(file.text, unit));
    const rounds = Math.max(0, ...lists.map((l) => l.length));
    for (let round = -1; round < rounds; round++) {
      let text = file.text;
      // From the end, so that earlier ranges stay valid (blanking keeps lengths anyway).
      for (let u = units.length - 1; u >= 0; u--) if (round >= 0 && lists[u][round]) text = mutate(text, lists[u][round]);
      const place = (m) => ({ at: m.line, key: `${m.kind} ${m.line}:${m.column}` });
      const engine = linter.verify(text, engineConfig, path.join(ROOT, file.name)).filter((m) => m.ruleId).map((m) => place({ ...m, kind: m.ruleId.replace("com-async/", "") }));
      const yard = linter.verify(text, floorConfig, path.join(ROOT, file.name)).filter((m) => KIND[m.messageId]).map((m) => place({ ...m, kind: KIND[m.messageId] }));
      for (let u = 0; u < units.length; u++) {
        if (round >= 0 && !lists[u][round]) continue;
        const [from, to] = [units[u].loc.start.line, units[u].loc.end.line];
        const inside = (list) => list.filter((p) => p.at >= from && p.at <= to).map((p) => p.key).sort().join(", ");
        const e = inside(engine);
        const f = inside(yard);
        const same = e === f;
        if (round < 0) {
          baseTotal++;
          if (same) baseAgree++;
          continue;
        }
        total++;
        if (same) agree++;
        const template = templateOf(file.text, units[u]);
        const t = byTemplate.get(template) ?? { agree: 0, total: 0 };
        byTemplate.set(template, t);
        t.total++;
        if (same) t.agree++;
        else {
          const { node, op } = lists[u][round];
          const statement = file.text.slice(node.range[0], node.range[1]).split("\n")[0].trim();
          disagreements.push({ template, where: `${file.name}:${node.loc.start.line}`, change: `${op === "delete" ? "deleted" : op === "double" ? "doubled" : "swapped with the next statement:"} \`${statement}\``, engine: e || "(nothing)", yardstick: f || "(nothing)" });
        }
      }
    }
  }
  return { baseAgree, baseTotal, agree, total, byTemplate, disagreements };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (name, fallback) => optionValue(args, name, fallback);
  const FILES = Number(value("--files", 4));
  const SEED = Number(value("--seed", 1));
  const SHOW = Number(value("--show", 3));
  const floorPath = path.resolve(value("--floor", path.join(ROOT, "bench/floor-plus-plugin.cjs")));
  const { baseAgree, baseTotal, agree, total, byTemplate, disagreements } = mutantAgreement(generateLibraryHeavy({ files: FILES, seed: SEED }).slice(0, FILES), require(floorPath));
  const shown = disagreements.filter((d, i) => disagreements.slice(0, i).filter((e) => e.template === d.template).length < SHOW);
  console.log(`yardstick: ${path.relative(ROOT, floorPath)}; corpus: ${FILES} files of bench/generate.mjs (seed ${SEED})`);
  console.log(`unmodified declarations: agree on ${baseAgree} of ${baseTotal}`);
  console.log(`mutants (one statement deleted, doubled or swapped): agree on ${agree} of ${total} (${((100 * agree) / Math.max(1, total)).toFixed(1)}%)`);
  for (const [template, t] of [...byTemplate].sort((a, b) => a[1].agree / a[1].total - b[1].agree / b[1].total)) console.log(`  ${String(t.agree).padStart(4)} / ${String(t.total).padEnd(4)} ${template}`);
  if (shown.length) console.log("\nFirst disagreements per template (com-async | yardstick):");
  for (const s of shown) console.log(`  ${s.where} ${s.change}\n    com-async: ${s.engine}\n    yardstick: ${s.yardstick}`);
}
