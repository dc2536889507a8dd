/**
 * The raw FFI shapes of spec section 2a, on fixture files in the style of real FFI COM code
 * (test/fixtures/ffi/README.md): every `// expect: <rule>` marker is reported on its line, every
 * `// not yet:` marker is not (yet), and nothing else is reported, with no configuration, in
 * untyped and typed mode.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";

const DIR = path.resolve(__dirname, "../../../test/fixtures/ffi");
// Recursive: `workspace/` is a small monorepo whose demo imports its helpers from a workspace package.
const files = (fs.readdirSync(DIR, { recursive: true }) as string[]).filter((f) => /\.(ts|js)$/.test(f)).sort();

function markers(code: string, kind: "expect" | "not yet"): string[] {
  const found: string[] = [];
  code.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(new RegExp(`// ${kind}: ([a-z-]+)`, "g"))) found.push(`${i + 1} com-async/${m[1]}`);
  });
  return found.sort();
}

function lint(file: string, typed: boolean): Linter.LintMessage[] {
  const code = fs.readFileSync(path.join(DIR, file), "utf8");
  const linter = new Linter({ configType: "flat", cwd: DIR });
  const parserOptions = typed ? { project: "./tsconfig.json", tsconfigRootDir: DIR } : { ecmaVersion: "latest" as const, sourceType: "module" as const };
  const config = [{ files: ["**/*.{ts,js}"], languageOptions: { parser: tsParser, parserOptions }, ...plugin.configs.strict }] as Linter.Config[];
  return linter.verify(code, config, { filename: path.join(DIR, file) });
}

describe("raw FFI shapes on fixture files (spec 2a, no configuration)", () => {
  for (const mode of ["untyped", "typed"] as const) {
    describe(mode, () => {
      for (const file of files) {
        if (mode === "typed" && !file.endsWith(".ts")) continue;
        it(`${file}: reports exactly its expect markers`, () => {
          const code = fs.readFileSync(path.join(DIR, file), "utf8");
          const messages = lint(file, mode === "typed");
          assert.deepEqual(messages.filter((m) => m.fatal).map((m) => m.message), [], "parses");
          const reported = messages.map((m) => `${m.line} ${m.ruleId}`).sort();
          assert.deepEqual(reported, markers(code, "expect"));
          for (const limit of markers(code, "not yet")) assert.ok(!reported.includes(limit), `${limit} is reported now: make it an expect marker`);
        });
      }
    });
  }
  it("has fixtures for every shape, with reports to find", () => {
    const all = files.map((f) => fs.readFileSync(path.join(DIR, f), "utf8"));
    assert.ok(files.length >= 10);
    assert.ok(all.reduce((n, code) => n + markers(code, "expect").length, 0) >= 15);
  });
});
