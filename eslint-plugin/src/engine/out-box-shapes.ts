/**
 * Out-parameter boxes (spec section 2a, shape 7), as the code writes them: what makes one
 * (`Buffer.alloc(8)`, `[null]`, `{ value: null }`, `new BigUint64Array(1)`, `new Uint8Array(8)`, `koffi.alloc('void *', 1)`)
 * and the Buffer methods that read its pointer back. Which variable holds a box, and which call
 * fills it, is the file's (ffi.ts).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, dottedName, memberName, numericLiteral, propertyKeyName, unwrapExpression, walk } from "./ast";

type Node = TSESTree.Node;

const BOX_READ_METHODS = new Set(["readBigUInt64LE", "readBigUint64LE", "readBigInt64LE", "readBigUInt64BE", "readUInt32LE", "readUint32LE", "readInt32LE", "readPointer"]);

/** `readBigUInt64LE` and the other Buffer methods that read a pointer out of a box. */
export function isBoxReadMethod(name: string): boolean {
  return BOX_READ_METHODS.has(name);
}

/**
 * `box.writeBigUInt64LE(0n)`, `box.fill(0)`, `box[0] = 0n`: a mention of a box that empties it (a SafeRelease helper
 * after its Release), which hands it to nothing that could fill it.
 */
export function isBoxReset(mention: TSESTree.Identifier): boolean {
  const member = mention.parent;
  if (member?.type !== "MemberExpression" || member.object !== mention) return false;
  const use = member.parent;
  if (use?.type === "CallExpression" && use.callee === member && !member.computed && member.property.type === "Identifier") return /^(?:write|fill$)/.test(member.property.name);
  return use?.type === "AssignmentExpression" && use.left === member && member.computed;
}

/**
 * koffi's read of the pointer at the start of what it is given (`koffi.decode(p, 'void *')`, `koffi.decode(p, 0,
 * 'void*')`): that operand and the type read, or null. `isZero` judges the offset (a constant's value included).
 */
export function koffiDecodeAtStart(call: TSESTree.CallExpression, isZero: (offset: TSESTree.CallExpressionArgument) => boolean): { operand: TSESTree.CallExpressionArgument; type: TSESTree.CallExpressionArgument } | null {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== "MemberExpression" || memberName(callee) !== "decode" || !isKoffi(callee.object)) return null;
  const [operand, second, third] = call.arguments;
  if (call.arguments.length === 2) return { operand, type: second };
  return call.arguments.length === 3 && isZero(second) && namesPointerType(third) ? { operand, type: third } : null;
}

/** Does the function empty the box it is given at `index` (`pp.writeBigUInt64LE(0n)`, `pp[0] = 0n`) somewhere? */
export function emptiesParameter(fn: TSESTree.FunctionLike, index: number): boolean {
  const param = fn.params[index];
  if (param?.type !== "Identifier" || !fn.body) return false;
  let empties = false;
  walk(fn.body, (node) => {
    if (!empties && node.type === "Identifier" && node.name === param.name && isBoxReset(node)) empties = true;
  });
  return empties;
}

