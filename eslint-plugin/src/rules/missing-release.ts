/**
 * missing-release: every interface pointer the client obtains (QueryInterface,
 * CreateCall, CoCreateInstance, an acquiring helper) is owned and must be
 * released on every path, unless it escapes (returned, stored, handed on).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Exit, MissingRelease } from "../engine/findings";
import { enclosingFunction } from "../engine/ast-functions";
import { TypeInfo } from "../engine/type-info";
import { escapeRegExp } from "../engine/vocabulary";
import { bodyOf, insertAtBlockEnd, insertBefore, isBlockLike, namesVisibleAt, reachesBlockEnd, wrappableRest, wrapRestInFinally } from "../util/edits";
import type { Repair, RepairContext } from "../util/protocol-rule";
import { lineOf, protocolRule } from "../util/protocol-rule";
import { exitWords } from "../util/repairs";

const MISSING_RELEASE =
  "`{{pointer}}` from `{{acquirer}}` is not released before {{reached}}. Call `{{release}}` on every path, for example in a `finally` block.";
/**
 * A pointer no variable, box or field ever holds (`com.createInstance(clsid, iid);`, `obj.QueryInterface(iid).GetName()`):
 * no Release can name it, so the message asks to keep it first.
 */
const MISSING_RELEASE_UNNAMED =
  "The pointer `{{pointer}}` returns is never kept in a variable, so nothing can release it. Keep it in a variable and release it when done with it.";
/** Where the pointer is lost at a statement that does not leave the function (an assignment, the acquisition again, a collection emptied). */
const MISSING_RELEASE_BEFORE_LOSS = "`{{pointer}}` from `{{acquirer}}` is not released before {{reached}}. Call `{{release}}` before that.";

const SUGGESTIONS = {
  declareWithUsing: "Declare `{{pointer}}` with `using`: it is released when its block ends.",
  insertReleaseFinally: "Release `{{pointer}}` in a `finally` block.",
  insertReleaseAtExit: "Release `{{pointer}}` before this exit.",
  insertReleaseAtExits: "Release `{{pointer}}` before each of the {{count}} exits that miss it.",
  insertReleaseBeforeOverwrite: "Release `{{pointer}}` before `{{variable}}` is assigned again.",
  releaseEachBeforeEmptying: "Release each object `{{collection}}` holds before emptying it.",
};

type SuggestionId = keyof typeof SUGGESTIONS;

function reachedWords(finding: MissingRelease): string {
  const reached = finding.reached;
  if ("exit" in reached) return exitWords(reached.exit);
  if ("reacquired" in reached) return `line ${lineOf(reached.reacquired)}, where it is acquired again`;
  if ("overwritten" in reached) return `line ${lineOf(reached.overwritten.node)}, where \`${reached.overwritten.variable}\`, which holds it, is assigned again`;
  if ("stateNeverReleased" in reached) return `the program ends: \`${finding.acquirer}\` keeps it in its module, and no code in this file calls \`${reached.stateNeverReleased.releaser}\`, which releases it`;
  if ("dropped" in reached) return `line ${lineOf(reached.dropped.node)}, where \`${reached.dropped.collection}\`, which holds it, is emptied`;
  return `the program ends: no code in this file releases \`${reached.neverReleased.variable}\`, which holds it`;
}

function relatedPlace(finding: MissingRelease) {
  const reached = finding.reached;
  if ("exit" in reached) return { ...reached.exit, label: exitWords(reached.exit) };
  if ("reacquired" in reached) return { loc: reached.reacquired.loc, range: reached.reacquired.range, label: `where it is acquired again before being released (line ${lineOf(reached.reacquired)})` };
  if ("overwritten" in reached) return { loc: reached.overwritten.node.loc, range: reached.overwritten.node.range, label: `\`${reached.overwritten.variable}\` is assigned again here before it is released` };
  if ("stateNeverReleased" in reached) return { loc: finding.node.loc, range: finding.node.range, label: `\`${finding.acquirer}\` keeps \`${finding.pointer}\` in its module from here on` };
  if ("dropped" in reached) return { loc: reached.dropped.store.loc, range: reached.dropped.store.range, label: `\`${finding.pointer}\` is stored into \`${reached.dropped.collection}\` here` };
  const store = reached.neverReleased.store;
  return { loc: store.loc, range: store.range, label: `\`${reached.neverReleased.variable}\` holds it here, and no code in this file releases \`${reached.neverReleased.variable}\`` };
}

