/**
 * Which analysis a rule gets: one per linted file and set of naming options, shared by every rule
 * (file-analysis.ts). The first rule created for a file makes it and drives it; the others receive its findings.
 */
import type { Rule } from "eslint";
import type { ParserServices } from "@typescript-eslint/utils";
import { FileAnalysis } from "./file-analysis";
import type { ImportLookup } from "./model";
import { Recognizer } from "./recognizer";
import { vocabularyFor } from "./vocabulary";
import type { NamingOptions } from "../options";
import { namingKey } from "../options";

const analyses = new WeakMap<object, Map<string, FileAnalysis>>();

/**
 * The shared analysis for this rule's file and options; `isDriver` is true for the rule whose listeners record events.
 * `imports` is asked only by the rule that creates the analysis (it may touch the file system).
 */
export function analysisFor(context: Rule.RuleContext, naming: NamingOptions, imports: () => ImportLookup | null = () => null): { analysis: FileAnalysis; isDriver: boolean } | null {
  const sourceCode = context.sourceCode;
  const key = namingKey(naming);
  let byOptions = analyses.get(sourceCode);
  if (!byOptions) analyses.set(sourceCode, (byOptions = new Map()));
  const existing = byOptions.get(key);
  if (existing && !existing.finished) return existing.skipped ? null : { analysis: existing, isDriver: false };
  const services = sourceCode.parserServices as Partial<ParserServices> | undefined;
  const analysis = new FileAnalysis(sourceCode, new Recognizer(vocabularyFor(naming), services?.program ? services : undefined), context.filename, { imports: imports() });
  byOptions.set(key, analysis);
  if (analysis.skipped) return null;
  return { analysis, isDriver: true };
}

/** The analyses run on a file, one per distinct set of naming options (for tools and tests). */
export function analysesOf(sourceCode: object): FileAnalysis[] {
  return [...(analyses.get(sourceCode)?.values() ?? [])];
}
