/**
 * What a missing-release message calls a pointer that leaks while only its out box holds it: the box's read
 * (`out[0]`, `box.readBigUInt64LE(0)`), not the variable a later statement binds it to, which does not exist
 * at that exit; and the repair written there releases it by that read.
 */
import type { RuleCases } from "./types";

/** QueryInterface into a box, an early return, then the binding that names the pointer. `early` is the early exit. */
const QUERY_THEN_BIND = (early: string) => `function go(unk: IUnknown, cond: boolean) {
  const out: [IUnknown | null] = [null];
  if (unk.QueryInterface(IID_IStockQuote, out) < 0) return;
${early}
  const quote = out[0]!;
  quote.AddRef();
  quote.Release();
  quote.Release();
}
`;

/** The same with a second early exit after the binding: the two exits name the pointer differently. */
const TWO_SIDES = `function go(unk: IUnknown, a: boolean, b: boolean) {
  const out: [IUnknown | null] = [null];
  if (unk.QueryInterface(IID_IStockQuote, out) < 0) return;
  if (a) return;
  const quote = out[0]!;
  if (b) return;
  quote.Release();
}
`;

/** koffi: the box read in a loop, where an exit written before the binding is reached after it on the next pass. */
const LOOP_WALK = `import koffi from "koffi";
const ParentProto = koffi.proto("int32 __stdcall Parent(void *self, _Out_ void **result)");
const ReleaseProto = koffi.proto("uint32 __stdcall Drop(void *self)");
function call(p: unknown, slot: number, proto: unknown, ...args: unknown[]): number {
  return koffi.call(koffi.decode(koffi.decode(p, "void *"), slot * 8, "void *"), proto, p, ...args) as number;
}
export function depth(element: unknown, stop: () => boolean): number {
  let n = 0;
  let held: unknown = null;
  while (n < 10) {
    if (stop()) return n;
    const next = [null];
    if (call(element, 3, ParentProto, next) < 0) break;
    if (held) call(held, 2, ReleaseProto);
    held = next[0];
    element = held;
    n++;
  }
  if (held) call(held, 2, ReleaseProto);
  return n;
}
`;

/** The binding made in one branch only; the exit after that branch sees the box, not the binding. */
const BOUND_IN_A_BRANCH = (early: string) => `function go(unk: IUnknown, a: boolean, b: boolean) {
  const out: [IUnknown | null] = [null];
  if (unk.QueryInterface(IID_IStockQuote, out) < 0) return;
  if (a) {
    const quote = out[0]!;
    quote.AddRef();
    quote.Release();
  }
${early}
  out[0]!.Release();
}
`;

/** The box read at an index a constant names (`const FIRST = 0`); `early` follows the acquisition. */
const CONSTANT_INDEX = (early: string) => `const FIRST = 0;
function go(unk: IUnknown, a: boolean) {
  const out: [IUnknown | null] = [null];
  if (unk.QueryInterface(IID_IStockQuote, out) < 0) return;
${early}
  const quote = out[FIRST]!;
  quote.Release();
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a box read at an index a constant names (out[FIRST], const FIRST = 0) is its pointer: released, no report", code: CONSTANT_INDEX("") },
    {
      name: "a pointer released by its box's read at an exit before the binding that names it, and by that name after: released on every path",
      code: QUERY_THEN_BIND("  if (cond) { out[0]!.Release(); return; }"),
    },
  ],
  invalid: [
    {
      name: "a pointer leaking at an exit before the binding that names it is called by its box's read there (`out[0]`), and released by it before that exit",
      code: QUERY_THEN_BIND("  if (cond) return;"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the return at line 4", release: "out[0]?.Release()" },
          line: 3,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", data: { pointer: "out[0]" }, output: QUERY_THEN_BIND("  if (cond) { out[0]?.Release(); return; }") }],
        },
      ],
    },
    {
      name: "a pointer leaking at exits on both sides of the binding that names it is called by its box's read, with no repair (no one name fits both exits)",
      code: TWO_SIDES,
      errors: [{ messageId: "missingRelease", data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the return at line 4", release: "out[0]?.Release()" }, line: 3, column: 7 }],
    },
    {
      name: "a pointer leaking at an exit after the block of a branch that named it is called by its box's read there (the branch's variable is out of scope), and released by it",
      code: BOUND_IN_A_BRANCH("  if (b) return;"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the return at line 9", release: "out[0]?.Release()" },
          line: 3,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", data: { pointer: "out[0]" }, output: BOUND_IN_A_BRANCH("  if (b) { out[0]?.Release(); return; }") }],
        },
      ],
    },
    {
      name: "a box filled again before its first pointer is read: that pointer is lost, and no repair names the box for it (its read now gives the second pointer, or null after a failed call)",
      code: `function go(unk: IUnknown, cond: boolean) {
  const out: [IUnknown | null] = [null];
  if (unk.QueryInterface(IID_IStockQuote, out) < 0) return;
  if (unk.QueryInterface(IID_ICancelMethodCalls, out) < 0) return;
  if (cond) return;
  const a = out[0]!;
  a.Release();
}
`,
      errors: [
        { messageId: "missingRelease", data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the return at line 4", release: "out[0]?.Release()" }, line: 3, column: 7 },
        {
          messageId: "missingRelease",
          data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the return at line 5", release: "out[0]?.Release()" },
          line: 4,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              data: { pointer: "out[0]" },
              output: `function go(unk: IUnknown, cond: boolean) {
  const out: [IUnknown | null] = [null];
  if (unk.QueryInterface(IID_IStockQuote, out) < 0) return;
  if (unk.QueryInterface(IID_ICancelMethodCalls, out) < 0) return;
  if (cond) { out[0]?.Release(); return; }
  const a = out[0]!;
  a.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a pointer bound in a block to a `let` declared outside it keeps the variable's name after the block, where the box is out of scope",
      code: `function go(unk: IUnknown, b: boolean) {
  let quote: IUnknown;
  {
    const out: [IUnknown | null] = [null];
    if (unk.QueryInterface(IID_IStockQuote, out) < 0) return;
    quote = out[0]!;
  }
  if (b) return;
  quote.Release();
}
`,
      errors: [{ messageId: "missingRelease", data: { pointer: "quote", acquirer: "QueryInterface", reached: "the return at line 8", release: "quote?.Release()" }, line: 5, column: 9 }],
    },
    {
      name: "a box read at an index a constant names (out[FIRST]): an early return before the read leaks it, released there by that read",
      code: CONSTANT_INDEX("  if (a) return;"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "out[FIRST]", acquirer: "QueryInterface", reached: "the return at line 5", release: "out[FIRST]?.Release()" },
          line: 4,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", data: { pointer: "out[FIRST]" }, output: CONSTANT_INDEX("  if (a) { out[FIRST]?.Release(); return; }") }],
        },
      ],
    },
    {
      name: "in a loop, an exit written before the binding is reached holding the previous pass's object: the message keeps the variable's name",
      code: LOOP_WALK,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "held", acquirer: "call", reached: "the return at line 11", release: "call(held, 2, ReleaseProto)" },
          line: 13,
          column: 9,
        },
      ],
    },
  ],
};
