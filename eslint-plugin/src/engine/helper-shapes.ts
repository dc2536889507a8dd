/**
 * What a function is from the shape of its body, with no COM names: a vtable dispatcher (indexes a
 * vtable with its second parameter), a check helper (throws or ends the process when a parameter
 * tests failed), a function that ends the process. Answers are cached per function node.
 */
import type { SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, dottedName, isNullishLiteral, isPropertyName, memberName, unwrapExpression, walk } from "./ast";
import { isFunctionNode, returnedValues } from "./ast-functions";
import { isBoxCreation, isKoffi, namesPointerType } from "./out-box-shapes";
import { escapeRegExp } from "./vocabulary";

const dispatchers = new WeakMap<TSESTree.Node, boolean>();
const delegating = new WeakMap<TSESTree.Node, boolean>();
const checkHelpers = new WeakMap<TSESTree.Node, boolean>();
const converters = new WeakMap<TSESTree.Node, boolean>();
const boxMakers = new WeakMap<TSESTree.Node, boolean>();
const objectHanders = new WeakMap<TSESTree.Node, boolean>();

/** `read.ptr(vtable, slot * 8)`: the second parameter times the size of a pointer (`slot * 8`, `index * koffi.sizeof("void*")`, `PTR_SIZE * slot`, `BigInt(slot) * 8n`), not any product (`w * h`). */
export function indexesVtable(fn: TSESTree.FunctionLike, sourceCode: SourceCode): boolean {
  let known = dispatchers.get(fn);
  if (known !== undefined) return known;
  const slot = fn.params[1];
  known = false;
  if (slot?.type === "Identifier") {
    const text = sourceCode.text.slice(fn.range[0], fn.range[1]);
    // The slot may be converted first, and the size a BigInt (`BigInt(vtableIndex) * 8n`, a public koffi D3D11 helper).
    const name = `(?:${escapeRegExp(slot.name)}|(?:BigInt|Number)\\(\\s*${escapeRegExp(slot.name)}\\s*\\))`;
    const size = `(?:8n?|4n?|[\\w$.]*(?:size|SIZE|Size|ptr|PTR|Ptr|pointer|POINTER|Pointer)[\\w$.]*)`;
    known = new RegExp(`(^|[^\\w$.])${name}\\s*\\*\\s*${size}(?![\\w$])|(^|[^\\w$.])${size}\\s*\\*\\s*${name}(?![\\w$])|(^|[^\\w$.])${name}\\s*<<\\s*[23](?![\\w$])`).test(text) || indexesDecodedTable(text, fn.params[0], name);
  }
  dispatchers.set(fn, known);
  return known;
}

/**
 * koffi's way: the table decoded from the object (`koffi.decode(objPtr, 'void *')`, then an array of its
 * function pointers) indexed with the slot (`fns[index]`, `koffi.decode(vtable, 'void *', index + 1)[index]`). Only where the function's text says `vtbl`/`vtable` and
 * passes its first parameter to some call (`decode(objPtr, ...)`): `names[index]` of a table of names is no vtable.
 */
function indexesDecodedTable(text: string, object: TSESTree.Parameter | undefined, slot: string): boolean {
  if (object?.type !== "Identifier" || !/vtbl|vtable/i.test(text)) return false;
  const readsObject = new RegExp(`\\(\\s*${escapeRegExp(object.name)}\\s*[,)]`).test(text);
  return readsObject && new RegExp(`[\\w$\\])]\\s*\\[\\s*${slot}\\s*\\]`).test(text);
}

/**
 * `callVtableMethod(comObj, methodIndex, signature, ...args)`, which hands its first two parameters, in that order,
 * to a dispatcher (`getVtableMethodPtr(comObj, methodIndex)` indexes the vtable): a dispatcher too, one step removed,
 * unless it makes an out box of its own (an acquire helper). Its whole body is searched, nested functions included.
 * `isDispatcher` says whether a callee is one (of the file or imported); a function met again while asking (a
 * cycle of helpers) is answered "no", and that answer is kept.
 */
