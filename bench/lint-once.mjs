/**
 * One lint of a real code base, as `eslint` runs it: every TypeScript file under DIR that names a Release
 * (its COM client code) parsed and linted once, in one process, no rules, no-unused-vars or com-async's
 * strict configuration (BENCHMARKS.md, "What a user of real code sees"). Prints the files, messages and
 * milliseconds; run it under `valgrind --tool=callgrind` with `node --single-threaded` to count instructions.
 *
 *   node bench/lint-once.mjs <dir> [none|no-unused-vars|strict] [plugin dir, default eslint-plugin]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { ROOT, comFilesUnder } from "./generate.mjs";

const require = createRequire(import.meta.url);
const { Linter } = require("eslint");
const tsParser = require("@typescript-eslint/parser");
const [dir, config = "strict", pluginDir = path.join(ROOT, "eslint-plugin")] = process.argv.slice(2);
if (!dir) throw new Error("usage: node bench/lint-once.mjs <dir> [none|no-unused-vars|strict] [plugin dir]");
const plugin = require(path.resolve(pluginDir, "dist/index.js"));

const files = comFilesUnder(dir);
const rules = config === "none" ? {} : config === "no-unused-vars" ? { "no-unused-vars": "error" } : plugin.configs.strict.rules;
const linter = new Linter({ configType: "flat", cwd: "/" });
const flat = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, plugins: { "com-async": plugin }, rules }];
const texts = files.map((f) => fs.readFileSync(f, "utf8"));
const start = performance.now();
let messages = 0;
for (let i = 0; i < files.length; i++) messages += linter.verify(texts[i], flat, { filename: files[i] }).length;
console.log(`${config}: ${files.length} files, ${messages} messages, ${(performance.now() - start).toFixed(0)} ms`);
