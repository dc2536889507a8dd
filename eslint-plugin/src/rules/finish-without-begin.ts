/**
 * finish-without-begin: Calling a Finish_ method when no call is in progress returns RPC_E_CALL_COMPLETE.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "finishWithoutBegin" | "engineError";

const FINISH_WITHOUT_BEGIN =
  "`{{finish}}()` is called on `{{call}}` when no call is in progress ({{why}}); it returns RPC_E_CALL_COMPLETE.";

export default createRule<Options, MessageId>({
  name: "finish-without-begin",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `Finish_` when no call is in progress on the call object",
      recommended: true,
    },
    messages: { finishWithoutBegin: FINISH_WITHOUT_BEGIN, engineError: ENGINE_ERROR_MESSAGE },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "finish-without-begin", reporter(context, "finishWithoutBegin")),
});
