/**
 * Meta-tests in the manner of typescript-eslint's: every rule has a doc and a
 * test file, configs match rule meta, and the plugin identifies itself.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import plugin from "eslint-plugin-com-async";

const ROOT = path.resolve(__dirname, "../../..");
const ruleNames = Object.keys(plugin.rules);

describe("plugin", () => {
  it("names itself with the package's name and version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "eslint-plugin/package.json"), "utf8"));
    assert.deepEqual(plugin.meta, { name: pkg.name, version: pkg.version, namespace: "com-async" });
  });

  it("is what require() returns from the package root", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const required = require("eslint-plugin-com-async");
    assert.equal(required.rules, plugin.rules);
    assert.equal(required.configs.recommended, plugin.configs.recommended);
  });

  it("has eight rules", () => {
    assert.deepEqual(ruleNames.sort(), [
      "begin-while-pending",
      "cancel-without-finish",
      "finish-without-begin",
      "mismatched-finish",
      "missing-release",
      "unchecked-cancel-result",
      "unchecked-query-interface",
      "use-after-release",
    ]);
  });

  for (const name of ruleNames) {
    describe(name, () => {
      const rule = plugin.rules[name as keyof typeof plugin.rules];
      it("has a doc whose title names it, linked from meta.docs.url", () => {
        const doc = path.join(ROOT, "eslint-plugin/docs/rules", `${name}.md`);
        assert.ok(fs.existsSync(doc), `missing ${doc}`);
        assert.match(fs.readFileSync(doc, "utf8"), new RegExp(`^# com-async/${name}\\b`));
        assert.ok(rule.meta.docs?.url?.endsWith(`/eslint-plugin/docs/rules/${name}.md`));
      });
      it("has a test file", () => {
        assert.ok(fs.existsSync(path.join(ROOT, "test/rules", `${name}.test.ts`)));
      });
      it("describes every option in its schema and has default options", () => {
        const schema = rule.meta.schema as unknown as { properties: Record<string, { description?: string }> }[];
        for (const [option, spec] of Object.entries(schema[0].properties)) assert.ok(spec.description, `${option} has no description`);
        assert.ok(Array.isArray(rule.meta.defaultOptions));
      });
      it("is in the configs its meta asks for", () => {
        const inRecommended = `com-async/${name}` in (plugin.configs.recommended.rules ?? {});
        assert.equal(inRecommended, rule.meta.docs?.recommended === true);
        assert.equal(plugin.configs.strict.rules?.[`com-async/${name}`], "error");
      });
    });
  }

  it("recommends every rule but the opt-in unchecked-cancel-result", () => {
    assert.deepEqual(Object.keys(plugin.configs.recommended.rules ?? {}).sort(), ruleNames.filter((n) => n !== "unchecked-cancel-result").map((n) => `com-async/${n}`).sort());
  });
});
