/**
 * begin-while-pending: a call object processes one asynchronous call at a
 * time; a Begin_ while the call this function began is pending (or cancelled
 * and not finished) returns RPC_E_CALL_PENDING.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { BeginWhilePending } from "../engine/findings";
import { isPropertyName, memberName, walk } from "../engine/ast";
import { isFunctionNode } from "../engine/ast-functions";
import { insertBefore, isBlockLike, namesVisibleAt } from "../util/edits";
import type { Repair, RepairContext } from "../util/protocol-rule";
import { lineOf, protocolRule } from "../util/protocol-rule";
import { insertFinishRepair } from "../util/repairs";

const BEGIN_WHILE_PENDING =
  "`{{begin}}` starts a call on `{{call}}` while the call begun by {{pending}} at line {{line}} is {{state}}; it returns RPC_E_CALL_PENDING. Finish that call first.";

/**
 * The variable a promise-shaped binding's pending Begin_ is bound to (`const pa = call.Begin_GetPrice("a")`), when the
 * function awaits it (its `await` is the Finish_), is async, and sees it at the new Begin_: awaiting it there repairs.
 */
function awaitablePromise(finding: BeginWhilePending, sourceCode: RepairContext["sourceCode"]): string | null {
  const declarator = finding.pendingBegin.parent;
  if (declarator?.type !== "VariableDeclarator" || declarator.init !== finding.pendingBegin || declarator.id.type !== "Identifier") return null;
  const name = declarator.id.name;
  const variable = sourceCode.getDeclaredVariables(declarator as never)[0];
  if (!variable?.references.some((ref) => (ref.identifier as TSESTree.Node).parent?.type === "AwaitExpression")) return null;
  let fn: TSESTree.Node | undefined = finding.node.parent;
  while (fn && !isFunctionNode(fn)) fn = fn.parent;
  return fn?.async && declarator.range[1] <= finding.node.range[0] && namesVisibleAt(sourceCode, name, finding.node, finding.node.range[0]) ? name : null;
}

/** The calls after the new Begin_, in its function, that finish the pending call (`call.Finish_GetPrice()`, or the file's own call through the vtable), in order. */
function laterFinishes(finding: BeginWhilePending, context: RepairContext): TSESTree.CallExpression[] {
  const { sourceCode, vocabulary } = context;
  const name = vocabulary.finishName(finding.method);
  const written = context.finishForms.get(name)?.around?.join(finding.call) ?? null;
  let fn: TSESTree.Node | undefined = finding.node.parent;
  while (fn && !isFunctionNode(fn) && fn.type !== "Program") fn = fn.parent;
  const found: TSESTree.CallExpression[] = [];
  walk(fn ?? sourceCode.ast, (node) => {
    if (node.type !== "CallExpression" || node.range[0] < finding.node.range[1]) return;
    const callee = node.callee;
    const byMethod = callee.type === "MemberExpression" && memberName(callee) === name && sourceCode.getText(callee.object) === finding.call;
    if (byMethod || (written !== null && sourceCode.getText(node) === written)) found.push(node);
  });
  return found.sort((a, b) => a.range[0] - b.range[0]);
}

/**
 * The statement of a later Finish_ of the pending call that can move before the new Begin_ (`const price =
 * call.Finish_GetPrice();` after `call.Begin_GetVolume(symbol)`, in the same block): the code finishes the call, only
 * too late. Null when it is not a statement of its own there, or when what it reads is declared or assigned between.
 */
