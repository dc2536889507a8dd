/**
 * begin-while-pending: a call object processes one asynchronous call at a
 * time; a Begin_ while the call this function began is pending (or cancelled
 * and not finished) returns RPC_E_CALL_PENDING.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { BeginWhilePending } from "../engine/findings";
import { isPropertyName, memberName, walk } from "../engine/ast";
import { enclosingFunction, isFunctionNode } from "../engine/ast-functions";
import { bodyOf, insertBefore, isBlockLike, namesVisibleAt } from "../util/edits";
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

/**
 * The code that may run after a statement, in its function, in source order: its later siblings, and those of each
 * statement around it; for a statement in a `try` block, the handler and the `finally` too. Not a branch it is not
 * in (`else`), nor, in a loop, the code before it that the next pass runs.
 */
function codeAfter(statement: TSESTree.Node): TSESTree.Node[] {
  const parts: TSESTree.Node[] = [];
  for (let at: TSESTree.Node = statement; at.parent && !isFunctionNode(at); at = at.parent) {
    const parent = at.parent;
    if (isBlockLike(parent)) {
      const body = bodyOf(parent);
      parts.push(...body.slice(body.indexOf(at as never) + 1));
    } else if (parent.type === "TryStatement" && parent.block === at) {
      if (parent.handler) parts.push(parent.handler);
      if (parent.finalizer) parts.push(parent.finalizer);
    }
  }
  return parts.sort((a, b) => a.range[0] - b.range[0]);
}

/**
 * The Finish_ calls of the pending method that may run after the new Begin_ (codeAfter; not nested functions) before
 * the code begins that method again (`finishes`: the method shape's `call.Finish_GetPrice()`, or the file's own call
 * through the vtable); `unknown` when, for a call begun through the vtable, a call given the object comes first, which may
 * be such a Begin_.
 * Null when the new Begin_ is no statement of a block.
 */
function laterFinishes(finding: BeginWhilePending, context: RepairContext): { finishes: TSESTree.CallExpression[]; unknown: boolean } | null {
  const { sourceCode, vocabulary } = context;
  const statement = finding.node.parent?.type === "ExpressionStatement" ? finding.node.parent : null;
  if (!statement || !isBlockLike(statement.parent)) return null;
  const name = vocabulary.finishName(finding.method);
  const written = context.finishForms.get(name)?.around?.join(finding.call) ?? null;
  const calls: TSESTree.CallExpression[] = [];
  const home = enclosingFunction(statement);
  for (const part of codeAfter(statement)) {
    walk(part, (node) => {
      if (node.type === "CallExpression" && enclosingFunction(node) === home) calls.push(node);
    });
  }
  const finishes: TSESTree.CallExpression[] = [];
  for (const node of calls.sort((x, y) => x.range[0] - y.range[0])) {
    const callee = node.callee;
    const onObject = callee.type === "MemberExpression" && sourceCode.getText(callee.object) === finding.call ? memberName(callee) : null;
    if (onObject === name || (written !== null && sourceCode.getText(node) === written)) finishes.push(node);
    else if (onObject !== null && vocabulary.sameMethod(vocabulary.beginMethod(onObject) ?? "", finding.method)) return { finishes, unknown: false };
    else if (finding.raw && onObject === null && node.arguments[0] && node.arguments[0].type !== "SpreadElement" && sourceCode.getText(node.arguments[0]) === finding.call) return { finishes, unknown: true };
  }
  return { finishes, unknown: false };
}

/**
 * The statement of a later Finish_ of the pending call that can move before the new Begin_ (`const price =
 * call.Finish_GetPrice();` after `call.Begin_GetVolume(symbol)`, in the same block): the code finishes the call, only
 * too late. Null when it is not a statement of its own there, when a comment shares its line, or when what its
 * arguments name is declared or used in between (`out[0] = -1` before `call.Finish_GetPrice(out)`).
 */
