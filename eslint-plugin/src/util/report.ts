import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { FileAnalysis } from "../engine/file-analysis";
import type { ProtocolRuleHooks } from "../engine/listeners";
import type { Violation } from "../engine/violations";
import { suggestionsFor } from "../engine/fixes";

/** Message of the one report a rule makes when the engine fails on a file. */
export const ENGINE_ERROR_MESSAGE = "com-async could not analyse this file ({{error}}); please report it. Other rules are unaffected.";

export const SUGGESTION_MESSAGES = {
  insertFinish: "Call `{{call}}` here.",
  insertReleaseFinally: "Release `{{pointer}}` in a `finally` block.",
  insertReleaseAtExit: "Release `{{pointer}}` before this exit.",
  insertReleaseAtExits: "Release `{{pointer}}` before each of the {{count}} exits that miss it.",
} as const;

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** The hooks every protocol rule uses: report each violation with its suggestions. */
export function reporter(context: AnyContext, messageId: string): ProtocolRuleHooks {
  return {
    onViolation(violation: Violation, analysis: FileAnalysis) {
      const suggest = suggestionsFor(violation.repair, context.sourceCode, analysis.finishArguments).map((plan) => ({
        messageId: plan.messageId,
        data: plan.data,
        fix: plan.fix,
      }));
      context.report({
        node: violation.node,
        messageId,
        data: violation.data,
        ...(suggest.length > 0 ? { suggest } : {}),
      });
    },
    onEngineError(error: Error, program: TSESTree.Node) {
      context.report({ loc: program.loc.start, messageId: "engineError", data: { error: error.message.split("\n")[0].slice(0, 200) } });
    },
  };
}
