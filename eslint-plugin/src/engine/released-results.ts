/**
 * Results of calls that the function itself releases: `const item = items.Item(0); ...; item.Release()`. COM hands
 * the caller a reference with every interface pointer a method returns, so a method's result that the code always
 * releases in the end is one it owns from the call on, and an early exit that skips the Release leaks it (a wrapper
 * class's `this.getDesktop()`, a typed binding's `collection.Item(i)`). A Release on some paths only is no such evidence
 * (a cache replacing its entry, `if (old !== v) old.Release()`; a count, `if (--users === 0) res.Release()`), nor is a
 * Release of an element looked up in a collection (`map.get(k)`), which the collection may still hold.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { memberName } from "./ast";
import { enclosingFunction } from "./ast-functions";
import type { FfiLookups } from "./ffi";
import type { ApiCall } from "./recognizer";
import type { TypeInfo } from "./type-info";
import type { Vocabulary } from "./vocabulary";

type Node = TSESTree.Node;

/** Lookups of an element a collection keeps (`map.get(k)`, `list.at(i)`, `items.find(...)`), not a reference handed over. */
const COLLECTION_LOOKUPS = new Set(["get", "at", "find", "findLast", "peek"]);

/**
 * A method's result the function releases itself, as the recognizer classifies it: an acquisition owned from the call,
 * which throws on failure as a typed binding's methods do. Not an import, nor a function of the file whose text names
 * the protocol (their summaries say what they return; one that names nothing of it, `getDesktop() { return
 * this.ui.getRootElement() }`, has none), nor, with types, a result whose type is not IUnknown-shaped (a semaphore's
 * `Release()` alone is not COM).
 */
export function releasedResult(call: TSESTree.CallExpression, vocabulary: Vocabulary, types: TypeInfo, lookups: FfiLookups, sourceText: string): ApiCall | null {
  const local = lookups.localFunction(call.callee);
  if ((local !== null && vocabulary.protocolWordPattern().test(sourceText.slice(local.range[0], local.range[1]))) || lookups.importedRole(call.callee) !== null) return null;
  const released = releasedResultOf(call, (name) => vocabulary.isRelease(name), (id) => lookups.referencesOf(id));
  if (released === null || !types.isIUnknownShaped(released.value)) return null;
  return { kind: "acquire", source: null, outBox: null, isCancelInterface: false, isCallFactory: false, nullable: types.resultIsNullable(released.value), returnsHresult: false, ffi: false, acquirer: released.method };
}

/**
 * The method whose result the function releases, and the value the `const` holds (`const item = items.Item(0)`, through
 * `as` or `!`): its declaration's block, or a `finally` after it in that block, calls that variable's Release method
 * as a statement of its own, run whenever the block runs to there (not in a branch, a loop or a closure). Null otherwise.
 */
export function releasedResultOf(call: TSESTree.CallExpression, isRelease: (name: string) => boolean, referencesOf: (id: TSESTree.Identifier) => TSESTree.Identifier[]): { method: string; value: Node } | null {
  if (call.callee.type !== "MemberExpression") return null;
  const method = memberName(call.callee);
  if (method === null || COLLECTION_LOOKUPS.has(method)) return null;
  let value: Node = call;
  while (value.parent && (value.parent.type === "TSAsExpression" || value.parent.type === "TSNonNullExpression")) value = value.parent;
  const declarator = value.parent;
  if (declarator?.type !== "VariableDeclarator" || declarator.init !== value || declarator.id.type !== "Identifier") return null;
  const declaration = declarator.parent;
  if (declaration?.type !== "VariableDeclaration" || declaration.kind !== "const") return null;
  const releases = referencesOf(declarator.id).some((ref) => {
    const member = ref.parent;
    const released = member?.type === "MemberExpression" && member.object === ref && !member.computed && member.property.type === "Identifier" && isRelease(member.property.name);
    const releaseCall = released ? member.parent : null;
    return releaseCall?.type === "CallExpression" && releaseCall.callee === member && releaseCall.arguments.length === 0 && runsWhenBlockDoes(releaseCall, declaration);
  });
  return releases ? { method, value } : null;
}

/** Is this call a statement of the declaration's block after it, or of the `finally` of a `try` after it there? */
function runsWhenBlockDoes(call: TSESTree.CallExpression, declaration: TSESTree.VariableDeclaration): boolean {
  const statement = call.parent;
  if (statement?.type !== "ExpressionStatement" || statement.range[0] < declaration.range[1]) return false;
  if (statement.parent === declaration.parent) return true;
  const block = statement.parent;
  const attempt = block?.parent;
  return attempt?.type === "TryStatement" && attempt.finalizer === block && attempt.parent === declaration.parent && enclosingFunction(call) === enclosingFunction(declaration);
}
