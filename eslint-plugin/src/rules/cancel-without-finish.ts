/**
 * cancel-without-finish: after ICancelMethodCalls::Cancel, the client must
 * still call Finish_ on every path; until it does, the call object is stuck
 * and every Begin_ returns RPC_E_CALL_PENDING.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, SUGGESTION_MESSAGES, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "cancelWithoutFinish" | "engineError" | keyof typeof SUGGESTION_MESSAGES;

const CANCEL_WITHOUT_FINISH =
  "`{{cancel}}()` cancels the call on `{{call}}`, but `{{call}}.{{finish}}()` is not called before {{exit}}. Until it is, every Begin_ on `{{call}}` returns RPC_E_CALL_PENDING.";

export default createRule<Options, MessageId>({
  name: "cancel-without-finish",
  meta: {
    type: "problem",
    docs: {
      description: "Require `Finish_` after `ICancelMethodCalls::Cancel` on every path",
      recommended: true,
    },
    hasSuggestions: true,
    messages: { cancelWithoutFinish: CANCEL_WITHOUT_FINISH, engineError: ENGINE_ERROR_MESSAGE, ...SUGGESTION_MESSAGES },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "cancel-without-finish", reporter(context, "cancelWithoutFinish")),
});
