/**
 * use-after-release: A pointer must be released exactly once and not used after its Release.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "useAfterRelease" | "engineError";

const USE_AFTER_RELEASE =
  "`{{pointer}}` was released at line {{line}}; this {{use}} after the Release.";

export default createRule<Options, MessageId>({
  name: "use-after-release",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow using or releasing an interface pointer after its `Release`",
      recommended: true,
    },
    messages: { useAfterRelease: USE_AFTER_RELEASE, engineError: ENGINE_ERROR_MESSAGE },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "use-after-release", reporter(context, "useAfterRelease")),
});
