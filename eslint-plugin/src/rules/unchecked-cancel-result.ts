/**
 * unchecked-cancel-result: after a Cancel, the HRESULT of Finish_ says whether
 * the server completed the call anyway; code that discards it assumes what it
 * cannot know. Opt-in (configs.strict).
 */
import { lineOf, protocolRule } from "../util/protocol-rule";

const UNCHECKED_CANCEL_RESULT =
  "The result of `{{finish}}` is discarded after the Cancel at line {{line}}; it says whether the server completed the call anyway (S_OK) or not (RPC_E_CALL_CANCELED).";

export default protocolRule({
  kind: "unchecked-cancel-result",
  description: "Require inspecting the result of `Finish_` after a `Cancel`",
  recommended: false,
  messageId: "uncheckedCancelResult",
  message: UNCHECKED_CANCEL_RESULT,
  data: (finding) => ({ finish: finding.finish, line: lineOf(finding.cancel) }),
  related: (finding) => ({ loc: finding.cancel.loc, range: finding.cancel.range, label: `the Cancel (line ${lineOf(finding.cancel)})` }),
});
