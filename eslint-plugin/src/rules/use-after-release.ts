/**
 * use-after-release: after its Release, an interface pointer may point at a
 * destroyed object: calling it, passing it on or releasing it again is an error.
 */
import type { UseAfterRelease } from "../engine/findings";
import { lineOf, protocolRule } from "../util/protocol-rule";

const USE_AFTER_RELEASE = "`{{pointer}}` was released at line {{line}}; this {{use}} after the Release.";
const RELEASE_BEFORE_DISPOSAL = "`{{pointer}}` is declared with `{{declaration}}` at line {{line}}, which releases it when its block ends; this Release makes that a second one.";

function useWords(use: UseAfterRelease["use"]): string {
  if (use === "release") return "releases it again";
  if (use === "pass") return "passes it on";
  if (use === "use") return "uses it";
  if ("vtable" in use) return use.vtable === null ? "calls a method of it through its vtable" : `calls ${use.vtable} on it through its vtable`;
  return `calls ${use.calls} on it`;
}

export default protocolRule({
  kind: "use-after-release",
  description: "Disallow using or releasing an interface pointer after its `Release`",
  recommended: true,
  messageId: "useAfterRelease",
  message: USE_AFTER_RELEASE,
  otherMessages: { releaseBeforeDisposal: RELEASE_BEFORE_DISPOSAL },
  messageIdOf: (finding) => (finding.disposedBy ? "releaseBeforeDisposal" : "useAfterRelease"),
  data: (finding) => ({ pointer: finding.pointer, line: lineOf(finding.release), use: useWords(finding.use), ...(finding.disposedBy ? { declaration: finding.disposedBy } : {}) }),
  related: (finding) => ({
    loc: finding.release.loc,
    range: finding.release.range,
    label: finding.disposedBy ? `the \`${finding.disposedBy}\` declaration (line ${lineOf(finding.release)})` : `the Release (line ${lineOf(finding.release)})`,
  }),
});
