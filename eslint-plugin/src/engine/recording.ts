/**
 * Recording: turns the AST, as ESLint walks it, into protocol events in the
 * segments of the current code path. A call the recognizer classifies becomes
 * its event; any other call is a use of its receiver and its arguments, then
 * an escape of the arguments (or a summarised call of a function of this
 * file); bindings, returns and stores move values between slots.
 */
import type { SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { blocksLeftByJump, enclosingStatement, isResultUsed, jumpsOutOfFinally, loopListKeys, patternIdentifiers, unwrapExpression } from "./ast";
import { isFunctionNode } from "./ast-functions";
import { BOX_SLOTS } from "./slot-keys";
import { fixesItsPrototype } from "./helper-shapes";
import { isSlotLookup, isTableCall } from "./vtable-tables";
import type { Event, FinishForm } from "./model";
import { finishFormOf } from "./finish-forms";
import type { ApiCall, Recognizer } from "./recognizer";
import type { ResourceTable } from "./resources";
import type { FunctionGraph } from "./segment-graph";
import { type Symbols, unionSym } from "./symbols";
import type { ObjectFields } from "./object-fields";
import { moduleHolder } from "./module-pointers";
import { ObjectLiterals } from "./object-literals";
import { ImportedRoles } from "./imported-roles";
import { ReleaseForms } from "./release-forms";
import { boundLookupOf, callsReleaseHelper } from "./release-sources";
import { Acquisitions } from "./acquisitions";
import { OtherCalls } from "./other-calls";
import { ClosureEscapes } from "./closure-escapes";

type Node = TSESTree.Node;

export class Recorder {
  /** The first call of each Finish_ method, reused by repairs (FinishForm). */
  readonly finishForms = new Map<string, FinishForm>();
  /** `for (const t of [a, b])`: the loop variable's key, and the keys of the objects it stands for. */
  readonly loopAliases = new Map<string, string[]>();
  /** The file's own release forms (release-forms.ts). */
  readonly releaseForms: ReleaseForms;
  /** Helpers imported from the repository's other modules, summarised there. */
  readonly imported: ImportedRoles;
  /** Some code releases what a module variable holds (`comRelease(blend)`, `comRelease(gpu.device)`): the file tears its module state down. */
  releasesModuleState = false;
  /**
   * The first call of each Finish_ method, by its name, whose text repairs reuse: the language server keeps them in view
   * when it re-lints part of a file (the release calls' are ReleaseForms.factSites).
   */
  readonly fileFactSites: { fact: string; node: Node }[] = [];
  private receiverNames: Set<string> | undefined;

  constructor(
    private readonly sourceCode: SourceCode,
    private readonly recognizer: Recognizer,
    private readonly symbols: Symbols,
    private readonly resources: ResourceTable,
    private readonly classify: (call: TSESTree.CallExpression) => ApiCall | null,
    private readonly top: () => FunctionGraph | undefined,
    objects: ObjectFields,
  ) {
    // One pattern for the file: the vocabulary builds a new one per call.
    const protocolWords = recognizer.vocabulary.protocolWordPattern();
    const mayRelease = (fn: Node) => protocolWords.test(sourceCode.getText(fn as never));
    this.imported = new ImportedRoles(symbols, sourceCode.ast as unknown as TSESTree.Program);
    this.releaseForms = new ReleaseForms(sourceCode, recognizer.vocabulary);
    this.acquisitions = new Acquisitions(symbols, resources, (event) => this.record(event), (node) => this.text(node), () => this.throwPoint());
    this.literals = new ObjectLiterals(symbols, top, mayRelease, classify, (event) => this.record(event), objects.objectKeys, objects.conditionalMembers);
    this.otherCalls = new OtherCalls(
      symbols,
      recognizer,
      resources,
      classify,
      { literals: this.literals, acquisitions: this.acquisitions, imported: this.imported },
      (event) => this.record(event),
      () => this.throwPoint(),
      (node) => this.text(node),
    );
    this.closures = new ClosureEscapes(symbols, sourceCode, () => recognizer.ffi?.methods, (event) => this.record(event), (node) => this.escapeValue(node));
  }
  private readonly literals: ObjectLiterals;
  private readonly acquisitions: Acquisitions;
  private readonly otherCalls: OtherCalls;
  private readonly closures: ClosureEscapes;

  /** The listeners the driving rule installs, besides the code path ones; `guard` catches internal errors. */
  listeners(guard: <T extends unknown[]>(fn: (...args: T) => void) => (...args: T) => void): Record<string, (node: Node) => void> {
    return {
      "CallExpression:exit": guard((node: Node) => this.onCall(node as TSESTree.CallExpression)),
      "NewExpression:exit": guard((node: Node) => this.otherCalls.record(node as TSESTree.NewExpression, (node as TSESTree.NewExpression).arguments)),
      "VariableDeclarator:exit": guard((node: Node) => this.onDeclarator(node as TSESTree.VariableDeclarator)),
      "AssignmentExpression:exit": guard((node: Node) => this.onAssignment(node as TSESTree.AssignmentExpression)),
      // At a return's or throw's exit, ESLint has not yet ended its segment: the value leaves
      // here, and the segment ends with an explicit exit. (Plain node-type listeners: a
      // `ReturnStatement > *` selector would make ESLint match it against every node.)
      "ReturnStatement:exit": guard((node: Node) => {
        const argument = (node as TSESTree.ReturnStatement).argument;
        if (argument) this.returnValue(argument);
        this.top()?.markAbrupt(node);
      }),
      "ThrowStatement:exit": guard((node: Node) => {
        this.escapeValue((node as TSESTree.ThrowStatement).argument);
        this.top()?.markAbrupt(node);
      }),
      "YieldExpression:exit": guard((node: Node) => this.escapeYielded(node as TSESTree.YieldExpression)),
      "ArrowFunctionExpression:exit": guard((node: Node) => {
        const arrow = node as TSESTree.ArrowFunctionExpression;
        if (arrow.expression) this.returnValue(arrow.body);
      }),
      // `try` blocks and `finally` are regions (segment-graph.ts), found from the parent: a `TryStatement > BlockStatement`
      // selector would make ESLint run esquery at every block entered and left (a node type alone needs no matching).
      BlockStatement: guard((node: Node) => {
        const parent = node.parent;
        if (parent?.type === "TryStatement") this.top()?.regionStack.push({ tryNode: parent, part: node === parent.block ? "block" : "finally" });
      }),
      "BlockStatement:exit": guard((node: Node) => {
        this.onBlockExit(node as TSESTree.BlockStatement);
        if (node.parent?.type === "TryStatement") this.top()?.regionStack.pop();
      }),
      // `accessor call = factory.CreateCall(...)`: ESLint makes no code path of its own for an accessor's initializer (as
      // it does for a plain field's), so its value is met in the enclosing one, and is stored into the instance there.
      "AccessorProperty:exit": guard((node: Node) => {
        const value = (node as TSESTree.AccessorProperty).value;
        if (value) this.escapeValue(value);
      }),
      "AwaitExpression:exit": guard((node: Node) => {
        const sym = this.symbols.sym((node as TSESTree.AwaitExpression).argument);
        if (sym) this.record({ k: "settle", node, target: sym });
      }),
      "ArrayExpression:exit": guard((node: Node) => {
        const native = (this.recognizer.ffi?.isNativeArgumentList(node as TSESTree.ArrayExpression) ?? false) || this.imported.isOnlyUsedArgument(node);
        const loop = this.loopList(node as TSESTree.ArrayExpression);
        for (const element of (node as TSESTree.ArrayExpression).elements) if (element) this.escapeValue(element, native, undefined, loop);
      }),
      "ObjectExpression:exit": guard((node: Node) => {
        const literal = node as TSESTree.ObjectExpression;
        const native = this.imported.isOnlyUsedArgument(node);
        // A literal returned or bound to a local constant keeps its named properties (object-literals.ts).
        const kept = this.literals.keptValues(literal);
        // `st = { g, w, h }` in a function: module state, whose `g` may be a cache (EngineContext.isInertMember).
        const stored = literal.parent?.type === "AssignmentExpression" && literal.parent.right === literal && this.symbols.isModuleState(literal.parent.left);
        for (const property of literal.properties) {
          const value = property.type === "Property" ? property.value : property;
          const name = stored && property.type === "Property" && !property.computed && property.key.type === "Identifier" ? property.key.name : undefined;
          if (!kept?.has(value)) this.escapeValue(value, native, name);
        }
      }),
      // ESLint's code paths send break/continue straight to their target, skipping any
      // `finally` on the way; the state after such a jump is only known approximately.
      "BreakStatement, ContinueStatement": guard((node: Node) => {
        const jump = node as TSESTree.BreakStatement | TSESTree.ContinueStatement;
        // The blocks it leaves end here, as at their closing brace (`continue` past a loop body's `const p`).
        for (const block of blocksLeftByJump(jump)) this.onBlockExit(block);
        if (jumpsOutOfFinally(jump)) this.record({ k: "soften" });
      }),
      CatchClause: guard((node: Node) => {
        this.top()?.regionStack.push({ tryNode: node.parent as TSESTree.TryStatement, part: "catch" });
      }),
      "CatchClause:exit": guard(() => void this.top()?.regionStack.pop()),
    };
  }

  /** Where events go instead of the current function: the caller a callback's acquisition fills a box for. */
  private recordingFor: FunctionGraph | null = null;

  record(event: Event): void {
    (this.recordingFor ?? this.top())?.record(event);
  }

  private text(node: Node): string {
    return this.sourceCode.getText(node as never);
  }

  /**
   * Does this Release start tracking a pointer the function did not acquire (use-after-release)? Surely a Release, not
   * some object's `release` method (`tracker.release(p)`), of a variable no other function may set (not module state).
   */
  private isTrustedRelease(node: TSESTree.CallExpression, target: TSESTree.Node, viaFunction: boolean): boolean {
    if (this.symbols.isHeldState(target)) return false;
    const callee = unwrapExpression(node.callee);
    if (!viaFunction || callee.type !== "MemberExpression") return true;
    return isTableCall(node) || this.recognizer.ffi?.vtableCall(node) != null || this.symbols.localFunction(callee) !== null || this.imported.of(callee) !== null;
  }

  private throwPoint(): void {
    const graph = this.recordingFor ?? this.top();
    const region = graph?.throwTarget();
    if (graph && region) graph.record({ k: "throwPoint", region });
  }

  /** A closure made in `parent`'s function (closure-escapes.ts). */
  closureMade(fn: Node, parent: FunctionGraph): void {
    this.closures.made(fn, parent);
  }

  private onBlockExit(node: TSESTree.BlockStatement): void {
    const scope = this.sourceCode.scopeManager?.acquire(node as never);
    if (!scope || scope.block !== (node as never) || scope.variables.length === 0) return;
    const keys: string[] = [];
    for (const variable of scope.variables) {
      const identifier = variable.identifiers[0] as TSESTree.Identifier | undefined;
      const key = identifier ? this.symbols.keyOf(identifier) : null;
      if (key !== null) keys.push(key);
    }
    if (keys.length > 0) this.record({ k: "scopeEnd", keys });
  }

  private onCall(node: TSESTree.CallExpression): void {
    if (this.symbols.endsProcess(node) || this.imported.of(node.callee)?.endsProcess) this.record({ k: "terminate", node });
    const api = this.classify(node);
    // `slot(p, N)` in `koffi.call(slot(p, N), proto, p)` only reads the vtable: a use of `p`.
    if (!api && isSlotLookup(node)) return this.otherCalls.record(node, node.arguments, node.arguments[0] ?? null);
    if (!api) return this.otherCalls.record(node, node.arguments);
    const s = this.symbols;
    switch (api.kind) {
      case "begin": {
        const recv = s.sym(api.receiver);
        const recvKey = s.keyOf(api.receiver);
        this.resources.registerBegin(node, { recv, recvKey, method: api.method, name: api.name, viaVtable: api.viaVtable === true });
        this.noteVtableDispatcher(node, api.receiver);
        this.throwPoint();
        this.record({ k: "begin", node, recv, recvKey, method: api.method });
        break;
      }
      case "finish": {
        this.resources.finishes.set(node, api.method);
        this.noteVtableDispatcher(node, api.receiver);
        if (!this.finishForms.has(api.name)) {
          this.finishForms.set(api.name, finishFormOf(node, api.receiver, (n) => this.text(n), (id) => s.variableOf(id)));
          this.fileFactSites.push({ fact: api.name, node });
        }
        const checked = isResultUsed(node) || !!this.top()?.insideTryWithCatch();
        this.record({ k: "finish", node, recv: s.sym(api.receiver), recvKey: s.keyOf(api.receiver), method: api.method, resultChecked: checked });
        this.throwPoint();
        break;
      }
      case "cancel":
        this.throwPoint();
        this.record({ k: "cancel", node, recv: s.sym(api.receiver) });
        break;
      case "release": {
        // The pointer released, whatever cast its vtable's function is given it through (`koffi.as(p, 'void *')`).
        const released = this.recognizer.ffi?.unconverted(api.target) ?? api.target;
        // A vtable table's Release (`calls.symbols.Release(p)`, `vt.Release(p)`) belongs to one object's table: no form for others.
        // A call releasing several (`comRelease(a, b)`) is no form: written for one pointer it would release the others again.
        if (!api.alsoReleases && !(this.recognizer.ffi?.isObjectsOwnTableCall(node) ?? isTableCall(node))) this.releaseForms.noteReleaseCall(node, api.target, released, boundLookupOf(node, s, this.recognizer.ffi), callsReleaseHelper(node, api.viaFunction, s, this.recognizer.ffi));
        for (const target of api.alsoReleases ? [released, ...api.alsoReleases] : [released]) {
          // `safeRelease(box)`, a release function by its name given the box it reads: what the box holds is released.
          const key = this.recognizer.ffi?.boxes.releasedFromBox(node, target) ? `${s.keyOf(target)}[0]` : s.keyOf(target);
          this.record({ k: "release", node, target: key !== s.keyOf(target) ? { t: "slot", key: key! } : s.sym(target), targetKey: key, released: target, raw: api.viaFunction, trusted: this.isTrustedRelease(node, target, api.viaFunction) });
          // (One that empties the box after, `box.fill(0)`, may be called again: the box holds nothing to release twice.)
          if (key !== s.keyOf(target) && this.recognizer.ffi?.boxes.emptiesGivenBox(node, target)) for (const slot of BOX_SLOTS) this.record({ k: "assign", key: s.keyOf(target) + slot, sym: null, escapes: false });
          if (!this.releasesModuleState) this.releasesModuleState = this.symbols.isHeldState(target);
        }
        this.throwPoint();
        break;
      }
      case "addRef":
        this.record({ k: "use", node, target: s.sym(api.target) });
        this.record({ k: "stopTracking", target: s.sym(api.target), pointer: api.target });
        break;
      case "acquire":
        // A dispatcher acquiring through a slot (`vcall(device, DEV_CREATE_BUFFER, ...)`) is the file's dispatcher too.
        if (api.ffi && api.source !== null) this.noteDispatcher(node);
        // A box of an enclosing function that reads it after the call running this callback: filled for it.
        this.recordingFor = api.outBox ? this.acquisitions.callbackCaller(node, api.outBox, this.top()!) : null;
        try {
          this.acquisitions.onAcquire(node, api);
        } finally {
          this.recordingFor = null;
        }
        break;
      case "vtableUse":
        // A call through the object's vtable uses it; what else it is given may be kept by the callee.
        this.noteDispatcher(node);
        this.otherCalls.record(node, node.arguments, api.object);
        break;
      case "failedTest":
        break;
    }
  }

  /** A Begin_ or Finish_ through a dispatcher (`vcall(call, ..._BEGIN_GETPRICE, [], [])`) names the file's dispatcher too. */
  private noteVtableDispatcher(node: TSESTree.CallExpression, receiver: Node): void {
    const callee = unwrapExpression(node.callee);
    if (!(callee.type === "MemberExpression" && unwrapExpression(callee.object) === receiver)) this.noteDispatcher(node);
  }

  /** The file's dispatcher, for the release text of a file that releases nothing yet (release-forms.ts). */
  private noteDispatcher(node: TSESTree.CallExpression): void {
    const ffi = this.recognizer.ffi;
    // (Not a lookup of an address bun:ffi makes a function of: no repair can call it as written.)
    const vtable = this.releaseForms.hasRelease || this.releaseForms.hasDispatcher || ffi?.methods.madeInto(node) ? null : ffi?.vtableCall(node);
    // (Nor a helper of the file that calls one kind of method, its prototype fixed: `callForInt32(p, 7)`.)
    const local = vtable ? this.symbols.localFunction(node.callee) : null;
    if (vtable && !(local && isFunctionNode(local) && fixesItsPrototype(local))) this.releaseForms.noteVtableCall(node, vtable, ffi!.methods.callOfLookup(node));
  }

  private onDeclarator(node: TSESTree.VariableDeclarator): void {
    const init = node.init;
    if (init?.type === "CallExpression") this.releaseForms.noteTableConstant(node, () => this.imported.of(init.callee));
    if (node.id.type !== "Identifier") {
      // `const [cancel] = out`, `const { value: cancel } = out`: destructuring reads the box.
      const read = node.init ? this.acquisitions.destructuredBoxRead(node.id, node.init) : null;
      if (read) this.record({ k: "assign", key: read.key, sym: { t: "slot", key: read.from }, escapes: false });
      else if (node.init && !(node.id.type === "ObjectPattern" && this.literals.destructure(node.id, node.init))) this.escapeValue(node.init);
      return;
    }
    const key = this.symbols.keyOf(node.id);
    if (key === null) return;
    const declaration = node.parent as TSESTree.VariableDeclaration;
    if (!node.init) {
      // `let p;` or a loop's `const x of xs`: a new, unknown object each time.
      this.record({ k: "assign", key, sym: null, escapes: false });
      return;
    }
    this.bind(node.id, key, node.init, declaration);
    this.literals.onConstant(key, node.init);
    const kind = declaration.kind as string;
    if (kind === "using" || kind === "await using") this.record({ k: "manage", target: { t: "slot", key }, declaration });
  }

  private onAssignment(node: TSESTree.AssignmentExpression): void {
    // `this.manager ??= create()`: a store like `=` where it happens (recorded where the paths join, keeping the old
    // value); `p &&= q` stores only over a value that is there, which it loses like `=`.
    const keepsOld = node.operator === "??=" || node.operator === "||=";
    if (node.operator !== "=" && node.operator !== "&&=" && !keepsOld) return;
    const target = node.left;
    const key = target.type === "Identifier" || target.type === "MemberExpression" ? this.symbols.keyOf(target) : null;
    if (key === null) {
      this.escapeValue(node.right);
      // `[p] = pairs[0]`: each variable destructured into names another object from here on.
      for (const id of target.type === "ArrayPattern" || target.type === "ObjectPattern" ? patternIdentifiers(target) : []) {
        const assigned = this.symbols.keyOf(id);
        if (assigned !== null) this.record({ k: "assign", key: assigned, sym: null, escapes: false });
      }
      return;
    }
    this.bind(target as TSESTree.Identifier | TSESTree.MemberExpression, key, node.right, enclosingStatement(node), keepsOld);
  }

  /** `keepsOld`: a logical assignment, recorded where its paths join: the target holds what it held or the value. */
  private bind(target: TSESTree.Identifier | TSESTree.MemberExpression, key: string, value: TSESTree.Expression, statement: Node | null, keepsOld = false): void {
    const s = this.symbols;
    const sym = keepsOld ? unionSym({ t: "slot", key }, s.sym(value)) : s.sym(value);
    // `result.srv = p` on a local object literal stays a member of it (object-literals.ts).
    const escapes = target.type === "MemberExpression" ? !this.literals.isConstantMember(target, statement) : !s.isLocalUnshared(target, this.top());
    this.acquisitions.nameByBinding(target, value, sym, statement);
    // Aliases of objects from outside are followed only for names used as protocol receivers.
    const source = unwrapExpression(value);
    const aliasKey = (source.type === "Identifier" || source.type === "MemberExpression" || source.type === "ThisExpression") && this.isProtocolReceiverName(target) ? s.keyOf(source) : null;
    // A module variable keeps what the top level (or an `init()`) stores in it.
    const heldBy = moduleHolder(s, target, escapes, this.top());
    const byClosures = escapes && target.type === "Identifier" && s.isOwnSharedWithClosures(target, this.top());
    const moduleShared = byClosures && target.type === "Identifier" && s.isModuleVariable(target);
    const rebinds = target.parent?.type === "AssignmentExpression";
    // `engine = box.readBigUInt64LE(0)` into a module variable: what it held before is lost unless released (Transitions.noteOverwrite).
    const declared = escapes && rebinds && !keepsOld && target.type === "Identifier" && s.isModuleVariable(target) ? s.variableOf(target)?.identifiers[0] : undefined;
    const storedIn = declared ? { declared: declared as Node, at: target as Node } : undefined;
    // Every field written, absent ones as undefined: one object shape for every binding of the file (spreading
    // the optional fields made a temporary object per field and a differently shaped event per combination).
    const aliasOf = aliasKey !== null ? { key: aliasKey, site: source } : undefined;
    this.record({ k: "assign", key, sym, escapes, aliasOf, heldBy, byClosures: byClosures || undefined, moduleShared: moduleShared || undefined, rebinds: rebinds ? target : undefined, storedIn });
    // `begun = true` beside a Begin_: a flag a later branch may test (correlations.ts).
    if (target.type === "Identifier" && !keepsOld && source.type === "Literal" && typeof source.value === "boolean") this.record({ k: "flag", key, truthy: source.value });
  }

  /** Is this name ever the receiver of a protocol method in the file? (A cheap textual pre-scan.) */
  private isProtocolReceiverName(target: TSESTree.Identifier | TSESTree.MemberExpression): boolean {
    this.receiverNames ??= this.recognizer.vocabulary.receiverNames(this.sourceCode.text);
    const name = target.type === "Identifier" ? target.name : target.property.type === "Identifier" ? target.property.name : null;
    return name !== null && this.receiverNames.has(name);
  }

  /** A returned value: the caller's from now on (and, for summaries, what the function hands out). */
  returnValue(node: Node): void {
    const expr = node as TSESTree.Expression;
    // `return null` in a helper that otherwise returns an object: its caller tests for the object (summaries.ts).
    if ((expr.type === "Literal" && expr.value === null) || (expr.type === "Identifier" && expr.name === "undefined")) {
      this.record({ k: "return", target: null, targetKey: null, nullish: true });
      return;
    }
    this.closures.handedOn(expr, this.top());
    const sym = this.symbols.sym(expr);
    if (this.literals.onReturn(expr)) return;
    const key = this.symbols.keyOf(expr);
    if (sym) this.record({ k: "return", target: sym, targetKey: key, ...this.literals.methodsOfReturned(key) });
  }

  /**
   * A `yield`'s value leaves the generator: recorded where ESLint ends the segment before the `yield` (file-analysis.ts),
   * since the generator may be closed right there (`return()`), with the value already the consumer's; once per `yield`.
   */
  escapeYielded(node: TSESTree.YieldExpression): void {
    if (!node.argument || this.yielded.has(node)) return;
    this.yielded.add(node);
    this.escapeValue(node.argument);
  }

  private readonly yielded = new Set<TSESTree.YieldExpression>();

  /** A value flows somewhere this function cannot follow. */
  escapeValue(node: Node, native = false, storedAs?: string, loopList = false): void {
    if (node.type === "SpreadElement") return this.escapeValue(node.argument, native);
    const sym = this.symbols.sym(node);
    // One object shape for every escape (as for bindings, `bind`).
    if (sym) this.record({ k: "escape", target: sym, targetKey: this.symbols.keyOf(node), native: native || undefined, storedAs, loopList: loopList || undefined });
  }

  /**
   * `for (const t of [sceneTex, bloomA])`, or `const sbs = [w1Buf, b1Buf]; for (const b of sbs)` when the constant is
   * only ever looped over: the loop's variable is each element in turn. Its paths still treat the elements as handed on
   * (one variable for several objects), but to the file-wide question "does some code release `sceneTex.srv`" a release
   * of `t.srv` there answers yes (module-pointers.ts).
   */
  private loopList(array: TSESTree.ArrayExpression): boolean {
    const keys = loopListKeys(array, (id) => this.symbols.referencesOf(id), (node) => this.symbols.keyOf(node));
    if (keys) for (const key of keys.loopKeys) this.loopAliases.set(key, keys.elementKeys);
    return keys !== null;
  }
}
