/**
 * Branches that test one variable again, or a flag set beside a protocol call (engine/correlations.ts): the second
 * test follows the first's outcome, so the path that took neither branch is not read as one that took only the
 * second. Each with a valid case and an invalid one where the correlation does not hold (the test negated, the
 * variable assigned again between the tests, a flag set where no call was begun).
 */
import type { RuleCases } from "./types";

/** `want` decides both the Begin_ and the Finish_ (`test` is the second condition). */
const SAME_TEST = (test: string, between = "") => `declare function compute(): boolean;
export function quote(factory: ICallFactory, want: boolean) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  if (want) call.Begin_GetPrice("MSFT");
${between}  if (${test}) call.Finish_GetPrice();
  call.Release();
}
`;

/** A `begun` flag set beside the Begin_ and tested before the Finish_ (`set`: where the flag is set). */
const BEGUN_FLAG = (set: string) => `export function quote(factory: ICallFactory, symbol: string | null) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  let begun = false;
  ${set}
  log("waiting");
  if (begun) call.Finish_GetPrice();
  call.Release();
}
`;

export const finishWithoutBegin: RuleCases = {
  valid: [
    { name: "the Begin_ and the Finish_ under two tests of one variable: the path that begins no call finishes none", code: SAME_TEST("want") },
    { name: "a `begun` flag set beside the Begin_ and tested before the Finish_", code: BEGUN_FLAG("if (symbol) { call.Begin_GetPrice(symbol); begun = true; }") },
    {
      name: "a `pending` flag carried round a loop: each turn finishes the call the turn before began",
      code: `export function quotes(factory: ICallFactory, symbols: string[]) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  let pending = false;
  for (const symbol of symbols) {
    if (pending) call.Finish_GetPrice();
    call.Begin_GetPrice(symbol);
    pending = true;
  }
  if (pending) call.Finish_GetPrice();
  call.Release();
}
`,
    },
  ],
  invalid: [
    {
      name: "the second test negated: the path that begins no call finishes one",
      code: SAME_TEST("!want"),
      errors: [{ messageId: "finishWithoutBegin", line: 5, column: 14 }],
    },
    {
      name: "the variable assigned again between the tests: the second test says nothing of the first",
      code: SAME_TEST("want", "  want = compute();\n"),
      errors: [{ messageId: "finishWithoutBegin", line: 6, column: 13 }],
    },
    {
      name: "a `begun` flag set where no call was begun",
      code: BEGUN_FLAG("if (symbol) begun = true;"),
      errors: [{ messageId: "finishWithoutBegin", line: 6, column: 14 }],
    },
  ],
};

/** The call begun and a `begun` flag set; on a late path it is cancelled; the Finish_ runs if `test`. */
const CANCEL_THEN_FLAG = (test: string) => `export function quote(call: AsyncIStockQuote, late: boolean): number {
  let begun = false;
  call.Begin_GetPrice("MSFT");
  begun = true;
  if (late) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
  }
  if (${test}) return call.Finish_GetPrice();
  return 0;
}
`;

export const cancelWithoutFinish: RuleCases = {
  valid: [{ name: "a Cancel before a Finish_ that a `begun` flag, always set here, guards", code: CANCEL_THEN_FLAG("begun") }],
  invalid: [
    {
      name: "a Cancel before a Finish_ guarded by the flag's negation: the cancelled call is never finished",
      code: CANCEL_THEN_FLAG("!begun"),
      errors: [
        {
          messageId: "cancelWithoutFinish",
          line: 7,
          column: 5,
          suggestions: [{ messageId: "insertFinish", output: CANCEL_THEN_FLAG("!begun").replace("  return 0;", "  call.Finish_GetPrice();\n  return 0;") }],
        },
      ],
    },
  ],
};

/** A pointer queried under `want` and released under `test`. */
const QUERIED_IF = (test: string) => `export function cancelIf(call: AsyncIStockQuote, want: boolean) {
  let cancel: ICancelMethodCalls | null = null;
  if (want) cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (${test}) cancel!.Release();
}
`;

/** A raw pointer returned on success, released in the `finally` under a `completed` flag tested as `test`. */
const SUCCESS_FLAG = (test: string) => `import { ptr } from "bun:ffi";
declare function vcall(p: bigint, slot: number, ...a: unknown[]): number;
declare const IUNKNOWN_RELEASE: number, IFOO_OPEN: number, IUNKNOWN_QUERYINTERFACE: number, IID_IFoo: Buffer;
function release(p: bigint): void {
  vcall(p, IUNKNOWN_RELEASE);
}
export function open(source: bigint): bigint | null {
  const box = new BigUint64Array(1);
  if (vcall(source, IUNKNOWN_QUERYINTERFACE, ptr(IID_IFoo), ptr(box)) < 0) return null;
  const foo = box[0];
  let completed = false;
  try {
    if (vcall(foo, IFOO_OPEN) < 0) return null;
    completed = true;
    return foo;
  } finally {
    if (${test}) release(foo);
  }
}
`;

export const missingRelease: RuleCases = {
  valid: [
    { name: "a pointer queried and released under two tests of one variable", code: QUERIED_IF("want") },
    { name: "a success flag: the `finally` releases the pointer only where the function did not return it", code: SUCCESS_FLAG("!completed") },
  ],
  invalid: [
    {
      name: "a pointer queried under a test and released under its negation leaks where it was queried",
      code: QUERIED_IF("!want"),
      errors: [{ messageId: "missingRelease", line: 3, column: 22 }],
    },
    {
      name: "a success flag tested the wrong way round: the pointer is released where it is returned and leaks where the function fails",
      code: SUCCESS_FLAG("completed"),
      errors: [{ messageId: "missingRelease", line: 9, column: 7 }],
    },
  ],
};

/** A loop that begins a call every turn; `finish` runs first in each turn. */
const BEGIN_LOOP = (finish: string) => `export function quotes(factory: ICallFactory, symbols: string[]) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  let pending = false;
  for (const symbol of symbols) {
    ${finish}
    call.Begin_GetPrice(symbol);
    pending = true;
  }
  if (pending) call.Finish_GetPrice();
  call.Release();
}
`;

export const beginWhilePending: RuleCases = {
  valid: [{ name: "each turn finishes, under the `pending` flag, the call the turn before began", code: BEGIN_LOOP("if (pending) call.Finish_GetPrice();") }],
  invalid: [
    {
      name: "a negated `&&` (`!(a && want)`) says nothing of `want` alone: the path where `a` is false begins again while `want`'s call is pending",
      code: `export function quote(factory: ICallFactory, want: boolean, a: boolean) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  if (want) call.Begin_GetPrice("x");
  if (!(a && want)) call.Begin_GetPrice("y");
  call.Release();
}
`,
      errors: [{ messageId: "beginWhilePending", line: 4, column: 21 }],
    },
    {
      name: "no turn finishes the call the turn before began, whatever the flag says",
      code: BEGIN_LOOP("log(pending);"),
      errors: [{ messageId: "beginWhilePending", line: 6, column: 5 }],
    },
  ],
};