/** `Buffer.alloc(8)`, `[null]`, `{ value: null }`, `new BigUint64Array(1)`, koffi's `koffi.alloc('void *', 1)`. */
export function isBoxCreation(init: Node): boolean {
  switch (init.type) {
    case "CallExpression": {
      const callee = unwrapExpression(init.callee);
      // One pointer koffi allocates (`'void *'`, `voidPtr`, `koffi.pointer(...)`); a GUID or an int it allocates is no box.
      if (callee.type === "MemberExpression" && memberName(callee) === "alloc" && isKoffi(callee.object)) {
        const [type, count] = init.arguments;
        return !!type && !!count && numericLiteral(count) === 1 && namesPointerType(type);
      }
      // ref-napi's (ffi-napi's) `ref.alloc('pointer')`, `ref.alloc(ref.refType(ref.types.void))`: one pointer.
      if (callee.type === "MemberExpression" && memberName(callee) === "alloc" && isRefNapi(callee.object)) {
        const [type] = init.arguments;
        return init.arguments.length === 1 && !!type && (isStringLiteral(type, "pointer") || namesPointerType(type) || (type.type === "CallExpression" && calleeName(type.callee) === "refType"));
      }
      // A pointer's size: 8, 4, or a named size (`POINTER_SIZE`); a 16-byte GUID buffer is no box, nor
      // is a computed size (`Buffer.alloc(stride * height)`: pixels, a struct array).
      const argument = init.arguments[0] ? unwrapExpression(init.arguments[0] as Node) : null;
      const size = argument ? pointerSize(argument) : null;
      const named = argument?.type === "Identifier" || argument?.type === "MemberExpression";
      return callee.type === "MemberExpression" && dottedName(callee.object) === "Buffer" && /^alloc/.test(memberName(callee) ?? "") && (size === 8 || size === 4 || (size === null && (named || argument === null)));
    }
    case "ArrayExpression":
      return init.elements.length === 1 && init.elements[0]?.type === "Literal" && init.elements[0].value === null;
    case "ObjectExpression":
      return init.properties.length === 1 && init.properties[0].type === "Property" && propertyKeyName(init.properties[0]) === "value";
    case "NewExpression":
      // One 64-bit element, or eight bytes (`new Uint8Array(8)`, read through a view of its buffer).
      if (init.callee.type !== "Identifier" || init.arguments.length !== 1) return false;
      return (isPointerArrayName(init.callee.name) && numericLiteral(init.arguments[0]) === 1) || (init.callee.name === "Uint8Array" && numericLiteral(init.arguments[0]) === 8);
    default:
      return false;
  }
}

/** A size written as a number, or a pointer's size by architecture (`process.arch === 'x64' ? 8 : 4`): 8 then. */
function pointerSize(node: Node): number | null {
  if (node.type !== "ConditionalExpression") return numericLiteral(node as TSESTree.CallExpressionArgument);
  const [a, b] = [numericLiteral(node.consequent), numericLiteral(node.alternate)];
  return (a === 8 && b === 4) || (a === 4 && b === 8) ? 8 : null;
}

/** bun:ffi's memory-read namespace, `read` (`read.ptr(p)`), also through a namespace import (`ffi.read`), by its owner's dotted name. */
export function isBunReadNamespace(owner: string | null): boolean {
  return owner !== null && /(?:^|\.)read$/.test(owner);
}

/** `getBigUint64`, `getBigInt64`: a DataView's 64-bit read. */
export function isViewPointerRead(method: string | null): boolean {
  return method !== null && /^getBig(?:Ui|I)nt64$/.test(method);
}

/** `BigUint64Array`, `BigInt64Array`: a typed array whose elements are pointer-sized. */
export function isPointerArrayName(name: string): boolean {
  return /^Big(?:Ui|I)nt64Array$/.test(name);
}

/** A koffi type that is a pointer: `'void *'`, `voidPtr`, `koffi.pointer(koffi.types.void)`. */
export function namesPointerType(type: TSESTree.CallExpressionArgument): boolean {
  const node = type.type === "SpreadElement" ? null : unwrapExpression(type);
  if (!node) return false;
  if (node.type === "Literal") return typeof node.value === "string" && node.value.includes("*");
  if (node.type === "CallExpression") return calleeName(node.callee) === "pointer";
  const name = dottedName(node);
  return name !== null && /ptr|pointer/i.test(name.split(".").pop() ?? "");
}

/** ref-napi's module as code names it (`import * as ref from 'ref-napi'`). */
export function isRefNapi(node: Node): boolean {
  const name = dottedName(unwrapExpression(node));
  return name === "ref" || name === "refNapi" || name === "ref_napi";
}

function isStringLiteral(node: TSESTree.CallExpressionArgument, value: string): boolean {
  return node.type === "Literal" && node.value === value;
}

/** `koffi`, or a property holding it (`this.koffi`). */
export function isKoffi(node: Node): boolean {
  const name = dottedName(node);
  return name !== null && /(?:^|\.)koffi$/.test(name);
}