function movableFinish(finish: TSESTree.CallExpression, begin: TSESTree.Node, sourceCode: RepairContext["sourceCode"]): TSESTree.Statement | null {
  const holder = finish.parent;
  const statement =
    holder?.type === "ExpressionStatement" ? holder : holder?.type === "VariableDeclarator" && holder.init === finish && holder.parent?.type === "VariableDeclaration" && holder.parent.declarations.length === 1 ? holder.parent : null;
  const beginStatement = begin.parent?.type === "ExpressionStatement" ? begin.parent : null;
  if (!statement || !beginStatement || statement.parent !== beginStatement.parent || !isBlockLike(statement.parent)) return null;
  const between = (at: number) => at >= beginStatement.range[0] && at < statement.range[0];
  let blocked = false;
  for (const arg of finish.arguments) {
    walk(arg, (node) => {
      if (node.type !== "Identifier" || isPropertyName(node)) return;
      const variable = sourceCode.getScope(node).references.find((ref) => ref.identifier === node)?.resolved;
      if (!variable) return;
      const declared = variable.defs[0]?.name.range?.[0] ?? 0;
      if (between(declared) || variable.references.some((ref) => ref.isWrite() && between(ref.identifier.range![0]))) blocked = true;
    });
  }
  return blocked ? null : statement;
}

/**
 * The earlier call finished before the new Begin_: awaited, for a promise-shaped binding; else the code's own later Finish_
 * of it moved there, or a Finish_ inserted there when the function has none later (a second one would then fail:
 * RPC_E_CALL_COMPLETE). None where another path arrives with no call pending, where a Finish_ would fail.
 */
function finishFirst(finding: BeginWhilePending, context: RepairContext): Repair<"insertFinish" | "awaitPending" | "moveFinish">[] {
  const { sourceCode } = context;
  const promise = awaitablePromise(finding, sourceCode);
  if (promise !== null) return [{ messageId: "awaitPending", data: { promise }, fix: (fixer) => insertBefore(fixer, sourceCode, finding.node, `await ${promise};`) }];
  if (finding.idleThere) return [];
  // A later Finish_ of the same method as the new Begin_ is the new call's own: the pending call's is one more.
  const begun = (finding.begin.match(/[\w$]+/g) ?? []).map((word) => context.vocabulary.beginMethod(word)).find((method) => method !== null) ?? null;
  const own = begun === null || context.vocabulary.sameMethod(begun, finding.method) ? 1 : 0;
  const later = laterFinishes(finding, context);
  if (later.length > own) {
    const statement = movableFinish(later[0], finding.node, sourceCode);
    if (!statement) return [];
    const text = sourceCode.getText(statement);
    // The statement goes with the line break and indentation before it, when nothing else shares its line.
    const indentation = /\r?\n[ \t]*$/.exec(sourceCode.text.slice(Math.max(0, statement.range[0] - 400), statement.range[0]));
    const from = indentation ? statement.range[0] - indentation[0].length : statement.range[0];
    return [
      {
        messageId: "moveFinish",
        data: { finish: sourceCode.getText(later[0]) },
        fix: (fixer) => [insertBefore(fixer, sourceCode, finding.node, text), fixer.removeRange([from, statement.range[1]])],
      },
    ];
  }
  return insertFinishRepair(context, finding.call, finding.method, finding.raw, finding.node, (fixer, text) => insertBefore(fixer, sourceCode, finding.node, text));
}

export default protocolRule({
  kind: "begin-while-pending",
  description: "Disallow `Begin_` while an earlier call on the same call object is still pending",
  recommended: true,
  messageId: "beginWhilePending",
  message: BEGIN_WHILE_PENDING,
  suggestionMessages: { insertFinish: "Call `{{call}}` here.", awaitPending: "Await `{{promise}}` here.", moveFinish: "Move `{{finish}}` here, before the new call begins." },
  data: (finding) => ({
    begin: finding.begin,
    call: finding.call,
    pending: finding.pendingName,
    // The same Begin_ reached again (a loop): its call of the pass before is the pending one.
    line: finding.pendingBegin === finding.node ? `${lineOf(finding.pendingBegin)} on the loop's previous pass` : lineOf(finding.pendingBegin),
    state: finding.cancelled ? "cancelled but not finished" : "still pending",
  }),
  related: (finding) => ({ loc: finding.pendingBegin.loc, range: finding.pendingBegin.range, label: `the pending ${finding.pendingName} (line ${lineOf(finding.pendingBegin)})` }),
  repairs: finishFirst,
});