export function handsSlotToDispatcher(fn: TSESTree.FunctionLike, isDispatcher: (callee: TSESTree.Node) => boolean): boolean {
  let known = delegating.get(fn);
  if (known !== undefined) return known;
  delegating.set(fn, false);
  const [object, slot] = fn.params;
  known = false;
  if (object?.type === "Identifier" && slot?.type === "Identifier" && fn.body) {
    let makesBox = false;
    walk(fn.body, (node) => {
      // One that makes an out box for the call is an acquire helper (`outPtr(obj, slot)` returning `out[0]`), no dispatcher.
      if (node.type === "VariableDeclarator" && node.init && isBoxCreation(unwrapExpression(node.init))) makesBox = true;
      if (known || node.type !== "CallExpression") return;
      const [first, second] = node.arguments;
      known = first?.type === "Identifier" && first.name === object.name && second?.type === "Identifier" && second.name === slot.name && isDispatcher(node.callee);
    });
    known &&= !makesBox;
  }
  delegating.set(fn, known);
  return known;
}

/**
 * A conversion of a pointer's value: `Number(v)`, `BigInt(v)`, Deno's `Deno.UnsafePointer.create(v)`, koffi's cast
 * `koffi.as(v, 'void *')`, and a function of the file whose every return converts its first parameter so (`function
 * asPointer(value) { return value ? Deno.UnsafePointer.create(BigInt(value)) : null }`): what it returns is the pointer
 * it was given, in another type. The operand converted, or null for no conversion. `localFunction` finds the function
 * a callee names in this file.
 */
export function conversionOperand(call: TSESTree.CallExpression, localFunction: (callee: TSESTree.Node) => TSESTree.Node | null): TSESTree.Expression | null {
  const [operand] = call.arguments;
  if (!operand || operand.type === "SpreadElement") return null;
  const callee = unwrapExpression(call.callee);
  // koffi's cast to a pointer type (`koffi.as(p, 'void *')`, the `this` of a vtable call as a public WMI client passes it).
  if (call.arguments.length === 2) return callee.type === "MemberExpression" && memberName(callee) === "as" && isKoffi(callee.object) && namesPointerType(call.arguments[1]) ? operand : null;
  if (call.arguments.length !== 1) return null;
  const name = dottedName(callee);
  if (name === "Number" || name === "BigInt" || (name !== null && /(?:^|\.)UnsafePointer\.create$/.test(name))) return operand;
  const fn = name !== null && !name.includes(".") ? localFunction(callee) : null;
  return fn !== null && isFunctionNode(fn) && convertsParameter(fn) ? operand : null;
}

function convertsParameter(fn: TSESTree.FunctionLike): boolean {
  let known = converters.get(fn);
  if (known !== undefined) return known;
  converters.set(fn, false);
  const param = fn.params[0];
  known = false;
  if (param?.type === "Identifier" && onlyComputesItsResult(fn)) {
    const converts = (expr: TSESTree.Node): boolean => {
      const node = unwrapExpression(expr);
      switch (node.type) {
        case "Identifier":
          return node.name === param.name;
        case "CallExpression": {
          const operand = conversionOperand(node, () => null);
          return operand !== null && converts(operand);
        }
        case "ConditionalExpression":
          return (converts(node.consequent) || isNullishLiteral(node.consequent)) && (converts(node.alternate) || isNullishLiteral(node.alternate)) && !(isNullishLiteral(node.consequent) && isNullishLiteral(node.alternate));
        default:
          return false;
      }
    };
    const values = returnedValues(fn);
    known = values.some((value) => value !== null && converts(value)) && values.every((value) => value !== null && (converts(value) || isNullishLiteral(value)));
  }
  converters.set(fn, known);
  return known;
}

/**
 * A body that only computes its result: declarations, tests that throw or return, and returns. No statement of its
 * own hands a value on (`live.push(p)`, `current = p`): a function that returns its parameter after filing it in a
 * registry is no conversion.
 */
