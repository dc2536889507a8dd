/**
 * Recognises the COM API in the AST: which calls begin, finish, cancel,
 * acquire and release, by name (the options) and, when the parser provides a
 * TypeScript program, by type (receivers whose type is known and not
 * COM-shaped are ignored). Nothing here tracks state: that is the engine's job.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { ParserServices } from "@typescript-eslint/utils";
import type * as ts from "typescript";
import type { AcquireFunction, NamingOptions } from "../options";

export type ApiCall =
  | { kind: "begin"; receiver: TSESTree.Expression; method: string; name: string }
  | { kind: "finish"; receiver: TSESTree.Expression; method: string; name: string }
  | { kind: "cancel"; receiver: TSESTree.Expression }
  | { kind: "release"; target: TSESTree.Expression; viaFunction: boolean }
  | { kind: "addRef"; target: TSESTree.Expression }
  | {
      kind: "acquire";
      /** The object queried (QueryInterface receiver, acquire function source), if any. */
      source: TSESTree.Expression | null;
      /** The out-parameter box of the raw HRESULT shape, if any. */
      outBox: TSESTree.Expression | null;
      isCancelInterface: boolean;
      isCallFactory: boolean;
      /** The result may be a failure value (null, 0n) the caller must test. */
      nullable: boolean;
      /** The acquisition reports failure through an HRESULT result. */
      returnsHresult: boolean;
    }
  | { kind: "failedTest"; argument: TSESTree.Node; failed: boolean };

/** A name as a literal piece of a regular expression. */
export function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Returns the property name of a non-computed or literal member access. */
export function memberName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed && node.property.type === "Identifier") return node.property.name;
  if (node.computed && node.property.type === "Literal" && typeof node.property.value === "string") return node.property.value;
  return null;
}

