/**
 * begin-while-pending: a call object processes one asynchronous call at a
 * time; a Begin_ while the call this function began is pending (or cancelled
 * and not finished) returns RPC_E_CALL_PENDING.
 */
import { insertBefore } from "../util/edits";
import { lineOf, protocolRule } from "../util/protocol-rule";
import { insertFinishRepair } from "../util/repairs";

const BEGIN_WHILE_PENDING =
  "`{{begin}}` starts a call on `{{call}}` while the call begun by {{pending}} at line {{line}} is {{state}}; it returns RPC_E_CALL_PENDING. Finish that call first.";

export default protocolRule({
  kind: "begin-while-pending",
  description: "Disallow `Begin_` while an earlier call on the same call object is still pending",
  recommended: true,
  messageId: "beginWhilePending",
  message: BEGIN_WHILE_PENDING,
  suggestionMessages: { insertFinish: "Call `{{call}}` here." },
  data: (finding) => ({
    begin: finding.begin,
    call: finding.call,
    pending: finding.pendingName,
    line: lineOf(finding.pendingBegin),
    state: finding.cancelled ? "cancelled but not finished" : "still pending",
  }),
  related: (finding) => ({ loc: finding.pendingBegin.loc, range: finding.pendingBegin.range, label: `the pending ${finding.pendingName} (line ${lineOf(finding.pendingBegin)})` }),
  // Not where another path arrives with no call pending: the Finish_ would fail there (RPC_E_CALL_COMPLETE).
  repairs: (finding, context) =>
    finding.idleThere ? [] : insertFinishRepair(context, finding.call, finding.method, finding.raw, (fixer, text) => insertBefore(fixer, context.sourceCode, finding.node, text)),
});
