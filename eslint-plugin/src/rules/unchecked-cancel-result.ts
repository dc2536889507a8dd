/**
 * unchecked-cancel-result: There is no guarantee that the server actually stopped execution of the call.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "uncheckedCancelResult" | "engineError";

const UNCHECKED_CANCEL_RESULT =
  "The result of `{{finish}}()` is discarded after the Cancel at line {{line}}; it says whether the server completed the call anyway (S_OK) or not (RPC_E_CALL_CANCELED).";

export default createRule<Options, MessageId>({
  name: "unchecked-cancel-result",
  meta: {
    type: "problem",
    docs: {
      description: "Require inspecting the result of `Finish_` after a `Cancel`",
      recommended: false,
    },
    messages: { uncheckedCancelResult: UNCHECKED_CANCEL_RESULT, engineError: ENGINE_ERROR_MESSAGE },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "unchecked-cancel-result", reporter(context, "uncheckedCancelResult")),
});
