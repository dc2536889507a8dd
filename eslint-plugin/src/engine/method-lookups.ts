/**
 * Methods looked up in an object's vtable by a helper of the file and called later: at once (`comMethod(p, 2,
 * proto)(p)`, or with the object bound, `method(p, 0, sig)(ptr(iid), ptr(out))`), or through the variable the lookup
 * is kept in (`const fn = comMethod(uia, 7, proto); fn(uia, pt, out)`, or bound, `const release = method(p,
 * SLOT.release, []); release()`). The lookup is then the method's call on its object (ffi.ts `vtableCall`); these
 * are the questions about the call of what it returned.
 */
import type { SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, constantValue, dottedName, memberName, propertyKeyName, sameExpression, unwrapExpression, wrappedValue } from "./ast";
import { callOf, functionCalledBy, passedArguments, resultCalledBy } from "./ast-functions";
import { isKoffi } from "./out-box-shapes";
import type { FfiLookups, VtableCall } from "./ffi";

type Node = TSESTree.Node;
type Expression = TSESTree.Expression;

export class MethodLookups {
  /** Calls whose callee's lookup is being resolved (`calledThroughVariable`), so that a cycle of initialisers ends. */
  private readonly resolving = new Set<Node>();

  constructor(
    private readonly lookups: FfiLookups,
    private readonly vtableCall: (call: TSESTree.CallExpression) => VtableCall | null,
  ) {}

  /**
   * `const fn = comMethod(uia, 7, proto); fn(uia, pt, out)`: the method a dispatcher looked up, called later on the
   * object it was looked up in (the lookup itself only uses the object: `isBoundLookup`). A call without arguments calls
   * a method the lookup bound to its object (`const release = method(p, SLOT.release, [])` where `method` returns
   * `(...a) => fn(p, ...a)`; then `release()`). Variables initialised from each other's calls (`var a = b(p, 1); var b
   * = a(p, 1)`) end the search. (Every call of a plain name passes here: the first argument must name an object, or
   * there must be none, before its callee is resolved.)
   */
  calledThroughVariable(call: TSESTree.CallExpression): VtableCall | null {
    const callee = functionCalledBy(call);
    const args = passedArguments(call);
    const bound = args.length === 0;
    // Also koffi's function made from a lookup and called at once (`koffi.decode(vtableSlot(p, 2), proto)(p)`).
    const madeAtOnce = callee.type === "CallExpression" && !bound && isKoffiFunctionDecode(callee, (id) => this.lookups.initOf(id)) ? callee : null;
    if ((callee.type !== "Identifier" && !madeAtOnce) || (!bound && (args[0].type === "SpreadElement" || dottedName(unwrapExpression(args[0])) === null)) || this.resolving.has(call)) return null;
    const init = madeAtOnce ?? this.lookups.initOf(callee);
    const lookup = init ? this.lookedUpBy(init) : null;
    this.resolving.add(call);
    try {
      const found = lookup?.type === "CallExpression" ? this.vtableCall(lookup) : null;
      if (!found) return null;
      const slot = (lookup as TSESTree.CallExpression).arguments[1];
      if (!bound) return sameExpression(found.object, args[0]) ? { object: args[0] as Expression, method: found.method, rest: args.slice(1), slot } : null;
      // A `const`, on an object no assignment changes: a `let` assigned another lookup later would call that one's
      // object, and `object = other` after the lookup leaves the method bound to the first.
      // (Not bun's `CFunction`, which binds no object.)
      const constant = init?.parent?.parent?.type === "VariableDeclaration" && init.parent.parent.kind === "const" && lookup === unwrapExpression(init!);
      const object = unwrapExpression(found.object);
      return constant && object.type === "Identifier" && !this.isAssigned(object) ? { object: found.object, method: found.method, rest: [], slot } : null;
    } finally {
      this.resolving.delete(call);
    }
  }

  /**
   * The lookup a function was made from: itself, or for bun:ffi's `CFunction({ ptr: address, ... })` the lookup of the
   * address (`vtableMethodPointer(p, RELEASE)`, inline or kept in a constant).
   */
  private lookedUpBy(init: Node): Node {
    const made = unwrapExpression(init);
    if (made.type === "CallExpression" && isKoffiFunctionDecode(made, (id) => this.lookups.initOf(id))) return unwrapExpression(constantValue(made.arguments[0] as Node, (id) => this.lookups.initOf(id)));
    const options = made.type === "CallExpression" && calleeName(made.callee) === "CFunction" ? made.arguments[0] : null;
    if (options?.type !== "ObjectExpression") return made;
    const address = options.properties.find((p): p is TSESTree.Property => p.type === "Property" && propertyKeyName(p) === "ptr");
    return address ? unwrapExpression(constantValue(address.value, (id) => this.lookups.initOf(id))) : made;
  }

  /** Is the variable assigned anywhere (`p = other`), besides its declaration? */
  private isAssigned(id: TSESTree.Identifier): boolean {
    return this.lookups.referencesOf(id).some((ref) => (ref.parent?.type === "AssignmentExpression" && ref.parent.left === ref) || ref.parent?.type === "UpdateExpression");
  }

