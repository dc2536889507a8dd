/**
 * Runs every rule test twice: with type information (a typed binding in
 * test/fixtures/com.d.ts) and without (typescript-eslint's parser with no
 * project: what plain JavaScript and untyped projects get). A case that only
 * makes sense in one mode says so with `mode: "typed" | "untyped"`.
 */
import * as path from "node:path";
import { RuleTester } from "@typescript-eslint/rule-tester";
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import type { TSESLint } from "@typescript-eslint/utils";

export const FIXTURES = path.resolve(__dirname, "../../../test/fixtures");

type Mode = "typed" | "untyped";
type Valid = ValidTestCase<readonly unknown[]> & { mode?: Mode };
type Invalid = InvalidTestCase<string, readonly unknown[]> & { mode?: Mode };

const typedTester = new RuleTester({
  languageOptions: {
    parserOptions: { project: "./tsconfig.json", tsconfigRootDir: FIXTURES },
  },
});

const untypedTester = new RuleTester();

/** Every invalid case of every rule, for the suggestion round-trip test. */
export const allInvalidCases: { rule: string; code: string }[] = [];

export function runBothModes(name: string, rule: TSESLint.RuleModule<string, readonly unknown[]>, cases: { valid: Valid[]; invalid: Invalid[] }): void {
  for (const c of cases.invalid) allInvalidCases.push({ rule: name, code: c.code });
  for (const mode of ["typed", "untyped"] as const) {
    const pick = <T extends { mode?: Mode }>(list: T[]) =>
      list.filter((c) => !c.mode || c.mode === mode).map(({ mode: _mode, ...c }) => (mode === "typed" ? { filename: "file.ts", ...c } : c));
    describe(mode, () => {
      (mode === "typed" ? typedTester : untypedTester).run(name, rule as never, {
        valid: pick(cases.valid) as never,
        invalid: pick(cases.invalid) as never,
      });
    });
  }
}
