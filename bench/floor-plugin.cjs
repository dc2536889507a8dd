"use strict";
/**
 * The floor of target (b) (issue 10 item 5): the least work a path-sensitive check of the
 * COM asynchronous-call protocol does as an ESLint rule. Not the product and not shipped:
 * a yardstick that `node bench/cost.mjs --builds floor=bench/floor-plugin.cjs,...` counts
 * beside the real plugin, so that "what com-async costs over no-unused-vars" can be split into
 * what any such check pays and what the engine adds.
 *
 * What it keeps of the engine's design, because a check of this protocol needs it:
 *  - the code path events (segments started and ended) and one listener per call, declarator
 *    and assignment, to put each protocol call into the segments it runs in;
 *  - a worklist fixpoint per function over its segments, with one state per segment: for each
 *    name, the set of phases it may be in (a bit mask), joined by OR; a begin while a call
 *    may be pending, a pointer that may still be owned and a cancelled call that may not be
 *    finished at an exit are reported (begin-while-pending, missing-release,
 *    cancel-without-finish), once each.
 * What it leaves out, so that its cost is a lower bound: name resolution through scopes
 * (names are keyed by their text, per function), HRESULTs and conditions, exceptions and
 * `finally`, helpers and summaries, raw FFI shapes, aliases, suggestions, every other rule.
 */

const PROTOCOL = /^(?:Begin_|Finish_)|^(?:Cancel|Release|QueryInterface|CreateCall)$/;
const OWNED = 1;
const RELEASED = 2;
const PENDING = 4;
const IDLE = 8;
const CANCELED = 16;

function calleeParts(call) {
  const callee = call.callee;
  if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return null;
  const method = callee.property.name;
  if (!PROTOCOL.test(method)) return null;
  const object = callee.object;
  const name = object.type === "Identifier" ? object.name : object.type === "MemberExpression" && object.object.type === "ThisExpression" && object.property.type === "Identifier" ? `this.${object.property.name}` : null;
  return name === null ? null : { method, name };
}

/** One code path being walked: its segments' events, in order. */
class Walk {
  constructor(codePath, parent) {
    this.codePath = codePath;
    this.parent = parent;
    this.current = [];
    this.events = new Map();
    this.cancelOf = new Map();
    this.hasEvents = false;
  }
  record(event) {
    for (const segment of this.current) {
      let list = this.events.get(segment);
      if (!list) this.events.set(segment, (list = []));
      list.push(event);
    }
    this.hasEvents = true;
  }
}

const rule = {
  meta: {
    type: "problem",
    schema: [],
    messages: {
      pending: "`{{name}}.{{method}}` while an earlier call on `{{name}}` may be pending.",
      leak: "`{{name}}` may not be released on some path.",
      cancelled: "The call on `{{name}}` is cancelled and may not be finished on some path.",
    },
  },
  create(context) {
    let walk = null;
    const reported = new Set();
    const report = (messageId, node, data) => {
      const key = `${messageId}:${node.range[0]}`;
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ node, messageId, data });
    };

    const transfer = (state, events) => {
      let out = state;
      const set = (name, bits) => {
        if (out === state) out = new Map(state);
        out.set(name, bits);
      };
      for (const e of events) {
        const bits = out.get(e.name) ?? 0;
        switch (e.kind) {
          case "acquire":
            set(e.name, OWNED);
            break;
          case "release":
            if (bits & (OWNED | RELEASED)) set(e.name, RELEASED);
            break;
          case "begin":
            if (bits & PENDING) report("pending", e.node, { name: e.name, method: e.method });
            set(e.name, PENDING);
            break;
          case "finish":
            set(e.name, IDLE);
            break;
          case "cancel": {
            const call = e.call;
            if (call !== undefined && (out.get(call) ?? 0) & PENDING) set(call, ((out.get(call) ?? 0) & ~PENDING) | CANCELED);
            break;
          }
        }
      }
      return out;
    };

    const join = (a, b) => {
      if (!a) return b;
      if (!b || a === b) return a;
      let out = a;
      for (const [name, bits] of b) {
        const mine = a.get(name) ?? 0;
        if ((mine | bits) !== mine) {
          if (out === a) out = new Map(a);
          out.set(name, mine | bits);
        }
      }
      return out;
    };

    const solve = (w) => {
      const initial = w.codePath.initialSegment;
      const outStates = new Map();
      const queue = [initial];
      const queued = new Set(queue);
      const empty = new Map();
      while (queue.length > 0) {
        const segment = queue.shift();
        queued.delete(segment);
        let entry = segment === initial ? empty : undefined;
        for (const prev of segment.prevSegments) entry = join(entry, outStates.get(prev));
        if (!entry) continue;
        const before = outStates.get(segment);
        const out = join(before, transfer(entry, w.events.get(segment) ?? []));
        if (before && sameState(before, out)) continue;
        outStates.set(segment, out);
        for (const next of segment.nextSegments) {
          if (!queued.has(next)) {
            queued.add(next);
            queue.push(next);
          }
        }
      }
      const exits = [...w.codePath.returnedSegments, ...w.codePath.thrownSegments];
      for (const segment of exits) {
        const state = outStates.get(segment);
        if (!state) continue;
        for (const [name, bits] of state) {
          if (bits & OWNED) report("leak", w.acquiredAt.get(name), { name });
          if (bits & CANCELED) report("cancelled", w.cancelledAt.get(name), { name });
        }
      }
    };

    const sameState = (a, b) => {
      if (a === b) return true;
      if (a.size !== b.size) return false;
      for (const [name, bits] of a) if (b.get(name) !== bits) return false;
      return true;
    };

    const acquisition = (id, init) => {
      if (!walk || id.type !== "Identifier" || !init || init.type !== "CallExpression") return;
      const parts = calleeParts(init);
      if (!parts || (parts.method !== "QueryInterface" && parts.method !== "CreateCall")) return;
      walk.acquiredAt ??= new Map();
      walk.acquiredAt.set(id.name, init);
      walk.cancelOf.set(id.name, parts.name);
      walk.record({ kind: "acquire", name: id.name });
    };

    return {
      onCodePathStart(codePath) {
        walk = new Walk(codePath, walk);
      },
      onCodePathEnd() {
        if (walk.hasEvents) solve(walk);
        walk = walk.parent;
      },
      onCodePathSegmentStart(segment) {
        walk.current.push(segment);
      },
      onCodePathSegmentEnd(segment) {
        const i = walk.current.lastIndexOf(segment);
        if (i >= 0) walk.current.splice(i, 1);
      },
      "CallExpression:exit"(node) {
        const parts = calleeParts(node);
        if (!parts || !walk) return;
        const { method, name } = parts;
        if (method.startsWith("Begin_")) walk.record({ kind: "begin", name, method, node });
        else if (method.startsWith("Finish_")) walk.record({ kind: "finish", name });
        else if (method === "Release") walk.record({ kind: "release", name });
        else if (method === "Cancel") {
          const call = walk.cancelOf.get(name);
          if (call !== undefined) {
            walk.cancelledAt ??= new Map();
            walk.cancelledAt.set(call, node);
          }
          walk.record({ kind: "cancel", name, call });
        }
      },
      "VariableDeclarator:exit"(node) {
        acquisition(node.id, node.init);
      },
      "AssignmentExpression:exit"(node) {
        if (node.operator === "=") acquisition(node.left, node.right);
      },
    };
  },
};

module.exports = { rules: { floor: rule }, configs: { strict: { rules: { "com-async/floor": "error" } } } };
