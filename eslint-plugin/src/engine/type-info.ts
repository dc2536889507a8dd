/**
 * What TypeScript's checker says about a receiver, when the parser gives a
 * program: a receiver whose type is known and not COM-shaped is ignored;
 * `any`, `unknown`, error types and untyped code are judged by names.
 */
import type { ParserServices, TSESTree } from "@typescript-eslint/utils";
import type * as ts from "typescript";
import type { Vocabulary } from "./vocabulary";

export class TypeInfo {
  // One per file analysis: a plain Map, dropped with it, is cheaper to query than a WeakMap.
  private readonly verdicts = new Map<ts.Type, boolean>();
  private tsModule: typeof ts | null | undefined;

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly services: Partial<ParserServices> | undefined,
  ) {}

  get typed(): boolean {
    return !!this.services?.program;
  }

  /**
   * Is this receiver possibly COM? Untyped: always. Typed: unless its type is known and
   * not COM-shaped. `strict`: the type must positively look like COM (used when names say nothing).
   */
  isComReceiver(node: TSESTree.Node, strict = false): boolean {
    if (!this.typed) return true;
    const type = this.typeOf(node);
    const tsm = this.ts;
    if (!type || !tsm) return !strict;
    let verdict = this.verdicts.get(type);
    if (verdict === undefined) {
      verdict = this.isLoose(type, tsm) || this.hasComShape(type, tsm);
      this.verdicts.set(type, verdict);
    }
    return strict ? verdict && !this.isLoose(type, tsm) : verdict;
  }

  /**
   * Is this value possibly an IUnknown? Untyped, `any` or `unknown`: yes. Typed: its type (null and undefined aside) has
   * Release and also AddRef or QueryInterface: a `Release()` alone is a semaphore's or a lock's as much as COM's.
   */
  isIUnknownShaped(node: TSESTree.Node): boolean {
    if (!this.typed) return true;
    const type = this.typeOf(node);
    const tsm = this.ts;
    if (!type || !tsm) return true;
    const v = this.vocabulary;
    const parts = definedParts(type, tsm);
    return parts.some((part) => {
      if (this.isLoose(part, tsm)) return true;
      const names = part.getApparentProperties().map((p) => p.getName());
      return names.some((n) => v.isRelease(n)) && names.some((n) => v.isAddRef(n) || v.isQueryInterface(n));
    });
  }

  /** In typed code, a call whose declared result admits null/undefined must be tested. */
  resultIsNullable(call: TSESTree.Node): boolean {
    if (!this.typed) return false;
    const type = this.typeOf(call);
    const tsm = this.ts;
    if (!type || !tsm) return false;
    const parts = type.isUnion() ? type.types : [type];
    return parts.some((p) => (p.flags & (tsm.TypeFlags.Null | tsm.TypeFlags.Undefined)) !== 0);
  }

  /**
   * Does the checker say this expression's value is disposable (it has `[Symbol.dispose]`, on every member of a union
   * but null and undefined), so that `using` can hold it (spec section 4)? False without type information.
   */
  isDisposable(node: TSESTree.Node): boolean {
    const type = this.typeOf(node);
    const tsm = this.ts;
    if (!type || !tsm) return false;
    const parts = definedParts(type, tsm);
    // The checker names a well-known symbol's property `__@dispose@<id>` (TypeScript 5.2 on).
    return parts.length > 0 && parts.every((part) => part.getProperties().some((property) => property.getName().startsWith("__@dispose@")));
  }

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

  private isLoose(type: ts.Type, tsm: typeof ts): boolean {
    return (type.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown)) !== 0;
  }

  /**
   * Has IUnknown's Release or AddRef, or CreateCall, or a Begin_X/Finish_X pair; null/undefined members of a union are skipped.
   * A `QueryInterface` alone is not COM: XPCOM's `nsISupports` and other libraries' lookups by name (`pool.QueryInterface("ICache")`)
   * have one and hand out objects nobody releases.
   */
  private hasComShape(type: ts.Type, tsm: typeof ts): boolean {
    const v = this.vocabulary;
    for (const part of definedParts(type, tsm)) {
      if (this.isLoose(part, tsm)) return true;
      // A raw pointer (bigint, number, an opaque object of the FFI library) is judged by names.
      if (part.flags & (tsm.TypeFlags.BigIntLike | tsm.TypeFlags.NumberLike)) return true;
      const names = part.getApparentProperties().map((p) => p.getName());
      if (names.some((n) => v.isRelease(n) || v.isAddRef(n) || v.isCreateCall(n))) return true;
      const begins = names.map((n) => v.beginMethod(n)).filter((m): m is string => m !== null);
      if (begins.some((m) => names.includes(v.finishName(m)))) return true;
    }
    return false;
  }
}

/** The members of a type, a union's each, null and undefined left out. */
function definedParts(type: ts.Type, tsm: typeof ts): ts.Type[] {
  return (type.isUnion() ? type.types : [type]).filter((part) => !(part.flags & (tsm.TypeFlags.Null | tsm.TypeFlags.Undefined)));
}
