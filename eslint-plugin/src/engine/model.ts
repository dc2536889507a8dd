/**
 * The engine's vocabulary of things: what it tracks (resources), the values
 * slots hold, the symbolic expressions events carry, the events recording
 * writes into segments, and what a summary says of a function. Types only,
 * shared by recording, the solver, the transitions and the summaries.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { FactTable, IdSet, State } from "./facts";
import type { Sink } from "./findings";
import type { FunctionGraph } from "./segment-graph";
import type { GuardVariables } from "./correlations";
import type { Vocabulary } from "./vocabulary";
import type { ObjectFields } from "./object-fields";
import type { TableReleases } from "./linked-tables";

type Node = TSESTree.Node;

/** Something the engine tracks: an interface pointer, a call object, or both. */
export interface Resource {
  readonly id: number;
  /** The acquiring call; for call objects this function did not create, the receiver expression. */
  readonly site: Node;
  /** Track of ownership (acquired/released/escaped); -1 when this function does not own it. */
  readonly ownKey: number;
  /** Track of the call state machine (idle/pending/cancelled); -1 for plain pointers. */
  readonly protoKey: number;
  isCancel: boolean;
  /** For a cancel pointer: the slot of the call object it was queried from. */
  ownerSlot: string | null;
  /** Display name, e.g. `cancel` or `call`. */
  name: string;
  /** The name the site's own text gives it (`p.QueryInterface(iid)`), before a binding or a box read names it. */
  readonly siteName: string;
  /** The statement that binds the pointer (for the Release suggestion). */
  ownerStatement: Node | null;
  /**
   * What the pointer was called while only its out box held it (`folder[0]`, the statement of the call that filled
   * it), before `boundAt` gave it a variable's name (`const parent = folder[0]`): an exit before that binding, or outside
   * `bindingScope` (where the variable is declared), names the box, since the variable does not exist there; an exit
   * outside any of `readScopes` (where the read's variables are) cannot name the box either.
   */
  inBox?: { name: string; owner: Node | null; boundAt: Node; bindingScope: Node; readScopes: Node[] };
  /** Where another call filled the box this pointer was left in, unread (`QueryInterface(IID_B, out)` again): the box's read names that one from there on. */
  boxRefilledAt?: Node;
  /** The acquisition can fail without throwing (raw HRESULT, nullable result). */
  mayFail: boolean;
  /** Raw FFI: judged by its HRESULT tests alone; an untested read is owned, never reported as unchecked. */
  ffi: boolean;
  /** Raw FFI out box of a call that may succeed without an object: owned from the box's read on (spec 2a, shape 7); a path that never reads it owes nothing. */
  fromBox: boolean;
  /**
   * A returned object's field the helper also filed in a module variable (`activeGpu = gpu`, which its
   * `destroyDevice()` releases): two holders, so owed only where the file shows it owns the object by
   * releasing another of its fields itself (module-pointers.ts). Never owed at a function's exit.
   */
  shared: boolean;
  /**
   * Held by a module variable that the top level handles and its closures only use (`const g = createDevice()`,
   * read by a frame callback): tracked on the top level's paths, so that a teardown by hand that leaves it out is
   * seen where the process ends, but never owed where the top level's code ends or throws: timers and handlers
   * may go on using it, and the module check (module-pointers.ts) judges it file-wide.
   */
  outlivesTopLevel?: boolean;
  /** The object a loop's previous pass acquired at this site, still held by a variable (Transitions.keepPrevious). */
  previousInstance?: boolean;
  /** A pointer the function did not acquire, tracked from its Release on (a parameter's, a field's: resources.ts `externalPointer`). */
  external?: boolean;
  /** The acquiring call's own name, for messages: `QueryInterface`, `CoCreateInstance`, a helper's name. */
  acquirer: string;
}

export type Value =
  | { kind: "ref"; res: Resource }
  | { kind: "hrAcquire"; res: Resource }
  | { kind: "hrBegin"; begin: Node }
  /** The boolean `FAILED(x)` / `SUCCEEDED(x)` of another value, kept in a variable. */
  | { kind: "hrTest"; of: number; failed: boolean };

