/**
 * The protocol's transitions (spec section 1's state table), applied to a
 * draft state: acquire, Begin_, Finish_, Cancel, Release, a use, an escape.
 * Direct calls and summarised helper calls both come here, so a helper that
 * releases is judged exactly like a Release. Findings are made here, at the
 * transition that is wrong, and nowhere else (what each carries: transition-findings.ts).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { Draft, Fact, IdSet, Phase, fromList, normalizeTrack, sameSet } from "./facts";
import type { Exit, MissingRelease, Sink } from "./findings";
import type { EngineContext, Resource, Sym } from "./model";
import type { FunctionGraph } from "./segment-graph";
import { BOX_SLOTS, isBoxSlot, isVariableKey } from "./slot-keys";
import { begunThroughVtable, cancelWithoutFinishFinding, describeUse, finishedOnSomePath, idleBefore, isQueuedTurn, missingReleaseFinding, pendingMethod, releasesAgain, reportUnchecked, shownCall, surelyReleased, usesReleased } from "./transition-findings";

type Node = TSESTree.Node;

export class Transitions {
  /** Pointers some event of this code path releases: a second, unconditional Release would release twice. */
  /** Released, or handed on, on some path: a repair must not release it on every path. */
  private readonly releasedOrHandedOn = new Set<Resource>();
  /** The name each Release went through (`p` in `comRelease(p)`), for raw FFI pointers' use-after-release. */
  private readonly releasedVia = new Map<Node, string | null>();
  /** Pointers acquired again while still held, and where: reported when the code path is solved. */
  readonly reacquired = new Map<Resource, Node>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly graph: FunctionGraph,
  ) {}

  // ---- reading a state ------------------------------------------------------

  resolve(state: { bindings: ReadonlyMap<string, IdSet> }, sym: Sym): IdSet {
    if (!sym) return [];
    switch (sym.t) {
      case "slot":
        return state.bindings.get(sym.key) ?? [];
      case "vals":
        return sym.ids;
      case "union": {
        const all: number[] = [];
        for (const part of sym.parts) all.push(...this.resolve(state, part));
        return fromList(all);
      }
      case "test":
        return fromList(this.resolve(state, sym.of).map((of) => this.ctx.valueId({ kind: "hrTest", of, failed: sym.failed })));
    }
  }

  resourcesOf(state: { bindings: ReadonlyMap<string, IdSet> }, sym: Sym): Resource[] {
    const out: Resource[] = [];
    for (const id of this.resolve(state, sym)) {
      const value = this.ctx.value(id);
      if (value.kind === "ref") out.push(value.res);
    }
    return out;
  }

  /** The call objects a receiver denotes: tracked ones, else the external object of its slot. */
  callObjects(draft: Draft, sym: Sym, key: string | null, site: Node): Resource[] {
    const tracked = this.resourcesOf(draft, sym).filter((r) => r.protoKey >= 0);
    if (tracked.length > 0) {
      for (const res of tracked) {
        if (res.ownKey < 0 && !draft.tracks.has(res.protoKey)) draft.setTrack(res.protoKey, [this.ctx.facts.make(Phase.CallUnknown, null, null, false, draft.path)]);
      }
      return tracked;
    }
    if (key === null) return [];
    const external = this.ctx.externalCall(this.graph, key, site);
    if (!draft.tracks.has(external.protoKey)) draft.setTrack(external.protoKey, [this.ctx.facts.make(Phase.CallUnknown, null, null, false, draft.path)]);
    return [external];
  }

  mapTrack(draft: Draft, key: number, fn: (fact: Fact, id: number) => number | number[] | null): void {
    const set = draft.tracks.get(key);
    if (!set) return;
    const out: number[] = [];
    for (const id of set) {
      const next = fn(this.ctx.facts.get(id), id);
      if (next === null) continue;
      if (typeof next === "number") out.push(next);
      else out.push(...next);
    }
    const next = normalizeTrack(this.ctx.facts, fromList(out));
    // Most transitions leave a track as it was (a use of an owned pointer): the draft is then not copied.
    if (!sameSet(next, set)) draft.setTrack(key, next);
  }

  isHeld(fact: Fact): boolean {
    return !fact.uncertain && (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked);
  }

  /**
   * Is the reference owed at an exit on this fact? Not for a pointer still in the out box it was
   * written to: a call that succeeds without an object (`ReadSample` at the end of the stream
   * writes null) is never read, and spec 2a makes the read the start of ownership.
   */
  isOwed(res: Resource, fact: Fact): boolean {
    return this.isHeld(fact) && !res.shared && !(res.fromBox && fact.site !== null);
  }

  /** The box's pointer is read here (`box.readBigUInt64LE(0)`, `out[0]`): from now on it is owned. */
  markRead(draft: Draft, res: Resource): void {
    if (!res.fromBox || res.ownKey < 0) return;
    const facts = this.ctx.facts;
    this.mapTrack(draft, res.ownKey, (fact, id) => ((fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked) && fact.site !== null ? facts.derive(id, fact.phase, null, null) : id));
  }

  // ---- transitions ------------------------------------------------------------

  acquire(draft: Draft, res: Resource, node: Node, checked: boolean): void {
    const facts = this.ctx.facts;
    const before = draft.tracks.get(res.ownKey);
    // Raw FFI code reuses boxes and stores pointers in module variables on some paths only: for it,
    // acquired again counts only when the pointer is held on every path.
    // An out box's pointer never read (an optional field never used) was not there to leak: owed ones only.
    const heldBefore = before ? (res.ffi ? before.every((id) => this.isOwed(res, facts.get(id))) : before.some((id) => this.isOwed(res, facts.get(id)))) : false;
    if (before && !(heldBefore && this.keepPrevious(draft, res, before))) {
      if (heldBefore && !this.reacquired.has(res)) this.reacquired.set(res, node);
      // The site runs again (a loop): names still bound to the previous object now hold an object this
      // analysis no longer follows, so a test of them (`if (last === 0n)`) says nothing of the new one.
      const ref = this.ctx.valueId({ kind: "ref", res });
      for (const [key, values] of draft.bindings) {
        if (values.includes(ref)) draft.setBinding(key, values.filter((id) => id !== ref));
      }
    }
    // A pointer in an out box is owned from its read on: until then the fact carries the acquisition as its site.
    draft.setTrack(res.ownKey, [facts.make(checked ? Phase.PtrOwned : Phase.PtrUnchecked, res.fromBox ? node : null, null, false, draft.path)]);
    if (res.protoKey >= 0) draft.setTrack(res.protoKey, [facts.make(Phase.CallIdle, null, null, false, draft.path)]);
  }

  /**
   * A loop acquires again while a variable still holds the previous pass's pointer (`next = parent(element);
   * release(element); element = next`): that pointer is not lost, it becomes the site's previous instance, followed
   * under the variables that hold it. False (acquired again while held) when nothing holds it, or when the previous
   * instance is itself still owed: two passes back, it is lost.
   */
  private keepPrevious(draft: Draft, res: Resource, before: IdSet): boolean {
    if (res.protoKey >= 0) return false;
    const ref = this.ctx.valueId({ kind: "ref", res });
    const holders: string[] = [];
    for (const [key, values] of draft.bindings) if (values.includes(ref)) holders.push(key);
    if (holders.length === 0) return false;
    const previous = this.ctx.previousInstance(res);
    const facts = this.ctx.facts;
    if (draft.tracks.get(previous.ownKey)?.some((id) => this.isOwed(previous, facts.get(id)))) return false;
    const previousRef = this.ctx.valueId({ kind: "ref", res: previous });
    for (const key of holders) draft.setBinding(key, fromList(draft.bindings.get(key)!.map((id) => (id === ref ? previousRef : id))));
    draft.setTrack(previous.ownKey, before);
    return true;
  }

  /** How a message shows a Finish_ call: worked out only for a report, since a Finish_ runs once per fixpoint pass over its segment. */
  private shownFinish(node: Node, method: string): string {
    return shownCall(this.ctx, node, this.ctx.vocabulary.finishName(method));
  }

  /** `method`: the Begin_'s method as the recognizer named it, null for a helper's Begin_ (its message shows the call as written). */
  begin(draft: Draft, calls: Resource[], node: Node, method: string | null, sink: Sink): void {
    const facts = this.ctx.facts;
    for (const call of calls) {
      this.use(draft, call, node, sink);
      // The facts before this Begin_, for a report's `idleThere`.
      const track = draft.tracks.get(call.protoKey) ?? [];
      this.mapTrack(draft, call.protoKey, (fact, id) => {
        switch (fact.phase) {
          case Phase.CallUnknown:
          case Phase.CallIdle:
            return facts.derive(id, Phase.CallPending, null, node);
          case Phase.CallPending:
          case Phase.CallCanceled:
            // The code's own idea of a call (`queued`, below) is no call: this Begin_ starts one.
            if (isQueuedTurn(fact)) return facts.derive(id, Phase.CallPending, null, node);
            if (!fact.uncertain && fact.begin) {
              sink.report({
                kind: "begin-while-pending",
                node,
                call: call.name,
                // Worked out only for a report: a Begin_ runs once per fixpoint pass over its segment.
                begin: shownCall(this.ctx, node, method === null ? null : this.ctx.vocabulary.beginName(method)),
                pendingBegin: fact.begin,
                pendingName: this.ctx.beginName(fact.begin),
                method: pendingMethod(this.ctx, fact.begin),
                begunMethod: method,
                cancelled: fact.phase === Phase.CallCanceled,
                raw: begunThroughVtable(this.ctx, fact.begin),
                idleThere: idleBefore(this.ctx.facts, track, node),
              });
              // One mistake, one report: this Begin_ fails (RPC_E_CALL_PENDING), but the code may go on as if it had
              // waited its turn (`Begin_A; Begin_B; Finish_A; Finish_B`). The pending call keeps it (as `site`, unused for
              // a pending call); its Finish_ leaves that turn (`isQueuedTurn`), which a Finish_ ends and a Begin_ replaces
              // without a report.
              if (fact.phase === Phase.CallPending && fact.begin !== node) return facts.derive(id, Phase.CallPending, node, fact.begin);
            }
            return id;
          default:
            return id;
        }
      });
    }
  }

  finish(draft: Draft, calls: Resource[], node: Node, method: string, resultChecked: boolean, sink: Sink): void {
    const facts = this.ctx.facts;
    const vocabulary = this.ctx.vocabulary;
    for (const call of calls) {
      this.use(draft, call, node, sink);
      this.mapTrack(draft, call.protoKey, (fact, id) => {
        switch (fact.phase) {
          case Phase.CallUnknown:
            return facts.derive(id, Phase.CallIdle, node, null);
          case Phase.CallIdle:
            // A promise-shaped binding may still expect Finish_ after the awaited Begin_ settled.
            if (!fact.uncertain && fact.site?.type !== "AwaitExpression") {
              sink.report({ kind: "finish-without-begin", node, call: call.name, finish: this.shownFinish(node, method), earlierFinish: fact.site });
            }
            return facts.derive(id, Phase.CallIdle, node, null);
          case Phase.CallPending:
          case Phase.CallCanceled: {
            // The waiting Begin_'s own Finish_ ends its turn quietly; another method's is mismatched, as for a call.
            if (isQueuedTurn(fact) && fact.begin && vocabulary.sameMethod(pendingMethod(this.ctx, fact.begin), method)) return facts.derive(id, Phase.CallIdle, node, null);
            if (fact.begin && !vocabulary.sameMethod(pendingMethod(this.ctx, fact.begin), method)) {
              if (!fact.uncertain) {
                sink.report({ kind: "mismatched-finish", node, call: call.name, finish: this.shownFinish(node, method), pendingBegin: fact.begin, pendingName: this.ctx.beginName(fact.begin) });
              }
              // One mistake, one report: the state goes on as if the right Finish_ had been called.
              return facts.derive(id, Phase.CallIdle, node, null);
            }
            if (fact.phase === Phase.CallCanceled && !resultChecked && !fact.uncertain && fact.site && fact.begin) {
              sink.report({ kind: "unchecked-cancel-result", node, finish: this.shownFinish(node, method), cancel: fact.site });
            }
            // A Begin_ reported while this call was pending (`begin`, above): its turn now, as the code sees it.
            if (fact.phase === Phase.CallPending && fact.site !== null) return facts.derive(id, Phase.CallPending, fact.site, fact.site);
            return facts.derive(id, Phase.CallIdle, node, null);
          }
          default:
            return id;
        }
      });
    }
  }

  /** Cancel through cancel pointers: each cancels the call pending on the object it was queried from. */
  cancelThrough(draft: Draft, pointers: Resource[], node: Node, sink: Sink, viaKey: string | null = null): void {
    for (const pointer of pointers) {
      const valid = this.use(draft, pointer, node, sink, viaKey);
      // A pointer queried from an object is that object's cancel interface once a Cancel is made through it, whatever its
      // IID's name says (`iidCancel`, a GUID read from a buffer): what a call object's QueryInterface gives that has a
      // Cancel is its ICancelMethodCalls. (A call object a factory made is not one.)
      if (!valid || pointer.ownerSlot === null || (!pointer.isCancel && pointer.protoKey >= 0)) continue;
      this.cancel(draft, this.callObjects(draft, { t: "slot", key: pointer.ownerSlot }, pointer.ownerSlot, pointer.site), node);
    }
  }

  cancel(draft: Draft, calls: Resource[], node: Node): void {
    const facts = this.ctx.facts;
    for (const call of calls) {
      this.mapTrack(draft, call.protoKey, (fact, id) => {
        if (fact.phase === Phase.CallPending) return facts.derive(id, Phase.CallCanceled, node, fact.begin);
        // A call this function did not begin: recorded (summaries need it) but never reported,
        // since whoever began it owes the Finish_ (a cancel helper is a common, correct shape).
        if (fact.phase === Phase.CallUnknown) return facts.derive(id, Phase.CallCanceled, node, null);
        return id;
      });
    }
  }

  release(draft: Draft, targets: Resource[], node: Node, sink: Sink, viaKey: string | null = null): void {
    const facts = this.ctx.facts;
    this.releasedVia.set(node, viaKey);
    for (const res of targets) {
      this.releasedOrHandedOn.add(res);
      this.ctx.tableReleases.noteRelease(res, node);
      const track = res.ownKey >= 0 ? (draft.tracks.get(res.ownKey) ?? []) : [];
      const releasedEverywhere = surelyReleased(this.ctx.facts, this.releasedVia, res, track, viaKey);
      if (res.ownKey >= 0) {
        this.mapTrack(draft, res.ownKey, (fact, id) => {
          switch (fact.phase) {
            case Phase.PtrReleased:
              if (fact.uncertain || !fact.site || fact.begin || !releasedEverywhere || !releasesAgain(res, fact.site, node)) return id;
              sink.report({ kind: "use-after-release", node, pointer: res.name, release: fact.site, use: "release", through: viaKey });
              return facts.derive(id, Phase.PtrReleased, fact.site, node);
            case Phase.PtrUnchecked:
              if (!fact.uncertain) reportUnchecked(res, node, sink);
              return facts.derive(id, Phase.PtrReleased, node, null);
            case Phase.PtrManaged:
              // `using p = ...` releases it again where its block ends.
              if (!fact.uncertain && fact.site) sink.report({ kind: "use-after-release", node, pointer: res.name, release: fact.site, use: "release", through: viaKey, disposedBy: (fact.site as TSESTree.VariableDeclaration).kind === "await using" ? "await using" : "using" });
              return facts.derive(id, Phase.PtrReleased, node, null);
            case Phase.PtrFailed:
              // Released on a path where the acquisition failed: a null pointer (one report per path).
              if (fact.site || fact.uncertain) return id;
              reportUnchecked(res, node, sink);
              return facts.derive(id, Phase.PtrFailed, node, null);
            default:
              return facts.derive(id, Phase.PtrReleased, node, null);
          }
        });
      }
      if (res.protoKey >= 0) {
        const track = draft.tracks.get(res.protoKey) ?? [];
        for (const id of track) {
          const fact = facts.get(id);
          if (fact.phase === Phase.CallCanceled && !fact.uncertain && fact.site && fact.begin) this.reportCancelWithoutFinish(res, fact, { release: node }, finishedOnSomePath(this.ctx.facts, track), sink);
        }
        // Released while pending is fire-and-forget: COM cleans up the call.
        draft.setTrack(res.protoKey, []);
      }
    }
  }

  /**
   * A pointer in a variable that this function did not acquire (a parameter), about to be released (`held`: from here on
   * the slot names a released pointer, so releasing or using it again is an error) or AddRef'd (its count is not
   * followed): the slot bound afresh to the function's own resource for it (resources.ts `externalPointer`), since a slot
   * bound again (`for (const p of list) p.Release()`) names another pointer. Not a field: a call between may set it.
   */
  trackExternal(draft: Draft, key: string, pointer: Node, raw: boolean, held: boolean): Resource[] {
    if (!isVariableKey(key)) return [];
    const res = this.ctx.externalPointer(this.graph, key, pointer, raw);
    draft.setTrack(res.ownKey, held ? [this.ctx.facts.make(Phase.PtrOwned, null, null, false, draft.path)] : []);
    draft.setBinding(key, [this.ctx.valueId({ kind: "ref", res })]);
    return [res];
  }

  /** Checks a use of a pointer; returns whether it may be a valid, live pointer. */
  use(draft: Draft, res: Resource, node: Node, sink: Sink, viaKey: string | null = null): boolean {
    if (res.ownKey < 0) return true;
    this.ctx.tableReleases.noteUse(res, node);
    // Reading a box, or using an object's optional field (`t.srv`), shows the pointer is there: owned from here on.
    if (viaKey !== null && (isBoxSlot(viaKey) || this.ctx.objects.isField(res))) this.markRead(draft, res);
    const set = draft.tracks.get(res.ownKey);
    if (!set) return true;
    const facts = this.ctx.facts;
    let valid = false;
    let unchecked = false;
    let usedReleased = false;
    const releasedEverywhere = surelyReleased(this.ctx.facts, this.releasedVia, res, set, viaKey);
    for (const id of set) {
      const fact = facts.get(id);
      if (fact.phase === Phase.PtrReleased && !fact.uncertain && fact.site && !fact.begin && releasedEverywhere) {
        const use = describeUse(this.ctx, node, res);
        if (!usesReleased(res, use)) continue;
        usedReleased = true;
        sink.report({ kind: "use-after-release", node, pointer: res.name, release: fact.site, use, through: viaKey });
      }
      // Unchecked, or known to have failed on this path (a check whose failure branch falls through).
      if (fact.phase === Phase.PtrUnchecked || (fact.phase === Phase.PtrFailed && fact.site === null)) {
        unchecked = true;
        if (!fact.uncertain) reportUnchecked(res, node, sink);
      }
      if (fact.phase !== Phase.PtrReleased && fact.phase !== Phase.PtrFailed) valid = true;
    }
    // One report per path: after the first use the path is treated as checked, and a
    // released pointer as forgotten (spec 3a: later uses on the same path are not reported).
    if (usedReleased) this.mapTrack(draft, res.ownKey, (fact, id) => (fact.phase === Phase.PtrReleased && !fact.uncertain && fact.site && !fact.begin ? facts.derive(id, Phase.PtrReleased, fact.site, node) : id));
    if (unchecked) {
      this.mapTrack(draft, res.ownKey, (fact, id) =>
        fact.phase === Phase.PtrUnchecked ? facts.derive(id, Phase.PtrOwned, res.fromBox ? fact.site : null, null) : fact.phase === Phase.PtrFailed && fact.site === null ? facts.derive(id, Phase.PtrFailed, node, null) : id,
      );
    }
    return valid;
  }

  /**
   * `holder`: the module variable the values are stored into (`engine = box.readBigUInt64LE(0)`); the escaped fact
   * names it, so that assigning that variable again before a release is seen to lose the pointer (`noteOverwrite`).
   */
  escape(draft: Draft, values: IdSet, native = false, holder: Node | null = null): void {
    const facts = this.ctx.facts;
    for (const id of values) {
      const value = this.ctx.value(id);
      if (value.kind !== "ref") continue;
      const res = value.res;
      if (this.ctx.objects.isField(res)) this.markRead(draft, res);
      // COM's rule for in-parameters: a callee that keeps a pointer AddRefs it. A native export
      // given a raw pointer uses it; the caller's reference stays the caller's.
      if (native && res.ffi) continue;
      if (res.ownKey >= 0) this.releasedOrHandedOn.add(res); // handed on here: a Release on every path would release what it gave away
      if (res.ownKey >= 0) {
        this.mapTrack(draft, res.ownKey, (fact, fid) => {
          if (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked) return facts.derive(fid, Phase.PtrEscaped, holder, null);
          // Handed on from the module variable it was stored in: no longer that variable's alone.
          if (fact.phase === Phase.PtrEscaped && fact.site !== null && fact.site !== holder) return facts.derive(fid, Phase.PtrEscaped, null, null);
          return fid;
        });
      }
      if (res.protoKey >= 0 && draft.tracks.has(res.protoKey)) draft.setTrack(res.protoKey, [facts.make(Phase.CallUnknown, null, null, false, draft.path)]);
    }
    // An object handed on hands on the pointers its properties own.
    const fields = this.ctx.objects.fieldValues(this.ctx, values);
    if (fields.length > 0) this.escape(draft, fields, native);
  }

  /** Hands on what is bound under `key` (`key.srv`): the object it names went where this function cannot follow. */
  escapeMembers(draft: Draft, key: string, native = false): void {
    const members = this.ctx.objects.memberValues(draft.bindings, key);
    if (members.length > 0) this.escape(draft, members, native);
  }

  escapeSym(draft: Draft, target: Sym, targetKey: string | null, native = false): void {
    const values = this.resolve(draft, target);
    this.escape(draft, values, native);
    // A box handed on hands on what it holds: `take(box)`, `keep(out)`.
    if (target?.t === "slot") for (const member of BOX_SLOTS) this.escape(draft, draft.bindings.get(target.key + member) ?? [], native);
    if (target?.t === "slot") this.escapeMembers(draft, target.key, native);
    if (targetKey !== null && values.length === 0) {
      // Only a call object this function already follows changes; none is created here.
      const external = this.ctx.externalIfAny(this.graph, targetKey);
      if (external && draft.tracks.has(external.protoKey)) draft.setTrack(external.protoKey, [this.ctx.facts.make(Phase.CallUnknown, null, null, false, draft.path)]);
    }
  }

  /** A missing-release finding for `res`: reached at an exit (every leaking exit known), or where it is acquired again. */
  missingRelease(res: Resource, reached: MissingRelease["reached"], exits: Exit[]): MissingRelease {
    return missingReleaseFinding(this.ctx, this.graph.node, res, reached, exits, this.releasedOrHandedOn.has(res));
  }

  /** `finishedThere`: some other path reaches `reached` with the call finished. */
  reportCancelWithoutFinish(call: Resource, fact: Fact, reached: { exit: Exit } | { release: Node }, finishedThere: boolean, sink: Sink): void {
    sink.report(cancelWithoutFinishFinding(this.ctx, call, fact, reached, { finishedThere, finishMayFollow: fact.site === null || this.graph.mayFinishAfter(fact.site, fact.begin ? (this.ctx.beginInfo(fact.begin)?.recvKey ?? null) : null) }));
  }
}
