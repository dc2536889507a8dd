/**
 * Interface IDs among a call's arguments (`iid`, `IID_IFoo`, `guid(IID_IFoo).ptr`, `iidOf(IFoo)`), and the cancel
 * interface's among them: a call given an IID and a box fills the box with an interface pointer.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, memberName, unwrapExpression } from "./ast";
import type { Vocabulary } from "./vocabulary";

type Node = TSESTree.Node;
type Argument = TSESTree.CallExpressionArgument;

/** Does some argument name an interface ID? */
export function mentionsIid(args: readonly Argument[]): boolean {
  return iidIndex(args) >= 0;
}

/** The argument right after the first one naming an interface ID (`ppv` of `REFIID riid, void **ppv`), or null. */
export function argumentAfterIid(args: readonly Argument[]): Node | null {
  const at = iidIndex(args);
  const next = at >= 0 ? args[at + 1] : undefined;
  return next && next.type !== "SpreadElement" ? next : null;
}

/** Where the first argument naming an interface ID is, or -1. */
function iidIndex(args: readonly Argument[]): number {
  const names = (node: Node): boolean => {
    const expr = unwrapExpression(node);
    switch (expr.type) {
      case "Identifier":
        return namesIid(expr.name);
      case "MemberExpression":
        return names(expr.object) || namesIid(memberName(expr) ?? "");
      case "CallExpression":
        // `iidOf(IFoo)`, `__uuidof(IFoo)`, or a GUID helper given an IID (`guid(IID_IFoo)`); a bare GUID is no IID.
        return /iid|uuidof/i.test(calleeName(expr.callee) ?? "") || expr.arguments.some((a) => names(a));
      case "ArrayExpression":
        return expr.elements.some((e) => !!e && names(e));
      default:
        return false;
    }
  };
  return args.findIndex((a) => a.type !== "SpreadElement" && names(a));
}

/** `iid`, `IID_IFoo`, `riid`; not `IID_NULL`, which `IDispatch::Invoke` is given and which asks for no interface. */
function namesIid(name: string): boolean {
  return /iid/i.test(name) && !/(?:^|_)IID_NULL$/i.test(name);
}

/** Does this argument (or an IID expression inside it, `guid(IID_ICancelMethodCalls).ptr`) name the cancel interface? */
export function mentionsCancelInterface(node: Node, vocabulary: Vocabulary): boolean {
  const expr = unwrapExpression(node);
  const inside = (n: Node) => mentionsCancelInterface(n, vocabulary);
  switch (expr.type) {
    case "Identifier":
      return vocabulary.isCancelInterface(expr.name);
    case "MemberExpression":
      return vocabulary.isCancelInterface(memberName(expr) ?? "") || inside(expr.object);
    case "CallExpression":
      return expr.arguments.some(inside);
    case "ArrayExpression":
      return expr.elements.some((e) => !!e && inside(e));
    case "SpreadElement":
      return inside(expr.argument);
    default:
      return false;
  }
}