/** A symbolic expression: resolved against the state when the event is applied. */
export type Sym = { t: "slot"; key: string } | { t: "vals"; ids: IdSet } | { t: "union"; parts: Sym[] } | { t: "test"; of: Sym; failed: boolean } | null;

export type Event =
  /** `heldBy`: the target is a module variable that functions share, or one the top level binds; the pointer stays the module's to release. */
  /**
   * `byClosures`: it escapes only because closures of this function share the variable (`const g` used by a nested
   * `drawHud`); where no closure hands on what it holds (EngineContext.closuresOnlyUse), it stays this function's.
   */
  /** `rebinds`: an assignment (`bufA = bufB`), not a declaration's initialiser: its target. */
  | { k: "assign"; key: string; sym: Sym; escapes: boolean; aliasOf?: { key: string; site: Node }; heldBy?: { name: string; node: Node }; name?: string; byClosures?: boolean; moduleShared?: boolean; rebinds?: Node; storedIn?: { declared: Node; at: Node } }
  | { k: "acquire"; res: Resource; node: Node; checked: boolean }
  | { k: "begin"; node: Node; recv: Sym; recvKey: string | null; method: string }
  | { k: "finish"; node: Node; recv: Sym; recvKey: string | null; method: string; resultChecked: boolean }
  | { k: "cancel"; node: Node; recv: Sym }
  /**
   * `released`: the expression released; `raw`: released by a function (`release(p)`, `vcall(p, RELEASE)`), not by the
   * pointer's own method; `trusted`: surely its Release (its method, its vtable's, a release function of the options, the
   * file or the repository), not some object's `release` method (`tracker.release(p)`): only such a Release starts
   * tracking a pointer the function did not acquire.
   */
  | { k: "release"; node: Node; target: Sym; targetKey: string | null; released: Node; raw: boolean; trusted: boolean }
  /**
   * `valueMethod`: the target is the receiver of a method that is no COM method (`p.toString(16)`); `asValue`: it is
   * given to a function of the file that reads that parameter only as a value (`formatAddress(p)`).
   */
  | { k: "use"; node: Node; target: Sym; valueMethod?: boolean; asValue?: boolean }
  /** A local variable set to `true` or `false` (`begun = true`): a flag a later branch may test (correlations.ts). */
  | { k: "flag"; key: string; truthy: boolean }
  /** `native`: handed to a native export (`Ole32.CoFoo(p)`, `lib.symbols.Foo(p)`), which never takes over a raw pointer's reference. */
  /**
   * `heldBy`: a closure made here captures the variable (Recorder.closureMade): from here on the closures hold the
   * pointer, for as long as the program keeps them, like a module variable (module-pointers.ts judges it).
   */
  /** `storedAs`: the property of an object literal stored into module state (`st = { g }`), which may only be a cache. */
  /** `loopList`: an element of `for (const t of [a, b])`'s list, which the file releases through `t` (Recorder.loopList). */
  | { k: "escape"; target: Sym; targetKey: string | null; native?: boolean; heldBy?: { name: string; node: Node }; byClosures?: boolean; ofParameter?: boolean; storedAs?: string; loopList?: boolean; pooledIn?: { collection: TSESTree.Identifier; store: Node } }
  /** `nullish`: `return null` (or `undefined`): no object at all, which the caller tests for. */
  /** `fields`: the properties of a returned object literal (`return { blob, size }`), kept with the object; `methods`: its function-valued properties that may release. */
  /** `methodFields`: properties the object's methods set to a pointer (`recreateRTV() { gpu.rtv = pp.readBigUInt64LE(0) }`). */
  | { k: "return"; target: Sym; targetKey: string | null; fields?: { name: string; sym: Sym }[]; methods?: string[]; methodFields?: string[]; nullish?: boolean }
  | { k: "settle"; node: Node; target: Sym }
  /** A call of a function of this file (`callee`), or of an imported helper whose summary came with it (`summary`). */
  /** An argument's `moduleVariable`: it names a module variable (`csCacheCb`), which a helper may copy into (ParamEffect `into`). */
  /** `callback`: a function written in place for the parameter whose result the callee returns (`withHString(name, (h) => ...)`). */
  | { k: "callLocal"; node: Node; callee: Node | null; summary?: Summary; callback?: Node; args: { sym: Sym; key: string | null; expr: Node; moduleVariable?: boolean }[]; result: Resource }
  /** `pointer`: the expression AddRef'd. */
  | { k: "stopTracking"; target: Sym; pointer: Node }
  /** `declaration`: the `using` declaration that disposes of it at its block's end. */
  | { k: "manage"; target: Sym; declaration: Node }
  | { k: "throwPoint"; region: string }
  /** A `break`/`continue` that runs a `finally` ESLint's graph skips: what follows is uncertain. */
  | { k: "soften" }
  /** An HRESULT handed to a function (`check(hr)`, `ThrowIfFailed(hr)`): taken as checked after the call. */
  | { k: "hrHandled"; target: Sym }
  /** `process.exit()`, or a helper that always ends the process: nothing after it runs on this path. */
  | { k: "terminate"; node: TSESTree.CallExpression }
  /** An HRESULT handed to a function that is no check (`ok(label, hr)`): whether it failed is beyond this analysis. */
  | { k: "hrPassed"; target: Sym }
  /** A block's variables go out of scope: their bindings, and objects nothing can reach any more, are dropped. */
  | { k: "scopeEnd"; keys: string[] }
  | { k: "inline"; child: FunctionGraph };

