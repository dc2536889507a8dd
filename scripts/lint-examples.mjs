#!/usr/bin/env node
// The main job of the README's first command: lint the bundled examples with
// the plugin and show each rule's finding. Exits 1 only when something is
// wrong with the run itself (a crash, a parse error, a rule that found nothing).
import { ESLint } from "eslint";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, "examples/eslint.config.mjs") });
const results = await eslint.lintFiles(["examples/"]);
const formatter = await eslint.loadFormatter("stylish");
process.stdout.write(await formatter.format(results));

const { default: plugin } = await import("eslint-plugin-com-async");
const found = new Set(results.flatMap((r) => r.messages.map((m) => m.ruleId)));
const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || (m.ruleId ?? "").startsWith("com-async/") === false));
const silent = Object.keys(plugin.rules).filter((name) => !found.has(`com-async/${name}`));
if (fatal.length > 0) {
  console.error(`\n${fatal.length} unexpected message(s) (parse errors or other rules) in the examples.`);
  process.exit(1);
}
if (silent.length > 0) {
  console.error(`\nNo finding for: ${silent.join(", ")}.`);
  process.exit(1);
}
// (The config file is linted too; it is no example.)
const examples = results.filter((r) => r.messages.length > 0).length;
console.log(`Every com-async rule reported its example (${Object.keys(plugin.rules).length} rules, ${examples} example files). The findings above are the intended ones: the examples are written to break the protocol.`);
