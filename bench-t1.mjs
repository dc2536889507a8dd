import { Linter } from "eslint";
import fs from "node:fs";
import tsParser from "@typescript-eslint/parser";
import { createRequire } from "node:module";
const require = createRequire("/work/main/package.json");
const plugin = require("eslint-plugin-com-async");
const text = fs.readFileSync("/work/main/node_modules/typescript/lib/typescript.js", "utf8");
const linter = new Linter({ configType: "flat" });
const base = { files: ["**/*.js"], languageOptions: { parser: tsParser, sourceType: "script", ecmaVersion: "latest" } };
for (const [name, cfg] of [["none", [base]], ["strict", [base, { files: ["**/*.js"], ...plugin.configs.strict }]], ["forced", [base, { files: ["**/*.js"], ...plugin.configs.strict }]]]) {
  const t = performance.now();
  const msgs = linter.verify(name === "forced" ? "// QueryInterface\n" + text : text, cfg, "typescript.js");
  console.log(name, (performance.now() - t).toFixed(0), msgs.length, msgs.slice(0, 3).map(m => m.ruleId + ":" + m.message));
}
console.log(process.memoryUsage().rss / 1e6);
