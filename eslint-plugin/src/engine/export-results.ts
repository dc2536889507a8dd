/**
 * Objects an export returns (spec 2a): a native export that hands out its object as its result instead of filling a
 * box (`const stream = BigInt(Shlwapi.SHCreateMemStream(null, 0))`). Its result is an acquisition when the caller owns it,
 * which no COM convention says of an object returned without a box (an API may hand out a borrowed device): the file's
 * own Release of what that export returns is the evidence (com-evidence.ts has the boxes' rule, which this builds on).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, dottedName, memberName, unwrapExpression, wrappedValue } from "./ast";
import { boundTo, type ComEvidence } from "./com-evidence";
import type { FfiLookups, FfiShapes } from "./ffi";
import { isBunReadNamespace, isKoffi } from "./out-box-shapes";
import type { Vocabulary } from "./vocabulary";

type Node = TSESTree.Node;

/** Is this call's value, or a call or cast given it (`BigInt(call)`, `call as bigint`), a declaration's initial value? */
function declaresValueOf(call: TSESTree.CallExpression): boolean {
  let value: Node = call;
  for (let depth = 0; depth < 4; depth++) {
    const parent: Node | undefined = value.parent;
    if (!parent) return false;
    if (parent.type === "VariableDeclarator") return parent.init === value;
    const wraps = parent.type === "TSAsExpression" || parent.type === "TSNonNullExpression" || parent.type === "TSTypeAssertion" || parent.type === "TSSatisfiesExpression";
    const converts = (parent.type === "CallExpression" || parent.type === "NewExpression") && parent.arguments[0] === value;
    if (!wraps && !converts) return false;
    value = parent;
  }
  return false;
}

export class ExportResults {
  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly lookups: FfiLookups,
    private readonly shapes: Pick<FfiShapes, "boxes" | "vtableCall" | "isNativeExport" | "releaseFunctionOfFile">,
    private readonly evidence: ComEvidence,
    private readonly isKoffiDeclared: (name: TSESTree.Identifier) => boolean,
  ) {}

  /**
   * A native export's own result (`Shlwapi.SHCreateMemStream(null, 0)`, converted or not) that the caller owns: an export
   * by its shape (`lib.symbols.X`, a library object's `Lib.X`, a function koffi declared), not a read of memory or of a
   * box, a conversion, a function of the file or a helper imported from the repository (their summaries say what they
   * return), and the evidence below.
   */
  isOwned(call: TSESTree.CallExpression): boolean {
    // Asked of every call the engine gives no other meaning: first the cheap question, is its value (maybe converted)
    // what a declaration binds? (A call made for its effect or passed on is none of this.)
    if (!declaresValueOf(call)) return false;
    const callee = unwrapExpression(call.callee);
    if (callee.type === "Identifier" ? !this.isKoffiDeclared(callee) : !this.shapes.isNativeExport(callee)) return false;
    const boxes = this.shapes.boxes;
    if (boxes.readBox(call) || boxes.convertedOperand(call) !== null || this.lookups.localFunction(callee) !== null || this.lookups.importedRole(callee) !== null) return false;
    if (callee.type === "MemberExpression" && (isKoffi(callee.object) || isBunReadNamespace(dottedName(callee.object) ?? ""))) return false;
    return this.evidenceSays(call);
  }

  /**
   * A native export's result (`BigInt(Shlwapi.SHCreateMemStream(null, 0))`): a reference the caller owns when this value
   * is used as a COM object, the file frees no result of that export as memory, and it gives back what the export
   * returns, here or at another of its calls: by a Release (a method, a release function, a vtable's Release slot), never balanced by an
   * AddRef of its own. No COM convention makes an object returned without a box the caller's (a borrowed device, a
   * singleton): the file's own Release is the evidence. Only variables bound once say which value is which.
   */
  private evidenceSays(call: TSESTree.CallExpression): boolean {
    const exportName = dottedName(unwrapExpression(call.callee));
    if (exportName === null) return false;
    const target = this.resultTarget(call);
    if (target === null || !this.boundOnce(target)) return false;
    const uses = this.evidence.resultUses(this.evidence.converted(call) as TSESTree.CallExpression);
    if (uses.includes("freed") || !(uses.includes("object") || this.evidence.boundIsComObject(target))) return false;
    let known = this.releasedResults.get(exportName);
    if (known === undefined) {
      const name = calleeName(call.callee);
      const calls = name === null ? [] : this.evidence.callsNamed(name, call);
      const same = calls.filter((other) => dottedName(unwrapExpression(other.callee)) === exportName);
      // An export whose result the file frees as memory anywhere (`SysFreeString(SysAllocString(...))`) hands out memory.
      known =
        !same.some((other) => this.evidence.resultUses(this.evidence.converted(other) as TSESTree.CallExpression).includes("freed")) &&
        same.some((other) => {
          const bound = this.resultTarget(other);
          if (bound === null || !this.boundOnce(bound)) return false;
          const uses = this.lookups.referencesOf(bound).filter((r) => r !== bound).map((r) => this.evidence.converted(r));
          return uses.some((use) => this.isRelease(use)) && !uses.some((use) => this.isAddRef(use));
        });
      this.releasedResults.set(exportName, known);
    }
    return known;
  }
  /** By export (its dotted name): does the file give back what it returns somewhere? */
  private readonly releasedResults = new Map<string, boolean>();

  /** The variable a call's result is bound to, through the conversions it is given to (`const stream = BigInt(...)`), or null. */
  private resultTarget(call: TSESTree.CallExpression): TSESTree.Identifier | null {
    const target = boundTo(wrappedValue(this.evidence.converted(call)));
    return target?.type === "Identifier" ? target : null;
  }

  /** Is the variable given a value only where it is declared (no assignment, no update), so each use is of that value? */
  private boundOnce(target: TSESTree.Identifier): boolean {
    if (target.parent?.type !== "VariableDeclarator") return false;
    return this.lookups.referencesOf(target).every((r) => {
      const parent = r.parent;
      return r === target || !((parent?.type === "AssignmentExpression" && parent.left === r) || parent?.type === "UpdateExpression");
    });
  }

  /** Is this value released here: by a Release method, a release function by the options' names, or a call through its vtable's Release slot? */
  private isRelease(expr: Node): boolean {
    return this.isProtocolCallOn(expr, "release");
  }

  private isAddRef(expr: Node): boolean {
    return this.isProtocolCallOn(expr, "addRef");
  }

  /** A Release or AddRef of this value: its method, a release function by the options' names, or its vtable's slot. */
  private isProtocolCallOn(expr: Node, role: "release" | "addRef"): boolean {
    const parent = expr.parent;
    const v = this.vocabulary;
    if (parent?.type === "MemberExpression" && parent.object === expr) {
      const name = memberName(parent);
      return name !== null && parent.parent?.type === "CallExpression" && parent.parent.callee === parent && (role === "release" ? v.isRelease(name) : v.isAddRef(name));
    }
    if (parent?.type !== "CallExpression") return false;
    const index = parent.arguments.indexOf(expr as TSESTree.CallExpressionArgument);
    if (index < 0) return false;
    const vtable = this.shapes.vtableCall(parent);
    if (vtable !== null) return vtable.object === expr && vtable.method.role === role;
    if (role !== "release") return false;
    const name = calleeName(parent.callee);
    return name !== null && v.isReleaseFunction(name) && (index === 0 || this.shapes.releaseFunctionOfFile(parent.callee)?.each === true);
  }
}
