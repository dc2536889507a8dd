/** Lints a snippet with every com-async rule (or some) and returns the messages and the engine's analyses. */
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";
import { analysesOf, FileAnalysis } from "eslint-plugin-com-async/engine";

export const ALL_RULES: Linter.RulesRecord = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`com-async/${name}`, "error" as const]));

export interface LintResult {
  messages: Linter.LintMessage[];
  analyses: FileAnalysis[];
  /** `line:kind` of every finding of the (first) analysis, in source order. */
  findings: string[];
}

export function lint(code: string, rules: Linter.RulesRecord = ALL_RULES): LintResult {
  const linter = new Linter({ configType: "flat" });
  const messages = linter.verify(code, [{ files: ["**/*.ts"], plugins: { "com-async": plugin as never }, rules, languageOptions: { parser: tsParser as never } }], "file.ts");
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`does not parse: ${fatal[0].message}\n${code}`);
  const analyses = analysesOf(linter.getSourceCode()!);
  const findings = analyses[0]?.allFindings().map((f) => `${f.node.loc.start.line}:${f.kind}`) ?? [];
  return { messages, analyses, findings };
}
