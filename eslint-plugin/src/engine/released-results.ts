/**
 * Results of calls that the function itself releases: `const item = items.Item(0); ...; item.Release()`. COM hands
 * the caller a reference with every interface pointer a method returns, so a method's result that the code releases
 * on some path is one it owns from the call on, and a path that skips the Release leaks it (a wrapper class's
 * `element.getParent()`, a typed binding's `collection.Item(i)`). Without that Release nothing says the result is a
 * COM object the caller owns (a borrowed pointer, a plain value), and the call stays unclassified.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { memberName } from "./ast";
import { enclosingFunction } from "./ast-functions";
import type { FfiLookups } from "./ffi";
import type { ApiCall } from "./recognizer";
import type { TypeInfo } from "./type-info";
import type { Vocabulary } from "./vocabulary";

/**
 * A method's result the function releases itself, as the recognizer classifies it: an acquisition owned from the call,
 * which throws on failure as a typed binding's methods do. Not an import, nor a function of the file whose text names
 * the protocol (their summaries say what they return; one that names nothing of it, `getDesktop() { return
 * this.ui.getRootElement() }`, has none), nor, with types, a result whose type is not COM-shaped.
 */
export function releasedResult(call: TSESTree.CallExpression, vocabulary: Vocabulary, types: TypeInfo, lookups: FfiLookups, sourceText: string): ApiCall | null {
  const local = lookups.localFunction(call.callee);
  if ((local !== null && vocabulary.protocolWordPattern().test(sourceText.slice(local.range[0], local.range[1]))) || lookups.importedRole(call.callee) !== null) return null;
  const acquirer = releasedResultOf(call, (name) => vocabulary.isRelease(name), (id) => lookups.referencesOf(id));
  if (acquirer === null || !types.isComReceiver(call)) return null;
  return { kind: "acquire", source: null, outBox: null, isCancelInterface: false, isCallFactory: false, nullable: types.resultIsNullable(call), returnsHresult: false, ffi: false, acquirer };
}

/**
 * The method whose result the function releases: the call's result is a `const`'s value (`const item = items.Item(0)`,
 * through `as` or `!`), and the function that declares it calls that variable's Release method itself (not a closure
 * of it, which may run at any time). Null otherwise.
 */
export function releasedResultOf(call: TSESTree.CallExpression, isRelease: (name: string) => boolean, referencesOf: (id: TSESTree.Identifier) => TSESTree.Identifier[]): string | null {
  if (call.callee.type !== "MemberExpression") return null;
  const method = memberName(call.callee);
  let value: TSESTree.Node = call;
  while (value.parent && (value.parent.type === "TSAsExpression" || value.parent.type === "TSNonNullExpression")) value = value.parent;
  const declarator = value.parent;
  if (method === null || declarator?.type !== "VariableDeclarator" || declarator.init !== value || declarator.id.type !== "Identifier") return null;
  if (declarator.parent?.type !== "VariableDeclaration" || declarator.parent.kind !== "const") return null;
  const home = enclosingFunction(declarator);
  const releases = referencesOf(declarator.id).some((ref) => {
    const member = ref.parent;
    const released = member?.type === "MemberExpression" && member.object === ref && !member.computed && member.property.type === "Identifier" && isRelease(member.property.name);
    return released && member.parent?.type === "CallExpression" && member.parent.callee === member && member.parent.arguments.length === 0 && enclosingFunction(member.parent) === home;
  });
  return releases ? method : null;
}
