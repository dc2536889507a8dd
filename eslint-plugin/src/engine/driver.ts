/**
 * The listeners that drive a file analysis: ESLint's node and code path events,
 * recorded into it. Used by the rule that drives a linted file's analysis and by the
 * nested analysis of an imported module (imported-helpers.ts).
 */
import type { Rule } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import type { FileAnalysis } from "./file-analysis";

export function driverListeners(analysis: FileAnalysis, afterCodePath: (codePath: Rule.CodePath, node: TSESTree.Node) => void): Rule.RuleListener {
  const guard = analysis.guard;
  return {
    ...(analysis.nodeListeners() as unknown as Rule.RuleListener),
    onCodePathStart: guard((codePath: Rule.CodePath, node: Rule.Node) => analysis.onCodePathStart(codePath, node as TSESTree.Node)),
    onCodePathEnd: (codePath, node) => {
      analysis.onCodePathEnd(codePath);
      afterCodePath(codePath, node as TSESTree.Node);
    },
    // The segment listeners guard themselves (FileAnalysis.onSegmentStart).
    onCodePathSegmentStart: (segment: Rule.CodePathSegment, node: Rule.Node) => analysis.onSegmentStart(segment, node as TSESTree.Node),
    onCodePathSegmentEnd: (segment: Rule.CodePathSegment, node: Rule.Node) => analysis.onSegmentEnd(segment, node as TSESTree.Node),
    onUnreachableCodePathSegmentStart: (_segment: Rule.CodePathSegment, node: Rule.Node) => analysis.onUnreachableSegmentStart(node as TSESTree.Node),
  };
}
