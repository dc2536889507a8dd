/**
 * unchecked-query-interface: QueryInterface for ICancelMethodCalls can fail for custom marshaling or same-apartment calls.
 */
import { createRule } from "../util/create-rule";
import { DEFAULT_NAMING, NamingOptions, namingSchema, resolveNaming } from "../options";
import { protocolListeners } from "../engine/listeners";
import { ENGINE_ERROR_MESSAGE, reporter } from "../util/report";

export type Options = [Partial<NamingOptions>];
export type MessageId = "uncheckedQueryInterface" | "engineError";

const UNCHECKED_QUERY_INTERFACE =
  "`{{pointer}}` is used on a path where the QueryInterface at line {{line}} may have failed; test the HRESULT or the pointer first.";

export default createRule<Options, MessageId>({
  name: "unchecked-query-interface",
  meta: {
    type: "problem",
    docs: {
      description: "Require checking that `QueryInterface` succeeded before using the pointer",
      recommended: true,
    },
    messages: { uncheckedQueryInterface: UNCHECKED_QUERY_INTERFACE, engineError: ENGINE_ERROR_MESSAGE },
    schema: namingSchema(),
    defaultOptions: [DEFAULT_NAMING],
  },
  defaultOptions: [DEFAULT_NAMING],
  create: (context, [options]) => protocolListeners(context, resolveNaming(options), "unchecked-query-interface", reporter(context, "uncheckedQueryInterface")),
});
