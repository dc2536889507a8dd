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
 *    variable, its ownership (owned, released, handed on) and its call phase (idle, pending,
 *    cancelled) as bits, joined by OR; it reports begin-while-pending, finish-without-begin,
 *    missing-release and cancel-without-finish (at returns and explicit throws), once each;
 *    `QueryInterface` acquires only with an IID-looking argument (`IID_X`, `IFoo`).
 * What it leaves out, so that its cost is a lower bound: HRESULTs and their conditions, out
 * boxes (`QueryInterface(IID, out)` is skipped), `finally`'s own paths, helpers and summaries,
 * raw FFI shapes, module state, mismatched-finish (no method identity in the state),
 * unchecked-query-interface and unchecked-cancel-result, related locations, suggestions,
 * naming options. It is fitted to what the generated corpus exercises: a reproduction of
 * com-async's findings there, not a check of the whole spec.
 *
 * Five things the spec's traps and rules need can be switched on, one by one, to price them
 * (`bench/floor-plus-plugin.cjs` has these five):
 *  - `scopes`: names resolved through the scope manager (a shadowing `call` is another object),
 *    instead of keyed by their text;
 *  - `escapes`: a pointer passed to any other call, returned, stored into a member or put into an
 *    array or object literal is handed on (never reported as leaked);
 *  - `throws`: inside a `try` with a `catch`, every call may throw into the handler, with the
 *    state it had before the call, and what reaches a handler so is uncertain (it may silence
 *    a report, never cause one), instead of ESLint's own edges into the handler; an explicit
 *    `throw` reaches it with certain facts;
 *  - `nullTests`: `if (!p) ...` and `if (p) ... else ...`: where the pointer is null, nothing is owned;
 *  - `aliases`: `const alias = p` names the same pointer; with it, a protocol call on a pointer
 *    released on some path is reported (use-after-release).
 * Two more make it agree with com-async on every mutant of the corpus's own code (`node
 * bench/floor-mutants.mjs`: each protocol statement deleted, doubled or swapped, each null or `FAILED`
 * test and each jump deleted); `bench/floor-corpus-plugin.cjs` has all seven:
 *  - `outBoxes`: `hr = p.QueryInterface(IID, out)` acquires the pointer in the box `out`, read as
 *    `const q = out[0]`; where `FAILED(hr)` holds, the box holds nothing;
 *  - `faithful`: com-async's placement of reports: a Begin_ on a cancelled, unfinished call is one
 *    while a call is pending; a cancel is reported at the first Cancel; finish-without-begin when some
 *    path reaches the Finish_ with nothing pending; a pointer reported as used after its release is
 *    forgotten on that path.
 * A state keeps, per variable, the phases it may be in for certain (low byte) and only through
 * an exception (high byte).
 */

const { nullTested, failedTested, boxRead } = require("./floor-shapes.cjs");

const PROTOCOL = /^(?:Begin_|Finish_)|^(?:Cancel|Release|QueryInterface|CreateCall)$/;
const OWNED = 1;
const RELEASED = 2;
const PENDING = 4;
const IDLE = 8;
const CANCELED = 16;
const ESCAPED = 32;

/** One code path being walked: its segments' events, in order. */
class Walk {
  constructor(codePath, parent) {
    this.codePath = codePath;
    this.parent = parent;
    this.current = [];
    this.events = new Map();
    this.cancelOf = new Map();
    this.acquiredAt = new Map();
    this.cancelledAt = new Map();
    this.hasEvents = false;
    /** `throws`: the open `try` blocks with a handler, innermost last, and each handler's first segment. */
    this.tries = [];
    this.handlerSegment = new Map();
    this.aliases = new Map();
    /** Segments that end in a `throw` statement: exits like a return's. */
    this.explicitThrows = new Set();
    /** `outBoxes`: the pointer key an HRESULT variable reports on (`hr = p.QueryInterface(IID, out)`). */
    this.hresultOf = new Map();
  }
  record(event) {
    for (const segment of this.current) {
      let list = this.events.get(segment);
      if (!list) this.events.set(segment, (list = []));
      list.push(event);
    }
  }
}

/** Applies a phase map to both halves of a variable's bits (certain, uncertain). */
const both = (bits, f) => f(bits & 0xff) | (f(bits >> 8) << 8);
const released = (h) => (h & (OWNED | RELEASED) ? (h & ~OWNED) | RELEASED : h);
const handedOn = (h) => (h & OWNED ? (h & ~OWNED) | ESCAPED : h);
const cancelled = (h) => (h & PENDING ? (h & ~PENDING) | CANCELED : h);
const isNull = (h) => h & ~OWNED;
const OWNERSHIP = (OWNED | RELEASED | ESCAPED) * 0x101;
const IID = /^(IID_\w+|I[A-Z]\w*)$/;

function createRule({ scopes = false, escapes = false, throws = false, nullTests = false, aliases = false, outBoxes = false, faithful = false } = {}) {
  return {
    meta: {
      type: "problem",
      schema: [],
      messages: {
        pending: "`{{name}}.{{method}}` while an earlier call on `{{name}}` may be pending.",
        leak: "`{{name}}` may not be released on some path.",
        cancelled: "The call on `{{name}}` is cancelled and may not be finished on some path.",
        released: "`{{name}}` may be used after it was released.",
        finishWithout: "`{{name}}` Finish_ with nothing pending.",
      },
    },
    create(context) {
      const sourceCode = context.sourceCode;
      let walk = null;
      const reported = new Set();
      const report = (messageId, node, data) => {
        const key = `${messageId}:${node.range[0]}`;
        if (reported.has(key)) return;
        reported.add(key);
        context.report({ node, messageId, data });
      };

      /** The key a receiver's state is kept under: its variable (`scopes`) or its text. */
      const keyOf = (node) => {
        if (node.type === "Identifier") {
          if (!scopes) return node.name;
          for (let scope = sourceCode.getScope(node); scope; scope = scope.upper) {
            const variable = scope.set.get(node.name);
            if (variable) return variable;
          }
          return node.name;
        }
        if (node.type === "MemberExpression" && node.object.type === "ThisExpression" && node.property.type === "Identifier") return `this.${node.property.name}`;
        return null;
      };
      const nameOf = (key) => (typeof key === "string" ? key : key.name);

      /** `aliases`: `const alias = cancel` names the same pointer (a const: one alias for the whole function). */
      const canonical = (key) => (aliases && walk ? (walk.aliases.get(key) ?? key) : key);

      const calleeParts = (call) => {
        const callee = call.callee;
        if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return null;
        const method = callee.property.name;
        if (!PROTOCOL.test(method)) return null;
        const key = keyOf(callee.object);
        return key === null ? null : { method, key: canonical(key) };
      };

      const transfer = (state, events, onThrow) => {
        let out = state;
        const set = (key, bits) => {
          if (out === state) out = new Map(state);
          out.set(key, bits);
        };
        for (const e of events) {
          const bits = out.get(e.key) ?? 0;
          // `aliases` also checks what the engine's use-after-release does: a call on a pointer released on some path.
          if (aliases && e.node && bits & RELEASED) {
            report("released", e.node, { name: nameOf(e.key) });
            // `faithful`: as com-async, a pointer reported as used after its release is forgotten on that path.
            if (faithful) {
              set(e.key, 0);
              continue;
            }
          }
          switch (e.kind) {
            case "acquire":
              set(e.key, e.call ? OWNED | IDLE : OWNED);
              break;
            case "release":
              if (bits) set(e.key, both(bits, released));
              break;
            case "escape":
              if (bits) set(e.key, both(bits, handedOn));
              break;
            case "null":
              if (bits) set(e.key, both(bits, isNull));
              break;
            case "begin":
              if (bits & (faithful ? PENDING | CANCELED : PENDING)) report("pending", e.node, { name: nameOf(e.key), method: e.method });
              set(e.key, (bits & OWNERSHIP) | PENDING);
              break;
            case "finish":
              if (bits & IDLE && (faithful || !(bits & (PENDING | CANCELED)))) report("finishWithout", e.node, { name: nameOf(e.key) });
              set(e.key, (bits & OWNERSHIP) | IDLE);
              break;
            case "cancel": {
              const call = e.call;
              const callBits = call === undefined ? 0 : (out.get(call) ?? 0);
              if (callBits) set(call, both(callBits, cancelled));
              break;
            }
            case "throw":
              onThrow(e.handler, out, e.explicit);
              break;
          }
        }
        return out;
      };

      const join = (a, b) => {
        if (!a) return b;
        if (!b || a === b) return a;
        let out = a;
        for (const [key, bits] of b) {
          const mine = a.get(key) ?? 0;
          if ((mine | bits) !== mine) {
            if (out === a) out = new Map(a);
            out.set(key, mine | bits);
          }
        }
        return out;
      };

      const sameState = (a, b) => {
        if (a === b) return true;
        if (a.size !== b.size) return false;
        for (const [key, bits] of a) if (b.get(key) !== bits) return false;
        return true;
      };

      const solve = (w) => {
        const initial = w.codePath.initialSegment;
        const outStates = new Map();
        const thrown = new Map();
        const queue = [initial];
        const queued = new Set(queue);
        const enqueue = (segment) => {
          if (!queued.has(segment)) {
            queued.add(segment);
            queue.push(segment);
          }
        };
        const onThrow = (handler, state, explicit) => {
          const before = thrown.get(handler);
          const uncertain = explicit ? state : new Map();
          if (!explicit) for (const [key, bits] of state) uncertain.set(key, ((bits & 0xff) | (bits >> 8)) << 8);
          const after = join(before, uncertain);
          if (before && sameState(before, after)) return;
          thrown.set(handler, after);
          const segment = w.handlerSegment.get(handler);
          if (segment) enqueue(segment);
        };
        const handlerOf = new Map([...w.handlerSegment].map(([handler, segment]) => [segment, handler]));
        const empty = new Map();
        while (queue.length > 0) {
          const segment = queue.shift();
          queued.delete(segment);
          let entry = segment === initial ? empty : undefined;
          // A handler is entered only by the calls that may throw into it (its own throw points).
          if (handlerOf.has(segment)) entry = join(entry, thrown.get(handlerOf.get(segment)));
          else for (const prev of segment.prevSegments) entry = join(entry, outStates.get(prev));
          if (!entry) continue;
          const before = outStates.get(segment);
          const out = join(before, transfer(entry, w.events.get(segment) ?? [], onThrow));
          if (before && sameState(before, out)) continue;
          outStates.set(segment, out);
          for (const next of segment.nextSegments) enqueue(next);
        }
        // Paths that end in an implicit exception are not reported (spec: it may silence a report, never cause one).
        for (const segment of [...w.codePath.returnedSegments, ...w.codePath.thrownSegments.filter((t) => w.explicitThrows.has(t))]) {
          const state = outStates.get(segment);
          if (!state) continue;
          for (const [key, bits] of state) {
            if (bits & OWNED) report("leak", w.acquiredAt.get(key), { name: nameOf(key) });
            if (bits & CANCELED) report("cancelled", w.cancelledAt.get(key), { name: nameOf(key) });
          }
        }
      };

      const throwPoint = () => {
        const handler = walk.tries[walk.tries.length - 1];
        if (handler) walk.record({ kind: "throw", handler });
      };

      const escapeIdentifier = (node) => {
        if (!walk || node?.type !== "Identifier") return;
        const key = keyOf(node);
        if (key !== null) walk.record({ kind: "escape", key: canonical(key) });
      };

      const acquisition = (id, init) => {
        if (!walk || id.type !== "Identifier" || !init || init.type !== "CallExpression") return;
        const parts = calleeParts(init);
        if (!parts || (parts.method !== "QueryInterface" && parts.method !== "CreateCall")) return;
        const iid = init.arguments[0];
        if (parts.method === "QueryInterface" && !(iid?.type === "Identifier" && IID.test(iid.name))) return;
        // `hr = p.QueryInterface(IID, out)` returns an HRESULT and puts the pointer in the box (`outBoxes`: followed).
        const box = parts.method === "QueryInterface" && init.arguments.length > 1 ? init.arguments[1] : null;
        if (box && (!outBoxes || box.type !== "Identifier")) return;
        const key = box ? keyOf(box) : keyOf(id);
        if (box) walk.hresultOf.set(keyOf(id), key);
        walk.acquiredAt.set(key, init);
        walk.cancelOf.set(key, parts.key);
        walk.record({ kind: "acquire", key, call: parts.method === "CreateCall" });
        walk.hasEvents = true;
      };

      return {
        onCodePathStart(codePath) {
          walk = new Walk(codePath, walk);
        },
        onCodePathEnd() {
          if (walk.hasEvents) solve(walk);
          walk = walk.parent;
        },
        onCodePathSegmentStart(segment, node) {
          walk.current.push(segment);
          if (throws && node.type === "CatchClause" && !walk.handlerSegment.has(node)) walk.handlerSegment.set(node, segment);
          if (nullTests) {
            const tested = nullTested(node);
            if (tested) {
              const key = keyOf(tested);
              if (key !== null) walk.record({ kind: "null", key });
            }
          }
          // `if (FAILED(hr)) <node>` (`outBoxes`): the acquisition that returned `hr` put nothing in its box.
          const failed = outBoxes ? failedTested(node) : null;
          const boxKey = failed ? walk.hresultOf.get(keyOf(failed)) : undefined;
          if (boxKey !== undefined) walk.record({ kind: "null", key: boxKey });
        },
        onCodePathSegmentEnd(segment) {
          const i = walk.current.lastIndexOf(segment);
          if (i >= 0) walk.current.splice(i, 1);
        },
        ...(throws
          ? {
              "TryStatement > BlockStatement.block"(node) {
                if (node.parent.handler) walk.tries.push(node.parent.handler);
              },
              "TryStatement > BlockStatement.block:exit"(node) {
                if (node.parent.handler) walk.tries.pop();
              },
            }
          : {}),
        "ThrowStatement:exit"() {
          if (walk) for (const segment of walk.current) walk.explicitThrows.add(segment);
        },
        ThrowStatement() {
          if (!walk || !throws) return;
          const handler = walk.tries[walk.tries.length - 1];
          if (handler) walk.record({ kind: "throw", handler, explicit: true });
        },
        // Node-type listeners, not `ReturnStatement > Identifier.argument`-style selectors: ESLint matches a
        // selector with a combinator against every node of its last type (every Identifier), which cost more
        // than the rest of the yardstick.
        ...(escapes
          ? {
              "ReturnStatement:exit"(node) {
                escapeIdentifier(node.argument);
              },
              "ArrayExpression:exit"(node) {
                for (const element of node.elements) escapeIdentifier(element);
              },
              "Property:exit"(node) {
                if (node.parent.type === "ObjectExpression") escapeIdentifier(node.value);
              },
            }
          : {}),
        "CallExpression:exit"(node) {
          if (!walk) return;
          if (throws) throwPoint();
          const parts = calleeParts(node);
          if (!parts) {
            if (escapes) {
              for (const arg of node.arguments) {
                const key = arg.type === "Identifier" ? keyOf(arg) : null;
                if (key !== null) walk.record({ kind: "escape", key: canonical(key) });
              }
            }
            return;
          }
          const { method, key } = parts;
          walk.hasEvents = true;
          if (method.startsWith("Begin_")) walk.record({ kind: "begin", key, method, node });
          else if (method.startsWith("Finish_")) walk.record({ kind: "finish", key, node });
          else if (method === "Release") walk.record({ kind: "release", key, node });
          else if (method === "Cancel") {
            const call = walk.cancelOf.get(key);
            if (call !== undefined && !(faithful && walk.cancelledAt.has(call))) walk.cancelledAt.set(call, node);
            walk.record({ kind: "cancel", key, call, node });
          }
        },
        "VariableDeclarator:exit"(node) {
          // `const cancel = out[0] as ICancelMethodCalls` (`outBoxes`): the box's pointer under a name.
          const read = outBoxes ? boxRead(node.init) : null;
          const source = read ?? (node.init?.type === "Identifier" ? node.init : null);
          if ((aliases || read) && node.id.type === "Identifier" && source && node.parent.kind === "const") {
            const from = canonical(keyOf(source));
            if (walk.acquiredAt.has(from)) walk.aliases.set(keyOf(node.id), from);
          }
          acquisition(node.id, node.init);
        },
        "AssignmentExpression:exit"(node) {
          if (node.operator !== "=") return;
          // A pointer stored into a member (`this.c = p`) is handed on.
          if (escapes && node.left.type !== "Identifier") escapeIdentifier(node.right);
          acquisition(node.left, node.right);
        },
      };
    },
  };
}

const floor = (options) => ({ rules: { floor: createRule(options) }, configs: { strict: { rules: { "com-async/floor": "error" } } } });

module.exports = { ...floor(), floor };
