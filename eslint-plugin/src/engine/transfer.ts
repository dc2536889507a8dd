/**
 * The transfer function of one segment: runs its recorded events, in order,
 * over the entry state. Each event is a protocol transition (transitions.ts),
 * a binding, a summarised helper call, a branch outcome, or bookkeeping
 * (scope ends, throw points into handlers).
 */
import { Draft, EMPTY_STATE, IdSet, Phase, State, markUncertain } from "./facts";
import type { Exit, Sink } from "./findings";
import type { EngineContext, Event, Refiner, Resource, Sym } from "./model";
import type { FunctionGraph } from "./segment-graph";
import { Transitions } from "./transitions";
import { BOX_SLOTS, isBoxSlot, isVariableKey } from "./slot-keys";
import { calledMethod, slotKeysOf } from "./object-fields";
import { applyCall } from "./call-effects";
import { assignOutcome } from "./correlations";
import { HeldNotes, Overwrite } from "./held-notes";

/** What a `return` hands out as an object: its properties' values, and those it may lack (set under a condition). */
export interface ReturnedProperties {
  byName: Map<string, IdSet>;
  optional: Set<string>;
  /** Values returned beside the box they were read from (`{ context, ppContext }`): the property holding that box. */
  boxOf?: Map<number, string>;
}

export class Transfer {
  readonly transitions: Transitions;
  /** While a summary is computed: receives the state and values at each `return`. */
  onReturn: ((state: State, values: IdSet, event: Extract<Event, { k: "return" }>, object: ReturnedProperties | null) => void) | null = null;
  /** While a summary is computed: receives the members of an object stored into a module variable (`activeGpu = gpu`). */
  onModuleStore: ((members: readonly number[]) => void) | null = null;
  /** Pointers stored into module state, or owed where the process ends (held-notes.ts). */
  private readonly held: HeldNotes;

  constructor(
    private readonly ctx: EngineContext,
    private readonly graph: FunctionGraph,
  ) {
    this.transitions = new Transitions(ctx, graph);
    this.held = new HeldNotes(ctx, graph, this.transitions);
  }

  /** Pointers owed where the process ends: a teardown's leftovers, or held by no variable any more. */
  get overwritten(): ReadonlyMap<Resource, Overwrite> {
    return this.held.overwritten;
  }

  get terminateLeaks(): ReadonlyMap<Resource, Exit[]> {
    return this.held.terminateLeaks;
  }

