/**
 * The debug view: with `COM_ASYNC_DEBUG=1` in the environment, every solved
 * code path is printed to stderr, the way `DEBUG=eslint:code-path` prints
 * ESLint's graphs: each segment with its predecessors, the events recorded in
 * it, and the converged state at its entry (slot bindings and the facts of
 * each tracked pointer or call object), so a reader can see why a report was
 * made. `COM_ASYNC_DEBUG=<substring>` limits it to files whose path contains it.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { Phase, State } from "./facts";
import type { EngineContext, Event, Sym } from "./model";
import type { FunctionGraph } from "./segment-graph";

export function debugEnabled(): boolean {
  const flag = typeof process === "undefined" ? undefined : process.env.COM_ASYNC_DEBUG;
  return !!flag && flag !== "0" && flag !== "false";
}

function fileSelected(filename: string): boolean {
  const flag = process.env.COM_ASYNC_DEBUG ?? "";
  return flag === "1" || flag === "true" || filename.includes(flag);
}

const PHASE_NAMES: Record<Phase, string> = {
  [Phase.CallUnknown]: "unknown",
  [Phase.CallIdle]: "idle",
  [Phase.CallPending]: "pending",
  [Phase.CallCanceled]: "cancelled",
  [Phase.PtrUnchecked]: "unchecked",
  [Phase.PtrOwned]: "owned",
  [Phase.PtrFailed]: "failed",
  [Phase.PtrReleased]: "released",
  [Phase.PtrEscaped]: "escaped",
  [Phase.PtrManaged]: "managed",
};

/** Formats the converged graph of one code path (exported for tests). */
export function formatGraph(ctx: EngineContext, graph: FunctionGraph, inStates: readonly (State | undefined)[]): string {
  const where = (node: TSESTree.Node) => `${node.loc.start.line}:${node.loc.start.column + 1}`;
  const lines = [`com-async: ${graph.codePath.origin} code path at ${where(graph.node)} (${graph.segments.length} segments)`];
  graph.segments.forEach((segment, i) => {
    const prev = segment.prevSegments.map((p) => graph.index.get(p)).filter((p) => p !== undefined);
    const fork = graph.forks[i];
    lines.push(`  s${i}${prev.length ? ` <- ${prev.map((p) => `s${p}`).join(", ")}` : " (initial)"}${fork ? `  fork on \`${ctx.text(fork.test)}\`` : ""}${graph.abruptEnds[i] ? `  ends in ${graph.abruptEnds[i]!.type}` : ""}`);
    const state = inStates[i];
    lines.push(`    in: ${state ? formatState(ctx, state) : "unreachable"}`);
    for (const event of graph.events[i]) lines.push(`    ${formatEvent(ctx, event)}`);
  });
  return lines.join("\n");
}

export function printGraph(ctx: EngineContext, graph: FunctionGraph, inStates: readonly (State | undefined)[], filename: string): void {
  if (!fileSelected(filename)) return;
  process.stderr.write(`${filename}\n${formatGraph(ctx, graph, inStates)}\n`);
}

function formatState(ctx: EngineContext, state: State): string {
  const tracks = [...state.tracks].map(([key, set]) => {
    const res = ctx.resource(Math.floor(key / 2));
    const facts = set.map((id) => {
      const fact = ctx.facts.get(id);
      const unread = res.fromBox && (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked) && fact.site !== null;
      return `${PHASE_NAMES[fact.phase]}${unread ? " unread" : ""}${fact.begin ? `(${ctx.beginName(fact.begin)})` : ""}${fact.uncertain ? "?" : ""}${formatGuard(ctx, fact.guard)}`;
    });
    return `${res.name}${key === res.ownKey ? "" : "#call"}={${facts.join("|")}}`;
  });
  const shown = tracks.length > 0 ? tracks.join(" ") : "{}";
  return state.path === 0 ? shown : `${shown} path${formatGuard(ctx, state.path)}`;
}

/** A guard's outcomes (correlations.ts), by variable number: `[#0 true, #2 false]`. */
function formatGuard(ctx: EngineContext, guard: number): string {
  if (guard === 0) return "";
  return `[${ctx.facts.guards
    .entries(guard)
    .map((e) => `#${e >> 1} ${e & 1 ? "true" : "false"}`)
    .join(", ")}]`;
}

function formatSym(ctx: EngineContext, sym: Sym): string {
  if (!sym) return "?";
  switch (sym.t) {
    case "slot":
      return sym.key;
    case "vals":
      return sym.ids.map((id) => {
        const value = ctx.value(id);
        return value.kind === "ref" || value.kind === "hrAcquire" ? `${value.kind}(${value.res.name})` : value.kind;
      }).join("|");
    case "union":
      return sym.parts.map((p) => formatSym(ctx, p)).join("|");
    case "test":
      return `${sym.failed ? "FAILED" : "SUCCEEDED"}(${formatSym(ctx, sym.of)})`;
  }
}

function formatEvent(ctx: EngineContext, event: Event): string {
  const at = "node" in event ? ` @${event.node.loc.start.line}:${event.node.loc.start.column + 1}` : "";
  switch (event.k) {
    case "assign":
      return `assign ${event.key} = ${formatSym(ctx, event.sym)}${event.escapes ? " (escapes)" : ""}`;
    case "acquire":
      return `acquire ${event.res.name}${event.checked ? "" : " (may fail)"}${at}`;
    case "begin":
    case "finish":
      return `${event.k} ${event.method} on ${formatSym(ctx, event.recv)}${at}`;
    case "cancel":
      return `cancel through ${formatSym(ctx, event.recv)}${at}`;
    case "release":
    case "use":
    case "settle":
      return `${event.k} ${formatSym(ctx, event.target)}${at}`;
    case "escape":
      return `escape ${formatSym(ctx, event.target)}${event.native ? " (native)" : ""}`;
    case "return":
    case "stopTracking":
    case "manage":
    case "hrHandled":
    case "hrPassed":
      return `${event.k} ${formatSym(ctx, event.target)}`;
    case "callLocal":
      return `call ${ctx.text(event.node).slice(0, 40)} (summarised)${at}`;
    case "throwPoint":
      return `may throw into ${event.region}`;
    case "scopeEnd":
      return `scope end ${event.keys.join(", ")}`;
    case "terminate":
      return "terminate (the process ends)";
    case "soften":
      return "soften (a jump skips a finally)";
    case "flag":
      return `flag ${event.key} = ${event.truthy}`;
    case "inline":
      return `inline IIFE at ${event.child.node.loc.start.line}`;
  }
}
