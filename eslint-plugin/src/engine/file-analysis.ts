/**
 * One analysis per linted file (and naming options), shared by every rule.
 *
 * The first rule created for a file drives it: its listeners record the
 * protocol events into the current code path's segments. Every rule asks the
 * same analysis for the file's findings of its own kind when the module's code
 * path ends, so eight enabled rules cost one analysis, and rules never walk
 * paths themselves. Functions are solved together when the module's code path
 * ends, so that calls to functions defined later in the file have summaries.
 */
import type { Rule, SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { unwrapExpression } from "./ast";
import { isImmediatelyInvoked } from "./ast-functions";
import { debugEnabled, printGraph } from "./debug";
import { EMPTY_STATE, FactTable, State } from "./facts";
import type { Finding, FindingKind, Sink } from "./findings";
import type { EngineContext, EngineStats, FinishForm, HelperRole, ImportLookup, Polarity, Refiner, Resource, Summary, Sym, Value } from "./model";
import { ApiCall, Recognizer } from "./recognizer";
import { Recorder } from "./recording";
import { ResourceTable } from "./resources";
import { FunctionGraph } from "./segment-graph";
import { solve } from "./solver";
import { Summaries } from "./summaries";
import { declarationEnd } from "./scope-homes";
import { reportFileWide } from "./file-wide";
import { FileFindings } from "./file-findings";
import { ModulePointers, homeGraph } from "./module-pointers";
import { ModuleStateRoles } from "./module-state";
import { Symbols } from "./symbols";
import { GuardVariables, guardVariables } from "./correlations";
import { ObjectFields } from "./object-fields";
import { TableReleases } from "./linked-tables";
import { Pools } from "./pools";
import { VariableHandling } from "./variable-handling";
import { acquirerOfPointer, helperReleaseCalls } from "./release-sources";
import { Conditions } from "./conditions";
import { FfiShapes } from "./ffi";
import type { Vocabulary } from "./vocabulary";

type Node = TSESTree.Node;
type Segment = Rule.CodePathSegment;

export class FileAnalysis implements EngineContext {
  readonly facts = new FactTable();
  readonly stats: EngineStats = { functions: 0, segments: 0, transfers: 0, stateEntries: 0 };
  /** Functions past the analysis budget (solver.ts): left unchecked, each said so once. */
  readonly unanalysed: Node[] = [];
  /** Functions the per-function fast path left unsolved (counted in `stats.functions`). */
  unsolvedFunctions = 0;
  readonly vocabulary: Vocabulary;
  /** No protocol name occurs in the file: no listeners, no dataflow work (the fast path). */
  readonly skipped: boolean;
  finished = false;
  /** Listeners have run into an internal error: the file reports nothing rather than crash the lint. */
  failed: Error | null = null;
  private readonly resources: ResourceTable;
  private readonly symbols: Symbols;
  private readonly conditions: Conditions;
  private readonly recorder: Recorder;
  private readonly summaries: Summaries;
  // One per file: a plain Map, dropped with the analysis, is cheaper to query than a WeakMap (every call is classified).
  private readonly classified = new Map<TSESTree.CallExpression, ApiCall | null>();
  private readonly stack: FunctionGraph[] = [];
  /** Every analysed code path, by its function node (summaries look callees up here). */
  private readonly graphs = new Map<Node, FunctionGraph>();
  /** Code paths waiting to be solved when the module's code path ends. */
  private readonly pending: FunctionGraph[] = [];
  private readonly found = new FileFindings();
  private readonly forImporters: boolean;
  private readonly modulePointers = new ModulePointers();

  constructor(
    private readonly sourceCode: SourceCode,
    readonly recognizer: Recognizer,
    private readonly filename = "",
    /**
     * `forImporters`: a module analysed only for what its exports are (imported-helpers.ts): analysed even without a
     * protocol name, and its functions are summarised when an export's role asks, never solved for findings.
     */
    options: { imports?: ImportLookup | null; forImporters?: boolean } = {},
  ) {
    this.vocabulary = recognizer.vocabulary;
    const classify = (call: TSESTree.CallExpression) => this.classify(call);
    this.resources = new ResourceTable((node) => this.text(node));
    this.symbols = new Symbols(sourceCode, this.resources, classify, (node) => recognizer.isSuccessConstant(node));
    recognizer.ffi = new FfiShapes(this.vocabulary, this.symbols);
    recognizer.lookups = this.symbols;
    recognizer.sourceText = sourceCode.text;
    this.symbols.ffi = recognizer.ffi;
    this.conditions = new Conditions(this.symbols, recognizer, classify);
    this.objects = new ObjectFields(this.resources);
    this.tableReleases = new TableReleases(this);
    this.handling = new VariableHandling(this.graphs, (fn) => this.summaries.summaryOf(fn), (fn) => this.summaries.textualSummaryOf(fn));
    this.recorder = new Recorder(sourceCode, recognizer, this.symbols, this.resources, classify, () => this.stack[this.stack.length - 1], this.objects);
    this.recorder.releaseForms.acquirerOf = (target) => acquirerOfPointer(target, this.symbols, (node) => recognizer.ffi?.boxes.readBox(node) ?? null, classify);
    this.recorder.releaseForms.helperReleases = () => helperReleaseCalls(this.graphs.values(), (fn) => this.summaries.summaryOf(fn));
    this.summaries = new Summaries(this, this.resources, this.symbols, this.graphs, sourceCode.text, (call, index) => this.recognizer.ffi?.keepsNothingOf(call, index, classify(call)) ?? false);
    this.facts.methodOf = (begin) => this.resources.begins.get(begin)?.method.toLowerCase() ?? "";
    this.recorder.imported.lookup = options.imports ?? null;
    this.symbols.importedRole = (callee) => this.recorder.imported.of(callee);
    this.modulePointers.loopAliases = this.recorder.loopAliases;
    this.forImporters = options.forImporters === true;
    this.skipped = !this.forImporters && !this.vocabulary.triggerPattern().test(sourceCode.text);
  }

  // ---- EngineContext --------------------------------------------------------

  value(id: number): Value {
    return this.resources.value(id);
  }
  valueId(value: Value): number {
    return this.resources.valueId(value);
  }
  resource(id: number): Resource {
    return this.resources.resource(id);
  }
  externalCall(owner: FunctionGraph, key: string, site: Node): Resource {
    return this.resources.externalCall(owner, key, site);
  }
  externalPointer(owner: FunctionGraph, key: string, site: Node, ffi: boolean): Resource {
    return this.resources.externalPointer(owner, key, site, ffi);
  }
  externalIfAny(owner: FunctionGraph, key: string): Resource | undefined {
    return this.resources.externalIfAny(owner, key);
  }
  previousInstance(res: Resource): Resource {
    return this.resources.previousOf(res);
  }
  beginInfo(begin: Node): { recv: Sym; recvKey: string | null; method: string; viaVtable?: boolean } | null {
    return this.resources.begins.get(begin) ?? null;
  }
  registerBegin(node: Node, method: string, recv: Sym, recvKey: string | null, viaVtable: boolean): void {
    this.resources.registerBegin(node, { recv, recvKey, method, name: this.vocabulary.beginName(method), viaVtable });
  }
  beginName(begin: Node): string {
    return this.resources.begins.get(begin)?.name ?? this.vocabulary.beginPrefix;
  }
  text(node: Node): string {
    return this.sourceCode.getText(node as never);
  }
  vtableCall(call: TSESTree.CallExpression): { object: Node; method: { role: string; method?: string } } | null {
    return this.recognizer.ffi?.vtableCall(call, true) ?? null;
  }
  unconverted(expression: Node): Node {
    return this.recognizer.ffi?.unconverted(expression as TSESTree.CallExpressionArgument) ?? expression;
  }
  linkedRelease(call: TSESTree.CallExpression, evenClosed = false): string | null {
    const callee = unwrapExpression(call.callee);
    return callee.type === "MemberExpression" ? (this.recognizer.ffi?.linkedRelease(callee.object, evenClosed) ?? null) : null;
  }
  declarationEnd(name: TSESTree.Identifier): number | null {
    return declarationEnd(this.symbols.variableOf(name));
  }
  refineCondition(state: State, test: Node, polarity: Polarity, apply: Refiner): State {
    return this.conditions.refine(state, test, polarity, apply);
  }
  guardVariables(graph: FunctionGraph): GuardVariables {
    return (graph.guardVariables ??= guardVariables(graph, this.symbols, this.facts));
  }
  summaryOf(fn: Node): Summary | null {
    return this.summaries.summaryOf(fn);
  }
  isMemoryResult(call: Node): boolean {
    return call.type === "CallExpression" && (this.recognizer.ffi?.isMemoryResult(call) ?? false);
  }
  solveInline(child: FunctionGraph, entry: State, sink: Sink | null): State | undefined {
    return solve(this, child, entry, sink);
  }
  isInertModuleVariable(key: string): boolean {
    return this.handling.isInertModuleVariable(key);
  }
  isInertMember(name: string): boolean {
    return this.handling.isInertMember(name);
  }
  closuresOnlyUse(key: string, graph: FunctionGraph): boolean {
    return this.handling.closuresOnlyUse(key, graph);
  }
  /** Which functions handle which variables (variable-handling.ts). */
  private readonly handling: VariableHandling;
  readonly objects: ObjectFields;
  readonly tableReleases: TableReleases;
  heldByModule(res: Resource, key: string, name: string, store: Node, graph: FunctionGraph, optional = false): void {
    this.modulePointers.note(res, key, name, store, graph, optional);
  }
  notePooled(collection: TSESTree.Identifier, res: Resource, store: Node): void {
    this.pools.note(collection, res, store);
  }
  private readonly pools = new Pools();

  /** Does some function of the file release a pointer, though no name of the file may say so (`comCall(p, 2, ...)`)? */
  get recordsRelease(): boolean {
    return [...this.graphs.values()].some((graph) => graph.events.some((events) => events.some((event) => event.k === "release")));
  }

  /** The function of the file a callee names (symbols.ts `localFunction`). */
  localFunction(callee: Node): Node | null {
    return this.symbols.localFunction(callee);
  }

  /** What a function of this file is to its importers (summaries.ts `roleOf`). */
  roleOf(fn: TSESTree.FunctionLike): HelperRole {
    return this.summaries.roleOf(fn);
  }

  /** A pointer called through its own linked table (`di8.symbols.EnumDevices(di8Address)`) is released through it. */
  private moduleReleaseText(res: Resource, variable: string): { releaseText: string; releaseIsGuess?: boolean } {
    const table = variable === res.name ? this.tableReleases.formFor(res, []) : null;
    const guess = table ? table.guess : this.releaseIsGuess(variable, res.ffi);
    return { releaseText: table?.text ?? this.releaseText(variable, res.mayFail, res.ffi, res.acquirer), ...(guess ? { releaseIsGuess: true } : {}) };
  }

  releaseIsGuess(pointer: string, raw: boolean): boolean {
    return this.recorder.releaseForms.isGuess(pointer, raw);
  }

  releaseText(pointer: string, mayBeNull: boolean, raw = false, acquirer: string | null = null): string {
    return this.recorder.releaseForms.releaseText(pointer, mayBeNull, raw, acquirer);
  }

  /**
   * The calls whose text repairs anywhere in the file reuse (the first release call, the first call of each Finish_
   * method), and the calls whose boxes are evidence for other calls' (com-evidence.ts).
   */
  get fileFactSites(): readonly { fact: string; node: Node }[] {
    const evidence = [...(this.recognizer.ffi?.evidenceCalls ?? [])].map(([acquirer, node]) => ({ fact: `evidence ${acquirer}`, node: node as Node }));
    return [...this.recorder.fileFactSites, ...this.recorder.releaseForms.factSites(), ...evidence];
  }

  /** How the file writes each Finish_ method's call (its first), for repairs. */
  get finishForms(): ReadonlyMap<string, FinishForm> {
    return this.recorder.finishForms;
  }

  // ---- results ----------------------------------------------------------------

  /**
   * Calls `deliver` with the file's findings of `kind` once every code path is analysed (when the module's
   * code path ends: functions are solved then, since a call may name a function declared further down).
   */
  whenAnalysed(kind: FindingKind, deliver: (findings: readonly Finding[]) => void): void {
    this.found.whenDelivered(kind, deliver);
  }

  /** Every finding in the file, all kinds, in source order. */
  allFindings(): Finding[] {
    return this.found.all();
  }

  // ---- code path events (driver only) -------------------------------------------

  /** Wraps a listener so that an internal error stops the analysis of this file instead of crashing the lint run. */
  readonly guard = <T extends unknown[]>(fn: (...args: T) => void) =>
    // Two fixed parameters, not a rest array spread into `fn`: ESLint calls these for every node
    // and segment with at most two arguments, and the spread was 3% of the engine's time.
    ((a: unknown, b: unknown): void => {
      if (this.failed) return;
      try {
        (fn as unknown as (a: unknown, b: unknown) => void)(a, b);
      } catch (error) {
        this.fail(error);
      }
    }) as unknown as (...args: T) => void;

  nodeListeners(): Record<string, (node: Node) => void> {
    return this.recorder.listeners(this.guard);
  }

  onCodePathStart(codePath: Rule.CodePath, node: Node): void {
    const parent = this.stack[this.stack.length - 1] ?? null;
    const inlined = parent !== null && isImmediatelyInvoked(node);
    // A closure is made here, in its parent's code path: what it captures escapes now.
    if (parent && !inlined && (node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression")) this.recorder.closureMade(node, parent);
    this.stack.push(new FunctionGraph(codePath, node, parent, inlined));
  }

  // The segment events come for every segment, so they guard themselves: the shared `guard` wrapper
  // calls whichever listener it wraps, a call V8 cannot inline (it was 5% of the engine's time).
  onSegmentStart(segment: Segment, node: Node): void {
    if (this.failed) return;
    try {
      this.stack[this.stack.length - 1]?.onSegmentStart(segment, node);
    } catch (error) {
      this.fail(error);
    }
  }
  onUnreachableSegmentStart(node: Node): void {
    if (this.failed) return;
    try {
      this.stack[this.stack.length - 1]?.onUnreachableSegmentStart(node);
    } catch (error) {
      this.fail(error);
    }
  }
  onSegmentEnd(segment: Segment, node: Node): void {
    if (this.failed) return;
    try {
      if (node.type === "YieldExpression") this.recorder.escapeYielded(node);
      this.stack[this.stack.length - 1]?.onSegmentEnd(segment, node);
    } catch (error) {
      this.fail(error);
    }
  }

  onCodePathEnd(codePath: Rule.CodePath): void {
    try {
      const graph = this.stack.pop();
      if (graph && graph.codePath === codePath) {
        // A class field initializer's value is stored in the field: it escapes to the instance.
        if (codePath.origin === "class-field-initializer") graph.resultEscapes = this.symbols.sym(graph.node);
        graph.sealGraph();
        this.graphs.set(graph.node, graph);
        // An IIFE is analysed in place, as part of its caller: its findings belong to the caller.
        if (graph.isInlined && graph.parent) graph.parent.record({ k: "inline", child: graph });
        else this.pending.push(graph);
      }
    } catch (error) {
      this.fail(error);
    }
    if (codePath.origin === "program") this.solveAll();
  }

  private solveAll(): void {
    // Nobody reads an imported module's findings: its exports' summaries solve what they need when asked.
    if (!this.forImporters) this.solveForFindings();
    this.pending.length = 0;
    this.finished = true;
    this.found.deliver();
  }

  private solveForFindings(): void {
    const debug = debugEnabled();
    for (const graph of this.pending) {
      const list = this.found.listOf(graph.codePath);
      // The per-function fast path: a code path no event of which can create a fact, solved from
      // the empty state, has no fact at any point and finds nothing (segment-graph.ts). Counted
      // as a function; its segments and transfers are not, since no fixpoint works on them.
      if (!graph.mayCreateFacts && !debug) {
        this.stats.functions++;
        this.unsolvedFunctions++;
      } else if (!this.failed) {
        try {
          const sink: Sink = { report: (finding) => this.found.collect(list, finding) };
          solve(this, graph, EMPTY_STATE, sink, { noExitState: true, ...(debug ? { onConverged: (inStates) => printGraph(this, graph, inStates, this.filename) } : {}) });
          if (graph.gaveUp) {
            list.length = 0;
            this.unanalysed.push(graph.node);
          }
        } catch (error) {
          this.fail(error);
        }
      }
    }
    if (!this.failed) this.reportFileWide();
    if (this.failed) this.found.dropAll();
  }

  /**
   * Does the file release some of the state it holds (module variables, variables its closures keep)? A script
   * that never does keeps its objects for the process's life on purpose (a poller run until Ctrl+C); one that
   * tears some down and forgets one has a leak. Asked by both file-wide checks, answered once.
   */
  private tearsDownState(): boolean {
    return (this.tearsDown ??= this.recorder.releasesModuleState || this.modulePointers.releasesSomeHeld(this.graphs.values(), (fn) => this.summaries.summaryOf(fn)));
  }
  private tearsDown: boolean | undefined;

  /** What the exported functions of this module do to its state (module-state.ts), for its importers. */
  get moduleStateRoles(): ModuleStateRoles {
    return (this.stateRoles ??= new ModuleStateRoles(this.graphs, this.symbols, (fn) => this.summaries.summaryOf(fn), this.sourceCode.ast as unknown as TSESTree.Program));
  }
  private stateRoles: ModuleStateRoles | undefined;

  /** The checks over the whole file once every function is solved (file-wide.ts). */
  private reportFileWide(): void {
    const program = this.sourceCode.ast as unknown as TSESTree.Program;
    reportFileWide({
      program,
      graphs: this.graphs,
      modulePointers: this.modulePointers,
      pools: this.pools,
      summaryOf: (fn) => this.summaries.summaryOf(fn),
      importedRoleOf: (callee) => this.recorder.imported.of(callee),
      text: (node) => this.text(node),
      moduleReleaseText: (res, variable) => this.moduleReleaseText(res, variable),
      scopes: { variableOf: (id) => this.symbols.variableOf(id), text: (node) => this.text(node), localFunction: (callee) => this.symbols.localFunction(callee), endsProcess: (call) => this.symbols.endsProcess(call) },
      releasingMethodsOf: (res) => this.objects.releasingMethodsOf(res),
      tearsDownState: () => this.tearsDownState(),
      report: (graph, finding) => {
        const list = this.found.existingListOf(homeGraph(graph).codePath);
        if (list) this.found.collect(list, finding);
      },
      fail: (error) => this.fail(error),
    });
  }

  private fail(error: unknown): void {
    this.failed ??= error instanceof Error ? error : new Error(String(error));
  }

  private classify(call: TSESTree.CallExpression): ApiCall | null {
    let api = this.classified.get(call);
    if (api === undefined) {
      api = this.recognizer.classify(call);
      this.classified.set(call, api);
    }
    return api;
  }
}