  run(entry: State, events: readonly Event[], sink: Sink, onThrow: (region: string, state: State) => void, reporting: boolean): State {
    // Half the segments of a typical function record no event (joins, loop heads, empty branches).
    if (events.length === 0) return entry;
    const t = this.transitions;
    const facts = this.ctx.facts;
    let draft = new Draft(entry);
    for (const event of events) {
      switch (event.k) {
        case "assign": {
          let values = t.resolve(draft, event.sym);
          if (values.length === 0 && event.aliasOf !== undefined) {
            // `const c = call` where `call` came from outside: both names denote one call object.
            values = [this.ctx.valueId({ kind: "ref", res: this.ctx.externalCall(this.graph, event.aliasOf.key, event.aliasOf.site) })];
          }
          // `const sample = box.readBigUInt64LE(0)`: the read that starts ownership of a box's pointer.
          if (event.sym?.t === "slot" && isBoxSlot(event.sym.key)) for (const id of values) this.markReadValue(draft, id);
          // For a summary (`onReturn` set), a module variable nothing releases or hands on is a cache or a
          // marker (`csCacheShader = shader`): the helper takes nothing over from its caller. The function's
          // own analysis keeps spec 3a: storing into a module variable hands the pointer on.
          const inert = this.onReturn !== null && event.escapes && event.heldBy !== undefined && this.ctx.isInertModuleVariable(event.key);
          const own = event.byClosures === true && this.ctx.closuresOnlyUse(event.key, this.graph);
          // A module variable its closures only use is the top level's, and still the module's to release somewhere.
          if (event.heldBy && reporting && !inert && (!own || event.moduleShared)) this.held.noteModuleHeld(draft, values, event.key, event.heldBy.name, event.heldBy.node);
          if (own && event.moduleShared) this.markOutlivesTopLevel(values);
          // Assigning a module variable again loses what this path stored in it and has not released.
          if (reporting && event.storedIn) this.held.noteOverwrite(draft, event.key, event.storedIn.declared, this.ctx.text(event.storedIn.at), event.storedIn.at);
          if (event.escapes && !inert && !own) t.escape(draft, values, false, event.storedIn?.declared ?? null);
          // A copy or store of an object hands on what its members hold: they are followed under one name only.
          for (const key of slotKeysOf(event.sym)) {
            if (event.heldBy && this.onModuleStore) this.onModuleStore(this.ctx.objects.memberValues(draft.bindings, key));
            t.escapeMembers(draft, key);
          }
          draft.dropMembers(event.key);
          // Re-binding a name makes it denote another object: forget the old one's call state.
          const previous = this.ctx.externalIfAny(this.graph, event.key);
          if (previous && !values.includes(this.ctx.valueId({ kind: "ref", res: previous }))) draft.setTrack(previous.protoKey, []);
          // What the name held and nothing holds any more is forgotten once settled: a loop's previous instance
          // (Transitions.keepPrevious), so that a path where the variable still holds it meets no stale Release elsewhere,
          // and a box filled again (thousands of `QueryInterface(iid, out)` into one `out` made every later state that long).
          const held = draft.bindings.get(event.key);
          const lost = held?.some((id) => !values.includes(id)) ? held.filter((id) => !values.includes(id)) : null;
          draft.setBinding(event.key, values);
          // A local assigned again while it holds the only name of an owed pointer: that pointer is lost here.
          if (lost && event.rebinds?.type === "Identifier" && !event.escapes) this.held.loseOverwritten(draft, lost, event.rebinds, reporting);
          if (lost) this.dropUnreachable(draft, lost, (res) => res.previousInstance !== true);
          this.ctx.objects.bindMembers(this.ctx, draft, event.key, values);
          if (event.name !== undefined) this.ctx.objects.nameFields(this.ctx, values, event.name);
          // A variable whose outcomes facts carry, assigned again: what they said of it no longer holds.
          const guarded = this.ctx.guardVariables(this.graph).variable(event.key);
          if (guarded !== undefined) assignOutcome(facts, draft, guarded, null);
          break;
        }
        case "flag": {
          const guarded = this.ctx.guardVariables(this.graph).variable(event.key);
          if (guarded !== undefined) assignOutcome(facts, draft, guarded, event.truthy);
          break;
        }
        case "acquire":
          t.acquire(draft, event.res, event.node, event.checked);
          break;
        case "begin":
          t.begin(draft, t.callObjects(draft, event.recv, event.recvKey, event.node), event.node, event.method, sink);
          break;
        case "finish":
          t.finish(draft, t.callObjects(draft, event.recv, event.recvKey, event.node), event.node, event.method, event.resultChecked, sink);
          break;
        case "settle":
          // `await` of a promise-shaped Begin_: the call is finished when the promise settles.
          for (const id of t.resolve(draft, event.target)) {
            const value = this.ctx.value(id);
            if (value.kind !== "hrBegin") continue;
            const info = this.ctx.beginInfo(value.begin);
            if (info) t.finish(draft, t.callObjects(draft, info.recv, info.recvKey, value.begin), event.node, info.method, true, sink);
          }
          break;
        case "cancel":
          t.cancelThrough(draft, t.resourcesOf(draft, event.recv), event.node, sink, event.recv?.t === "slot" ? event.recv.key : null);
          break;
        case "release": {
          const targets = t.resourcesOf(draft, event.target);
          if (targets.length === 0 && event.targetKey !== null) {
            // Releasing a call object this function did not create: it still must not be left cancelled.
            const external = this.ctx.externalIfAny(this.graph, event.targetKey);
            if (external && draft.tracks.has(external.protoKey)) targets.push(external);
            else if (this.onReturn === null && event.trusted) targets.push(...t.trackExternal(draft, event.targetKey, event.released, event.raw, true));
          }
          t.release(draft, targets, event.node, sink, event.targetKey);
          break;
        }
        case "use": {
          // `buf.dispose()`, where the helper's object has a `dispose` that may release: its members are handed on.
          const method = calledMethod(event.node);
          if (method !== null && event.target?.t === "slot" && this.ctx.objects.callReleases(this.ctx, t.resolve(draft, event.target), method)) {
            t.escapeSym(draft, event.target, event.target.key);
          }
          for (const res of t.resourcesOf(draft, event.target)) {
            // `ptr.toString(16)` on a raw pointer (a bigint), or `formatAddress(ptr)`, reads the number, not the object.
            if (res.ffi && (event.valueMethod || event.asValue)) continue;
            t.use(draft, res, event.node, sink, event.target?.t === "slot" ? event.target.key : null);
          }
          break;
        }
        case "escape":
          // For a summary, as for a module variable nothing releases (`assign` above): a cache, not an owner.
          if (event.storedAs !== undefined && this.onReturn !== null && this.ctx.isInertMember(event.storedAs)) break;
          if (event.byClosures && event.targetKey !== null && this.ctx.closuresOnlyUse(event.targetKey, this.graph)) break;
          if (event.heldBy && reporting && event.targetKey !== null) this.held.noteModuleHeld(draft, t.resolve(draft, event.target), event.targetKey, event.heldBy.name, event.heldBy.node);
          if (event.pooledIn && reporting) this.held.notePooled(draft, t.resolve(draft, event.target), event.pooledIn.collection, event.pooledIn.store);
          t.escapeSym(draft, event.target, event.targetKey, event.native === true);
          break;
        case "return":
          if (this.onReturn) this.onReturn(draft.freeze(), t.resolve(draft, event.target), event, this.returnedObject(draft, event));
          t.escapeSym(draft, event.target, event.targetKey);
          for (const field of event.fields ?? []) t.escapeSym(draft, field.sym, null);
          break;
        case "callLocal":
          applyCall(this.ctx, t, draft, event, sink, this.onReturn !== null);
          break;
        case "stopTracking": {
          // After AddRef the reference count is beyond this analysis: forget the pointer entirely (one it did not
          // acquire too: from here on its Releases are not counted, `p.AddRef(); ...; p.Release(); p.Release()`).
          const targets = t.resourcesOf(draft, event.target);
          for (const res of targets) if (res.ownKey >= 0) draft.setTrack(res.ownKey, []);
          if (targets.length === 0 && event.target?.t === "slot" && this.onReturn === null) t.trackExternal(draft, event.target.key, event.pointer, false, false);
          break;
        }
        case "manage":
          for (const res of t.resourcesOf(draft, event.target)) {
            if (res.ownKey >= 0) t.mapTrack(draft, res.ownKey, (fact, id) => (t.isHeld(fact) ? facts.derive(id, Phase.PtrManaged, event.declaration, null) : id));
          }
          break;
        case "throwPoint":
          onThrow(event.region, draft.freeze());
          break;
        case "scopeEnd":
          this.dropScope(draft, event.keys);
          break;
        case "hrHandled":
          draft = new Draft(this.refineValue(draft.freeze(), event.target, "success", null));
          break;
        case "terminate":
          // The process ends here: no pointer is owed and no later use happens on this path. But a
          // pointer still held in a variable that no code of the file releases is never released at all.
          if (reporting) {
            for (const [key, values] of draft.bindings) if (isVariableKey(key)) this.held.noteModuleHeld(draft, values, key, null, event.node);
            this.held.noteTeardownLeftovers(draft.freeze(), event.node);
          }
          draft = new Draft(EMPTY_STATE);
          break;
        case "hrPassed":
          // Raw FFI: an acquisition whose HRESULT went into a function no longer says whether it failed.
          for (const id of t.resolve(draft, event.target)) {
            const value = this.ctx.value(id);
            if (value.kind !== "hrAcquire" || !value.res.ffi) continue;
            t.mapTrack(draft, value.res.ownKey, (fact, fid) => (fact.phase === Phase.PtrUnchecked ? fact.uncertainTwin : fid));
          }
          break;
        case "soften":
          draft = new Draft(markUncertain(facts, draft.freeze()));
          break;
        case "inline": {
          const exit = this.ctx.solveInline(event.child, draft.freeze(), reporting ? sink : null);
          if (exit) draft = new Draft(exit);
          break;
        }
      }
    }
    return draft.freeze();
  }

