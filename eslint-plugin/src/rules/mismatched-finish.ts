/**
 * mismatched-finish: Every method Foo becomes a pair Begin_Foo and Finish_Foo.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "mismatchedFinish" | "engineError";

const MISMATCHED_FINISH =
  "`{{finish}}()` does not finish the pending {{pending}} (line {{line}}) on `{{call}}`.";

export default createRule<Options, MessageId>({
  name: "mismatched-finish",
  meta: {
    type: "problem",
    docs: {
      description: "Require the `Finish_` method to match the pending `Begin_` method",
      recommended: true,
    },
    messages: { mismatchedFinish: MISMATCHED_FINISH, engineError: ENGINE_ERROR_MESSAGE },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "mismatched-finish", reporter(context, "mismatchedFinish")),
});
