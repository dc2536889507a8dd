/**
 * Runs every rule test twice: with type information (a typed binding in
 * test/fixtures/com.d.ts) and without (typescript-eslint's parser with no
 * project: what plain JavaScript and untyped projects get). A case that only
 * makes sense in one mode says so with `mode: "typed" | "untyped"`.
 */
import * as path from "node:path";
import { RuleTester } from "@typescript-eslint/rule-tester";
import type { TSESLint } from "@typescript-eslint/utils";
import type { Mode, RuleCases } from "./cases/types";
// The mocha wiring is also loaded by .mocharc.json; importing it here lets a rule test file run alone
// (`npx mocha --no-config build/test/rules/<rule>.test.js`). Loading it twice sets the same hooks.
import "../setup";

export const FIXTURES = path.resolve(__dirname, "../../../test/fixtures");

const typedTester = new RuleTester({
  languageOptions: {
    parserOptions: { project: "./tsconfig.json", tsconfigRootDir: FIXTURES },
  },
});

const untypedTester = new RuleTester();

export function runBothModes(name: string, rule: TSESLint.RuleModule<string, readonly unknown[]>, cases: RuleCases): void {
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
