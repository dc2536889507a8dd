/**
 * cancel-without-finish: after ICancelMethodCalls::Cancel, the client must
 * still call Finish_ on every path; until it does, the call object is stuck
 * and every Begin_ returns RPC_E_CALL_PENDING.
 */
import type { CancelWithoutFinish } from "../engine/findings";
import { insertAfter, insertBefore } from "../util/edits";
import { lineOf, protocolRule } from "../util/protocol-rule";
import { exitWords, insertFinishRepair } from "../util/repairs";

const CANCEL_WITHOUT_FINISH =
  "`{{cancel}}` cancels the call on `{{call}}`, but `{{finishCall}}` is not called before {{reached}}. Until it is, every {{begin}} on `{{call}}` returns RPC_E_CALL_PENDING.";

/** The place reached without Finish_, in words: `the return at line 9`, `line 7, where call is released`. */
function reachedWords(finding: CancelWithoutFinish): string {
  return "exit" in finding.reached ? exitWords(finding.reached.exit) : `line ${lineOf(finding.reached.release)}, where ${finding.call} is released`;
}

export default protocolRule({
  kind: "cancel-without-finish",
  description: "Require `Finish_` after `ICancelMethodCalls::Cancel` on every path",
  recommended: true,
  messageId: "cancelWithoutFinish",
  message: CANCEL_WITHOUT_FINISH,
  suggestionMessages: { insertFinish: "Call `{{call}}` here." },
  data: (finding, vocabulary) => {
    const finish = finding.method !== null ? vocabulary.finishName(finding.method) : `${vocabulary.finishPrefix}…`;
    return {
      cancel: finding.cancel,
      call: finding.call,
      finish,
      // A call begun through a vtable has no Finish_ method: its Finish_ by name, not as a method call on the object.
      finishCall: finding.raw ? finish : `${finding.call}.${finish}()`,
      reached: reachedWords(finding),
      begin: vocabulary.beginPrefix,
    };
  },
  related: (finding) =>
    "exit" in finding.reached
      ? { ...finding.reached.exit, label: exitWords(finding.reached.exit) }
      : { loc: finding.reached.release.loc, range: finding.reached.release.range, label: `where the call object is released (line ${lineOf(finding.reached.release)})` },
  repairs(finding, context) {
    if (finding.method === null) return [];
    const method = finding.method;
    // Before the exit (or the call object's Release) that misses it, unless another path gets there finished; else right
    // after the Cancel and the cancel pointer's Release, unless some path from the Cancel finishes: a Finish_ written
    // where a path has finished already would run twice there (RPC_E_CALL_COMPLETE).
    const exit = "exit" in finding.reached ? finding.reached.exit.node : finding.reached.release;
    if (exit && !finding.finishedThere) return insertFinishRepair(context, finding.call, method, finding.raw, exit, (fixer, text) => insertBefore(fixer, context.sourceCode, exit, text));
    if (finding.finishMayFollow) return [];
    return insertFinishRepair(context, finding.call, method, finding.raw, finding.node, (fixer, text) => insertAfter(fixer, context.sourceCode, finding.node, text, context.vocabulary.releaseStatementPattern()));
  },
});
