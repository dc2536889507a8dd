/**
 * begin-while-pending: A call object can process only one asynchronous call at a time.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, SUGGESTION_MESSAGES, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "beginWhilePending" | "engineError" | keyof typeof SUGGESTION_MESSAGES;

const BEGIN_WHILE_PENDING =
  "`{{begin}}()` starts a call on `{{call}}` while the call begun by {{pending}} at line {{line}} is {{state}}; it returns RPC_E_CALL_PENDING. Finish that call first.";

export default createRule<Options, MessageId>({
  name: "begin-while-pending",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `Begin_` while an earlier call on the same call object is still pending",
      recommended: true,
    },
    hasSuggestions: true,
    messages: { beginWhilePending: BEGIN_WHILE_PENDING, engineError: ENGINE_ERROR_MESSAGE, ...SUGGESTION_MESSAGES },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "begin-while-pending", reporter(context, "beginWhilePending")),
});
