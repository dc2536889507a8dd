/**
 * The text a message or a repair releases a pointer with, in the file's own words (spec section 4):
 * its first release call with the pointer swapped in (`comRelease(p)`, `vcall(p, IUNKNOWN_RELEASE, [], [])`,
 * `p.Dispose()`); in a file that releases nothing yet, a raw pointer (from a box or a vtable call) is
 * released through the file's own dispatcher and Release slot (`vcall(p, IUNKNOWN_RELEASE, [], [])`),
 * never by a `p.Release()` a bigint does not have; the vocabulary's method form otherwise.
 */
import type { SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import type { VtableCall } from "./ffi";
import { escapeRegExp, type Vocabulary } from "./vocabulary";

type Node = TSESTree.Node;

export class ReleaseForms {
  /** The file's first release call (a vtable table's own Release excepted), and the pointer it releases. */
  private template: { text: string; target: string } | null = null;
  /** The file's first call through a dispatcher (`vcall(ctx, CTX_DRAW, [...], [...])`), as a Release of a placeholder. */
  private dispatcher: { callee: string; rest: string[] } | null = null;
  private releaseSlot: string | undefined;

  constructor(
    private readonly sourceCode: SourceCode,
    private readonly vocabulary: Vocabulary,
  ) {}

  get hasRelease(): boolean {
    return this.template !== null;
  }

  noteRelease(node: Node, target: Node): void {
    this.template ??= { text: this.sourceText(node), target: this.sourceText(target) };
  }

  /** `f(p, SLOT, [types], [args])`: the dispatcher shape, whose Release is `f(p, RELEASE, [], [])` (array arguments emptied, others dropped). */
  noteVtableCall(node: TSESTree.CallExpression, call: VtableCall): void {
    if (this.dispatcher !== null || node.arguments[0] !== call.object || node.callee.type === "CallExpression") return;
    this.dispatcher = { callee: this.sourceText(node.callee), rest: call.rest.filter((a) => a.type === "ArrayExpression").map(() => "[]") };
  }

  releaseText(pointer: string, mayBeNull: boolean, raw: boolean): string {
    if (!this.template) {
      if (raw && this.dispatcher) return `${this.dispatcher.callee}(${[pointer, this.slotText(), ...this.dispatcher.rest].join(", ")})`;
      return this.vocabulary.releaseCallText(pointer, mayBeNull);
    }
    const target = new RegExp(`(^|[^\\w$.])${escapeRegExp(this.template.target)}(?![\\w$])`, "g");
    const text = this.template.text.replace(target, (_, before: string) => `${before}${pointer}`);
    // `p.Release()` on a pointer that may be null: `p?.Release()`; a release function takes care of null itself.
    return mayBeNull && text.startsWith(`${pointer}.`) ? `${pointer}?.${text.slice(pointer.length + 1)}` : text;
  }

  /** The file's constant for the Release slot (`IUNKNOWN_RELEASE`), declared at its top level, else the slot's number. */
  private slotText(): string {
    if (this.releaseSlot === undefined) {
      this.releaseSlot = String([0, 1, 2].find((slot) => this.vocabulary.iunknownSlot(slot) === "release"));
      for (const statement of (this.sourceCode.ast as unknown as TSESTree.Program).body) {
        const declaration = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
        if (declaration?.type !== "VariableDeclaration" || declaration.kind !== "const") continue;
        const found = declaration.declarations.find((d) => d.id.type === "Identifier" && this.vocabulary.slotMethod(d.id.name)?.role === "release");
        if (found) {
          this.releaseSlot = (found.id as TSESTree.Identifier).name;
          break;
        }
      }
    }
    return this.releaseSlot;
  }

  private sourceText(node: Node): string {
    return this.sourceCode.getText(node as never);
  }
}