export function onlyComputesItsResult(fn: TSESTree.FunctionLike): boolean {
  if (!fn.body || fn.body.type !== "BlockStatement") return !!fn.body;
  const exits = (statement: TSESTree.Statement): boolean =>
    statement.type === "ReturnStatement" || statement.type === "ThrowStatement" || (statement.type === "BlockStatement" && statement.body.every(exits));
  return fn.body.body.every((statement) => statement.type === "ReturnStatement" || statement.type === "VariableDeclaration" || (statement.type === "IfStatement" && !statement.alternate && exits(statement.consequent)));
}

/**
 * Does the body hand the object it is given to some call: `vcall(p, 2)`, `new Deno.UnsafeFnPointer(fp, d).call(p)`,
 * `p.Release()`; for a rest parameter, each element of it in a loop over it (`for (const o of objects) comCall(o, 2)`)?
 * A release function of the file that does not (`function release(p) { if (p) log("gone") }`, or one whose Release was
 * deleted) releases nothing, whatever its name (spec 2a shape 8: a helper's role comes from its body).
 */
export function handsOnItsObject(fn: TSESTree.FunctionLike): boolean {
  let known = objectHanders.get(fn);
  if (known !== undefined) return known;
  known = false;
  const [first] = fn.params;
  const param = first?.type === "AssignmentPattern" ? first.left : first;
  const names = new Set<string>();
  if (param?.type === "Identifier") names.add(param.name);
  if (fn.body && param?.type === "RestElement" && param.argument.type === "Identifier") {
    const list = param.argument.name;
    walk(fn.body, (node) => {
      // `for (const o of objects)`, `objects.forEach((o) => ...)`: the loop's variable is each object.
      if (node.type === "ForOfStatement" && node.right.type === "Identifier" && node.right.name === list && node.left.type === "VariableDeclaration") {
        const id = node.left.declarations[0]?.id;
        if (id?.type === "Identifier") names.add(id.name);
      }
      if (node.type === "CallExpression" && node.callee.type === "MemberExpression" && memberName(node.callee) === "forEach" && node.callee.object.type === "Identifier" && node.callee.object.name === list) {
        const callback = node.arguments[0];
        const id = callback && isFunctionNode(callback) ? callback.params[0] : undefined;
        if (id?.type === "Identifier") names.add(id.name);
      }
    });
  }
  if (fn.body && names.size > 0) {
    walk(fn.body, (node) => {
      if (known || (node.type !== "CallExpression" && node.type !== "NewExpression")) return;
      const callee = unwrapExpression(node.callee);
      const named = (arg: TSESTree.Node) => {
        const expr = unwrapExpression(arg);
        return expr.type === "Identifier" && names.has(expr.name);
      };
      known = node.arguments.some(named) || (callee.type === "MemberExpression" && named(callee.object));
    });
  }
  objectHanders.set(fn, known);
  return known;
}

/**
 * Does the body (its closures too) release a parameter other than the first (`release(scope, p)` filing
 * `scope.add(() => com.release(p))`, `defer(scope, () => p.Release())`)? Then the first is no object it releases: a
 * registrar, judged by its body. `isRelease`: whether a callee's or method's name is a release (the vocabulary's).
 */
export function releasesAnotherParameter(fn: TSESTree.FunctionLike, isRelease: (name: string) => boolean): boolean {
  const others = new Set(fn.params.slice(1).flatMap((p) => (p.type === "Identifier" ? [p.name] : [])));
  let found = false;
  if (fn.body && others.size > 0)
    walk(fn.body, (node) => {
      if (found || node.type !== "CallExpression") return;
      const name = calleeName(node.callee);
      if (name === null || !isRelease(name)) return;
      const callee = unwrapExpression(node.callee);
      const names = (expr: TSESTree.Node) => {
        const value = unwrapExpression(expr);
        return value.type === "Identifier" && others.has(value.name);
      };
      found = node.arguments.some(names) || (callee.type === "MemberExpression" && names(callee.object));
    });
  return found;
}

/** `function pointer_slot() { return new BigUint64Array(1) }`: every return makes a new out box (out-box-shapes.ts). */
export function returnsNewBox(fn: TSESTree.Node): boolean {
  if (!isFunctionNode(fn)) return false;
  let known = boxMakers.get(fn);
  if (known !== undefined) return known;
  known = false;
  if (fn.params.length === 0) {
    const values = returnedValues(fn);
    known = values.length > 0 && values.every((value) => value !== null && isBoxCreation(unwrapExpression(value)));
  }
  boxMakers.set(fn, known);
  return known;
}

