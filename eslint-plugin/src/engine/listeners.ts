/**
 * The listeners a rule returns: the driving rule records events for the
 * shared file analysis; every rule receives the file's findings of its kind
 * when the module's code path has been analysed (the others need no listener).
 */
import type { Rule } from "eslint";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { FileAnalysis } from "./file-analysis";
import { analysisFor } from "./file-analyses";
import { driverListeners } from "./driver";
import { importsOf } from "./imported-helpers";
import { type NamingOptions, readSettings } from "../options";
import type { Finding, FindingKind } from "./findings";

export interface ProtocolRuleHooks {
  /** Reports one finding of this rule's kind. */
  onFinding(finding: Finding, analysis: FileAnalysis): void;
  /** The engine failed on this file; the rule reports that once instead of crashing ESLint. */
  onEngineError(error: Error, program: TSESTree.Node): void;
  /** A function the analysis left unchecked, past its budget (solver.ts); the rule says so once per function. */
  onUnanalysed(fn: TSESTree.Node): void;
  /** The shared settings are not as documented (options.ts `readSettings`): said once per file, the defaults holding meanwhile. */
  onBadSettings(problem: string, program: TSESTree.Node): void;
}

/** The settings problems reported in each file: each once, whichever analyses (one per set of naming options) run on it. */
const settingsReported = new WeakMap<object, Set<string>>();

/** `optionsProblem`: what the rule's naming options get wrong (options.ts `namingProblem`), reported by that rule once per file. */
export function protocolListeners(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  naming: NamingOptions,
  kind: FindingKind,
  hooks: ProtocolRuleHooks,
  optionsProblem: string | null = null,
): TSESLint.RuleListener {
  const eslintContext = context as unknown as Rule.RuleContext;
  const settings = readSettings(eslintContext.settings);
  const shared = analysisFor(eslintContext, naming, () => (settings.importedHelpers ? importsOf(eslintContext, naming) : null));
  if (!shared) return {};
  const { analysis, isDriver } = shared;
  // Every function is solved when the module's code path ends (a call may name a function declared
  // further down): each rule reports the file's findings of its kind then, once. Only the driving rule
  // listens; the others wait for its delivery (a listener each would be called for every code path).
  analysis.whenAnalysed(kind, (findings) => {
    // The rule's own options, said by the rule they belong to (its analysis may be another rule's: the defaults hold).
    if (optionsProblem !== null) hooks.onBadSettings(optionsProblem, eslintContext.sourceCode.ast as unknown as TSESTree.Node);
    for (const finding of findings) hooks.onFinding(finding, analysis);
  });
  if (!isDriver) return {};
  const listeners: Rule.RuleListener = driverListeners(analysis, (codePath: Rule.CodePath, node: TSESTree.Node) => {
    if (codePath.origin === "program" && analysis.failed) hooks.onEngineError(analysis.failed, node);
    if (codePath.origin === "program") for (const fn of analysis.unanalysed) hooks.onUnanalysed(fn);
    if (codePath.origin !== "program") return;
    // The shared settings, once per file whichever analyses (one per set of naming options) run on it.
    const reported = settingsReported.get(eslintContext.sourceCode);
    if (settings.problem !== null && !reported?.has(settings.problem)) {
      if (!reported) settingsReported.set(eslintContext.sourceCode, new Set([settings.problem]));
      else reported.add(settings.problem);
      hooks.onBadSettings(settings.problem, node);
    }
  });
  // typescript-eslint's RuleListener type omits the code path listeners ESLint supports.
  return listeners as unknown as TSESLint.RuleListener;
}