/** The statement of a block that evaluates `node` whenever it runs (none where `node` is under a branch of `?:`, `&&`, `if`). */
function unconditionalStatement(node: TSESTree.Node): TSESTree.Node | null {
  let current: TSESTree.Node = node;
  while (current.parent && !isBlockLike(current.parent)) {
    const parent = current.parent;
    // An `if`'s test runs whenever the `if` does (`if (vcall(p, QI, iid, box) < 0) return`).
    const conditional = parent.type === "IfStatement" ? parent.test !== current : /Statement$/.test(parent.type) && parent.type !== "ExpressionStatement";
    if (conditional || (parent.type === "ConditionalExpression" && parent.test !== current) || (parent.type === "LogicalExpression" && parent.right === current)) return null;
    current = current.parent;
  }
  return current.parent ? current : null;
}

/** `try`/`finally` around the rest of the owning block, and/or a Release before each leaking exit. */
function releaseRepairs(finding: MissingRelease, context: RepairContext): Repair<SuggestionId>[] {
  const { reached, releaseEach } = finding;
  if ("dropped" in reached && releaseEach !== undefined && !finding.releaseIsGuess) {
    const data = { collection: reached.dropped.collection };
    return [{ messageId: "releaseEachBeforeEmptying", data, fix: (fixer) => insertBefore(fixer, context.sourceCode, reached.dropped.node, releaseEach) }];
  }
  const owner = finding.owner;
  if (!owner || finding.releaseIsGuess) return [];
  const { sourceCode } = context;
  const statement = `${finding.releaseText};`;
  const data = { pointer: finding.pointer };
  // Lost where its variable is assigned again: released just before, where that variable still names it. A `finally`
  // would release what the variable holds by then, the new pointer.
  if ("overwritten" in reached) {
    const assignment = reached.overwritten.node.parent;
    // (Not over `&&=` or `??=`, which assign only over some values: a Release there could release null.)
    const at = assignment?.type === "AssignmentExpression" && assignment.operator === "=" && assignment.parent?.type === "ExpressionStatement" ? assignment.parent : null;
    // Only where the acquisition surely put the pointer there: it comes before in a block that holds the assignment (not
    // `if (c) p = ...`, whose other path holds null), with no other assignment of the variable between (`if (x) p = null`);
    // and not where the new value is made from the old one (`p = p.QueryInterface(...)`).
    // The variable's references, from the scope manager: read in the new value, or written between.
    const references = sourceCode.getScope(reached.overwritten.node).references.find((r) => r.identifier === reached.overwritten.node)?.resolved?.references ?? [];
    const within = (ref: (typeof references)[number], from: number, to: number) => ref.identifier.range![0] >= from && ref.identifier.range![1] <= to;
    const madeFromOld = assignment?.type === "AssignmentExpression" && references.some((ref) => ref.isRead() && within(ref, assignment.right.range[0], assignment.right.range[1]));
    const acquired = unconditionalStatement(finding.node);
    const home = acquired?.parent;
    const dominated = !!at && !!acquired && !!home && at.range[0] >= acquired.range[1] && at.range[1] <= home.range[1];
    const assignedBetween = !!at && !!acquired && references.some((ref) => ref.isWrite() && within(ref, acquired.range[1], at.range[0]));
    if (!at || reached.overwritten.releasedThere || madeFromOld || !dominated || assignedBetween || !namesVisibleAt(sourceCode, finding.releaseText, at, at.range[0])) return [];
    return [{ messageId: "insertReleaseBeforeOverwrite", data: { ...data, variable: reached.overwritten.variable }, fix: (fixer) => insertBefore(fixer, sourceCode, at, statement) }];
  }
  const repairs: Repair<SuggestionId>[] = [];
  const using = usingKeyword(finding, owner, context);
  if (using) repairs.push({ messageId: "declareWithUsing", data, fix: (fixer) => fixer.replaceText(using, "using") });
  // Where some path releases the pointer already, an unconditional Release would release
  // twice: only the exit-specific repair fits.
  // A `finally` after the owning statement wraps what follows it: a table the release calls must be declared by then.
  // (And what the Release names is declared by then: `koffi.call(releasePtr, ...)` read from the vtable after the exit cannot be written there.)
  const finallyCanName = (finding.releaseValidFrom === undefined || finding.releaseValidFrom <= owner.range[1]) && namesVisibleAt(sourceCode, finding.releaseText, owner, owner.range[1]);
  const leaking = finding.exits.flatMap((exit) => (exit.node ? [exit.node] : []));
  if (!finding.releasedOnSomePath && finallyCanName && wrappableRest(owner, sourceCode, finding.pointer, leaking) !== null) {
    repairs.push({ messageId: "insertReleaseFinally", data, fix: (fixer) => wrapRestInFinally(fixer, sourceCode, owner, statement, finding.pointer, leaking) });
  }
  const block = owner.parent;
  if (finding.exits.length === 0 || !isBlockLike(block)) return repairs;
  const past = heldPastTry(owner, block);
  // Inside the owner's block after it, or after the `try` statement it is held past (not in its handler, which the
  // acquisition's own failure reaches).
  const inRegion = (exit: Exit) => exit.range[0] >= owner.range[1] && (exit.range[1] <= block.range[1] || (past !== null && exit.range[0] >= past.from && exit.range[1] <= past.to));
  // `return p.Foo()` still uses the pointer, and the end of the function needs the block's end.
  const pointerWord = new RegExp(`(^|[^\\w$.])${escapeRegExp(finding.pointer)}\\b`);
  const usesPointer = (exit: TSESTree.Node) => pointerWord.test(sourceCode.getText(exit).replace(/^(return|throw)\b/, ""));
  // The block's end is written before its final jump: not one that still calls or passes the pointer (`return
  // comPtr(statics, 3)`, `return cancel.TestCancel()`; a test of it, `return cancel !== null`, is no use).
  const pointerCalled = new RegExp(`(^|[^\\w$.])${escapeRegExp(finding.pointer)}\\s*(\\??\\.|[,)])`);
  const endsByUsing = (b: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock) => {
    const last = bodyOf(b)[bodyOf(b).length - 1];
    return !!last && /^(Return|Throw)Statement$/.test(last.type) && pointerCalled.test(sourceCode.getText(last));
  };
  // An exit before the statement that names the pointer (a return between an out-box call and its read) cannot release it by that name;
  // one that another path reaches with the pointer released (a `break` after a `finally` that released it) would release it twice.
  const fixable = (exit: Exit) =>
    exit.releasedThere || !namesVisibleAt(sourceCode, finding.releaseText, exit.node ?? owner, exit.range[0]) ? false : exit.node === null ? past === null && !inGenerator(owner) && !finding.releasedOnSomePath && reachesBlockEnd(block) && !endsByUsing(block) : !usesPointer(exit.node) && inRegion(exit);
  if (!finding.exits.every(fixable)) return repairs;
  repairs.push({
    messageId: finding.exits.length > 1 ? "insertReleaseAtExits" : "insertReleaseAtExit",
    data: { ...data, count: String(finding.exits.length) },
    fix: (fixer) => finding.exits.map((exit) => (exit.node !== null ? insertBefore(fixer, sourceCode, exit.node, statement) : insertAtBlockEnd(fixer, sourceCode, owner, statement))).filter((f) => f !== null),
  });
  return repairs;
}