function movableFinish(finish: TSESTree.CallExpression, begin: TSESTree.Node, sourceCode: RepairContext["sourceCode"]): TSESTree.Statement | null {
  const holder = finish.parent;
  const statement =
    holder?.type === "ExpressionStatement" ? holder : holder?.type === "VariableDeclarator" && holder.init === finish && holder.parent?.type === "VariableDeclaration" && holder.parent.declarations.length === 1 ? holder.parent : null;
  const beginStatement = begin.parent?.type === "ExpressionStatement" ? begin.parent : null;
  if (!statement || !beginStatement || statement.parent !== beginStatement.parent || !isBlockLike(statement.parent)) return null;
  const after = sourceCode.getTokenAfter(statement as never, { includeComments: true });
  if (after && (after.type === "Line" || after.type === "Block") && after.loc.start.line === statement.loc.end.line) return null;
  const between = (at: number) => at >= beginStatement.range[1] && at < statement.range[0];
  let blocked = false;
  for (const arg of finish.arguments) {
    walk(arg, (node) => {
      if (node.type !== "Identifier" || isPropertyName(node)) return;
      const variable = sourceCode.getScope(node).references.find((ref) => ref.identifier === node)?.resolved;
      if (!variable) return;
      const declared = variable.defs[0]?.name.range?.[0] ?? 0;
      if (between(declared) || variable.references.some((ref) => between(ref.identifier.range![0]))) blocked = true;
    });
  }
  return blocked ? null : statement;
}

function insertFinish(finding: BeginWhilePending, context: RepairContext): Repair<"insertFinish">[] {
  return insertFinishRepair(context, finding.call, finding.method, finding.raw, finding.node, (fixer, text) => insertBefore(fixer, context.sourceCode, finding.node, text));
}

/**
 * The earlier call finished before the new Begin_: awaited, for a promise-shaped binding; else the code's own later Finish_
 * of it moved there, or a Finish_ inserted there when nothing after the new Begin_ finishes it (a second one would then
 * fail: RPC_E_CALL_COMPLETE). None where another path arrives with no call pending, where a Finish_ would fail, nor where
 * a call through the vtable on the object comes first that may begin it again.
 */
function finishFirst(finding: BeginWhilePending, context: RepairContext): Repair<"insertFinish" | "awaitPending" | "moveFinish">[] {
  const { sourceCode } = context;
  const promise = awaitablePromise(finding, sourceCode);
  if (promise !== null) return [{ messageId: "awaitPending", data: { promise }, fix: (fixer) => insertBefore(fixer, sourceCode, finding.node, `await ${promise};`) }];
  if (finding.idleThere) return [];
  const later = laterFinishes(finding, context);
  // A later Finish_ of the same method as the new Begin_ is the new call's own: the pending call's is one more.
  if (finding.begunMethod === null) return later === null || (later.finishes.length === 0 && !later.unknown) ? insertFinish(finding, context) : [];
  const own = context.vocabulary.sameMethod(finding.begunMethod, finding.method) ? 1 : 0;
  if (later === null || later.finishes.length <= own) return later?.unknown ? [] : insertFinish(finding, context);
  const statement = movableFinish(later.finishes[0], finding.node, sourceCode);
  if (!statement) return [];
  const text = sourceCode.getText(statement);
  // The statement goes with the line break and indentation before it, when nothing else shares its line.
  const indentation = /\r?\n[ \t]*$/.exec(sourceCode.text.slice(Math.max(0, statement.range[0] - 400), statement.range[0]));
  const from = indentation ? statement.range[0] - indentation[0].length : statement.range[0];
  return [
    {
      messageId: "moveFinish",
      data: { finish: sourceCode.getText(later.finishes[0]) },
      fix: (fixer) => [insertBefore(fixer, sourceCode, finding.node, text), fixer.removeRange([from, statement.range[1]])],
    },
  ];
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