  /** What a module variable its closures use holds (and its fields) lives on after the top level's code ends. */
  private markOutlivesTopLevel(values: IdSet): void {
    for (const id of values) {
      const value = this.ctx.value(id);
      if (value.kind !== "ref" && value.kind !== "hrAcquire") continue;
      value.res.outlivesTopLevel = true;
      for (const field of this.ctx.objects.fieldsOf(value.res)?.values() ?? []) field.outlivesTopLevel = true;
    }
  }

  private markReadValue(draft: Draft, id: number): void {
    const value = this.ctx.value(id);
    if (value.kind === "ref") this.transitions.markRead(draft, value.res);
  }

  /** What a `return` hands out as an object, by property: a literal's properties, a kept object's members, a helper's object's fields. */
  private returnedObject(draft: Draft, event: Extract<Event, { k: "return" }>): ReturnedProperties | null {
    const objects = this.ctx.objects;
    const optional = new Set<string>();
    if (event.fields) {
      const boxOf = new Map<number, string>();
      for (const field of event.fields) for (const key of slotKeysOf(field.sym)) for (const slot of BOX_SLOTS) for (const id of draft.bindings.get(key + slot) ?? []) boxOf.set(id, field.name);
      return { byName: new Map(event.fields.map((field) => [field.name, this.transitions.resolve(draft, field.sym)])), optional, ...(boxOf.size > 0 ? { boxOf } : {}) };
    }
    const byName = event.target?.t === "slot" ? objects.membersByName(draft.bindings, event.target.key, optional) : new Map<string, IdSet>();
    for (const id of this.transitions.resolve(draft, event.target)) {
      const value = this.ctx.value(id);
      const fields = value.kind === "ref" ? objects.fieldsOf(value.res) : undefined;
      if (fields) for (const [name, res] of fields) if (!byName.has(name)) byName.set(name, [this.ctx.valueId({ kind: "ref", res })]);
    }
    return byName.size > 0 ? { byName, optional } : null;
  }