/** Is this statement in a generator, which its consumer may close at any `yield` (only a `finally` runs then)? */
function inGenerator(statement: TSESTree.Node): boolean {
  const fn = enclosingFunction(statement);
  return fn !== null && "generator" in fn && fn.generator === true;
}

/**
 * The `const` that a `using` can replace (spec 4: "where the binding supports it, `using`"): the pointer's own
 * declaration, of that one variable, initialised by the acquiring call itself, in a block, never released or handed
 * on anywhere (the disposal at the block's end would be a second Release), and the type checker says the value is
 * disposable (`[Symbol.dispose]`). Null otherwise, and always without type information.
 */
function usingKeyword(finding: MissingRelease, owner: TSESTree.Node, { sourceCode, vocabulary }: RepairContext): TSESTree.Token | null {
  if (finding.releasedOnSomePath || owner.type !== "VariableDeclaration" || owner.kind !== "const" || owner.declarations.length !== 1) return null;
  const [declarator] = owner.declarations;
  let init = declarator.init;
  while (init && (init.type === "TSAsExpression" || init.type === "TSNonNullExpression" || init.type === "AwaitExpression")) init = init.type === "AwaitExpression" ? null : init.expression;
  if (declarator.id.type !== "Identifier" || declarator.id.name !== finding.pointer || init !== finding.node || !isBlockLike(owner.parent)) return null;
  if (owner.parent.type === "Program" && owner.parent.sourceType !== "module") return null;
  // (The declaration's whole value: `call.QueryInterface(...) as ICancelMethodCalls` may have cast the disposal away.)
  if (!new TypeInfo(vocabulary, sourceCode.parserServices as never).isDisposable(declarator.init!)) return null;
  const keyword = sourceCode.getFirstToken(owner as never);
  return keyword?.value === "const" ? (keyword as TSESTree.Token) : null;
}

