/**
 * What a branch condition says on each of its edges: `FAILED(hr)`, `hr < 0`,
 * `hr !== S_OK`, `!p`, `p == null`, `a && b`, an HRESULT test kept in a
 * variable. The solver asks for the refinement of a state on an edge; the
 * outcome (HRESULT success/failure, pointer null/non-null) is applied to the
 * values the tested expression denotes by the `Refiner` it passes.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { isNullishLiteral, unwrapExpression } from "./ast";
import { koffiDecodeAtStart, namesPointerType } from "./out-box-shapes";
import { BOX_SLOTS } from "./slot-keys";
import type { State } from "./facts";
import type { Polarity, Refiner } from "./model";
import type { ApiCall, Recognizer } from "./recognizer";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

export class Conditions {
  constructor(
    private readonly symbols: Symbols,
    private readonly recognizer: Recognizer,
    private readonly classify: (call: TSESTree.CallExpression) => ApiCall | null,
  ) {}

  refine(state: State, test: Node, polarity: Polarity, apply: Refiner): State {
    const refined = this.refineTest(state, test, polarity, apply);
    return polarity === "falsy" ? this.guardedWith(refined, test, apply) : refined;
  }

  /**
   * `if (table !== null && p !== 0n) release(p)`, on the edge where the test before the pointer's own null test
   * fails: the code believes the pointer is not there either (the table was made from it, after it was read).
   * Whether that holds is beyond this analysis: what the pointer holds there is uncertain, which may silence a
   * leak on that edge but never report one (spec 3a).
   */
  private guardedWith(state: State, test: Node, apply: Refiner): State {
    const parent = test.parent;
    if (parent?.type !== "LogicalExpression" || parent.operator !== "&&" || parent.left !== test) return state;
    for (const operand of conjuncts(parent.right)) {
      const tested = nullTested(operand);
      const sym = tested ? this.symbols.sym(tested) : null;
      if (sym) state = apply(state, sym, null, "unsure");
    }
    return state;
  }

  private refineTest(state: State, test: Node, polarity: Polarity, apply: Refiner): State {
    const expr = unwrapExpression(test);
    const truthy = polarity === "truthy";
    switch (expr.type) {
      case "LogicalExpression":
        // The left operand was refined on the edge that evaluated the right one.
        return polarity === "truthy" || polarity === "falsy" ? this.refineTest(state, expr.right, polarity, apply) : state;
      case "UnaryExpression":
        if (expr.operator === "!" && (polarity === "truthy" || polarity === "falsy")) return this.refineTest(state, expr.argument, truthy ? "falsy" : "truthy", apply);
        return state;
      case "AssignmentExpression":
        return this.refineTest(state, expr.left, polarity, apply);
      case "SequenceExpression":
        return this.refineTest(state, expr.expressions[expr.expressions.length - 1], polarity, apply);
      case "CallExpression": {
        const api = this.classify(expr);
        const test = api?.kind === "failedTest" ? api : this.symbols.localHresultTest(expr);
        if (test && (polarity === "truthy" || polarity === "falsy")) {
          const failed = test.failed === truthy;
          return apply(state, this.symbols.sym(test.argument), failed ? "failure" : "success", null);
        }
        // A bare acquisition or Begin_ as the condition: its HRESULT is tested for truthiness.
        return this.refineOperand(state, expr, polarity, apply);
      }
      case "BinaryExpression":
        return this.refineComparison(state, expr, polarity, apply);
      default:
        return this.refineOperand(state, expr, polarity, apply);
    }
  }

  private refineOperand(state: State, expr: Node, polarity: Polarity, apply: Refiner): State {
    const sym = this.symbols.sym(expr);
    if (!sym) return state;
    switch (polarity) {
      case "truthy":
        return apply(state, sym, "failure", "nonnull"); // a non-zero HRESULT is not S_OK
      case "falsy":
        return this.readThrough(apply(state, sym, "success", "null"), expr, apply);
      case "nullish":
        return this.readThrough(apply(state, sym, null, "null"), expr, apply);
      case "nonnullish":
        return apply(state, sym, null, "nonnull");
    }
  }

  /**
   * `const pVtable = koffi.decode(pObj, 'void *'); if (!pVtable) return`, on the edge where what was read through a
   * pointer is null: the code believes the pointer is not there either (a public koffi release helper's guard).
   * Uncertain there, as `guardedWith` makes it: it may silence a leak on that edge, never report one. Likewise what a
   * box holds where the box itself is not there.
   */
  private readThrough(state: State, tested: Node, apply: Refiner): State {
    // `if (ppTexture) releaseComPtr(ppTexture)` of a box allocated later (`let ppTexture = null`): no box, nothing in it.
    const box = tested.type === "Identifier" && this.symbols.ffi?.boxes.isBox(tested) ? this.symbols.keyOf(tested) : null;
    if (box !== null) for (const slot of BOX_SLOTS) state = apply(state, { t: "slot", key: box + slot }, null, "unsure");
    const init = tested.type === "Identifier" ? this.symbols.initOf(tested) : null;
    const read = init ? unwrapExpression(init) : null;
    const decoded = read?.type === "CallExpression" && read.arguments.length === 2 ? koffiDecodeAtStart(read, () => false) : null;
    if (!decoded || !namesPointerType(decoded.type) || decoded.operand.type !== "Identifier") return state;
    const sym = this.symbols.sym(decoded.operand);
    return sym ? apply(state, sym, null, "unsure") : state;
  }

  private refineComparison(state: State, expr: TSESTree.BinaryExpression, polarity: Polarity, apply: Refiner): State {
    if (polarity !== "truthy" && polarity !== "falsy") return state;
    const truthy = polarity === "truthy";
    let operand: Node = expr.left;
    let constant: Node = expr.right;
    let op = expr.operator;
    if (this.isConstant(expr.left) && !this.isConstant(expr.right)) {
      operand = expr.right;
      constant = expr.left;
      op = mirror(op);
    }
    if (operand.type === "PrivateIdentifier") return state;
    const zero = constant.type === "Literal" && constant.value === 0;
    // Most loop and value tests (`i < n`, `v > 80`) say nothing of an HRESULT or a pointer:
    // known before the operand's symbolic value is built, which is then not needed.
    if (op === "<" || op === ">=" ? !zero : op !== "===" && op !== "==" && op !== "!==" && op !== "!=") return state;
    const sym = this.symbols.sym(unsignedView(operand));
    if (!sym) return state;
    switch (op) {
      case "<":
        return zero ? apply(state, sym, truthy ? "failure" : "success", null) : state;
      case ">=":
        return zero ? apply(state, sym, truthy ? "success" : "failure", null) : state;
      case "===":
      case "==":
      case "!==":
      case "!=": {
        const equal = (op === "===" || op === "==") === truthy;
        const success = this.recognizer.isSuccessConstant(constant);
        const nullish = isNullishLiteral(constant);
        const hr = success ? (equal ? "success" : "failure") : !nullish && equal ? "failure" : null;
        const ptr = nullish ? (equal ? "null" : "nonnull") : null;
        return hr || ptr ? apply(state, sym, hr, ptr) : state;
      }
      default:
        return state;
    }
  }

  private isConstant(node: Node): boolean {
    return node.type === "Literal" || (node.type === "Identifier" && this.recognizer.vocabulary.looksLikeConstant(node.name));
  }
}