export type Polarity = "truthy" | "falsy" | "nullish" | "nonnullish";

export interface ForkInfo {
  /** The condition whose value chose between the successors. */
  test: Node;
  /** The value of `test` on the edge into the successor that starts at `firstNode`. */
  polarity: Polarity;
  firstNode: Node;
}

/** Services the file analysis gives every function's solver. */
export interface EngineContext {
  readonly facts: FactTable;
  value(id: number): Value;
  valueId(value: Value): number;
  /** The call object this function did not create, keyed by slot: one per function and slot. */
  externalCall(owner: FunctionGraph, key: string, site: Node): Resource;
  /** The external call object of a slot, if one was created. */
  externalIfAny(owner: FunctionGraph, key: string): Resource | undefined;
  /** The pointer a slot holds that this function did not acquire, once it releases it (resources.ts). */
  externalPointer(owner: FunctionGraph, key: string, site: Node, ffi: boolean): Resource;
  /** The pointer a loop's previous pass acquired at the same site, still held by a variable (resources.ts `previousOf`). */
  previousInstance(res: Resource): Resource;
  resource(id: number): Resource;
  /** The full name of the Begin_ a call started with (`Begin_GetPrice`), for messages. */
  beginName(begin: Node): string;
  text(node: Node): string;
  /** The object and method of a call through a vtable (ffi.ts; a dispatcher given a conversion of its object too), or null: for what messages say a use after Release does. */
  vtableCall(call: TSESTree.CallExpression): { object: Node; method: { role: string; method?: string } } | null;
  /** The pointer an expression converts (`Number(p)`, `koffi.as(p, 'void *')`, the file's `asPointer(p)`), or the expression itself (ffi.ts `unconverted`). */
  unconverted(expression: Node): Node;
  /** The Release function of the vtable table a call goes through (`calls.symbols.GetCount(p)`: `Release`), or null. */
  /** `evenClosed`: also of a table the code closes (`calls.close()`), which a message may name but a repair cannot call. */
  linkedRelease(call: TSESTree.CallExpression, evenClosed?: boolean): string | null;
  /** No release form of the file fits this raw pointer: the text is a guess a repair must not write (release-forms.ts). */
  releaseIsGuess(pointer: string, raw: boolean): boolean;
  /** Where the declaration of the variable `name` refers to ends (its declarator), or null for none. */
  declarationEnd(name: TSESTree.Identifier): number | null;
  readonly vocabulary: Vocabulary;
  /** The text of a statement releasing `pointer`, in the form this file releases with. */
  /** `raw`: a raw FFI pointer (a bigint), released through the file's dispatcher where the file shows no release of its own (release-forms.ts). */
  /** `acquirer`: the pointer's, whose release form the file's releases of its other pointers show. */
  releaseText(pointer: string, mayBeNull: boolean, raw?: boolean, acquirer?: string | null): string;
  refineCondition(state: State, test: Node, polarity: Polarity, apply: Refiner): State;
  /** The variables of `graph` whose branch outcomes its facts carry (correlations.ts). */
  guardVariables(graph: FunctionGraph): GuardVariables;
  /** Work counters: deterministic measures of cost for tests and benchmarks. */
  readonly stats: EngineStats;
  /** Solves an immediately invoked function in place, from its caller's state. */
  solveInline(child: FunctionGraph, entry: State, sink: Sink | null): State | undefined;
  /** The summary of a function of this file, or null when it has none (not analysable, recursive). */
  summaryOf(fn: Node): Summary | null;
  /** The function of this file a callee names (symbols.ts `localFunction`), or null. */
  localFunction(callee: Node): Node | null;
  /** A helper call whose result the file frees as memory and never uses as a COM object: it hands out no pointer to own. */
  isMemoryResult(call: Node): boolean;
  /** What a Begin_ was called on, for `await` of a promise-shaped Begin_. */
  beginInfo(begin: Node): { recv: Sym; recvKey: string | null; method: string; viaVtable?: boolean } | null;
  /** A call of a helper that begins a call counts as that Begin_ (for messages and suggestions). */
  registerBegin(node: Node, method: string, recv: Sym, recvKey: string | null, viaVtable: boolean): void;
  /**
   * A module variable that no code of the file releases, passes, returns, copies or exports
   * (`csCacheShader = shader`, kept to compare the next call's argument with): a helper storing its
   * argument into it takes nothing over from its caller.
   */
  isInertModuleVariable(key: string): boolean;
  /**
   * A property of module state (`st.g` of `st = { g, w, h }`) under which no code of the file releases or hands on
   * anything, whatever the object is called there (`s.g.context` is only used): what a helper stores there, it keeps
   * to compare or to use, not to own.
   */
  isInertMember(name: string): boolean;
  /**
   * Do the closures sharing this function's variable `key` only use what it holds (`hud.draw(g)`, `vcall(g.context, ...)`),
   * never release, keep, return or rebind it? Then it is the function's own, tracked on its paths.
   */
  closuresOnlyUse(key: string, graph: FunctionGraph): boolean;
  /** An owned pointer stored into a module variable: the file must release it somewhere (module-pointers.ts). `optional`: a returned object's field the caller may not have asked for. */
  heldByModule(res: Resource, key: string, name: string, store: Node, graph: FunctionGraph, optional?: boolean): void;
  /** An owned pointer stored into a collection of the file's own (`pool.set(k, p)`; pools.ts). */
  notePooled(collection: TSESTree.Identifier, res: Resource, store: Node): void;
  /** The pointers objects own by property (`t.srv`): field pointers of summarised calls, keys with members. */
  readonly objects: ObjectFields;
  /** Pointers called or released through a table linked from their own vtable, and the text that releases each. */
  readonly tableReleases: TableReleases;
}

