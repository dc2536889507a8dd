/**
 * What closures take with them (recording's side): the variables a closure captures escape where it is made (a
 * failure return before that still owes their pointers), or where a closure made earlier is handed on by name.
 */
import type { SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { unwrapExpression } from "./ast";
import type { Event } from "./model";
import type { MethodLookups } from "./method-lookups";
import type { FunctionGraph } from "./segment-graph";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

export class ClosureEscapes {
  constructor(
    private readonly symbols: Symbols,
    private readonly sourceCode: SourceCode,
    /** The file's method lookups (the raw FFI shapes), asked when a closure is made. */
    private readonly methods: () => MethodLookups | undefined,
    /** Records an event where recording puts events now (the current function, or the caller a callback fills a box for). */
    private readonly record: (event: Event) => void,
    private readonly escapeValue: (node: Node) => void,
  ) {}

  /** A closure made in `parent`'s function: the consts it captures there escape at this point of `parent`'s path. */
  made(fn: Node, parent: FunctionGraph): void {
    for (const declared of this.symbols.capturedAtMaking(fn, parent)) parent.record(this.captured(declared));
    // A Release bound to its object that this closure calls (`releases.push(() => release())`): the object goes with it.
    for (const object of this.methods()?.boundReleasesCalledIn(fn, this.sourceCode) ?? []) this.escapeValue(object);
  }

  /**
   * A closure of this function handed on by name (`return { inspection, dispose }`, with `const dispose = () => { ... }`
   * made before the pointers it releases were put in its variables): what those variables hold goes with it, as at the
   * making of a closure that captures them (`made`; a closure that only uses them takes nothing over). Closures
   * written in the returned literal are made there, and `made` sees them.
   */
  handedOn(expr: Node, graph: FunctionGraph | undefined): void {
    const value = unwrapExpression(expr);
    if (!graph) return;
    if (value.type !== "ObjectExpression") return this.handedOnByName(value, graph);
    for (const property of value.properties) this.handedOnByName(property.type === "Property" ? property.value : property.argument, graph);
  }

  private handedOnByName(candidate: Node, graph: FunctionGraph): void {
    const node = unwrapExpression(candidate);
    const fn = node.type === "Identifier" ? this.symbols.localFunction(node) : null;
    if (!fn) return;
    for (const declared of this.symbols.capturedBy(fn, graph)) this.record(this.captured(declared));
  }

  /** The escape of a variable into the closures that capture it: from here on they hold what it holds. */
  private captured(declared: TSESTree.Identifier): Event {
    const ofParameter = this.symbols.isParameter(declared) || undefined;
    return { k: "escape", target: this.symbols.sym(declared), targetKey: this.symbols.keyOf(declared), heldBy: { name: declared.name, node: declared }, byClosures: true, ofParameter };
  }
}
