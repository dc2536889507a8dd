/**
 * Native code as FFI bindings call it (spec 2a): a library's exports (`lib.symbols.Foo`, `Ole32.CoFoo`,
 * `CoCreateInstance`), koffi's declared functions and memory reads, bun:ffi's reads. Native code keeps nothing
 * it is given: a pointer handed to it stays its caller's to release.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { dottedName, isAssertion, memberName, unwrapExpression } from "./ast";
import { isBunReadNamespace, isKoffi } from "./out-box-shapes";

type Node = TSESTree.Node;

/** What these questions ask of the file: a name's initializer, and the function of the file a callee names. */
export interface NativeLookups {
  initOf(node: Node): Node | null;
  localFunction(callee: Node): Node | null;
}

/**
 * A native export, by how FFI bindings name them: `lib.symbols.Foo`, `Ole32.CoFoo` (a PascalCase function of a
 * PascalCase library object), a PascalCase free function (`CoCreateInstance`), or a function koffi declared.
 */
export function isNativeExport(callee: Node, lookups: NativeLookups): boolean {
  const expr = unwrapExpression(callee);
  if (expr.type === "Identifier") return /^[A-Z][a-z]+[A-Z]\w*$/.test(expr.name) || isKoffiDeclared(expr, lookups);
  if (expr.type !== "MemberExpression") return false;
  const name = memberName(expr) ?? "";
  // koffi's memory read (`koffi.decode(p, 'void *')`: the vtable's address). Not its other functions: `koffi.call`
  // of a method the engine cannot read may be the Release, `koffi.encode(pp, 'void *', p)` and `koffi.as(p, T)` hand
  // the pointer on.
  if (isKoffi(expr.object)) return name === "decode";
  const owner = dottedName(expr.object) ?? "";
  // bun:ffi's memory reads (`read.ptr(p)`: the vtable's address, the first step of an inline vtable call).
  if (isBunReadNamespace(owner)) return true;
  return /(^|\.)symbols$/.test(owner) || (/^[A-Z]/.test(name) && /^[A-Z][A-Za-z0-9_]*$/.test(owner) && !/^(Object|Array|Promise|Reflect|JSON|Math|Number|String|Symbol|Map|Set|WeakMap|WeakSet|Buffer|BigInt)$/.test(owner));
}

/** Does this callee keep nothing it is given: native code (`isNativeExport`), or an assertion (`assert(p)`, not the file's own `assert`)? */
export function keepsNothing(callee: Node, lookups: NativeLookups): boolean {
  if (isNativeExport(callee, lookups)) return true;
  const root = isAssertion(callee) ? unwrapExpression(callee) : null;
  const name = root?.type === "MemberExpression" ? root.object : root;
  return name?.type === "Identifier" && lookups.initOf(name) === null && lookups.localFunction(name) === null;
}

/** `const memcpy = msvcrt.func('void * memcpy(_Out_ void*, const void*, size_t)')`: a native function koffi declared. */
export function isKoffiDeclared(name: TSESTree.Identifier, lookups: NativeLookups): boolean {
  const init = lookups.initOf(name);
  const call = init ? unwrapExpression(init) : null;
  if (call?.type !== "CallExpression" || call.callee.type !== "MemberExpression") return false;
  const [declaration] = call.arguments;
  return /^(?:func|stdcall|cdecl)$/.test(memberName(call.callee) ?? "") && declaration?.type === "Literal" && typeof declaration.value === "string";
}