export function unwrapExpression(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case "TSAsExpression":
      case "TSNonNullExpression":
      case "TSTypeAssertion":
      case "TSSatisfiesExpression":
      case "TSInstantiationExpression":
        current = current.expression;
        break;
      case "ChainExpression":
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

function calleeName(node: TSESTree.Node): string | null {
  const callee = unwrapExpression(node);
  if (callee.type === "Identifier") return callee.name;
  if (callee.type === "MemberExpression") return memberName(callee);
  return null;
}

/** The text of a dotted name (`Components.interfaces`), or null. */
function dottedName(node: TSESTree.Node): string | null {
  const n = unwrapExpression(node);
  if (n.type === "Identifier") return n.name;
  if (n.type === "MemberExpression" && !n.computed && n.property.type === "Identifier") {
    const head = dottedName(n.object);
    return head ? `${head}.${n.property.name}` : null;
  }
  return null;
}

export class Recognizer {
  private readonly iidPattern: RegExp;
  private readonly queryInterface: Set<string>;
  private readonly createCall: Set<string>;
  private readonly release: Set<string>;
  private readonly addRef: Set<string>;
  private readonly cancel: Set<string>;
  private readonly cancelInterfaces: Set<string>;
  private readonly iidHelpers: Set<string>;
  private readonly releaseFunctions: Set<string>;
  private readonly acquireFunctions: Map<string, AcquireFunction>;
  private readonly failed: Set<string>;
  private readonly succeeded: Set<string>;
  readonly successConstants: Set<string>;
  private readonly xpcomRoots: Set<string>;
  private readonly typeVerdicts = new WeakMap<ts.Type, boolean>();
  private tsModule: typeof ts | null | undefined;

  constructor(
    readonly naming: NamingOptions,
    private readonly services: Partial<ParserServices> | undefined,
  ) {
    this.iidPattern = new RegExp(naming.iidPattern);
    this.queryInterface = new Set(naming.queryInterfaceMethods);
    this.createCall = new Set(naming.createCallMethods);
    this.release = new Set(naming.releaseMethods);
    this.addRef = new Set(naming.addRefMethods);
    this.cancel = new Set(naming.cancelMethods);
    this.cancelInterfaces = new Set(naming.cancelInterfaces);
    this.iidHelpers = new Set(naming.iidHelpers);
    this.releaseFunctions = new Set(naming.releaseFunctions);
    this.acquireFunctions = new Map(naming.acquireFunctions.map((f) => [f.name, f]));
    this.failed = new Set(naming.failedFunctions);
    this.succeeded = new Set(naming.succeededFunctions);
    this.successConstants = new Set(naming.successConstants);
    this.xpcomRoots = new Set(naming.xpcomInterfaceRoots);
  }

  /**
   * A pattern whose absence from a file proves it cannot contain a protocol
   * event (the fast path): a call of a Begin_/Finish_ method, of QueryInterface
   * or CreateCall, or of a configured acquire function. Matching calls, not
   * bare words, keeps files that merely mention a name (`isCreateCall`) fast.
   */
  triggerPattern(): RegExp {
    const escape = escapeRegExp;
    const n = this.naming;
    const methods = [...n.queryInterfaceMethods, ...n.createCallMethods].map(escape);
    const alternatives = [
      `${escape(n.beginPrefix)}[\\w$]+\\s*[<(]`,
      `${escape(n.finishPrefix)}[\\w$]+\\s*[<(]`,
      ...(methods.length > 0 ? [`\\.\\s*(?:${methods.join("|")})\\s*[<(]`] : []),
      ...n.acquireFunctions.map((f) => `\\b${escape(f.name)}\\s*\\(`),
    ];
    return new RegExp(alternatives.join("|"));
  }

  /** Words that show a function may act on the protocol: only such functions get summaries. */
  protocolWordPattern(): RegExp {
    const escape = escapeRegExp;
    const n = this.naming;
    const words = [n.beginPrefix, n.finishPrefix, ...n.queryInterfaceMethods, ...n.createCallMethods, ...n.releaseMethods, ...n.cancelMethods, ...n.releaseFunctions, ...n.acquireFunctions.map((f) => f.name)];
    return new RegExp(words.filter((w) => w.length > 0).map(escape).join("|"));
  }

  get typed(): boolean {
    return !!this.services?.program;
  }

  classify(call: TSESTree.CallExpression): ApiCall | null {
    const callee = unwrapExpression(call.callee);
    if (callee.type === "MemberExpression") {
      const name = memberName(callee);
      if (name === null) return null;
      const receiver = callee.object as TSESTree.Expression;
      const { beginPrefix, finishPrefix } = this.naming;
      if (name.startsWith(beginPrefix) && name.length > beginPrefix.length) {
        if (!this.isComReceiver(receiver, "call")) return null;
        return { kind: "begin", receiver, method: name.slice(beginPrefix.length), name };
      }
      if (name.startsWith(finishPrefix) && name.length > finishPrefix.length) {
        if (!this.isComReceiver(receiver, "call")) return null;
        return { kind: "finish", receiver, method: name.slice(finishPrefix.length), name };
      }
      if (this.queryInterface.has(name)) return this.classifyQueryInterface(call, receiver);
      if (this.createCall.has(name)) {
        if (!this.isComReceiver(receiver, "unknown")) return null;
        return {
          kind: "acquire",
          source: null,
          outBox: call.arguments.length >= 4 ? (call.arguments[call.arguments.length - 1] as TSESTree.Expression) : null,
          isCancelInterface: false,
          isCallFactory: true,
          nullable: this.resultIsNullable(call),
          returnsHresult: call.arguments.length >= 4,
        };
      }
      if (this.release.has(name) && call.arguments.length === 0) return { kind: "release", target: receiver, viaFunction: false };
      if (this.addRef.has(name) && call.arguments.length === 0) return { kind: "addRef", target: receiver };
      if (this.cancel.has(name)) return { kind: "cancel", receiver };
      return null;
    }
    if (callee.type === "Identifier") {
      const name = callee.name;
      if (this.releaseFunctions.has(name) && call.arguments.length >= 1) {
        return { kind: "release", target: call.arguments[0] as TSESTree.Expression, viaFunction: true };
      }
      if (call.arguments.length === 1 && (this.failed.has(name) || this.succeeded.has(name))) {
        return { kind: "failedTest", argument: call.arguments[0], failed: this.failed.has(name) };
      }
      const acquire = this.acquireFunctions.get(name);
      if (acquire) {
        const source = acquire.sourceArgument >= 0 ? (call.arguments[acquire.sourceArgument] as TSESTree.Expression | undefined) : undefined;
        const iid = acquire.iidArgument >= 0 ? call.arguments[acquire.iidArgument] : undefined;
        return {
          kind: "acquire",
          source: source ?? null,
          outBox: null,
          isCancelInterface: iid ? this.namesCancelInterface(iid) : false,
          isCallFactory: false,
          nullable: true,
          returnsHresult: false,
        };
      }
    }
    return null;
  }

  private classifyQueryInterface(call: TSESTree.CallExpression, receiver: TSESTree.Expression): ApiCall | null {
    const iid = call.arguments[0];
    if (!iid || iid.type === "SpreadElement") return null;
    if (this.isXpcomInterface(iid)) return null;
    const typeArgument = call.typeArguments?.params[0];
    const typeArgName = typeArgument && typeArgument.type === "TSTypeReference" && typeArgument.typeName.type === "Identifier" ? typeArgument.typeName.name : null;
    const looksCom = this.looksLikeComIid(iid) || (typeArgName !== null && this.iidPattern.test(typeArgName));
    if (!looksCom) {
      // An IID held in a variable: COM only when the receiver's type says so.
      if (!this.typed || !this.isComReceiver(receiver, "pointer", true)) return null;
    } else if (!this.isComReceiver(receiver, "pointer")) {
      return null;
    }
    const outBox = call.arguments.length >= 2 ? (call.arguments[1] as TSESTree.Expression) : null;
    return {
      kind: "acquire",
      source: receiver,
      outBox,
      isCancelInterface: this.namesCancelInterface(iid) || (typeArgName !== null && this.cancelInterfaces.has(typeArgName)),
      isCallFactory: false,
      nullable: outBox === null && this.resultIsNullable(call),
      returnsHresult: outBox !== null,
    };
  }

  /** `Ci.nsIFoo`, `Components.interfaces.nsIFoo`, `Ci[name]`: XPCOM, garbage collected, no Release. */
  private isXpcomInterface(iid: TSESTree.Node): boolean {
    const node = unwrapExpression(iid);
    if (node.type === "MemberExpression") {
      const root = dottedName(node.object);
      if (root && this.xpcomRoots.has(root)) return true;
      const name = memberName(node);
      return name !== null && /^(ns|moz|imgI|amI)I?[A-Z]/.test(name) && !this.iidPattern.test(name);
    }
    if (node.type === "Identifier") return /^nsI[A-Z]/.test(node.name);
    return false;
  }

  private looksLikeComIid(iid: TSESTree.Node): boolean {
    const node = unwrapExpression(iid);
    if (node.type === "Identifier") return this.iidPattern.test(node.name) || this.cancelInterfaces.has(node.name);
    if (node.type === "MemberExpression") {
      const name = memberName(node);
      return name !== null && (this.iidPattern.test(name) || this.cancelInterfaces.has(name));
    }
    if (node.type === "CallExpression") {
      const name = calleeName(node.callee);
      return name !== null && this.iidHelpers.has(name);
    }
    return false;
  }

  namesCancelInterface(iid: TSESTree.Node): boolean {
    const node = unwrapExpression(iid);
    if (node.type === "Identifier") return this.cancelInterfaces.has(node.name);
    if (node.type === "MemberExpression") {
      const name = memberName(node);
      return name !== null && this.cancelInterfaces.has(name);
    }
    if (node.type === "CallExpression") {
      const name = calleeName(node.callee);
      const argument = node.arguments[0];
      return name !== null && this.iidHelpers.has(name) && !!argument && this.namesCancelInterface(argument);
    }
    return false;
  }

  /** Is this a COM-related method name the engine gives meaning to (so it is not an escape)? */
  isProtocolMethod(name: string): boolean {
    return (
      this.release.has(name) ||
      this.addRef.has(name) ||
      this.cancel.has(name) ||
      this.queryInterface.has(name) ||
      name.startsWith(this.naming.beginPrefix) ||
      name.startsWith(this.naming.finishPrefix)
    );
  }

  isSuccessConstant(node: TSESTree.Node): boolean {
    const n = unwrapExpression(node);
    if (n.type === "Identifier") return this.successConstants.has(n.name);
    if (n.type === "MemberExpression") {
      const name = memberName(n);
      return name !== null && this.successConstants.has(name);
    }
    return n.type === "Literal" && n.value === 0;
  }

  // ---- type information -------------------------------------------------

  private typeOf(node: TSESTree.Node): ts.Type | null {
    const services = this.services;
    if (!services?.program || !services.esTreeNodeToTSNodeMap) return null;
    try {
      const tsNode = services.esTreeNodeToTSNodeMap.get(node as never);
      return services.program.getTypeChecker().getTypeAtLocation(tsNode);
    } catch {
      return null;
    }
  }

  private get ts(): typeof ts | null {
    if (this.tsModule === undefined) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        this.tsModule = require("typescript") as typeof ts;
      } catch {
        this.tsModule = null;
      }
    }
    return this.tsModule;
  }

  /**
   * With type information, a receiver whose type is known and not COM-shaped
   * is ignored; `any`, `unknown`, error types and untyped code are judged by names.
   * `strict`: the type must positively look like COM (used when names alone say nothing).
   */
  isComReceiver(node: TSESTree.Node, _role: "call" | "pointer" | "unknown", strict = false): boolean {
    if (!this.typed) return true;
    const type = this.typeOf(node);
    const tsm = this.ts;
    if (!type || !tsm) return !strict;
    const cached = this.typeVerdicts.get(type);
    if (cached !== undefined) return strict ? cached && !this.isLoose(type, tsm) : cached;
    const verdict = this.isLoose(type, tsm) || this.hasComShape(type, tsm);
    this.typeVerdicts.set(type, verdict);
    return strict ? verdict && !this.isLoose(type, tsm) : verdict;
  }

  private isLoose(type: ts.Type, tsm: typeof ts): boolean {
    return (type.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown)) !== 0;
  }

  private hasComShape(type: ts.Type, tsm: typeof ts): boolean {
    const parts = type.isUnion() ? type.types : [type];
    for (const part of parts) {
      if (part.flags & (tsm.TypeFlags.Null | tsm.TypeFlags.Undefined)) continue;
      if (this.isLoose(part, tsm)) return true;
      const names = part.getApparentProperties().map((p) => p.getName());
      if (names.some((n) => this.queryInterface.has(n) || this.release.has(n) || this.createCall.has(n))) return true;
      const begins = names.filter((n) => n.startsWith(this.naming.beginPrefix));
      if (begins.some((b) => names.includes(this.naming.finishPrefix + b.slice(this.naming.beginPrefix.length)))) return true;
    }
    return false;
  }

  /** In typed code, a QueryInterface whose declared result admits null/undefined must be tested. */
  private resultIsNullable(call: TSESTree.CallExpression): boolean {
    if (!this.typed) return false;
    const type = this.typeOf(call);
    const tsm = this.ts;
    if (!type || !tsm) return false;
    const parts = type.isUnion() ? type.types : [type];
    return parts.some((p) => (p.flags & (tsm.TypeFlags.Null | tsm.TypeFlags.Undefined)) !== 0);
  }
}
