/**
 * Suggestions (never silent autofixes: each changes behaviour) built from a
 * violation's repair plan. Every edit keeps the code parseable; the tests
 * re-parse and re-lint each suggestion's output.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { Repair } from "./violations";
import { enclosingStatement } from "./file-analysis";

type Node = TSESTree.Node;
type Fixer = TSESLint.RuleFixer;
type SourceCode = Readonly<TSESLint.SourceCode>;

export interface SuggestionPlan {
  messageId: "insertFinish" | "insertReleaseFinally" | "insertReleaseAtExit";
  data: Record<string, string>;
  fix: (fixer: Fixer) => TSESLint.RuleFix | TSESLint.RuleFix[];
}

function indentOf(sourceCode: SourceCode, node: Node): string {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? "";
  return /^\s*/.exec(line)?.[0] ?? "";
}

function isBlockLike(node: Node | undefined): node is TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock {
  return !!node && (node.type === "BlockStatement" || node.type === "Program" || node.type === "StaticBlock");
}

function bodyOf(node: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock): Node[] {
  return node.body as Node[];
}

/** `cancel.Release();` right after the Cancel belongs to the Cancel sequence: the Finish_ goes after it. */
function endOfCancelSequence(sourceCode: SourceCode, statement: Node): Node {
  const parent = statement.parent;
  if (!isBlockLike(parent)) return statement;
  const body = bodyOf(parent);
  let i = body.indexOf(statement);
  while (i + 1 < body.length && /^\s*[\w$.[\]]+\.Release\(\)\s*;?\s*$/.test(sourceCode.getText(body[i + 1]))) i++;
  return body[i];
}

export function suggestionsFor(repair: Repair | null, sourceCode: SourceCode, finishArguments: ReadonlyMap<string, string>): SuggestionPlan[] {
  if (!repair) return [];
  if (repair.kind === "insert-finish") {
    const statement = enclosingStatement(repair.anchor);
    if (!statement) return [];
    const call = `${repair.callText}.${repair.finishName}(${finishArguments.get(repair.finishName) ?? ""});`;
    const indent = indentOf(sourceCode, statement);
    const data = { call: `${repair.callText}.${repair.finishName}()` };
    if (repair.position === "after") {
      const last = endOfCancelSequence(sourceCode, statement);
      return [{ messageId: "insertFinish", data, fix: (fixer) => fixer.insertTextAfter(last, `\n${indent}${call}`) }];
    }
    return [{ messageId: "insertFinish", data, fix: (fixer) => fixer.insertTextBefore(statement, `${call}\n${indent}`) }];
  }
  const plans: SuggestionPlan[] = [];
  const release = `${repair.pointerText}.Release();`;
  const data = { pointer: repair.pointerText };
  const owner = repair.owner;
  const block = owner.parent;
  if (isBlockLike(block)) {
    const body = bodyOf(block);
    const rest = body.slice(body.indexOf(owner) + 1);
    const restText = rest.map((s) => sourceCode.getText(s)).join("\n");
    const movable = rest.length > 0 && !rest.some((s) => s.type === "ImportDeclaration" || s.type.startsWith("Export") || s.type === "FunctionDeclaration" || s.type === "ClassDeclaration");
    if (movable && !restText.includes(`${repair.pointerText}.Release(`)) {
      const indent = indentOf(sourceCode, owner);
      const first = rest[0];
      const last = rest[rest.length - 1];
      plans.push({
        messageId: "insertReleaseFinally",
        data,
        fix: (fixer) => {
          const inner = sourceCode.text.slice(first.range[0], last.range[1]).replace(/\n/g, "\n  ");
          return fixer.replaceTextRange([first.range[0], last.range[1]], `try {\n${indent}  ${inner}\n${indent}} finally {\n${indent}  ${release}\n${indent}}`);
        },
      });
    }
  }
  const exit = repair.exit;
  if (exit) {
    const indent = indentOf(sourceCode, exit);
    plans.push({
      messageId: "insertReleaseAtExit",
      data,
      fix: (fixer) =>
        isBlockLike(exit.parent)
          ? fixer.insertTextBefore(exit, `${release}\n${indent}`)
          : fixer.replaceText(exit, `{ ${release} ${sourceCode.getText(exit)} }`),
    });
  } else if (isBlockLike(block)) {
    const body = bodyOf(block);
    const last = body[body.length - 1];
    const indent = indentOf(sourceCode, owner);
    plans.push({ messageId: "insertReleaseAtExit", data, fix: (fixer) => fixer.insertTextAfter(last, `\n${indent}${release}`) });
  }
  return plans;
}
