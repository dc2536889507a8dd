/**
 * unchecked-query-interface: QueryInterface (and every acquisition that can
 * fail without throwing) may fail; the pointer must be tested before it is used.
 */
import { lineOf, protocolRule } from "../util/protocol-rule";

const UNCHECKED_QUERY_INTERFACE = "`{{pointer}}` is used on a path where the {{acquirer}} at line {{line}} may have failed; test the HRESULT or the pointer first.";

export default protocolRule({
  kind: "unchecked-query-interface",
  description: "Require checking that `QueryInterface` succeeded before using the pointer",
  recommended: true,
  messageId: "uncheckedQueryInterface",
  message: UNCHECKED_QUERY_INTERFACE,
  data: (finding) => ({ pointer: finding.pointer, acquirer: finding.acquirer, line: lineOf(finding.acquisition) }),
  related: (finding) => ({ loc: finding.acquisition.loc, range: finding.acquisition.range, label: `the ${finding.acquirer} that may have failed (line ${lineOf(finding.acquisition)})` }),
});