/** `if (hr !== S_OK) { log(label); process.exit(1) }` on a parameter, at the top of the body. */
export function endsOnFailure(fn: TSESTree.FunctionLike, sourceCode: SourceCode): boolean {
  let known = checkHelpers.get(fn);
  if (known !== undefined) return known;
  known = false;
  if (fn.body?.type === "BlockStatement") {
    const params = new Set(fn.params.flatMap((p) => (p.type === "Identifier" ? [p.name] : [])));
    known = fn.body.body.some((statement) => {
      if (statement.type !== "IfStatement") return false;
      const test = sourceCode.getText(statement.test as never);
      const testsParam = [...params].some((name) => new RegExp(`(^|[^\\w$.])${escapeRegExp(name)}(?![\\w$])`).test(test));
      return testsParam && /\bthrow\b|\bprocess\.exit\s*\(|\bDeno\.exit\s*\(/.test(sourceCode.getText(statement.consequent as never));
    });
  }
  checkHelpers.set(fn, known);
  return known;
}

/** Declared `never`, or ending in `process.exit(...)` / `Deno.exit(...)`. */
export function endsProcessFunction(fn: TSESTree.FunctionLike): boolean {
  if (fn.returnType?.typeAnnotation.type === "TSNeverKeyword") return true;
  const body = fn.body?.type === "BlockStatement" ? fn.body.body : [];
  const last = body[body.length - 1];
  return last?.type === "ExpressionStatement" && last.expression.type === "CallExpression" && isExitCall(last.expression);
}

export function isExitCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== "MemberExpression" || memberName(callee) !== "exit") return false;
  const object = unwrapExpression(callee.object);
  return object.type === "Identifier" && (object.name === "process" || object.name === "Deno");
}

/**
 * A helper that calls one kind of method: the prototype it gives koffi is a constant of the file, not a parameter
 * (`function callForInt32(p, index) { const out = [0]; return koffi.call(slot(p, index), GetInt32Proto, p, out) }`).
 * Its slot is free, but a Release written through it would pass Release another method's signature.
 */
export function fixesItsPrototype(fn: TSESTree.FunctionLike): boolean {
  const known = fixedPrototypes.get(fn);
  if (known !== undefined) return known;
  const params = new Set(fn.params.flatMap((p) => (p.type === "Identifier" ? [p.name] : p.type === "AssignmentPattern" && p.left.type === "Identifier" ? [p.left.name] : [])));
  let fixed = false;
  if (fn.body)
    walk(fn.body, (node) => {
      if (node.type !== "CallExpression" || node.callee.type !== "MemberExpression" || memberName(node.callee) !== "call" || !isKoffi(node.callee.object)) return;
      const proto = node.arguments[1];
      if (proto?.type === "Identifier" && !params.has(proto.name)) fixed = true;
    });
  fixedPrototypes.set(fn, fixed);
  return fixed;
}
const fixedPrototypes = new WeakMap<TSESTree.Node, boolean>();

/** Methods every value has that read it and keep nothing (`address.toString(16)`). */
const VALUE_METHODS = new Set(["toString", "toLocaleString", "valueOf", "toFixed", "toPrecision"]);
/** Global conversions that read a value and keep nothing. */
const CONVERSIONS = new Set(["BigInt", "Number", "String", "Boolean"]);
/** Lookups that only compare their first argument with what a collection holds (`tracked.get(handle)`, `cache.includes(p)`). */
const LOOKUPS = new Set(["get", "has", "includes", "indexOf", "lastIndexOf"]);

/** Is this reference of a parameter read as a value, or handed to native code, and kept by nothing? */
export function isValueUse(ref: TSESTree.Identifier, onlyUses: (call: TSESTree.CallExpression, index: number) => boolean): boolean {
  if (isPrintedOrCompared(ref)) return true;
  const parent = ref.parent;
  if (parent?.type !== "CallExpression" || parent.callee === ref || !parent.arguments.includes(ref)) return false;
  const callee = parent.callee;
  const lookup = callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier" && LOOKUPS.has(callee.property.name) && parent.arguments[0] === ref;
  return lookup || (callee.type === "Identifier" && CONVERSIONS.has(callee.name)) || onlyUses(parent, parent.arguments.indexOf(ref));
}