  /**
   * Forgets a finished block's variables, and the pointers and call objects only they
   * reached, once nothing is owed on them. Without this, N sequential blocks that each
   * acquire a pointer would make every later state O(N) and the analysis quadratic.
   */
  private dropScope(draft: Draft, keys: string[]): void {
    const dropped: number[] = [];
    const boxed: number[] = [];
    for (const key of keys) {
      const values = draft.bindings.get(key);
      if (values) dropped.push(...values);
      if (draft.bindings.has(key)) draft.setBinding(key, undefined);
      // An out box's pointer is bound to its slots (`out[0]`): what they held is forgotten with it.
      draft.dropMembers(key, boxed);
      const external = this.ctx.externalIfAny(this.graph, key);
      if (external && this.nothingOwed(draft.tracks.get(external.protoKey))) draft.setTrack(external.protoKey, []);
    }
    this.dropUnreachable(draft, dropped);
    this.dropUnreachable(draft, boxed, () => true);
  }

  /**
   * Of these values, the objects no binding holds any more and nothing is owed on: their tracks are dropped.
   * `ownedOnly` (by object; none by default): only objects this function made and released or handed on: not one that may have failed to be
   * made here, whose absence a join would read as "not made" no more (a loop's next pass would find the object
   * certainly held, where it is only held on some paths), nor a call object of a parameter, which its name still
   * reaches when an alias of it is bound again (`let c = call; ...; c = other()`).
   */
  private dropUnreachable(draft: Draft, dropped: readonly number[], ownedOnlyFor: (res: Resource) => boolean = () => false): void {
    if (dropped.length === 0) return;
    const stillReferenced = new Set<number>();
    for (const values of draft.bindings.values()) for (const id of values) stillReferenced.add(id);
    for (const id of dropped) {
      if (stillReferenced.has(id)) continue;
      const value = this.ctx.value(id);
      if (value.kind !== "ref") continue;
      const res = value.res;
      const ownedOnly = ownedOnlyFor(res);
      if (ownedOnly && res.ownKey < 0) continue;
      const own = res.ownKey >= 0 ? draft.tracks.get(res.ownKey) : undefined;
      const proto = res.protoKey >= 0 ? draft.tracks.get(res.protoKey) : undefined;
      const ownSettled =
        !own ||
        own.every((f) => {
          const phase = this.ctx.facts.get(f).phase;
          return phase === Phase.PtrReleased || (phase === Phase.PtrFailed && !ownedOnly) || phase === Phase.PtrEscaped || phase === Phase.PtrManaged;
        });
      if (ownSettled && this.nothingOwed(proto)) {
        if (own) draft.setTrack(res.ownKey, []);
        if (proto) draft.setTrack(res.protoKey, []);
      }
    }
  }

  /** A call object with no cancelled call still waiting for its Finish_. */
  private nothingOwed(proto: IdSet | undefined): boolean {
    return !proto || proto.every((f) => this.ctx.facts.get(f).phase !== Phase.CallCanceled);
  }

  /**
   * Does a variable other than the tested one hold this value (`current = target`, then `if (!current)`)? A test of no
   * plain variable (a call's result) has no key of its own: any variable holding the value then counts.
   */
  private heldElsewhere(state: State, id: number, tested: Sym): boolean {
    const testedKey = tested?.t === "slot" ? tested.key : null;
    for (const [key, values] of state.bindings) if (key !== testedKey && values.includes(id)) return true;
    return false;
  }