/**
 * Where a pointer assigned in a `try` block to a variable declared outside it is still held, when the `try`'s handler
 * never completes (`try { call = factory.CreateCall(...) } catch { return -1 }`): from the end of the `try` statement
 * to the end of the block holding it, since only a completed `try` block gets past it. Null for any other owner.
 */
function heldPastTry(owner: TSESTree.Node, block: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock): { from: number; to: number } | null {
  const statement = block.parent;
  if (statement?.type !== "TryStatement" || statement.block !== block || !statement.handler || !isBlockLike(statement.parent)) return null;
  const assigns = owner.type === "ExpressionStatement" && owner.expression.type === "AssignmentExpression" && owner.expression.operator === "=" && owner.expression.left.type === "Identifier";
  const handled = bodyOf(statement.handler.body);
  const last = handled[handled.length - 1];
  return assigns && last !== undefined && /^(Return|Throw)Statement$/.test(last.type) ? { from: statement.range[1], to: statement.parent.range[1] } : null;
}

export default protocolRule({
  kind: "missing-release",
  description: "Require every pointer from `QueryInterface` or `CreateCall` to be released on every path",
  recommended: true,
  messageId: "missingRelease",
  message: MISSING_RELEASE,
  otherMessages: { missingReleaseBeforeLoss: MISSING_RELEASE_BEFORE_LOSS, missingReleaseUnnamed: MISSING_RELEASE_UNNAMED },
  messageIdOf: (finding) =>
    finding.unnamed && !("dropped" in finding.reached)
      ? "missingReleaseUnnamed"
      : "overwritten" in finding.reached || "reacquired" in finding.reached || "dropped" in finding.reached
        ? "missingReleaseBeforeLoss"
        : "missingRelease",
  suggestionMessages: SUGGESTIONS,
  data: (finding) => ({ pointer: finding.pointer, acquirer: finding.acquirer, reached: reachedWords(finding), release: finding.releaseText }),
  related: relatedPlace,
  repairs: releaseRepairs,
});
