/**
 * Suggestions (never silent autofixes: each changes behaviour) built from a
 * violation's repair plan. Every edit keeps the code parseable; the tests
 * re-parse and re-lint each suggestion's output.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { Repair } from "./violations";
import { escapeRegExp } from "./recognizer";

type Node = TSESTree.Node;
type Fixer = TSESLint.RuleFixer;
type SourceCode = Readonly<TSESLint.SourceCode>;

export interface SuggestionPlan {
  messageId: "insertFinish" | "insertReleaseFinally" | "insertReleaseAtExit" | "insertReleaseAtExits";
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

/**
 * Inserts a statement before the statement containing `anchor`. A statement
 * that is the body of an `if` or a loop without braces gets braces, so the
 * insertion runs on the same path and nowhere else.
 */
function insertBefore(fixer: Fixer, sourceCode: SourceCode, anchor: Node, text: string): TSESLint.RuleFix {
  const statement = anchor.type.endsWith("Statement") || anchor.type.endsWith("Declaration") ? anchor : (enclosingStatementOrBody(anchor) ?? anchor);
  if (isBlockLike(statement.parent) || statement.parent?.type === "SwitchCase") {
    return fixer.insertTextBefore(statement, `${text}\n${indentOf(sourceCode, statement)}`);
  }
  return fixer.replaceText(statement, `{ ${text} ${sourceCode.getText(statement)} }`);
}

/** The innermost statement containing `node` (unlike enclosingStatement, it stops at an unbraced body). */
function enclosingStatementOrBody(node: Node): Node | null {
  let current: Node | undefined = node;
  while (current) {
    if (current.type.endsWith("Statement") || current.type === "VariableDeclaration") return current;
    current = current.parent;
  }
  return null;
}

export function suggestionsFor(repair: Repair | null, sourceCode: SourceCode, finishArguments: ReadonlyMap<string, string>): SuggestionPlan[] {
  if (!repair) return [];
  if (repair.kind === "insert-finish") {
    const call = `${repair.callText}.${repair.finishName}(${finishArguments.get(repair.finishName) ?? ""});`;
    const data = { call: `${repair.callText}.${repair.finishName}()` };
    if (repair.position === "after") {
      const statement = enclosingStatementOrBody(repair.anchor);
      if (!statement) return [];
      if (!isBlockLike(statement.parent) && statement.parent?.type !== "SwitchCase") {
        // `if (late) cancel.Cancel(0);`: the Finish_ belongs on the same path, inside new braces.
        return [{ messageId: "insertFinish", data, fix: (fixer) => fixer.replaceText(statement, `{ ${sourceCode.getText(statement)} ${call} }`) }];
      }
      const last = endOfCancelSequence(sourceCode, statement);
      return [{ messageId: "insertFinish", data, fix: (fixer) => fixer.insertTextAfter(last, `\n${indentOf(sourceCode, statement)}${call}`) }];
    }
    return [{ messageId: "insertFinish", data, fix: (fixer) => insertBefore(fixer, sourceCode, repair.anchor, call) }];
  }
  const plans: SuggestionPlan[] = [];
  const pointer = repair.pointerText;
  const release = `${pointer}${repair.mayBeNull ? "?." : "."}Release();`;
  const data = { pointer };
  const owner = repair.owner;
  const block = owner.parent;
  // Where the function already releases the pointer on some path, a second
  // unconditional Release would be a double release: only the exit-specific fix fits.
  const functionText = sourceCode.getText(repair.scopeNode);
  const releasedSomewhere = functionText.includes(`${pointer}.Release(`) || functionText.includes(`${pointer}?.Release(`);
  if (isBlockLike(block) && !releasedSomewhere) {
    const body = bodyOf(block);
    const rest = body.slice(body.indexOf(owner) + 1);
    const movable = rest.length > 0 && !rest.some((s) => s.type === "ImportDeclaration" || s.type.startsWith("Export") || s.type === "FunctionDeclaration" || s.type === "ClassDeclaration");
    if (movable) {
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
  // Release before every leaking exit: a complete fix only when each exit allows it.
  // `return p.Foo()` still uses the pointer, and the end of the function needs the block's end.
  const escaped = escapeRegExp(pointer);
  const usesPointer = (exit: Node) => new RegExp(`(^|[^\\w$.])${escaped}\\b`).test(sourceCode.getText(exit).replace(/^(return|throw)\b/, ""));
  const exitFixable = (exit: Node | null) =>
    exit === null ? isBlockLike(block) && !releasedSomewhere : !usesPointer(exit) && isBlockLike(block) && exit.range[0] >= block.range[0] && exit.range[1] <= block.range[1];
  if (repair.exitsKnown && repair.exits.length > 0 && repair.exits.every(exitFixable) && isBlockLike(block)) {
    const body = bodyOf(block);
    const last = body[body.length - 1];
    const indent = indentOf(sourceCode, owner);
    // A block that ends in a jump gets the Release before the jump, where it still runs.
    const endsInJump = /^(Return|Throw|Break|Continue)Statement$/.test(last.type);
    plans.push({
      messageId: repair.exits.length > 1 ? "insertReleaseAtExits" : "insertReleaseAtExit",
      data: { ...data, count: String(repair.exits.length) },
      fix: (fixer) =>
        repair.exits.map((exit) =>
          exit !== null
            ? insertBefore(fixer, sourceCode, exit, release)
            : endsInJump
              ? fixer.insertTextBefore(last, `${release}\n${indent}`)
              : fixer.insertTextAfter(last, `\n${indent}${release}`),
        ),
    });
  }
  return plans;
}