  /** Applies a branch outcome to the values of `sym` (HRESULT tests and null tests). */
  readonly refineValue: Refiner = (state, sym, hr, ptr) => {
    const t = this.transitions;
    if (ptr === "unsure") {
      const blurred = new Draft(state);
      for (const res of t.resourcesOf(blurred, sym)) if (res.ownKey >= 0) t.mapTrack(blurred, res.ownKey, (fact) => fact.uncertainTwin);
      return blurred.freeze();
    }
    const values = t.resolve(state, sym);
    if (values.length === 0) {
      // A call object from outside (a parameter, a field) tested null on this edge is not there.
      const external = ptr === "null" && sym?.t === "slot" ? this.ctx.externalIfAny(this.graph, sym.key) : undefined;
      if (!external || !state.tracks.has(external.protoKey)) return state;
      const cleared = new Draft(state);
      cleared.setTrack(external.protoKey, []);
      return cleared.freeze();
    }
    const draft = new Draft(state);
    const facts = this.ctx.facts;
    for (const id of values) {
      let value = this.ctx.value(id);
      let outcome = hr;
      if (value.kind === "hrTest") {
        // `ok = SUCCEEDED(hr)`: a truthy `ok` is a success of `hr`.
        // Only truthiness tests say something about a boolean (they pass an HRESULT outcome).
        if (hr === null) continue;
        const truthy = hr === "failure";
        outcome = truthy !== value.failed ? "success" : "failure";
        value = this.ctx.value(value.of);
      }
      if (value.kind === "hrTest") continue;
      if (value.kind === "hrBegin") {
        if (outcome === null) continue;
        const begin = value.begin;
        for (const key of [...draft.tracks.keys()]) {
          const res = this.ctx.resource(Math.floor(key / 2));
          if (res.protoKey !== key) continue;
          t.mapTrack(draft, key, (fact, fid) => {
            if (fact.begin !== begin) return fid;
            // A Begin_ that failed started nothing; the idle fact remembers which Begin_ failed, so
            // that a later success test of the same HRESULT (after a retry loop) drops that path.
            if (outcome === "failure") return fact.phase === Phase.CallPending || fact.phase === Phase.CallCanceled ? facts.derive(fid, Phase.CallIdle, null, begin) : fid;
            return fact.phase === Phase.CallIdle ? null : fid;
          });
        }
        continue;
      }
      const result = value.kind === "hrAcquire" ? (outcome === "success" ? "valid" : outcome === "failure" ? "failed" : null) : ptr === "nonnull" ? "valid" : ptr === "null" ? "failed" : null;
      if (result === null) continue;
      // A call object tested null on this edge is not there: nothing is pending on it.
      if (value.kind === "ref" && result === "failed" && ptr === "null" && value.res.protoKey >= 0 && draft.tracks.has(value.res.protoKey)) draft.setTrack(value.res.protoKey, []);
      // A null test of an object a helper may return null for tests its field pointers too; and on the edge where
      // the variable is null, an object it may hold (`let target = null; try { target = open() } finally { if (target)
      // close(target) }`) is not there, nor are the pointers in its fields, unless another variable still holds it.
      let fields: Resource[] = [];
      if (value.kind === "ref" && ptr === "nonnull") fields = this.ctx.objects.nullableFields(value.res);
      else if (value.kind === "ref" && ptr === "null" && !this.heldElsewhere(state, id, sym)) fields = [...(this.ctx.objects.fieldsOf(value.res)?.values() ?? [])];
      const tested = [value.res, ...fields];
      for (const res of tested) {
        if (res.ownKey < 0) continue;
        const site = res.site;
        t.mapTrack(draft, res.ownKey, (fact, fid) => {
          // A pointer known to have failed cannot be valid: that path does not exist.
          // (An out box's pointer stays unread: the fact keeps its site until the read.)
          if (result === "valid") return fact.phase === Phase.PtrUnchecked ? facts.derive(fid, Phase.PtrOwned, res.fromBox ? fact.site : null, null) : fact.phase === Phase.PtrFailed ? null : fid;
          // A use after an unchecked failure is reported (site null: not reported yet); a pointer already
          // known valid that is tested null again is on a path the binding rules out (site set: never reported).
          if (fact.phase === Phase.PtrUnchecked) return facts.derive(fid, Phase.PtrFailed, null, null);
          return fact.phase === Phase.PtrOwned ? facts.derive(fid, Phase.PtrFailed, site, null) : fid;
        });
      }
    }
    return draft.freeze();
  };
}