/** What a helper of another module of the repository is, from its body (imported-helpers.ts). */
export interface HelperRole {
  summary: Summary | null;
  /** Throws or ends the process when an HRESULT argument fails. */
  check: boolean;
  /** Always ends the process (`cleanup(code): never`). */
  endsProcess: boolean;
  /** Indexes a vtable with its second parameter (`vcall(p, slot, ...)`): its calls are vtable calls. */
  dispatcher?: boolean;
  /** Returns a test of its HRESULT parameter (`return hr >= 0`): true when the HRESULT failed, `failed`. */
  testsHresult?: { failed: boolean };
  /**
   * Keeps pointers it acquired in its module's state (`st` of `_hud.ts`' `draw()`), which the module's exported
   * `releasedBy` functions release (module-state.ts): whoever calls it owns that state. `module`: the module's file.
   */
  keepsState?: { variable: string; module: string; releasedBy: string[] };
  /** Releases its module's state (`release()` of `_hud.ts`): the module's file. */
  releasesState?: string;
  /** Returns what the box it is given first holds (`pointerFrom(slot)` of `Number(slot[0])`): its call reads the caller's box. */
  readsBox?: boolean;
  /** Returns a table of functions (`createComRuntime()` of `return { invoke(...) {...}, release(p) {...} }`): each one's role. */
  table?: Map<string, HelperRole>;
  /** The parameters it uses as COM objects (queries, calls through the vtable, releases): evidence for its callers (com-evidence.ts). */
  comObjectParams?: number[];
}

