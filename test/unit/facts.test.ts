/**
 * The abstract domain: facts interned per file (with their uncertain twins),
 * sets of facts as sorted integer arrays, and states joined per segment.
 */
import * as assert from "node:assert/strict";
import type { TSESTree } from "@typescript-eslint/utils";
// A const enum from the built declarations: inlined by tsc, the import is erased.
import { Phase } from "../../eslint-plugin/dist/engine/facts";
import type { State } from "../../eslint-plugin/dist/engine/facts";
import { facts } from "./internals";

const { FactTable, EMPTY_STATE, Draft, fromList, join, markUncertain, normalizeTrack, sameSet, sameState, union } = facts;

/** A stand-in for an AST node: facts only use nodes as identities (and Begin_ nodes through methodOf). */
const node = (method = ""): TSESTree.Node => ({ type: "CallExpression", method }) as unknown as TSESTree.Node;

function table() {
  const t = new FactTable();
  t.methodOf = (begin) => (begin as unknown as { method: string }).method;
  return t;
}

const state = (tracks: [number, number[]][], bindings: [string, number[]][] = []): State => ({ bindings: new Map(bindings), tracks: new Map(tracks), path: 0 });

describe("facts", () => {
  describe("FactTable", () => {
    it("interns a fact: the same phase, site, begin and certainty give the same id", () => {
      const t = table();
      const site = node();
      const a = t.make(Phase.PtrReleased, site);
      assert.equal(t.make(Phase.PtrReleased, site), a);
      assert.notEqual(t.make(Phase.PtrReleased, node()), a, "another site");
      assert.notEqual(t.make(Phase.PtrOwned, site), a, "another phase");
      assert.deepEqual({ ...t.get(a), uncertainTwin: 0, certainTwin: 0 }, { phase: Phase.PtrReleased, site, begin: null, uncertain: false, guard: 0, uncertainTwin: 0, certainTwin: 0 });
    });

    it("makes every fact's uncertain twin with it, and links the two both ways", () => {
      const t = table();
      const certain = t.make(Phase.CallPending, null, node("getprice"));
      const fact = t.get(certain);
      const twin = t.get(fact.uncertainTwin);
      assert.notEqual(fact.uncertainTwin, certain);
      assert.equal(twin.uncertain, true);
      assert.equal(twin.phase, Phase.CallPending);
      assert.equal(twin.certainTwin, certain);
      assert.equal(t.make(Phase.CallPending, fact.site, fact.begin, true), fact.uncertainTwin);
      assert.equal(t.facts.length, 2);
    });

    it("derives a phase keeping the certainty of the fact it comes from", () => {
      const t = table();
      const owned = t.make(Phase.PtrOwned);
      const uncertainOwned = t.get(owned).uncertainTwin;
      const site = node();
      assert.equal(t.get(t.derive(owned, Phase.PtrReleased, site, null)).uncertain, false);
      assert.equal(t.get(t.derive(uncertainOwned, Phase.PtrReleased, site, null)).uncertain, true);
    });

    it("keeps interning exact for many distinct sites", () => {
      const t = table();
      const ids = new Set(Array.from({ length: 3000 }, () => t.make(Phase.PtrReleased, node())));
      assert.equal(ids.size, 3000);
    });

    it("collapses facts of one phase, pending method and certainty to the earliest, whatever their sites", () => {
      const t = table();
      const a = t.make(Phase.PtrReleased, node());
      const b = t.make(Phase.PtrReleased, node());
      const owned = t.make(Phase.PtrOwned);
      const priceA = t.make(Phase.CallPending, null, node("getprice"));
      const priceB = t.make(Phase.CallPending, null, node("getprice"));
      const volume = t.make(Phase.CallPending, null, node("getvolume"));
      const uncertainB = t.get(b).uncertainTwin;
      assert.deepEqual(t.collapse(fromList([a, b, owned])), [a, owned]);
      assert.deepEqual(t.collapse(fromList([priceA, priceB, volume])), [priceA, volume]);
      assert.deepEqual(t.collapse(fromList([a, uncertainB])), [a, uncertainB], "certainty is kept apart");
      const single = [a];
      assert.equal(t.collapse(single), single, "a set with nothing to collapse is returned as is");
    });
  });

  describe("guards (branch outcomes a fact was made under)", () => {
    it("interns a guarded fact apart from the same fact unguarded, and keeps the guard in its twin and what it derives", () => {
      const t = table();
      const idle = t.make(Phase.CallIdle);
      const want = t.guards.variable("v1");
      const guarded = t.guarded(idle, want, true);
      assert.notEqual(guarded, idle);
      assert.equal(t.guarded(idle, want, true), guarded, "interned");
      assert.equal(t.guarded(guarded, want, true), guarded, "setting what it says changes nothing");
      assert.equal(t.get(t.get(guarded).uncertainTwin).guard, t.get(guarded).guard);
      assert.equal(t.get(t.derive(guarded, Phase.CallPending, null, node("getprice"))).guard, t.get(guarded).guard);
      assert.equal(t.unguarded(guarded, want), idle, "an assignment forgets the outcome");
    });

    it("says which outcome a guard contradicts, replacing a variable's outcome when set again", () => {
      const t = table();
      const want = t.guards.variable("v1");
      const ready = t.guards.variable("v2");
      const g = t.guards.with(t.guards.with(0, want, true), ready, false);
      assert.ok(t.guards.contradicts(g, want, false));
      assert.ok(!t.guards.contradicts(g, want, true));
      assert.ok(t.guards.contradicts(g, ready, true));
      assert.ok(!t.guards.contradicts(0, want, false), "no guard contradicts nothing");
      assert.ok(t.guards.contradicts(t.guards.with(g, want, false), want, true), "the later outcome replaces the earlier");
    });

    it("keeps at most four outcomes per guard, forgetting the variable numbered first", () => {
      const t = table();
      let g = 0;
      for (let v = 0; v < 6; v++) g = t.guards.with(g, t.guards.variable(`v${v}`), true);
      assert.equal(t.guards.entries(g).length, 4);
      assert.ok(!t.guards.contradicts(g, t.guards.variable("v0"), false), "the first variables' outcomes are forgotten");
      assert.ok(t.guards.contradicts(g, t.guards.variable("v5"), false));
    });

    it("collapses a pointer read on one path and still in its box on the other into the read one, whichever came first", () => {
      const t = table();
      const unread = t.make(Phase.PtrOwned, node());
      const read = t.make(Phase.PtrOwned);
      assert.deepEqual(t.collapse(fromList([unread, read])), [read]);
      assert.deepEqual(t.collapse(fromList([read, t.make(Phase.PtrOwned, node())])), [read]);
    });

    it("collapses facts that differ only by guard into one guarded by what they share", () => {
      const t = table();
      const want = t.guards.variable("v1");
      const ready = t.guards.variable("v2");
      const idle = t.make(Phase.CallIdle);
      const both = t.guarded(t.guarded(idle, want, true), ready, true);
      const other = t.guarded(t.guarded(idle, want, false), ready, true);
      const [kept] = t.collapse(fromList([both, other]));
      assert.deepEqual(t.guards.entries(t.get(kept).guard), t.guards.entries(t.guards.with(0, ready, true)));
      const pending = t.guarded(t.make(Phase.CallPending, null, node("getprice")), want, true);
      assert.equal(t.collapse(fromList([pending, other])).length, 2, "other phases stay apart");
    });

    it("joins the paths' guards to what both took", () => {
      const t = table();
      const want = t.guards.variable("v1");
      const a: State = { ...state([]), path: t.guards.with(0, want, true) };
      const b: State = { ...state([]), path: t.guards.with(0, want, false) };
      assert.equal(join(a, b, t)!.path, 0);
      assert.equal(join(a, a, t)!.path, a.path);
      assert.ok(!sameState(a, b), "states on different paths differ");
    });
  });

  describe("sets", () => {
    it("unites sorted sets into a sorted set without duplicates", () => {
      assert.deepEqual(union([1, 3, 5], [2, 3, 6]), [1, 2, 3, 5, 6]);
      assert.deepEqual(union([], [4]), [4]);
    });

    it("returns an operand itself when the union adds nothing to it", () => {
      const a = [1, 2, 3];
      assert.equal(union(a, []), a);
      assert.equal(union(a, [2]), a);
      assert.equal(union([2], a), a);
      assert.equal(union(a, a), a);
    });

    it("sorts and deduplicates a list", () => {
      assert.deepEqual(fromList([5, 1, 5, 3, 1]), [1, 3, 5]);
    });

    it("compares sets element-wise", () => {
      assert.ok(sameSet([1, 2], [1, 2]));
      assert.ok(!sameSet([1, 2], [1, 3]));
      assert.ok(!sameSet([1], undefined));
      assert.ok(sameSet(undefined, undefined));
    });
  });

  describe("states", () => {
    it("joins tracks and bindings key by key", () => {
      const joined = join(state([[1, [1]], [2, [4]]], [["v0", [7]]]), state([[1, [2]], [3, [5]]], [["v0", [8]], ["v1", [9]]]))!;
      assert.deepEqual([...joined.tracks].sort(), [[1, [1, 2]], [2, [4]], [3, [5]]]);
      assert.deepEqual([...joined.bindings].sort(), [["v0", [7, 8]], ["v1", [9]]]);
    });

    it("joins with an unreachable (undefined) state to the other, and to itself unchanged", () => {
      const a = state([[1, [1]]]);
      assert.equal(join(a, undefined), a);
      assert.equal(join(undefined, a), a);
      assert.equal(join(a, state([[1, [1]]])), a, "no new fact: the same object, so the solver sees no change");
    });

    it("collapses joined tracks when given the fact table", () => {
      const t = table();
      const r1 = t.make(Phase.PtrReleased, node());
      const r2 = t.make(Phase.PtrReleased, node());
      assert.deepEqual(join(state([[1, [r1]]]), state([[1, [r2]]]), t)!.tracks.get(1), [r1]);
      assert.deepEqual(join(state([[1, [r1]]]), state([[1, [r2]]]))!.tracks.get(1), [r1, r2]);
    });

    it("compares states by content", () => {
      assert.ok(sameState(state([[1, [1, 2]]], [["v", [3]]]), state([[1, [1, 2]]], [["v", [3]]])));
      assert.ok(!sameState(state([[1, [1, 2]]]), state([[1, [1]]])));
      assert.ok(!sameState(state([[1, [1]]]), state([[2, [1]]])));
      assert.ok(!sameState(state([], [["v", [1]]]), EMPTY_STATE));
      assert.ok(!sameState(EMPTY_STATE, undefined));
    });
  });

  describe("uncertainty", () => {
    it("marks every fact of a state uncertain, keeping its bindings", () => {
      const t = table();
      const owned = t.make(Phase.PtrOwned);
      const pending = t.make(Phase.CallPending, null, node("getprice"));
      const before = state([[1, [owned]], [2, [pending]]], [["v0", [3]]]);
      const after = markUncertain(t, before);
      assert.deepEqual(after.tracks.get(1), [t.get(owned).uncertainTwin]);
      assert.deepEqual(after.tracks.get(2), [t.get(pending).uncertainTwin]);
      assert.equal(after.bindings, before.bindings);
      assert.deepEqual(markUncertain(t, after).tracks, after.tracks, "marking twice changes nothing");
    });

    it("drops an uncertain fact whose certain twin is present, and keeps a lone uncertain one", () => {
      const t = table();
      const owned = t.make(Phase.PtrOwned);
      const maybeOwned = t.get(owned).uncertainTwin;
      const released = t.make(Phase.PtrReleased, node());
      const maybeReleased = t.get(released).uncertainTwin;
      assert.deepEqual(normalizeTrack(t, fromList([owned, maybeOwned])), [owned]);
      assert.deepEqual(normalizeTrack(t, fromList([owned, maybeReleased])), fromList([owned, maybeReleased]));
      const certainOnly = [owned, released];
      assert.equal(normalizeTrack(t, certainOnly), certainOnly);
    });
  });

  describe("Draft", () => {
    it("copies on first write and leaves the base state alone", () => {
      const base = state([[1, [1]]], [["v0", [2]], ["v0[0]", [3]], ["v0.value", [4]], ["v01", [5]]]);
      const draft = new Draft(base);
      assert.equal(draft.freeze(), base, "no write: the base itself");
      draft.setTrack(1, []);
      draft.setTrack(2, [6]);
      draft.dropMembers("v0");
      const next = draft.freeze();
      assert.deepEqual([...next.tracks], [[2, [6]]]);
      assert.deepEqual([...next.bindings.keys()].sort(), ["v0", "v01"]);
      assert.deepEqual([...base.tracks], [[1, [1]]]);
      assert.equal(base.bindings.size, 4);
    });
  });
});
