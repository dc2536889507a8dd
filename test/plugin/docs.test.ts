/**
 * The rule docs' examples are executable claims: every block under
 * "### Incorrect" must make the rule report, every block under "### Correct"
 * must not (typescript-eslint's docs test does the same).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";

const DOCS = path.resolve(__dirname, "../../../eslint-plugin/docs/rules");

/** The ```ts blocks of a doc, with the heading of the section they stand in. */
function examples(markdown: string): { section: string; code: string }[] {
  const found: { section: string; code: string }[] = [];
  let section = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{2,4}\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    if (/^```(ts|js|typescript|javascript)\s*$/.test(lines[i])) {
      const start = ++i;
      while (i < lines.length && !lines[i].startsWith("```")) i++;
      found.push({ section, code: lines.slice(start, i).join("\n") });
    }
  }
  return found;
}

describe("rule docs", () => {
  for (const name of Object.keys(plugin.rules)) {
    describe(name, () => {
      const file = path.join(DOCS, `${name}.md`);
      const blocks = fs.existsSync(file) ? examples(fs.readFileSync(file, "utf8")) : [];
      const lint = (code: string) =>
        new Linter({ configType: "flat" }).verify(code, [{ files: ["**/*.ts"], plugins: { "com-async": plugin as never }, rules: { [`com-async/${name}`]: "error" }, languageOptions: { parser: tsParser as never } }], "example.ts");

      it("has incorrect and correct examples", () => {
        assert.ok(blocks.some((b) => b.section === "Incorrect"), "no example under ### Incorrect");
        assert.ok(blocks.some((b) => b.section === "Correct"), "no example under ### Correct");
      });
      blocks.forEach((block, i) => {
        if (block.section !== "Incorrect" && block.section !== "Correct") return;
        it(`example ${i + 1} (${block.section.toLowerCase()}) behaves as documented`, () => {
          const messages = lint(block.code);
          assert.equal(messages.filter((m) => m.fatal).length, 0, `does not parse:\n${block.code}`);
          if (block.section === "Incorrect") assert.ok(messages.length > 0, `reports nothing:\n${block.code}`);
          else assert.deepEqual(messages.map((m) => `${m.line}: ${m.message}`), [], `reports on a correct example:\n${block.code}`);
        });
      });
    });
  }
});

describe("package README (what npm shows)", () => {
  const ROOT = path.resolve(__dirname, "../../..");
  const rulesTable = (markdown: string) => {
    const start = markdown.indexOf("| Rule | Reports");
    return start < 0 ? "" : markdown.slice(start, markdown.indexOf("\n\n", start));
  };

  it("lists every rule, with the project README's rules table (links relative to the package)", () => {
    const project = rulesTable(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
    const pkg = rulesTable(fs.readFileSync(path.join(ROOT, "eslint-plugin/README.md"), "utf8"));
    assert.equal(pkg, project.split("(eslint-plugin/docs/rules/").join("(docs/rules/"));
    for (const name of Object.keys(plugin.rules)) assert.ok(pkg.includes(`(docs/rules/${name}.md)`), `${name} missing from eslint-plugin/README.md`);
  });

  it("is packed with the license", () => {
    const files = (JSON.parse(fs.readFileSync(path.join(ROOT, "eslint-plugin/package.json"), "utf8")) as { files: string[] }).files;
    assert.ok(files.includes("README.md"));
    assert.ok(fs.existsSync(path.join(ROOT, "eslint-plugin/README.md")) && fs.existsSync(path.join(ROOT, "eslint-plugin/LICENSE")));
  });
});
