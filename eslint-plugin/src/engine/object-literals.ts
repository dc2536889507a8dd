/**
 * Objects that own pointers: the recording side (object-fields.ts has the state side). An
 * object literal built in a function keeps its properties' values with it when the object
 * itself is followed: returned (`return { blob, size }`), or bound to a local constant no other
 * function sees (`const result = { tex }`), whose later stores (`result.srv = p`) stay members
 * too. A literal anywhere else (an argument, a store, a spread), and a computed or spread
 * property, hands its values on as before. Destructuring an object (`const { srv, tex } = t`)
 * reads its members; it hands nothing on.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { memberName, unwrapExpression, walk } from "./ast";
import type { Event } from "./model";
import type { ApiCall } from "./recognizer";
import type { FunctionGraph } from "./segment-graph";
import type { Symbols } from "./symbols";
import { moduleHolder } from "./module-pointers";
import { isBoxReadMethod } from "./out-box-shapes";

type Node = TSESTree.Node;
type Expression = TSESTree.Expression;

/** How a literal's properties are followed: with the value returned, or with a local constant (its key). */
export type KeptLiteral = { as: "return" } | { as: "constant"; key: string };

export interface NamedProperty {
  name: string;
  value: Expression;
}

export class ObjectLiterals {
  /** Local constants bound to a kept literal, with its releasing methods and the fields its methods set. */
  private readonly constants = new Map<string, { methods: Set<string>; methodFields: string[] }>();

  constructor(
    private readonly symbols: Symbols,
    private readonly top: () => FunctionGraph | undefined,
    /** Does a function's text name a protocol method or a vtable call? Only such a method can release what its object holds. */
    private readonly mayRelease: (fn: Node) => boolean,
    private readonly classify: (call: TSESTree.CallExpression) => ApiCall | null,
    private readonly record: (event: Event) => void,
    /** Keys that may have members bound (object-fields.ts): a kept constant is one. */
    private readonly objectKeys: Set<string>,
    /** Members stored under a condition (object-fields.ts): optional fields of the returned object. */
    private readonly conditionalMembers: Set<string>,
  ) {}

  /** The property values of a kept literal, which stay with it instead of escaping at the literal. */
  keptValues(literal: TSESTree.ObjectExpression): Set<Node> | null {
    return this.keptAs(literal) ? new Set(this.namedProperties(literal).map((p) => p.value)) : null;
  }

  /** `const result = { tex }` (already bound): its properties become the members `result.tex`. */
  onConstant(key: string, init: Expression): void {
    const literal = unwrapExpression(init);
    if (literal.type !== "ObjectExpression" || this.keptAs(literal)?.as !== "constant") return;
    this.constants.set(key, { methods: new Set(this.releasingMethods(literal)), methodFields: this.methodSetFields(literal) });
    this.objectKeys.add(key);
    for (const { name, value } of this.namedProperties(literal)) this.record({ k: "assign", key: `${key}.${name}`, sym: this.symbols.sym(value), escapes: false });
  }

  /** `return { blob, size }`: recorded with its properties, which go to the caller with the object. */
  onReturn(expr: Expression): boolean {
    const literal = unwrapExpression(expr);
    if (literal.type !== "ObjectExpression") return false;
    const fields = this.namedProperties(literal).map(({ name, value }) => ({ name, sym: this.symbols.sym(value) }));
    const methods = this.releasingMethods(literal);
    const methodFields = this.methodSetFields(literal);
    this.record({ k: "return", target: null, targetKey: null, fields, ...(methods.length > 0 ? { methods } : {}), ...(methodFields.length > 0 ? { methodFields } : {}) });
    return true;
  }

  /** For `return result` of a kept constant: the literal's releasing methods and the fields its methods set, as the return event's. */
  methodsOfReturned(key: string | null): { methods?: string[]; methodFields?: string[] } {
    const constant = key !== null ? this.constants.get(key) : undefined;
    if (!constant) return {};
    return { ...(constant.methods.size > 0 ? { methods: [...constant.methods] } : {}), ...(constant.methodFields.length > 0 ? { methodFields: constant.methodFields } : {}) };
  }

