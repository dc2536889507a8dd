/**
 * One analysis per linted file (and naming options), shared by every rule.
 *
 * The first rule created for a file drives it: its listeners record the
 * protocol events into the current code path's segments. Every rule asks the
 * same analysis for the violations of its own kind when a code path ends, so
 * eight enabled rules cost one analysis, and rules never walk paths
 * themselves.
 */
import type { Rule, Scope, SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import type { ParserServices } from "@typescript-eslint/utils";
import { EMPTY_STATE, FactTable, State } from "./facts";
import { ApiCall, Recognizer, escapeRegExp, memberName, unwrapExpression } from "./recognizer";
import { EngineContext, EngineStats, Event, FunctionAnalysis, ParamEffect, Polarity, Refiner, Resource, Sink, Summary, Sym, Value } from "./function-analysis";
import { Phase } from "./facts";
import type { RelatedLocation, Repair, Violation, ViolationKind } from "./violations";
import type { NamingOptions } from "../options";
import { namingKey } from "../options";

type Node = TSESTree.Node;
type Segment = Rule.CodePathSegment;

const analyses = new WeakMap<object, Map<string, FileAnalysis>>();

/**
 * The shared analysis for this rule's file and options. `isDriver` is true
 * for the rule whose listeners must record events.
 */
export function analysisFor(context: Rule.RuleContext, naming: NamingOptions): { analysis: FileAnalysis; isDriver: boolean } | null {
  const sourceCode = context.sourceCode;
  const key = namingKey(naming);
  let byOptions = analyses.get(sourceCode);
  if (!byOptions) analyses.set(sourceCode, (byOptions = new Map()));
  const existing = byOptions.get(key);
  if (existing && !existing.finished) return existing.skipped ? null : { analysis: existing, isDriver: false };
  const services = sourceCode.parserServices as Partial<ParserServices> | undefined;
  const recognizer = new Recognizer(naming, services?.program ? services : undefined);
  const analysis = new FileAnalysis(sourceCode, recognizer);
  byOptions.set(key, analysis);
  if (analysis.skipped) return null;
  return { analysis, isDriver: true };
}

/** The analyses run on a file, one per distinct set of naming options (for tools and tests). */
export function analysesOf(sourceCode: object): FileAnalysis[] {
  return [...(analyses.get(sourceCode)?.values() ?? [])];
}

export class FileAnalysis implements EngineContext {
  readonly facts = new FactTable();
  readonly stats: EngineStats = { functions: 0, segments: 0, transfers: 0 };
  readonly finishPrefix: string;
  /** No protocol name occurs in the file: no listeners, no dataflow work (the fast path). */
  readonly skipped: boolean;
  finished = false;
  private readonly values: Value[] = [];
  private readonly valueIds = new Map<string, number>();
  private readonly resources: Resource[] = [];
  private readonly externals = new Map<FunctionAnalysis, Map<string, Resource>>();
  private readonly acquireSites = new Map<Node, Resource>();
  /** Argument text of the first call of each Finish_ method, reused by suggestions. */
  readonly finishArguments = new Map<string, string>();
  private readonly stack: FunctionAnalysis[] = [];
  /** Every analysed code path, by its function node (summaries look callees up here). */
  private readonly functions = new Map<Node, FunctionAnalysis>();
  /** Code paths waiting to be solved when the module's code path ends. */
  private readonly pending: FunctionAnalysis[] = [];
  private readonly summaries = new Map<Node, Summary | null>();
  private protocolWords: RegExp | undefined;
  /** Identifier -> variable, resolved once (scope lookups are the engine's hottest outside call). */
  private readonly resolved = new WeakMap<TSESTree.Identifier, Scope.Variable | null>();
  /** Every Begin_ (and helper call that begins): its receiver, method and full name. */
  private readonly beginInfos = new Map<Node, { recv: Sym; recvKey: string | null; method: string; name: string }>();
  /** The recognizer's verdict per call: sym(), conditions and recording all ask about the same calls. */
  private readonly classified = new WeakMap<TSESTree.CallExpression, ApiCall | null>();
  private readonly finishMethods = new Map<Node, string>();
  private readonly variableIds = new WeakMap<Scope.Variable, number>();
  private readonly capturedCache = new WeakMap<Scope.Variable, boolean>();
  private nextVariableId = 0;
  /** Violations by code path, in report order. */
  private readonly found = new Map<Rule.CodePath, Violation[]>();
  private readonly reportedKeys = new Set<string>();
  /** Listeners have run into an internal error: the file reports nothing rather than crash the lint. */
  failed: Error | null = null;

  constructor(
    private readonly sourceCode: SourceCode,
    readonly recognizer: Recognizer,
  ) {
    this.finishPrefix = recognizer.naming.finishPrefix;
    this.facts.methodOf = (begin) => this.beginInfos.get(begin)?.method ?? "";
    this.skipped = !recognizer.triggerPattern().test(sourceCode.text);
  }

  // ---- EngineContext ------------------------------------------------------

  value(id: number): Value {
    return this.values[id];
  }

  valueId(value: Value): number {
    const key =
      value.kind === "hrBegin" ? `b${value.begin.range[0]}:${value.begin.range[1]}` : value.kind === "hrTest" ? `t${value.failed ? 1 : 0}:${value.of}` : `${value.kind}${value.res.id}`;
    let id = this.valueIds.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.valueIds.set(key, id);
    }
    return id;
  }

  resource(id: number): Resource {
    return this.resources[id];
  }

  private newResource(site: Node, owned: boolean, isCall: boolean, isCancel: boolean, ownerSlot: string | null, ownerText: string | null): Resource {
    const id = this.resources.length;
    const res: Resource = {
      id,
      site,
      ownKey: owned ? 2 * id : -1,
      protoKey: isCall ? 2 * id + 1 : -1,
      isCancel,
      ownerSlot,
      ownerText,
      name: this.text(site).slice(0, 60),
      ownerStatement: null,
      mayFail: false,
    };
    this.resources.push(res);
    return res;
  }

  externalIfAny(owner: FunctionAnalysis, key: string): Resource | undefined {
    while (owner.isInlined && owner.parent) owner = owner.parent;
    return this.externals.get(owner)?.get(key);
  }

  registerBegin(node: Node, method: string, recv: Sym, recvKey: string | null): void {
    if (this.beginInfos.has(node)) return;
    this.beginInfos.set(node, { recv, recvKey, method, name: this.recognizer.naming.beginPrefix + method });
  }

  beginInfo(begin: Node): { recv: Sym; recvKey: string | null; method: string } | null {
    return this.beginInfos.get(begin) ?? null;
  }

  externalCall(owner: FunctionAnalysis, key: string, site: Node): Resource {
    // An inlined IIFE shares its caller's call objects.
    while (owner.isInlined && owner.parent) owner = owner.parent;
    let byKey = this.externals.get(owner);
    if (!byKey) this.externals.set(owner, (byKey = new Map()));
    let res = byKey.get(key);
    if (!res) {
      res = this.newResource(site, false, true, false, null, null);
      res.name = this.text(site.type === "CallExpression" && site.callee.type === "MemberExpression" ? site.callee.object : site).slice(0, 60);
      byKey.set(key, res);
    }
    return res;
  }

  beginMethod(begin: Node): string {
    return this.beginInfos.get(begin)?.name ?? this.recognizer.naming.beginPrefix;
  }

  text(node: Node): string {
    return this.sourceCode.getText(node as never);
  }

  // ---- results ------------------------------------------------------------

  /**
   * Calls `deliver` with this code path's violations of `kind` once the path
   * is analysed: at once if the driver has finished it, else when it does.
   */
  whenAnalysed(codePath: Rule.CodePath, kind: ViolationKind, deliver: (violations: Violation[]) => void): void {
    const list = this.found.get(codePath);
    if (list) {
      deliver(list.filter((v) => v.kind === kind));
      return;
    }
    let waiting = this.waiting.get(codePath);
    if (!waiting) this.waiting.set(codePath, (waiting = []));
    waiting.push(() => deliver((this.found.get(codePath) ?? []).filter((v) => v.kind === kind)));
  }

  private readonly waiting = new Map<Rule.CodePath, (() => void)[]>();

  /** Every violation found in the file, all kinds, in source order. */
  allViolations(): Violation[] {
    return [...this.found.values()].flat().sort((a, b) => a.node.range[0] - b.node.range[0]);
  }

  // ---- code path events (driver only) -------------------------------------

  onCodePathStart(codePath: Rule.CodePath, node: Node): void {
    const parent = this.stack[this.stack.length - 1] ?? null;
    const inlined = parent !== null && isImmediatelyInvoked(node);
    this.stack.push(new FunctionAnalysis(codePath, node, parent, inlined, this));
  }

  /**
   * A code path has ended. Functions are solved together when the module's
   * code path ends, so that calls to functions defined later in the file can
   * use their summaries; results are then delivered to every waiting rule.
   */
  onCodePathEnd(codePath: Rule.CodePath): void {
    try {
      const fa = this.stack.pop();
      if (fa && fa.codePath === codePath) {
        // A class field initializer's value is stored in the field: it escapes to the instance.
        if (codePath.origin === "class-field-initializer") fa.resultEscapes = this.sym(fa.node);
        fa.sealGraph();
        this.functions.set(fa.node, fa);
        if (fa.isInlined && fa.parent) {
          // Analysed in place, as part of the caller: its findings belong to the caller.
          fa.parent.record({ k: "inline", child: fa });
        } else {
          this.pending.push(fa);
        }
      }
    } catch (error) {
      this.fail(error);
    }
    if (codePath.origin === "program") this.solveAll();
  }

  private solveAll(): void {
    for (const fa of this.pending) {
      const list: Violation[] = [];
      if (!this.failed) {
        try {
          this.analyse(fa, list);
        } catch (error) {
          this.fail(error);
        }
      }
      this.found.set(fa.codePath, list);
    }
    if (this.failed) for (const codePath of this.found.keys()) this.found.set(codePath, []);
    for (const [codePath, waiting] of this.waiting) {
      if (!this.found.has(codePath)) this.found.set(codePath, []);
      for (const deliver of waiting) deliver();
    }
    this.waiting.clear();
    this.pending.length = 0;
    this.finished = true;
  }

  private fail(error: unknown): void {
    this.failed ??= error instanceof Error ? error : new Error(String(error));
  }

  private analyse(fa: FunctionAnalysis, list: Violation[]): void {
    const sink: Sink = {
      report: (kind, node, related, data, repair) => {
        const key = `${kind}:${node.range[0]}:${node.range[1]}`;
        if (this.reportedKeys.has(key)) return;
        this.reportedKeys.add(key);
        list.push({ kind, node, related, data, repair });
      },
    };
    fa.solve(EMPTY_STATE, sink);
    if (fa.gaveUp) list.length = 0;
  }

  // ---- same-file summaries ------------------------------------------------

  /**
   * Summarises a function of this file once: what it does to each parameter
   * on every normal exit, and whether it returns a pointer it acquired. A
   * function being summarised has no summary for its own (mutually) recursive
   * calls: they stay escapes, which keeps recursion finite and sound.
   */
  summaryOf(fn: Node): Summary | null {
    if (this.summaries.has(fn)) return this.summaries.get(fn) ?? null;
    const fa = this.functions.get(fn);
    if (!fa || fa.isInlined || fn.type === "Program") return null;
    // A function that names no protocol method cannot act on the protocol itself: no summary
    // (its calls stay escapes), and no second analysis of it.
    this.protocolWords ??= this.recognizer.protocolWordPattern();
    if (!this.protocolWords.test(this.sourceCode.text.slice(fn.range[0], fn.range[1]))) {
      this.summaries.set(fn, null);
      return null;
    }
    this.summaries.set(fn, null); // in progress: recursive calls see no summary
    const summary = this.summarise(fa, fn as TSESTree.FunctionLike);
    this.summaries.set(fn, summary);
    return summary;
  }

  private summarise(fa: FunctionAnalysis, fn: TSESTree.FunctionLike): Summary | null {
    const facts = this.facts;
    const bindings = new Map<string, readonly number[]>();
    const tracks = new Map<number, readonly number[]>();
    const params: { res: Resource; ownerKey: string }[] = [];
    fn.params.forEach((param, i) => {
      if (param.type !== "Identifier") return;
      const key = this.keyOf(param);
      if (key === null) return;
      // A parameter may be a pointer or a call object: it gets both tracks.
      const ownerKey = `param-owner:${i}`;
      const res = this.newResource(param, true, true, true, ownerKey, null);
      res.name = param.name;
      bindings.set(key, [this.valueId({ kind: "ref", res })]);
      tracks.set(res.ownKey, [facts.make(Phase.PtrOwned)]);
      tracks.set(res.protoKey, [facts.make(Phase.CallUnknown)]);
      params[i] = { res, ownerKey };
    });
    let returned: Summary["returns"] = null;
    fa.returns = (state, values) => {
      for (const id of values) {
        const value = this.values[id];
        if (value.kind !== "ref" || params.some((p) => p?.res === value.res) || value.res.ownKey < 0) continue;
        const held = (state.tracks.get(value.res.ownKey) ?? []).some((f) => {
          const fact = facts.get(f);
          return !fact.uncertain && (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked);
        });
        if (!held) continue;
        const ownerParam = params.findIndex((p) => p && value.res.ownerSlot !== null && this.keyOf((fn.params[params.indexOf(p)] as TSESTree.Identifier)) === value.res.ownerSlot);
        returned = { isCancel: value.res.isCancel, ownerParam: ownerParam >= 0 ? ownerParam : null, mayFail: value.res.mayFail };
      }
    };
    let exit: State | undefined;
    try {
      exit = fa.solve({ bindings, tracks }, null);
    } finally {
      fa.returns = null;
    }
    if (!exit || fa.gaveUp) return null;
    const effects: ParamEffect[] = fn.params.map((_, i) => (params[i] ? this.paramEffect(exit!, fa, params[i]) : { kind: "escape" }));
    return { params: effects, returns: returned };
  }

  /** What every normal exit agrees the function did to one parameter. */
  private paramEffect(exit: State, fa: FunctionAnalysis, param: { res: Resource; ownerKey: string }): ParamEffect {
    const sure = (key: number) => (exit.tracks.get(key) ?? []).map((id) => this.facts.get(id)).filter((f) => !f.uncertain);
    const own = sure(param.res.ownKey);
    const proto = sure(param.res.protoKey);
    const external = this.externalIfAny(fa, param.ownerKey);
    const through = external ? sure(external.protoKey) : [];
    const all = <T>(list: T[], test: (item: T) => boolean) => list.length > 0 && list.every(test);
    if (own.some((f) => f.phase === Phase.PtrEscaped)) return { kind: "escape" };
    if (all(own, (f) => f.phase === Phase.PtrReleased)) return { kind: "release" };
    if (all(through, (f) => f.phase === Phase.CallCanceled)) return { kind: "cancelThrough" };
    if (all(proto, (f) => f.phase === Phase.CallCanceled && f.begin === null)) return { kind: "cancelCall" };
    const finishes = new Set(proto.map((f) => (f.phase === Phase.CallIdle && f.site?.type === "CallExpression" ? this.finishMethods.get(f.site) : undefined)));
    if (proto.length > 0 && finishes.size === 1 && !finishes.has(undefined)) return { kind: "finish", method: [...finishes][0]! };
    const begins = new Set(proto.map((f) => (f.phase === Phase.CallPending && f.begin ? this.beginInfos.get(f.begin)?.method : undefined)));
    if (proto.length > 0 && begins.size === 1 && !begins.has(undefined)) return { kind: "begin", method: [...begins][0]! };
    if (all(own, (f) => f.phase === Phase.PtrOwned) && all(proto, (f) => f.phase === Phase.CallUnknown)) return { kind: "none" };
    return { kind: "escape" };
  }

  onSegmentStart(segment: Segment, node: Node): void {
    this.top?.onSegmentStart(segment, node);
  }

  onUnreachableSegmentStart(node: Node): void {
    this.top?.onUnreachableSegmentStart(node);
  }

  onSegmentEnd(segment: Segment, node: Node): void {
    this.top?.onSegmentEnd(segment, node);
  }

  private get top(): FunctionAnalysis | undefined {
    return this.stack[this.stack.length - 1];
  }

  // ---- AST events (driver only) -------------------------------------------

  /** The listeners the driving rule installs, besides the code path ones. */
  /**
   * Wraps a listener so that an internal error stops the analysis of this
   * file (reported once by the driving rule) instead of crashing the lint run.
   */
  readonly guard = <T extends unknown[]>(fn: (...args: T) => void) => (...args: T): void => {
    if (this.failed) return;
    try {
      fn(...args);
    } catch (error) {
      this.failed = error instanceof Error ? error : new Error(String(error));
    }
  };

  nodeListeners(): Record<string, (node: Node) => void> {
    const guard = this.guard;
    return {
      "CallExpression:exit": guard((node: Node) => this.onCall(node as TSESTree.CallExpression)),
      "NewExpression:exit": guard((node: Node) => this.onNew(node as TSESTree.NewExpression)),
      "VariableDeclarator:exit": guard((node: Node) => this.onDeclarator(node as TSESTree.VariableDeclarator)),
      "AssignmentExpression:exit": guard((node: Node) => this.onAssignment(node as TSESTree.AssignmentExpression)),
      // At a return's or throw's exit, ESLint has not yet ended its segment: the value leaves
      // here, and the segment ends with an explicit exit. (Plain node-type listeners: a
      // `ReturnStatement > *` selector would make ESLint match it against every node.)
      "ReturnStatement:exit": guard((node: Node) => {
        const argument = (node as TSESTree.ReturnStatement).argument;
        if (argument) this.returnValue(argument);
        this.top?.markAbrupt(node);
      }),
      "ThrowStatement:exit": guard((node: Node) => {
        this.escapeValue((node as TSESTree.ThrowStatement).argument);
        this.top?.markAbrupt(node);
      }),
      "YieldExpression:exit": guard((node: Node) => {
        const argument = (node as TSESTree.YieldExpression).argument;
        if (argument) this.escapeValue(argument);
      }),
      "ArrowFunctionExpression:exit": guard((node: Node) => {
        const arrow = node as TSESTree.ArrowFunctionExpression;
        if (arrow.expression) this.returnValue(arrow.body);
      }),
      "BlockStatement:exit": guard((node: Node) => {
        const scope = this.sourceCode.scopeManager?.acquire(node as never);
        if (!scope || scope.block !== (node as never) || scope.variables.length === 0) return;
        const keys: string[] = [];
        for (const variable of scope.variables) {
          const identifier = variable.identifiers[0] as TSESTree.Identifier | undefined;
          const key = identifier ? this.keyOf(identifier) : null;
          if (key !== null) keys.push(key);
        }
        if (keys.length > 0) this.record({ k: "scopeEnd", keys });
      }),
      "AwaitExpression:exit": guard((node: Node) => {
        const sym = this.sym((node as TSESTree.AwaitExpression).argument);
        if (sym) this.record({ k: "settle", node, target: sym });
      }),
      "ArrayExpression:exit": guard((node: Node) => {
        for (const element of (node as TSESTree.ArrayExpression).elements) if (element) this.escapeValue(element);
      }),
      "ObjectExpression:exit": guard((node: Node) => {
        for (const property of (node as TSESTree.ObjectExpression).properties) {
          this.escapeValue(property.type === "Property" ? property.value : property);
        }
      }),
      // ESLint's code paths send break/continue straight to their target, skipping any
      // `finally` on the way; the state after such a jump is only known approximately.
      "BreakStatement, ContinueStatement": guard((node: Node) => {
        if (jumpsOutOfFinally(node as TSESTree.BreakStatement | TSESTree.ContinueStatement)) this.record({ k: "soften" });
      }),
      "TryStatement > BlockStatement": guard((node: Node) => {
        const tryNode = node.parent as TSESTree.TryStatement;
        this.top?.regionStack.push({ tryNode, part: node === tryNode.block ? "block" : "finally" });
      }),
      "TryStatement > BlockStatement:exit": guard(() => void this.top?.regionStack.pop()),
      CatchClause: guard((node: Node) => {
        this.top?.regionStack.push({ tryNode: node.parent as TSESTree.TryStatement, part: "catch" });
      }),
      "CatchClause:exit": guard(() => void this.top?.regionStack.pop()),
    };
  }

  private classify(call: TSESTree.CallExpression): ApiCall | null {
    let api = this.classified.get(call);
    if (api === undefined) {
      api = this.recognizer.classify(call);
      this.classified.set(call, api);
    }
    return api;
  }

  private record(event: Event): void {
    this.top?.record(event);
  }

  private throwPoint(): void {
    const fa = this.top;
    if (!fa) return;
    const region = fa.throwTarget();
    if (region) fa.record({ k: "throwPoint", region });
  }

  private onCall(node: TSESTree.CallExpression): void {
    const api = this.classify(node);
    if (!api) return this.onOtherCall(node, node.arguments);
    switch (api.kind) {
      case "begin": {
        const recv = this.sym(api.receiver);
        const recvKey = this.keyOf(api.receiver);
        this.beginInfos.set(node, { recv, recvKey, method: api.method, name: api.name });
        this.throwPoint();
        this.record({ k: "begin", node, recv, recvKey, method: api.method });
        break;
      }
      case "finish": {
        this.finishMethods.set(node, api.method);
        if (!this.finishArguments.has(api.name)) this.finishArguments.set(api.name, node.arguments.map((a) => this.text(a)).join(", "));
        const checked = isResultUsed(node) || !!this.top?.insideTryWithCatch();
        this.record({ k: "finish", node, recv: this.sym(api.receiver), recvKey: this.keyOf(api.receiver), method: api.method, resultChecked: checked });
        this.throwPoint();
        break;
      }
      case "cancel": {
        this.throwPoint();
        this.record({ k: "cancel", node, recv: this.sym(api.receiver) });
        break;
      }
      case "release": {
        this.record({ k: "release", node, target: this.sym(api.target), targetKey: this.keyOf(api.target) });
        this.throwPoint();
        break;
      }
      case "addRef": {
        this.record({ k: "use", node, target: this.sym(api.target) });
        this.record({ k: "stopTracking", target: this.sym(api.target) });
        break;
      }
      case "acquire":
        this.onAcquire(node, api);
        break;
      case "failedTest":
        break;
    }
  }

  private onAcquire(node: TSESTree.CallExpression, api: Extract<ApiCall, { kind: "acquire" }>): void {
    const sourceKey = api.source ? this.keyOf(api.source) : null;
    const outKey = api.outBox ? this.keyOf(api.outBox) : null;
    if (api.outBox && outKey === null) return; // the pointer lands somewhere we cannot follow
    if (api.source) this.record({ k: "use", node, target: this.sym(api.source) });
    let res = this.acquireSites.get(node);
    if (!res) {
      res = this.newResource(node, true, api.isCallFactory, api.isCancelInterface, sourceKey, api.source ? this.text(api.source) : null);
      // Raw shape: the out box holds null when QueryInterface failed.
      res.mayFail = api.returnsHresult;
      this.acquireSites.set(node, res);
    }
    this.throwPoint();
    this.record({ k: "acquire", res, node, checked: !api.nullable && !api.returnsHresult });
    if (outKey !== null && api.outBox) {
      const ref: Sym = { t: "vals", ids: [this.valueId({ kind: "ref", res })] };
      const boxText = this.text(api.outBox);
      if (/^[\w$.]+$/.test(boxText)) res.name = this.outBoxName(api.outBox, boxText);
      res.ownerStatement = enclosingStatement(node);
      this.record({ k: "assign", key: `${outKey}[0]`, sym: ref, escapes: false });
      this.record({ k: "assign", key: `${outKey}.value`, sym: ref, escapes: false });
    }
  }

  /** `out[0]` for an array box, `out.value` for an object box. */
  private outBoxName(box: TSESTree.Expression, text: string): string {
    const declared = this.declaredInit(box);
    if (declared?.type === "ObjectExpression") return `${text}.value`;
    return `${text}[0]`;
  }

  private declaredInit(expr: TSESTree.Expression): Node | null {
    if (expr.type !== "Identifier") return null;
    const variable = this.variableOf(expr);
    const def = variable?.defs[0];
    if (def && def.node.type === "VariableDeclarator") return (def.node as TSESTree.VariableDeclarator).init ?? null;
    return null;
  }

  private onOtherCall(node: TSESTree.CallExpression | TSESTree.NewExpression, args: TSESTree.CallExpressionArgument[]): void {
    const callee = unwrapExpression(node.callee);
    if (callee.type === "MemberExpression") this.record({ k: "use", node, target: this.sym(callee.object) });
    const argSyms: { sym: Sym; key: string | null }[] = [];
    for (const arg of args) {
      const expr = arg.type === "SpreadElement" ? arg.argument : arg;
      const sym = this.sym(expr);
      if (!sym) continue;
      argSyms.push({ sym, key: this.keyOf(expr) });
      this.record({ k: "use", node, target: sym });
    }
    this.throwPoint();
    // Raw COM code hands HRESULTs to throw-on-failure helpers (`ThrowIfFailed(hr)`, `checkHr(hr)`):
    // after such a call the code runs on the success path. Recognised by the helper's name.
    if (isCheckingHelper(node.callee)) for (const { sym } of argSyms) this.record({ k: "hrHandled", target: sym });
    const local = node.type === "CallExpression" ? this.localFunction(node.callee) : null;
    if (local) {
      // Summarised at solve time: each argument gets the callee's effect, the result may be owned.
      let result = this.acquireSites.get(node);
      if (!result) {
        result = this.newResource(node, true, false, false, null, null);
        this.acquireSites.set(node, result);
      }
      const allArgs = args.map((arg) => {
        const expr = arg.type === "SpreadElement" ? arg.argument : arg;
        return { sym: this.sym(expr), key: this.keyOf(expr), expr };
      });
      this.record({ k: "callLocal", node, callee: local, args: allArgs, result });
      return;
    }
    for (const { sym, key } of argSyms) this.record({ k: "escape", target: sym, targetKey: key });
  }

  /** The function of this file a callee names: `helper(...)`, `const helper = () => ...`, `this.method(...)`. */
  private localFunction(callee: Node): Node | null {
    const expr = unwrapExpression(callee);
    if (expr.type === "Identifier") {
      const variable = this.variableOf(expr);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (!def) return null;
      const node = def.node as Node;
      if (def.type === "FunctionName" && node.type === "FunctionDeclaration") return node;
      if (def.type === "Variable" && node.type === "VariableDeclarator" && (node.parent as TSESTree.VariableDeclaration).kind === "const") {
        const init = node.init && unwrapExpression(node.init);
        if (init && (init.type === "FunctionExpression" || init.type === "ArrowFunctionExpression")) return init;
      }
      return null;
    }
    if (expr.type === "MemberExpression" && expr.object.type === "ThisExpression" && !expr.computed && expr.property.type === "Identifier") {
      const name = expr.property.name;
      let scope: Node | undefined = expr.parent;
      while (scope && scope.type !== "ClassBody") scope = scope.parent;
      if (!scope) return null;
      for (const member of scope.body) {
        if (member.type === "MethodDefinition" && member.kind === "method" && !member.static && !member.computed && member.key.type === "Identifier" && member.key.name === name) return member.value;
      }
    }
    return null;
  }

  private onNew(node: TSESTree.NewExpression): void {
    this.onOtherCall(node, node.arguments);
  }

  private onDeclarator(node: TSESTree.VariableDeclarator): void {
    if (node.id.type !== "Identifier") {
      if (node.init) this.escapeValue(node.init);
      return;
    }
    const key = this.keyOf(node.id);
    if (key === null) return;
    const declaration = node.parent as TSESTree.VariableDeclaration;
    if (!node.init) {
      // `let p;` or a loop's `const x of xs`: a new, unknown object each time.
      this.record({ k: "assign", key, sym: null, escapes: false });
      return;
    }
    this.bind(node.id, key, node.init, declaration);
    const kind = declaration.kind as string;
    if (kind === "using" || kind === "await using") this.record({ k: "manage", target: { t: "slot", key } });
  }

  private onAssignment(node: TSESTree.AssignmentExpression): void {
    if (node.operator !== "=") return;
    const target = node.left;
    if (target.type !== "Identifier" && target.type !== "MemberExpression") {
      this.escapeValue(node.right);
      return;
    }
    const key = this.keyOf(target);
    if (key === null) {
      this.escapeValue(node.right);
      return;
    }
    this.bind(target, key, node.right, enclosingStatement(node));
  }

  private bind(target: TSESTree.Identifier | TSESTree.MemberExpression, key: string, value: TSESTree.Expression, statement: Node | null): void {
    const sym = this.sym(value);
    const escapes = target.type === "MemberExpression" || !this.isLocalUnshared(target);
    // Name the pointer after the variable it is first bound to: messages say `cancel`, not the call.
    const acquired = this.acquireSites.get(unwrapExpression(value));
    if (acquired && acquired.ownerStatement === null) {
      acquired.name = this.text(target);
      acquired.ownerStatement = statement;
    }
    // Aliases of objects from outside are followed only for names used as protocol receivers.
    const source = unwrapExpression(value);
    const aliasKey = (source.type === "Identifier" || source.type === "MemberExpression" || source.type === "ThisExpression") && this.isProtocolReceiverName(target) ? this.keyOf(source) : null;
    this.record({ k: "assign", key, sym, escapes, ...(aliasKey !== null ? { aliasOf: { key: aliasKey, site: source } } : {}) });
  }

  private receiverNames: Set<string> | undefined;

  /** Is this name ever the receiver of a protocol method in the file? (A cheap textual pre-scan.) */
  private isProtocolReceiverName(target: TSESTree.Identifier | TSESTree.MemberExpression): boolean {
    if (!this.receiverNames) {
      const n = this.recognizer.naming;
      const escape = escapeRegExp;
      const methods = [`${escape(n.beginPrefix)}\\w+`, `${escape(n.finishPrefix)}\\w+`, ...[...n.queryInterfaceMethods, ...n.releaseMethods, ...n.cancelMethods].map(escape)].join("|");
      const pattern = new RegExp(`([A-Za-z_$][\\w$]*)\\s*\\??\\.\\s*(?:${methods})\\b`, "g");
      this.receiverNames = new Set([...this.sourceCode.text.matchAll(pattern)].map((m) => m[1]));
    }
    const name = target.type === "Identifier" ? target.name : target.property.type === "Identifier" ? target.property.name : null;
    return name !== null && this.receiverNames.has(name);
  }

  /** A returned value: the caller's from now on (and, for summaries, what the function hands out). */
  private returnValue(node: Node): void {
    const expr = node as TSESTree.Expression;
    const sym = this.sym(expr);
    if (sym) this.record({ k: "return", target: sym, targetKey: this.keyOf(expr) });
  }

  /** A value flows somewhere this function cannot follow. */
  private escapeValue(node: Node): void {
    if (node.type === "SpreadElement") return this.escapeValue(node.argument);
    const expr = node as TSESTree.Expression;
    const sym = this.sym(expr);
    if (sym) this.record({ k: "escape", target: sym, targetKey: this.keyOf(expr) });
  }

  // ---- symbolic values and slots ------------------------------------------

  /** The symbolic value of an expression, as far as the engine follows values. */
  sym(node: Node): Sym {
    const expr = unwrapExpression(node);
    switch (expr.type) {
      case "Identifier":
      case "MemberExpression":
      case "ThisExpression": {
        const key = this.keyOf(expr);
        return key === null ? null : { t: "slot", key };
      }
      case "AwaitExpression":
        return this.sym(expr.argument);
      case "CallExpression": {
        const res = this.acquireSites.get(expr);
        if (res) {
          const api = this.classify(expr);
          const hr = api?.kind === "acquire" && api.returnsHresult;
          return { t: "vals", ids: [this.valueId(hr ? { kind: "hrAcquire", res } : { kind: "ref", res })] };
        }
        if (this.beginInfos.has(expr)) return { t: "vals", ids: [this.valueId({ kind: "hrBegin", begin: expr })] };
        const api = this.classify(expr);
        if (api?.kind === "failedTest") {
          const of = this.sym(api.argument);
          return of ? { t: "test", of, failed: api.failed } : null;
        }
        return null;
      }
      case "AssignmentExpression":
        return this.sym(expr.right);
      case "SequenceExpression":
        return this.sym(expr.expressions[expr.expressions.length - 1]);
      case "ConditionalExpression":
        return union(this.sym(expr.consequent), this.sym(expr.alternate));
      case "LogicalExpression":
        return union(this.sym(expr.left), this.sym(expr.right));
      default:
        return null;
    }
  }

  /** A canonical key for a variable or member path (`v3`, `v3[0]`, `this.call`), or null. */
  keyOf(node: Node): string | null {
    const expr = unwrapExpression(node);
    switch (expr.type) {
      case "Identifier": {
        const variable = this.variableOf(expr);
        if (!variable) return `g:${expr.name}`;
        let id = this.variableIds.get(variable);
        if (id === undefined) this.variableIds.set(variable, (id = this.nextVariableId++));
        return `v${id}`;
      }
      case "ThisExpression":
        return "this";
      case "MemberExpression": {
        const base = this.keyOf(expr.object);
        if (base === null) return null;
        if (expr.computed && expr.property.type === "Literal" && typeof expr.property.value === "number") return `${base}[${expr.property.value}]`;
        const name = memberName(expr);
        return name === null ? null : `${base}.${name}`;
      }
      default:
        return null;
    }
  }

  private variableOf(node: TSESTree.Identifier): Scope.Variable | null {
    const cached = this.resolved.get(node);
    if (cached !== undefined) return cached;
    let scope: Scope.Scope | null = this.sourceCode.getScope(node as never);
    let found: Scope.Variable | null = null;
    while (scope && !found) {
      found = scope.set.get(node.name) ?? null;
      scope = scope.upper;
    }
    this.resolved.set(node, found);
    return found;
  }

  /**
   * Is this variable declared in the function being analysed (or an IIFE
   * around it) and never referenced from another function? Anything else
   * holding a pointer means the pointer has escaped.
   */
  private isLocalUnshared(node: TSESTree.Identifier): boolean {
    const variable = this.variableOf(node);
    const fa = this.top;
    if (!variable || !fa) return false;
    const home = functionScopeOf(variable.scope);
    if (!this.ownsScope(fa, home)) return false;
    let captured = this.capturedCache.get(variable);
    if (captured === undefined) {
      captured = variable.references.some((ref) => inlinedHome(functionScopeOf(ref.from)) !== inlinedHome(home));
      this.capturedCache.set(variable, captured);
    }
    return !captured;
  }

  private ownsScope(fa: FunctionAnalysis, scope: Scope.Scope): boolean {
    const home = inlinedHome(scope);
    let current: FunctionAnalysis | null = fa;
    while (current) {
      const block = home.block as unknown as Node;
      if (block === current.node) return true;
      if (current.node.type === "Program" && (home.type === "global" || home.type === "module")) return true;
      if (!current.isInlined) break;
      current = current.parent;
    }
    return false;
  }

  // ---- conditions ---------------------------------------------------------

  refineCondition(state: State, test: Node, polarity: Polarity, apply: Refiner): State {
    const expr = unwrapExpression(test);
    const truthy = polarity === "truthy";
    switch (expr.type) {
      case "LogicalExpression":
        // The left operand was refined on the edge that evaluated the right one.
        return polarity === "truthy" || polarity === "falsy" ? this.refineCondition(state, expr.right, polarity, apply) : state;
      case "UnaryExpression":
        if (expr.operator === "!" && (polarity === "truthy" || polarity === "falsy")) return this.refineCondition(state, expr.argument, truthy ? "falsy" : "truthy", apply);
        return state;
      case "AssignmentExpression":
        return this.refineCondition(state, expr.left, polarity, apply);
      case "SequenceExpression":
        return this.refineCondition(state, expr.expressions[expr.expressions.length - 1], polarity, apply);
      case "CallExpression": {
        const api = this.classify(expr);
        if (api?.kind === "failedTest" && (polarity === "truthy" || polarity === "falsy")) {
          const failed = api.failed === truthy;
          return apply(state, this.sym(api.argument), failed ? "failure" : "success", null);
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
    const sym = this.sym(expr);
    if (!sym) return state;
    switch (polarity) {
      case "truthy":
        return apply(state, sym, "failure", "nonnull"); // a non-zero HRESULT is not S_OK
      case "falsy":
        return apply(state, sym, "success", "null");
      case "nullish":
        return apply(state, sym, null, "null");
      case "nonnullish":
        return apply(state, sym, null, "nonnull");
    }
  }

  private refineComparison(state: State, expr: TSESTree.BinaryExpression, polarity: Polarity, apply: Refiner): State {
    if (polarity !== "truthy" && polarity !== "falsy") return state;
    const truthy = polarity === "truthy";
    const isNullish = (n: Node) => (n.type === "Literal" && (n.value === null || n.value === 0 || (n as { bigint?: string }).bigint === "0")) || (n.type === "Identifier" && n.name === "undefined");
    let operand: Node = expr.left;
    let constant: Node = expr.right;
    let op = expr.operator;
    if (this.isConstant(expr.left) && !this.isConstant(expr.right)) {
      operand = expr.right;
      constant = expr.left;
      op = mirror(op);
    }
    if (operand.type === "PrivateIdentifier") return state;
    const sym = this.sym(operand);
    if (!sym) return state;
    const zero = constant.type === "Literal" && constant.value === 0;
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
        const nullish = isNullish(constant);
        const hr = success ? (equal ? "success" : "failure") : !nullish && equal ? "failure" : null;
        const ptr = nullish ? (equal ? "null" : "nonnull") : null;
        return hr || ptr ? apply(state, sym, hr, ptr) : state;
      }
      default:
        return state;
    }
  }

  private isConstant(node: Node): boolean {
    return node.type === "Literal" || (node.type === "Identifier" && (node.name === "undefined" || this.recognizer.successConstants.has(node.name) || /^[A-Z][A-Z0-9_]+$/.test(node.name)));
  }
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

function union(a: Sym, b: Sym): Sym {
  if (!a) return b;
  if (!b) return a;
  return { t: "union", parts: [a, b] };
}

/** The function (or module/global) scope a scope belongs to. */
function functionScopeOf(scope: Scope.Scope): Scope.Scope {
  return scope.variableScope;
}

/** Climbs out of immediately invoked functions: their variables belong to the enclosing function. */
function inlinedHome(scope: Scope.Scope): Scope.Scope {
  let current = scope.variableScope;
  while (current.type === "function" && current.upper && isImmediatelyInvoked(current.block as unknown as Node)) {
    current = current.upper.variableScope;
  }
  return current;
}

/** A function whose name says it checks a result: `ThrowIfFailed`, `checkHr`, `ensureSuccess`, `assertOk`. */
function isCheckingHelper(callee: Node): boolean {
  const expr = unwrapExpression(callee);
  const name = expr.type === "Identifier" ? expr.name : expr.type === "MemberExpression" ? memberName(expr) : null;
  return name !== null && /check|throw|ensure|assert|verify|expect|must|fail|succe/i.test(name);
}

/** Does this jump leave a `try` block or `catch` clause whose `finally` must run first? */
function jumpsOutOfFinally(jump: TSESTree.BreakStatement | TSESTree.ContinueStatement): boolean {
  let child: Node = jump;
  let current: Node | undefined = jump.parent;
  while (current) {
    if (current.type === "TryStatement" && current.finalizer && child !== current.finalizer) return true;
    if (jump.label) {
      if (current.type === "LabeledStatement" && current.label.name === jump.label.name) return false;
    } else if (/^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(current.type) || (jump.type === "BreakStatement" && current.type === "SwitchStatement")) {
      return false;
    }
    if (/Function/.test(current.type)) return false;
    child = current;
    current = current.parent;
  }
  return false;
}

export function isImmediatelyInvoked(node: Node): boolean {
  if (node.type !== "FunctionExpression" && node.type !== "ArrowFunctionExpression") return false;
  const parent = node.parent;
  return !!parent && parent.type === "CallExpression" && parent.callee === node;
}

function isResultUsed(node: Node): boolean {
  let current: Node = node;
  let parent = current.parent;
  while (parent && (parent.type === "ChainExpression" || parent.type === "AwaitExpression" || parent.type === "TSNonNullExpression" || parent.type === "TSAsExpression")) {
    current = parent;
    parent = current.parent;
  }
  if (!parent) return false;
  if (parent.type === "ExpressionStatement") return false;
  if (parent.type === "UnaryExpression" && parent.operator === "void") return false;
  if (parent.type === "SequenceExpression" && parent.expressions[parent.expressions.length - 1] !== current) return false;
  return true;
}

export function enclosingStatement(node: Node): Node | null {
  let current: Node | undefined = node;
  while (current && current.parent) {
    const parent: Node = current.parent;
    if (parent.type === "BlockStatement" || parent.type === "Program" || parent.type === "StaticBlock" || parent.type === "SwitchCase") return current;
    if (parent.type === "ExportNamedDeclaration") return parent;
    current = parent;
  }
  return null;
}

export type { RelatedLocation, Repair };
