/**
 * Every rule doc's "## Options" section documents the rule's schema: its table
 * has one row per option (first cell the backticked option name), with the
 * schema's type and the resolved default, and names nothing the schema does
 * not have.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import plugin from "eslint-plugin-com-async";
import { DEFAULT_NAMING, NAMING_SCHEMA_PROPERTIES } from "eslint-plugin-com-async/options";

const DOCS = path.resolve(__dirname, "../../../eslint-plugin/docs/rules");

interface OptionRow {
  name: string;
  type: string;
  default: string;
}

/** The rows of the first table in the doc's "## Options" section. */
function optionRows(markdown: string): OptionRow[] | null {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => /^##\s+Options\s*$/.test(line));
  if (start < 0) return null;
  const end = lines.findIndex((line, i) => i > start && /^##\s/.test(line));
  const section = lines.slice(start + 1, end < 0 ? undefined : end);
  const rows: OptionRow[] = [];
  for (const line of section) {
    if (!line.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    // Split on unescaped pipes (`\|` stands for a pipe inside a cell).
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim().replace(/\\\|/g, "|"));
    const name = /^`([A-Za-z]+)`$/.exec(cells[0] ?? "");
    if (!name) continue; // the header and the separator row
    rows.push({ name: name[1], type: cells[1] ?? "", default: cells[2] ?? "" });
  }
  return rows;
}

function schemaType(spec: { type?: unknown; items?: { type?: unknown } }): string {
  return spec.type === "array" ? `${String(spec.items?.type)}[]` : String(spec.type);
}

/** `"Begin_"`, `["a", "b"]`, `"^(IID_\\w+|I[A-Z]\\w*)$"`: a default cell as a value. */
function defaultValue(cell: string): unknown {
  return JSON.parse(cell.replace(/^`|`$/g, ""));
}

describe("rule docs: options", () => {
  it("reads a table with escaped pipes and stops at the next section", () => {
    const rows = optionRows("# x\n## Options\n\ntext\n\n| Option | Type | Default |\n|---|---|---|\n| `a` | `string` | `\"x\\|y\"` |\n\n| `b` | `string` | `1` |\n## Next\n| `c` | | |");
    assert.deepEqual(rows, [{ name: "a", type: "`string`", default: '`"x|y"`' }]);
    assert.equal(optionRows("# x\n## Examples\n"), null);
  });

  for (const name of Object.keys(plugin.rules)) {
    describe(name, () => {
      const rule = plugin.rules[name as keyof typeof plugin.rules];
      const markdown = fs.readFileSync(path.join(DOCS, `${name}.md`), "utf8");
      const rows = optionRows(markdown) ?? [];
      const schema = (rule.meta.schema as unknown as { properties: Record<string, { type?: unknown; items?: { type?: unknown } }> }[])[0].properties;

      it("has an Options section with a table of options", () => {
        assert.ok(optionRows(markdown), "no ## Options section");
        assert.ok(rows.length > 0, "no option table under ## Options");
      });

      it("documents every option of the schema, once", () => {
        const documented = rows.map((r) => r.name);
        assert.deepEqual([...documented].sort(), [...new Set(documented)].sort(), "an option is documented twice");
        for (const option of Object.keys(schema)) assert.ok(documented.includes(option), `${option} is not documented`);
        for (const option of Object.keys(NAMING_SCHEMA_PROPERTIES)) assert.ok(documented.includes(option), `shared option ${option} is not documented`);
      });

      it("documents no option the schema does not have", () => {
        for (const row of rows) assert.ok(row.name in schema, `${row.name} is documented but not in the schema`);
      });

      it("gives each option the schema's type and the default it resolves to", () => {
        for (const row of rows) {
          const spec = schema[row.name];
          if (!spec) continue;
          assert.equal(row.type.replace(/`/g, ""), schemaType(spec), `type of ${row.name}`);
          if (row.name in DEFAULT_NAMING) assert.deepEqual(defaultValue(row.default), DEFAULT_NAMING[row.name as keyof typeof DEFAULT_NAMING], `default of ${row.name}`);
        }
      });
    });
  }
});
