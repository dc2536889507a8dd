/**
 * How the file writes a Finish_ call, for the repairs that insert one (util/repairs.ts): the method shape's arguments
 * (`call.Finish_GetPrice(symbol)`), or a call through a vtable written again for another call object
 * (`vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], [])`, every mention of the object replaced, koffi's `[call]`
 * among them). One that names another variable of its function (`[out]`) cannot be written elsewhere: no repair.
 */
import type { Scope } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { isPropertyName, unwrapExpression, walk } from "./ast";
import type { FinishForm } from "./model";

type Node = TSESTree.Node;

export function finishFormOf(call: TSESTree.CallExpression, receiver: Node, text: (node: Node) => string, variableOf: (id: TSESTree.Identifier) => Scope.Variable | null): FinishForm {
  const callee = unwrapExpression(call.callee);
  const inside = receiver.range[0] >= call.range[0] && receiver.range[1] <= call.range[1];
  const object = inside && receiver.type === "Identifier" ? variableOf(receiver) : null;
  const mentions: Node[] = [];
  const locals = new Set<string>();
  const method = (callee.type === "MemberExpression" && unwrapExpression(callee.object) === receiver) || !inside;
  // (The method shape writes its arguments again; a call through a vtable, all of it.)
  for (const root of method ? call.arguments : [call]) {
    walk(root, (node) => {
      if (node === receiver) mentions.push(node);
      else if (node.type === "Identifier" && !isPropertyName(node)) {
        const variable = variableOf(node);
        if (object !== null && variable === object) mentions.push(node);
        // A local of some function (not the module's, not a global): in scope only inside that function.
        else if (variable !== null && variable.scope.type !== "module" && variable.scope.type !== "global") locals.add(variable.name);
      }
    });
  }
  if (method) return { args: call.arguments.map((a) => text(a)).join(", "), locals: [...locals] };
  const whole = text(call);
  const parts: string[] = [];
  let from = call.range[0];
  for (const mention of mentions.sort((a, b) => a.range[0] - b.range[0])) {
    parts.push(whole.slice(from - call.range[0], mention.range[0] - call.range[0]));
    from = mention.range[1];
  }
  parts.push(whole.slice(from - call.range[0]));
  return { args: "", around: parts, locals: [...locals] };
}