/** `hr >>> 0` and `hr | 0` compare the HRESULT itself, as an unsigned or signed 32-bit number. */
function unsignedView(node: Node): Node {
  const expr = unwrapExpression(node);
  if (expr.type === "BinaryExpression" && (expr.operator === ">>>" || expr.operator === "|") && expr.right.type === "Literal" && expr.right.value === 0) return expr.left;
  return expr;
}

/** `a && b && c` as its operands. */
function conjuncts(node: Node): Node[] {
  const expr = unwrapExpression(node);
  return expr.type === "LogicalExpression" && expr.operator === "&&" ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}

/** The operand of a null test (`p !== 0n`, `p != null`, `p`), or null. */
function nullTested(node: Node): Node | null {
  if (node.type === "Identifier" || node.type === "MemberExpression") return node;
  if (node.type !== "BinaryExpression" || !["===", "!==", "==", "!="].includes(node.operator)) return null;
  if (isNullishLiteral(node.right)) return node.left;
  return isNullishLiteral(node.left as Node) ? node.right : null;
}

function mirror(op: TSESTree.BinaryExpression["operator"]): TSESTree.BinaryExpression["operator"] {
  switch (op) {
    case "<":
      return ">";
    case ">":
      return "<";
    case "<=":
      return ">=";
    case ">=":
      return "<=";
    default:
      return op;
  }
}
