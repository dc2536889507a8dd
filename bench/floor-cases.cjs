"use strict";
/**
 * How far the yardstick of target (b) is from a check of the spec: every rule test case (untyped, default
 * options) of the rules bench/floor-plugin.cjs covers, linted with com-async's rule and with the yardstick;
 * a case agrees when both report at the same places. Needs `npm run build` (the cases are read from build/).
 *
 *   node bench/floor-cases.cjs [plugin module, default bench/floor-plus-plugin.cjs]
 */
const path = require("node:path");
const ROOT = path.resolve(__dirname, "..");
const r = require("node:module").createRequire(path.join(ROOT, "package.json"));
const { Linter } = r("eslint");
const parser = r("@typescript-eslint/parser");
const plugin = r(path.join(ROOT, "eslint-plugin/dist/index.js"));
const floor = require(path.resolve(process.argv[2] ?? path.join(__dirname, "floor-plus-plugin.cjs")));
const { caseSuites } = require(path.join(ROOT, "build/test/rules/cases/index.js"));
const MAP = { finishWithout: "finish-without-begin", released: "use-after-release", leak: "missing-release", cancelled: "cancel-without-finish", pending: "begin-while-pending" };
const covered = new Set(Object.values(MAP));
const linter = new Linter({ cwd: ROOT });
const file = path.join(ROOT, "case.ts");
const cfg = (p, rules) => [{ files: ["**/*.ts", "**/*.js"], languageOptions: { parser }, plugins: { "com-async": p }, rules }];
const tally = {};
for (const suite of caseSuites) {
  const rule = suite.rule?.name ?? suite.rule ?? suite.source;
  const name = typeof rule === "string" ? rule.replace(/^com-async\//, "") : String(suite.source);
  if (!covered.has(name)) continue;
  for (const kind of ["valid", "invalid"]) for (const c of suite.cases[kind] ?? []) {
    const code = typeof c === "string" ? c : c.code;
    if ((c.options && c.options.length) || c.languageOptions?.parserOptions?.project || c.languageOptions?.parserOptions?.projectService) continue;
    let e, f;
    try {
      e = linter.verify(code, cfg(plugin, { [`com-async/${name}`]: "error" }), file).filter((m) => m.ruleId).map((m) => `${m.line}:${m.column}`).sort().join(" ");
      f = linter.verify(code, cfg(floor, floor.configs.strict.rules), file).filter((m) => MAP[m.messageId] === name).map((m) => `${m.line}:${m.column}`).sort().join(" ");
    } catch (error) {
      // A case the yardstick (or the engine) throws on is counted as a disagreement, and said.
      console.error(`${name}: ${kind} case "${c.name ?? code.slice(0, 40)}": ${error.message}`);
      const t = (tally[name] ??= { valid: [0, 0], invalid: [0, 0] });
      t[kind][1]++;
      continue;
    }
    const t = (tally[name] ??= { valid: [0, 0], invalid: [0, 0] });
    t[kind][1]++;
    if (e === f) t[kind][0]++;
  }
}
let a = 0, n = 0;
for (const [rule, t] of Object.entries(tally)) {
  console.log(`${rule.padEnd(24)} valid ${t.valid.join("/")}  invalid ${t.invalid.join("/")}`);
  a += t.valid[0] + t.invalid[0];
  n += t.valid[1] + t.invalid[1];
}
console.log(`agree on ${a} of ${n} cases`);