const valueParams = new WeakMap<TSESTree.FunctionLike, boolean[]>();

/**
 * Does the function read its `index`th parameter only as a value (`formatAddress(p)` of `` `0x${p.toString(16)}` ``,
 * `p === 0n`, `Number(p)`), never as an object nor handed to any other call? A raw pointer given to it is a number
 * printed or compared, not the object used.
 */
export function readsParamAsValue(fn: TSESTree.FunctionLike, index: number, referencesOf: (param: TSESTree.Identifier) => TSESTree.Identifier[]): boolean {
  let byIndex = valueParams.get(fn);
  if (byIndex === undefined) {
    byIndex = fn.params.map((param) => param.type === "Identifier" && referencesOf(param).every((ref) => ref === param || isPrintedOrCompared(ref)));
    valueParams.set(fn, byIndex);
  }
  return byIndex[index] ?? false;
}

/**
 * Printed, compared or tested, as a number (`p === 0n`, `` `${p}` ``, `p.toString(16)`, `if (!p) return`): not converted
 * for another use (`read.ptr(Number(p), 0)`).
 */
function isPrintedOrCompared(ref: TSESTree.Identifier): boolean {
  const parent = ref.parent;
  if (parent?.type === "BinaryExpression" || parent?.type === "TemplateLiteral") return true;
  if (parent?.type === "UnaryExpression") return parent.operator === "!" || parent.operator === "typeof";
  if ((parent?.type === "IfStatement" || parent?.type === "WhileStatement" || parent?.type === "DoWhileStatement" || parent?.type === "ConditionalExpression") && parent.test === ref) return true;
  return (
    parent?.type === "MemberExpression" &&
    parent.object === ref &&
    !parent.computed &&
    parent.property.type === "Identifier" &&
    VALUE_METHODS.has(parent.property.name) &&
    parent.parent?.type === "CallExpression" &&
    parent.parent.callee === parent
  );
}

const callbackResults = new WeakMap<TSESTree.Node, number | null>();

/**
 * `withHString(name, body)` returning `body(h)` on every return, and doing nothing else with `body` than calling it: a
 * wrapper that runs the function it is given while it runs and hands back what it returns. The index of that parameter,
 * or null. (A call of such a wrapper with a function written in place returns what that function returns: call-effects.ts.)
 */
export function returnsCallbackResult(fn: TSESTree.FunctionLike): number | null {
  let known = callbackResults.get(fn);
  if (known !== undefined) return known;
  known = null;
  // (A generator's call runs nothing yet: it returns an iterator.)
  const values = fn.generator ? [] : returnedValues(fn);
  for (const value of values) {
    let expr = value && unwrapExpression(value);
    if (expr?.type === "AwaitExpression") expr = unwrapExpression(expr.argument);
    const callee = expr?.type === "CallExpression" ? unwrapExpression(expr.callee) : null;
    const index = callee?.type === "Identifier" ? fn.params.findIndex((p) => p.type === "Identifier" && p.name === callee.name) : -1;
    if (index < 0 || (known !== null && known !== index)) {
      known = null;
      break;
    }
    known = index;
  }
  if (known !== null && !onlyCalled(fn, (fn.params[known] as TSESTree.Identifier).name)) known = null;
  callbackResults.set(fn, known);
  return known;
}

/** Is every mention of `name` in the function's body a call of it (`fn(x)`): not stored, passed on or kept by a closure? */
function onlyCalled(fn: TSESTree.FunctionLike, name: string): boolean {
  let only = true;
  if (fn.body)
    walk(fn.body, (node) => {
      if (!only || node.type !== "Identifier" || node.name !== name) return;
      if (isPropertyName(node)) return;
      only = node.parent?.type === "CallExpression" && node.parent.callee === node;
    });
  return only;
}
