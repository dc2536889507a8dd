/**
 * Applies every suggestion of every invalid rule-test case, and checks the
 * spec's promise for fixes: the result parses, and re-linting it does not
 * report the same problem (same rule, same reported code) again.
 */
import * as assert from "node:assert/strict";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";
import { caseSuites } from "../rules/cases";

/** Every invalid rule-test case (summaries included), with the rule it runs under. */
const allInvalidCases = caseSuites.flatMap(({ rule, cases }) => cases.invalid.map((c) => ({ rule, code: c.code })));

const linter = new Linter({ configType: "flat" });

function lint(code: string, rule: string): Linter.LintMessage[] {
  return linter.verify(
    code,
    [{ files: ["**/*.ts"], plugins: { "com-async": plugin as never }, rules: { [`com-async/${rule}`]: "error" }, languageOptions: { parser: tsParser as never } }],
    "file.ts",
  );
}

/** The source text a message points at: the identity of "the same problem" across edits. */
function reportedText(code: string, message: Linter.LintMessage): string {
  const lines = code.split("\n");
  const offset = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  return code.slice(offset(message.line, message.column), offset(message.endLine ?? message.line, message.endColumn ?? message.column));
}

describe("suggestions", () => {
  it("exist for the rules that promise them", () => {
    const withSuggestions = new Set(allInvalidCases.filter((c) => lint(c.code, c.rule).some((m) => m.suggestions?.length)).map((c) => c.rule));
    assert.deepEqual([...withSuggestions].sort(), ["begin-while-pending", "cancel-without-finish", "missing-release"]);
  });

  it("leave code that parses and no longer has the problem they fix", () => {
    let applied = 0;
    for (const { rule, code } of allInvalidCases) {
      for (const message of lint(code, rule)) {
        const problem = reportedText(code, message);
        const before = lint(code, rule).filter((m) => m.ruleId === message.ruleId && reportedText(code, m) === problem).length;
        for (const suggestion of message.suggestions ?? []) {
          const fixed = code.slice(0, suggestion.fix.range[0]) + suggestion.fix.text + code.slice(suggestion.fix.range[1]);
          const after = lint(fixed, rule);
          const fatal = after.find((m) => m.fatal);
          assert.equal(fatal, undefined, `${rule}: suggestion "${suggestion.desc}" left code that does not parse:\n${fixed}`);
          const still = after.filter((m) => m.ruleId === message.ruleId && reportedText(fixed, m) === problem).length;
          assert.ok(still < before, `${rule}: after "${suggestion.desc}" the problem at \`${problem}\` is still reported:\n${fixed}`);
          applied++;
        }
      }
    }
    assert.ok(applied >= 20, `only ${applied} suggestions were applied`);
  });
});