  /**
   * Properties a method of the literal sets to a pointer read from an out box (`backBufferRTV: 0n`, then
   * `recreateRTV() { ...; gpu.backBufferRTV = ppRtv.readBigUInt64LE(0) }`): the object owns them once set.
   */
  methodSetFields(literal: TSESTree.ObjectExpression): string[] {
    const declarator = literal.parent?.type === "VariableDeclarator" && literal.parent.id.type === "Identifier" ? literal.parent.id.name : null;
    const properties = this.namedProperties(literal);
    const names = new Set(properties.map((p) => p.name));
    const out = new Set<string>();
    for (const { value } of properties) {
      if (value.type !== "FunctionExpression" && value.type !== "ArrowFunctionExpression") continue;
      walk(value, (node) => {
        if (node.type !== "AssignmentExpression" || node.operator !== "=") return;
        const member = ownMember(node.left, declarator);
        const read = unwrapExpression(node.right);
        if (member !== null && names.has(member) && read.type === "CallExpression" && read.callee.type === "MemberExpression" && isBoxReadMethod(memberName(read.callee) ?? "")) out.add(member);
      });
    }
    return [...out];
  }

  /**
   * `const { srv, tex } = t`, `const { device } = makeDevice()`: each variable reads a member of the
   * object (a call's result is kept under a key of its own while its members are read). False when
   * the pattern is not one this follows: the caller hands the object on instead.
   */
  destructure(pattern: TSESTree.ObjectPattern, init: Expression): boolean {
    const reads = this.destructured(pattern);
    if (!reads) return false;
    const s = this.symbols;
    let base = s.keyOf(init);
    const temporary = base === null;
    if (base === null) {
      base = `o${init.range[0]}`;
      this.record({ k: "assign", key: base, sym: s.sym(init), escapes: false });
    }
    for (const { name, target } of reads) {
      const key = s.keyOf(target);
      if (key === null) continue;
      const escapes = !s.isLocalUnshared(target, this.top());
      const heldBy = moduleHolder(s, target, escapes, this.top());
      this.record({ k: "assign", key, sym: { t: "slot", key: `${base}.${name}` }, escapes, name: target.name, ...(heldBy ? { heldBy } : {}) });
    }
    if (temporary) this.record({ k: "scopeEnd", keys: [base] });
    return true;
  }

  /** How a literal's properties are followed, if they are. */
  keptAs(literal: TSESTree.ObjectExpression): KeptLiteral | null {
    let node: Node = literal;
    while (node.parent && (node.parent.type === "TSAsExpression" || node.parent.type === "TSSatisfiesExpression" || node.parent.type === "TSNonNullExpression")) node = node.parent;
    const parent = node.parent;
    if (!parent) return null;
    if (parent.type === "ReturnStatement" && parent.argument === node) return { as: "return" };
    if (parent.type === "ArrowFunctionExpression" && parent.expression && parent.body === node) return { as: "return" };
    if (parent.type !== "VariableDeclarator" || parent.init !== node || parent.id.type !== "Identifier") return null;
    if ((parent.parent as TSESTree.VariableDeclaration).kind !== "const" || !this.symbols.isLocalUnshared(parent.id, this.top())) return null;
    const key = this.symbols.keyOf(parent.id);
    return key === null ? null : { as: "constant", key };
  }

  /** The properties that stay with a kept literal: plain keys, not computed, not spread. */
  namedProperties(literal: TSESTree.ObjectExpression): NamedProperty[] {
    const out: NamedProperty[] = [];
    for (const property of literal.properties) {
      if (property.type !== "Property" || property.computed || property.kind !== "init") continue;
      const name = property.key.type === "Identifier" ? property.key.name : property.key.type === "Literal" && typeof property.key.value === "string" ? property.key.value : null;
      if (name !== null && property.value.type !== "AssignmentPattern" && !isPattern(property.value)) out.push({ name, value: property.value as Expression });
    }
    return out;
  }

  /** Function-valued properties of a literal that may release what the object holds (`dispose() { comRelease(this.buf) }`). */
  releasingMethods(literal: TSESTree.ObjectExpression): string[] {
    return this.namedProperties(literal)
      .filter((p) => (p.value.type === "FunctionExpression" || p.value.type === "ArrowFunctionExpression") && this.mayRelease(p.value) && this.releasesHeld(p.value, literal))
      .map((p) => p.name);
  }

