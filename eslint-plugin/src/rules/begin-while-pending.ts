/**
 * begin-while-pending: a call object processes one asynchronous call at a
 * time; a Begin_ while the call this function began is pending (or cancelled
 * and not finished) returns RPC_E_CALL_PENDING.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { BeginWhilePending } from "../engine/findings";
import { isFunctionNode } from "../engine/ast-functions";
import { insertBefore, namesVisibleAt } from "../util/edits";
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
 * The earlier call finished before the new Begin_: awaited, for a promise-shaped binding; else its Finish_ (none where another
 * path arrives with no call pending, where it would fail: RPC_E_CALL_COMPLETE).
 */
function finishFirst(finding: BeginWhilePending, context: RepairContext): Repair<"insertFinish" | "awaitPending">[] {
  const promise = awaitablePromise(finding, context.sourceCode);
  if (promise !== null) return [{ messageId: "awaitPending", data: { promise }, fix: (fixer) => insertBefore(fixer, context.sourceCode, finding.node, `await ${promise};`) }];
  if (finding.idleThere) return [];
  return insertFinishRepair(context, finding.call, finding.method, finding.raw, finding.node, (fixer, text) => insertBefore(fixer, context.sourceCode, finding.node, text));
}

export default protocolRule({
  kind: "begin-while-pending",
  description: "Disallow `Begin_` while an earlier call on the same call object is still pending",
  recommended: true,
  messageId: "beginWhilePending",
  message: BEGIN_WHILE_PENDING,
  suggestionMessages: { insertFinish: "Call `{{call}}` here.", awaitPending: "Await `{{promise}}` here." },
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
