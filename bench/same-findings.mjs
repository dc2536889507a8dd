/**
 * Do two builds of the plugin report the same? Lints a set of files with configs.strict of
 * each build (files parsed once, a fresh SourceCode per build) and compares every message:
 * rule, position, text, suggestions and their fixes. Used to show that a performance change
 * keeps findings byte-identical.
 *
 *   node bench/same-findings.mjs <build dir A> <build dir B> [--seeds 1,2,3] [files or dirs...]
 *
 * Besides the files given: the library-heavy corpus of bench/generate.mjs for each seed, and
 * the scaling corpus (both variants, N=300). Exits 1 when any message differs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { generateLibraryHeavy, generateScaling, writeCorpus } from "./generate.mjs";

const require = createRequire(import.meta.url);
const { Linter, SourceCode } = require("eslint");
const tsParser = require("@typescript-eslint/parser");

const argv = process.argv.slice(2);
const seedsAt = argv.indexOf("--seeds");
const seeds = seedsAt >= 0 ? argv.splice(seedsAt, 2)[1].split(",").map(Number) : [1, 2, 3];
const [dirA, dirB, ...inputs] = argv;
const builds = [dirA, dirB].map((dir) => require(path.resolve(dir, "dist/index.js")));

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const walk = (p) => (fs.statSync(p).isDirectory() ? fs.readdirSync(p).flatMap((name) => (name === "node_modules" ? [] : walk(path.join(p, name)))) : SOURCE.test(p) && !p.endsWith(".d.ts") ? [p] : []);
const files = inputs.flatMap((p) => walk(path.resolve(p)));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-same-"));
for (const seed of seeds) files.push(...writeCorpus(path.join(tmp, `seed${seed}`), generateLibraryHeavy({ seed })));
for (const variant of ["clean", "defects"]) files.push(...writeCorpus(path.join(tmp, variant), [{ name: `scaling-${variant}.ts`, text: generateScaling(300, variant) }]));

const config = (plugin, file) => [
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: { parser: tsParser, sourceType: /\.(cjs|js)$/.test(file) ? "script" : "module", ecmaVersion: "latest" },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
    plugins: plugin ? { "com-async": plugin } : {},
    rules: plugin ? plugin.configs.strict.rules : {},
  },
];
const text = (m) => `${m.ruleId}|${m.line}:${m.column}-${m.endLine}:${m.endColumn}|${m.message}|${JSON.stringify(m.fix ?? null)}|${JSON.stringify(m.suggestions?.map((s) => [s.desc, s.fix]) ?? [])}`;

const linter = new Linter({ cwd: "/" });
let total = 0;
let differing = 0;
for (const file of files) {
  const source = fs.readFileSync(file, "utf8");
  const parseErrors = linter.verify(source, config(null, file), file).filter((m) => m.fatal);
  if (parseErrors.length > 0) continue;
  const sc = linter.getSourceCode();
  if (!sc) throw new Error(`${file}: not linted`);
  const parts = { text: sc.text, ast: sc.ast, parserServices: sc.parserServices, scopeManager: sc.scopeManager, visitorKeys: sc.visitorKeys };
  const [a, b] = builds.map((plugin) => linter.verify(new SourceCode(parts), config(plugin, file), file).map(text));
  total += a.length;
  if (a.length !== b.length || a.some((m, i) => m !== b[i])) {
    differing++;
    const onlyA = a.filter((m) => !b.includes(m));
    const onlyB = b.filter((m) => !a.includes(m));
    console.log(`DIFFERENT ${file}: ${a.length} vs ${b.length}\n  only A: ${onlyA.slice(0, 3).join("\n          ")}\n  only B: ${onlyB.slice(0, 3).join("\n          ")}`);
  }
}
console.log(`${files.length} files, ${total} messages from A; ${differing} files differ`);
process.exitCode = differing > 0 ? 1 : 0;
