/**
 * finish-without-begin: a Finish_ when no call is in progress (a fresh call
 * object, or one whose call was finished already) returns RPC_E_CALL_COMPLETE.
 */
import { lineOf, protocolRule } from "../util/protocol-rule";

const FINISH_WITHOUT_BEGIN = "`{{finish}}` is called on `{{call}}` when no call is in progress ({{why}}); it returns RPC_E_CALL_COMPLETE.";

export default protocolRule({
  kind: "finish-without-begin",
  description: "Disallow `Finish_` when no call is in progress on the call object",
  recommended: true,
  messageId: "finishWithoutBegin",
  message: FINISH_WITHOUT_BEGIN,
  data: (finding) => ({
    finish: finding.finish,
    call: finding.call,
    why: finding.earlierFinish ? `the call was already finished at line ${lineOf(finding.earlierFinish)}` : "no call was begun on this call object",
  }),
  related: (finding, vocabulary) =>
    finding.earlierFinish
      ? { loc: finding.earlierFinish.loc, range: finding.earlierFinish.range, label: `the earlier ${vocabulary.finishPrefix} that already completed the call (line ${lineOf(finding.earlierFinish)})` }
      : null,
});