  /**
   * Does a method release (or give a helper) what the object holds: a member of `this` or of the
   * object's own name, or a variable the literal holds as a property? Not a method that only calls
   * through vtables (`present()`), releases its own locals, or refreshes a member it sets again
   * (`recreateRTV()`: `comRelease(gpu.rtv); gpu.rtv = ...`): calling those hands nothing on.
   */
  private releasesHeld(fn: Node, literal: TSESTree.ObjectExpression): boolean {
    const declarator = literal.parent?.type === "VariableDeclarator" && literal.parent.id.type === "Identifier" ? literal.parent.id.name : null;
    const held = new Set(this.namedProperties(literal).flatMap((p) => (p.value.type === "Identifier" ? [p.value.name] : [])));
    const memberOf = (expr: Node): string | null => ownMember(expr, declarator);
    const reassigned = new Set<string>();
    const calls: TSESTree.CallExpression[] = [];
    walk(fn, (node) => {
      if (node.type === "AssignmentExpression") {
        const name = memberOf(node.left);
        if (name !== null) reassigned.add(name);
      } else if (node.type === "CallExpression") calls.push(node);
    });
    const holds = (expr: Node): boolean => {
      const e = unwrapExpression(expr);
      const member = memberOf(e);
      if (member !== null) return !reassigned.has(member);
      return e.type === "ThisExpression" || (e.type === "Identifier" && (e.name === declarator || held.has(e.name)));
    };
    return calls.some((call) => {
      const api = this.classify(call);
      if (api?.kind === "release") return holds(api.target);
      return api === null && call.arguments.some((arg) => holds(arg));
    });
  }

  /**
   * `result.srv = p` on a local constant bound to a kept literal: a member of that object, not a
   * store away. One stored under a condition (`if (srv) result.srv = ...`) is an optional field.
   */
  isConstantMember(target: TSESTree.MemberExpression, statement: Node | null): boolean {
    if (target.computed || target.object.type !== "Identifier") return false;
    const key = this.symbols.keyOf(target.object);
    if (key === null || !this.constants.has(key)) return false;
    const name = target.property.type === "Identifier" ? target.property.name : null;
    const body = statement?.parent;
    const unconditional = body?.type === "BlockStatement" && (body.parent?.type === "FunctionDeclaration" || body.parent?.type === "FunctionExpression" || body.parent?.type === "ArrowFunctionExpression");
    if (name !== null && !unconditional) this.conditionalMembers.add(`${key}.${name}`);
    return true;
  }

  /** `obj.dispose()` on a local constant whose literal gives `dispose` a function that may release. */
  callsReleasingMethod(callee: TSESTree.MemberExpression): string | null {
    if (callee.computed || callee.object.type !== "Identifier" || callee.property.type !== "Identifier") return null;
    const key = this.symbols.keyOf(callee.object);
    return key !== null && this.constants.get(key)?.methods.has(callee.property.name) ? key : null;
  }

  /**
   * `const { srv, tex: texture } = t`: each variable reads one member. Null for patterns this
   * does not follow (rest elements, nested patterns, computed keys): the object is handed on.
   */
  destructured(pattern: TSESTree.ObjectPattern): { name: string; target: TSESTree.Identifier }[] | null {
    const out: { name: string; target: TSESTree.Identifier }[] = [];
    for (const property of pattern.properties) {
      if (property.type !== "Property" || property.computed || property.key.type !== "Identifier") return null;
      const value = property.value.type === "AssignmentPattern" ? property.value.left : property.value;
      if (value.type !== "Identifier") return null;
      out.push({ name: property.key.name, target: value });
    }
    return out;
  }
}

/** `this.rtv` or `gpu.rtv` (the object's own name): the member's name; else null. */
function ownMember(expr: Node, declarator: string | null): string | null {
  const e = unwrapExpression(expr);
  if (e.type !== "MemberExpression" || e.computed || e.property.type !== "Identifier") return null;
  const object = unwrapExpression(e.object);
  return object.type === "ThisExpression" || (object.type === "Identifier" && object.name === declarator) ? e.property.name : null;
}

function isPattern(node: Node): boolean {
  return node.type === "ObjectPattern" || node.type === "ArrayPattern";
}