/** The helpers a file imports from its own repository: `helper("./com", "comRelease")`. */
export interface ImportLookup {
  helper(specifier: string, name: string): HelperRole | null;
}

/** What a call to a function of this file does to each argument, and whether it returns an owned pointer. */
export interface Summary {
  params: ParamEffect[];
  /** `ffi`: a raw pointer (from a box or a vtable call), which native code given it never takes over. */
  returns: { isCancel: boolean; ownerParam: number | null; mayFail: boolean; ffi: boolean } | null;
  /** The object it returns, by the pointers its properties own (`return { buffer, srv }`); null when none. */
  object?: ReturnedObject | null;
  /**
   * Of a closure: the slots of its enclosing functions' variables it releases on every path (`automation[0]` of
   * `const dispose = () => { if (automation[0]) releaseCom(automation[0]) }`), which a call of it releases there.
   */
  releasesCaptured?: string[];
  /** Of those, the slots it also assigns (`box[0] = 0n` after the Release): its caller's slot no longer holds the object. */
  resetsCaptured?: string[];
  /**
   * The slots of boxes given as parameters whose pointer it releases on every path (`releaseComPtr(pp)`, which reads
   * `koffi.decode(pp, 'void *')` and releases that): a call given a box releases what the box holds there. `resets`: it
   * also empties the box (`pp.writeBigUInt64LE(0n)`, a SafeRelease), so a second call releases nothing again.
   */
  releasesBoxed?: { param: number; slot: string; resets?: boolean }[];
  /** The parameter whose call's result the function returns on every return (`withBstr(value, fn)` returning `fn(bstr)`). */
  returnsCallbackResult?: number;
}

/** What a returned object owns (object-fields.ts): its caller releases `buf.srv`, `gpu.device`. */
export interface ReturnedObject {
  /**
   * Properties holding a pointer the function acquired and handed to the caller; `optional`: not set on
   * every return; `shared`: the function also stored the object into a module variable (Resource.shared).
   */
  fields: { name: string; ffi: boolean; optional: boolean; shared?: boolean; box?: string }[];
  /** Properties whose function value may release what the object holds (`dispose() { comRelease(this.buffer) }`). */
  releasingMethods: string[];
  /**
   * Some return hands out `null` instead of the object (`if (hr !== 0) return null`): the fields are
   * there only where the caller's test of the object says it is (conditions on the object refine them).
   */
  nullable?: boolean;
}

export type ParamEffect =
  /** `members`: the argument stays the caller's, but these members of it may be handed on (`code.ptr` returned). */
  | { kind: "none"; members?: string[] }
  | { kind: "release" }
  | { kind: "finish"; method: string }
  /** `viaVtable`: every Begin_ it makes goes through the object's vtable (`vcall(call, X_BEGIN_Y)`): no Finish_ method is called on what it was given. */
  | { kind: "begin"; method: string; viaVtable?: true }
  | { kind: "cancelCall" }
  | { kind: "cancelThrough" }
  /**
   * `into`: the only thing the function does with it is copy it (or its elements) into the argument at that
   * position (`cached[i] = incoming[i]`): it goes wherever that argument goes.
   */
  | { kind: "escape"; into?: number };

/** How a file writes a Finish_ call, for repairs (finish-forms.ts). */
export interface FinishForm {
  args: string;
  /** Through a vtable: the call's text split at each mention of its call object. */
  around?: string[];
  /**
   * The names of a function's variables the call names besides its call object (`box` in `call.Finish_GetPrice(box)`,
   * `[out]`): a repair writes the call again only where a variable of each name is in scope.
   */
  locals: readonly string[];
}

export interface EngineStats {
  functions: number;
  segments: number;
  /** Segment transfers run by the fixpoints: linear in the code size when the engine is. */
  transfers: number;
  /** The state entries (bindings and tracks) those transfers started from: linear too, when states stay small. */
  stateEntries: number;
}

/** Applies an outcome to a symbolic value; used by the condition refiner. */
/** `ptr` "unsure": the code believes the pointer may not be there (Conditions.guardedWith): its facts become uncertain. */
export type Refiner = (state: State, sym: Sym, hr: "success" | "failure" | null, ptr: "null" | "nonnull" | "unsure" | null) => State;