  /**
   * A vtable lookup bound to a variable that is called (`const release = comMethod(p, 2, proto); ...; release(p)`):
   * the call through the variable is the method's, the lookup only uses the object.
   */
  isBoundLookup(call: TSESTree.CallExpression): boolean {
    return this.madeInto(call) !== null || this.callOfVariable(call) !== null;
  }

  /**
   * The `CFunction({ ptr })` (koffi: `koffi.decode(address, proto)`) a lookup's address is made into, inline or through a
   * constant: the lookup calls nothing itself.
   */
  madeInto(call: TSESTree.CallExpression): TSESTree.CallExpression | null {
    const value = wrappedValue(call);
    const declarator = value.parent;
    const initOf = (id: Node) => this.lookups.initOf(id);
    if (declarator?.type === "VariableDeclarator" && declarator.init === value && declarator.id.type === "Identifier") {
      return this.lookups.referencesOf(declarator.id).map((ref) => functionMadeFrom(ref, initOf)).find((f) => f !== null) ?? null;
    }
    return functionMadeFrom(value, initOf);
  }

  /** The call of what a lookup returns: at once (`comMethod(p, 2, proto)(p)`), or the first through the variable it is kept in. */
  callOfLookup(call: TSESTree.CallExpression): TSESTree.CallExpression | null {
    return callOf(call) ?? this.callThroughVariable(call);
  }

  private callThroughVariable(call: TSESTree.CallExpression): TSESTree.CallExpression | null {
    // The address of a function bun:ffi makes (`CFunction({ ptr: lookup })`): the call of that function.
    const made = this.madeInto(call);
    return made ? this.callOfLookup(made) : this.callOfVariable(call);
  }

  /** The first call through the variable a lookup is kept in (`const fn = comMethod(p, 7, proto); fn(p, ...)`), or null. */
  private callOfVariable(call: TSESTree.CallExpression): TSESTree.CallExpression | null {
    const value = wrappedValue(call);
    const declarator = value.parent;
    if (declarator?.type !== "VariableDeclarator" || declarator.init !== value || declarator.id.type !== "Identifier") return null;
    // `fn(p, ...)`, or Deno's `fn.call(p, ...)` of the function pointer kept.
    for (const ref of this.lookups.referencesOf(declarator.id)) {
      const called = callOf(ref);
      if (called) return called;
    }
    return null;
  }

  /**
   * The objects whose Release, bound to them by a lookup, the closure `fn` calls (`const release = method(p, SLOT.release,
   * []); releases.push(() => release())`): the Release went with the closure, which its maker cannot follow.
   */
  boundReleasesCalledIn(fn: Node, sourceCode: SourceCode): Expression[] {
    const objects: Expression[] = [];
    for (const ref of sourceCode.scopeManager?.acquire(fn as never, true)?.through ?? []) {
      const id = ref.identifier as TSESTree.Identifier;
      const call = id.parent;
      if (call?.type !== "CallExpression" || call.callee !== id || call.arguments.length > 0) continue;
      const found = this.vtableCall(call);
      if (found?.method.role === "release" && !objects.includes(found.object)) objects.push(found.object);
    }
    return objects;
  }

  /** `lookup(p, 2, proto)(p)`, Deno's `lookup(p, 2, def).call(p)`: the object a method looked up in its vtable is called on at once, or null. */
  lookedUpOn(call: TSESTree.CallExpression): Expression | null {
    const inner = resultCalledBy(call);
    const first = passedArguments(call)[0];
    if (!inner || !first || first.type === "SpreadElement") return null;
    const found = this.vtableCall(inner);
    return found && sameExpression(found.object, first) ? first : null;
  }
}

/** `CFunction({ ptr: node, ... })`: the call making a function from the address `node` is, or null. */
function functionMadeFrom(node: Node, initOf: (node: Node) => Node | null): TSESTree.CallExpression | null {
  // koffi's `koffi.decode(address, proto)`: the function of a prototype at that address.
  const decoded = node.parent;
  if (decoded?.type === "CallExpression" && isKoffiFunctionDecode(decoded, initOf) && decoded.arguments[0] === node) return decoded;
  const property = node.parent;
  const options = property?.type === "Property" && property.value === node && propertyKeyName(property) === "ptr" ? property.parent : null;
  const made = options?.type === "ObjectExpression" ? options.parent : null;
  return made?.type === "CallExpression" && made.arguments[0] === options && calleeName(made.callee) === "CFunction" ? made : null;
}

/**
 * `koffi.decode(address, proto)`, `koffi.decode(address, proto("int32 __stdcall GetX(...)"))`: the function of a
 * prototype at an address (a read of a value is given a type's name, `koffi.decode(p, 'void *')`, or an offset too).
 */
function isKoffiFunctionDecode(call: TSESTree.CallExpression, initOf: (node: Node) => Node | null): boolean {
  const callee = unwrapExpression(call.callee);
  if (call.arguments.length !== 2 || callee.type !== "MemberExpression" || memberName(callee) !== "decode" || !isKoffi(callee.object)) return false;
  // (A prototype, made here or kept in a constant: not a type's name as a string, `const PTR = 'void *'`.)
  const type = unwrapExpression(call.arguments[1] as Node);
  const value = type.type === "Identifier" ? initOf(type) : null;
  return type.type === "CallExpression" || (type.type === "Identifier" && !(value?.type === "Literal" && typeof value.value === "string"));
}

