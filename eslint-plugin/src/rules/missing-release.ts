/**
 * missing-release: Every interface pointer the client obtains is owned and must be released exactly once.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, SUGGESTION_MESSAGES, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "missingRelease" | "engineError" | keyof typeof SUGGESTION_MESSAGES;

const MISSING_RELEASE =
  "`{{pointer}}` is acquired here but not released before {{exit}}. Call `{{pointer}}.Release()` on every path, for example in a `finally` block.";

export default createRule<Options, MessageId>({
  name: "missing-release",
  meta: {
    type: "problem",
    docs: {
      description: "Require every pointer from `QueryInterface` or `CreateCall` to be released on every path",
      recommended: true,
    },
    hasSuggestions: true,
    messages: { missingRelease: MISSING_RELEASE, engineError: ENGINE_ERROR_MESSAGE, ...SUGGESTION_MESSAGES },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "missing-release", reporter(context, "missingRelease")),
});
