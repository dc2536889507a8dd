/**
 * mismatched-finish: the Finish_ of a call must be the one of its Begin_
 * (`Begin_GetPrice` is finished by `Finish_GetPrice`).
 */
import { lineOf, protocolRule } from "../util/protocol-rule";

const MISMATCHED_FINISH = "`{{finish}}` does not finish the pending {{pending}} (line {{line}}) on `{{call}}`.";

export default protocolRule({
  kind: "mismatched-finish",
  description: "Require the `Finish_` method to match the pending `Begin_` method",
  recommended: true,
  messageId: "mismatchedFinish",
  message: MISMATCHED_FINISH,
  data: (finding) => ({ finish: finding.finish, pending: finding.pendingName, line: lineOf(finding.pendingBegin), call: finding.call }),
  related: (finding) => ({ loc: finding.pendingBegin.loc, range: finding.pendingBegin.range, label: `the pending ${finding.pendingName} (line ${lineOf(finding.pendingBegin)})` }),
});
