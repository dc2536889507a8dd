/**
 * The decisions of PROTOCOL.md section 3a ("Decisions on cases the spec left
 * open"), each with a valid and an invalid case, grouped by the rule they run
 * under. Held-out precision: every case is run in typed and untyped modes
 * unless it says otherwise.
 */
import type { RuleCases } from "./types";

/** 3a: a check whose failure branch falls through to the use is no check; testing the pointer is one. */
export const uncheckedQueryInterface: RuleCases = {
  valid: [
    {
      name: "decision: testing the pointer itself (if (!out[0]) return) is a check",
      code: `function quote(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  call.QueryInterface(IID_ICancelMethodCalls, out);
  if (!out[0]) return;
  out[0].Cancel(0);
  out[0].Release();
}
`,
    },
    {
      name: "decision: a failure branch that logs and then returns is a check",
      code: `function quote(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) {
    log(hr);
    return;
  }
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
    },
    {
      name: "decision: after a failure branch that falls through, optional-chain uses test the pointer",
      code: `function quote(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) log(hr);
  out[0]?.Cancel(0);
  out[0]?.Release();
}
`,
    },
    {
      name: "decision: a throwing binding's pointer tested null with a fall-through branch is not an unchecked use",
      code: `function quote(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (!cancel) log("no cancel");
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
  ],
  invalid: [
    {
      name: "decision: if (FAILED(hr)) log(hr) falls through to the use: unchecked, reported once on the path",
      code: `function quote(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) log(hr);
  out[0]!.Cancel(0);
  out[0]!.Release();
}
`,
      errors: [{ messageId: "uncheckedQueryInterface", line: 5, column: 3, data: { pointer: "out[0]", acquirer: "QueryInterface", line: 3 } }],
    },
    {
      name: "decision: SUCCEEDED(hr) || log(hr) falls through to passing the pointer, which is a use",
      code: `declare function hand(p: unknown): void;
function quote(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  SUCCEEDED(hr) || log(hr);
  hand(out[0]);
}
`,
      errors: [{ messageId: "uncheckedQueryInterface", line: 6, column: 3, data: { pointer: "out[0]", acquirer: "QueryInterface", line: 4 } }],
    },
    {
      name: "decision: hr !== S_OK with a branch that only logs is no check",
      code: `function quote(call: AsyncIStockQuote) {
  const out = { value: null as ICancelMethodCalls | null };
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (hr !== S_OK) {
    log("QueryInterface failed", hr);
  }
  out.value!.Release();
}
`,
      errors: [{ messageId: "uncheckedQueryInterface", line: 7, column: 3, data: { pointer: "out.value", acquirer: "QueryInterface", line: 3 } }],
    },
    {
      name: "decision: a nullable result tested null with a fall-through branch is unchecked",
      mode: "typed",
      code: `function quote(source: NullableQuery) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (cancel === null) log("no cancel");
  cancel!.Cancel(0);
  cancel!.Release();
}
`,
      errors: [{ messageId: "uncheckedQueryInterface", line: 4, column: 3, data: { pointer: "cancel", acquirer: "QueryInterface", line: 2 } }],
    },
  ],
};

/** A raw binding whose Begin_ returns the HRESULT (3a: it refines the call state wherever it is tested). */
const RAW_QUOTE = `interface AsyncIRawQuote extends IUnknown {
  Begin_GetPrice(symbol: string): HRESULT;
  Finish_GetPrice(): HRESULT;
}
`;

/** Two calls begun at once, each then finished (`second`: the second call's Begin_ and Finish_ method). */
const OVERLAPPING = (second: string) => `function quote(call: AsyncIStockQuote): number[] {
  call.Begin_GetPrice("MSFT");
  call.Begin_${second}("IBM");
  return [call.Finish_GetPrice(), call.Finish_${second}()];
}
`;

export const finishWithoutBegin: RuleCases = {
  valid: [
    {
      name: "decision: a second call begun while the first was pending (begin-while-pending there) and finished after it is not finished twice (one mistake, one report)",
      code: OVERLAPPING("GetVolume"),
    },
    { name: "decision: the same with one method: the second Finish_ ends the second call as the code sees it", code: OVERLAPPING("GetPrice") },
    {
      name: "decision: an HRESULT from a retry loop, tested after the loop, refines the call state",
      code: `${RAW_QUOTE}function quote(c: AsyncIRawQuote, n: number) {
  let hr = c.Begin_GetPrice("MSFT");
  while (hr < 0 && n--) hr = c.Begin_GetPrice("MSFT");
  if (hr < 0) return;
  c.Finish_GetPrice();
}
`,
    },
    {
      name: "decision: a do-while retry loop tested with FAILED after it",
      code: `${RAW_QUOTE}function quote(c: AsyncIRawQuote, n: number) {
  let hr: HRESULT;
  do {
    hr = c.Begin_GetPrice("MSFT");
  } while (FAILED(hr) && --n > 0);
  if (FAILED(hr)) return;
  c.Finish_GetPrice();
}
`,
    },
    {
      name: "decision: after a begin-while-pending the first call is still pending, so its Finish_ is not reported",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  call.Begin_GetPrice("IBM");
  call.Finish_GetPrice();
}
`,
    },
  ],
  invalid: [
    {
      name: "decision: a retry loop whose HRESULT is not tested after it may finish a call that never began",
      code: `${RAW_QUOTE}function quote(c: AsyncIRawQuote, n: number) {
  let hr = c.Begin_GetPrice("MSFT");
  while (hr < 0 && n--) hr = c.Begin_GetPrice("MSFT");
  c.Finish_GetPrice();
}
`,
      errors: [{ messageId: "finishWithoutBegin", line: 8, column: 3 }],
    },
    {
      name: "decision: testing another HRESULT after the retry loop says nothing of the call",
      code: `${RAW_QUOTE}function quote(c: AsyncIRawQuote, n: number, other: HRESULT) {
  let hr = c.Begin_GetPrice("MSFT");
  while (hr < 0 && n--) hr = c.Begin_GetPrice("MSFT");
  if (other < 0) return;
  c.Finish_GetPrice();
}
`,
      errors: [{ messageId: "finishWithoutBegin", line: 9, column: 3 }],
    },
  ],
};

export const beginWhilePending: RuleCases = {
  valid: [
    {
      name: "decision: a mismatched Finish_ still finishes the pending call (one mistake, one report)",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetVolume();
  call.Begin_GetPrice("IBM");
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "decision: a call object passed to a function that is not analysed escapes",
      code: `declare function hand(call: unknown): void;
function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  hand(call);
  call.Begin_GetPrice("IBM");
}
`,
    },
    {
      name: "decision: a pending call that reaches catch only through an implicit exception does not cause a report",
      code: `declare function work(): void;
function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  try {
    work();
    call.Finish_GetPrice();
  } catch {
    call.Begin_GetPrice("IBM");
    call.Finish_GetPrice();
  }
}
`,
    },
    {
      name: "decision: a call object received as a parameter starts in an unknown state",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
}
function again(call: AsyncIStockQuote) {
  call.Begin_GetPrice("IBM");
}
`,
    },
  ],
  invalid: [
    {
      name: "decision: after a Begin_ reported while another call was pending, a Finish_ of a third method is mismatched with the Begin_ waiting its turn (no repair: the pending call's own Finish_ comes later, inside the return, where a second one would fail)",
      code: `function quote(call: AsyncIStockQuote): number[] {
  call.Begin_GetPrice("MSFT");
  call.Begin_GetVolume("IBM");
  return [call.Finish_GetPrice(), call.Finish_GetName()];
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 3,
          column: 3,
        },
      ],
    },
    {
      name: "decision: two calls begun at once and each finished: one report, at the second Begin_ (no repair: the first call's own Finish_ comes later, inside the return, where a second one would fail)",
      code: OVERLAPPING("GetVolume"),
      errors: [{ messageId: "beginWhilePending", line: 3, column: 3 }],
    },
    {
      name: "decision: Begin_ after a Cancel whose Finish_ comes later is one problem, begin-while-pending",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Begin_GetPrice("IBM");
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
  call.Begin_GetPrice("IBM");
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a call object passed on only after the second Begin_ has not escaped yet",
      code: `declare function hand(call: unknown): void;
function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  call.Begin_GetPrice("IBM");
  hand(call);
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `declare function hand(call: unknown): void;
function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
  call.Begin_GetPrice("IBM");
  hand(call);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a field call object keeps the state this method gave it",
      code: `class Quote {
  call!: AsyncIStockQuote;
  twice() {
    this.call.Begin_GetPrice("MSFT");
    this.call.Begin_GetPrice("IBM");
  }
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 5,
          column: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `class Quote {
  call!: AsyncIStockQuote;
  twice() {
    this.call.Begin_GetPrice("MSFT");
    this.call.Finish_GetPrice();
    this.call.Begin_GetPrice("IBM");
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a pending call that reaches catch through an explicit throw is certain",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  try {
    if (!ready) throw new Error("not ready");
    call.Finish_GetPrice();
  } catch {
    call.Begin_GetPrice("IBM");
    call.Finish_GetPrice();
  }
}
`,
      errors: [
        {
          messageId: "beginWhilePending",
          line: 7,
          column: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  try {
    if (!ready) throw new Error("not ready");
    call.Finish_GetPrice();
  } catch {
    call.Finish_GetPrice();
    call.Begin_GetPrice("IBM");
    call.Finish_GetPrice();
  }
}
`,
            },
          ],
        },
      ],
    },
  ],
};

export const cancelWithoutFinish: RuleCases = {
  valid: [
    {
      name: "decision: Begin_ after a Cancel whose Finish_ comes later is not also a cancel-without-finish",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Begin_GetPrice("IBM");
  call.Finish_GetPrice();
}
`,
    },
    {
      name: "decision: a mismatched Finish_ after a Cancel still finishes the call",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  const volume = call.Finish_GetVolume();
  log(volume);
}
`,
    },
    {
      name: "decision: a cancelled call object passed to a function that is not analysed escapes",
      code: `declare function hand(call: unknown): void;
function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  hand(call);
}
`,
    },
    {
      name: "decision: a field call object that the method began and cancelled is handed to the object at its exit",
      code: `class Quote {
  constructor(private pending: AsyncIStockQuote) {}
  stop(ready: boolean) {
    this.pending.Begin_GetPrice("MSFT");
    const cancel = this.pending.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
    if (ready) return;
  }
}
`,
    },
    {
      name: "decision: a Cancel on a parameter call object with no Begin_ here is not reported",
      code: `function stop(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "decision: a Cancel on a field call object with no Begin_ here is not reported",
      code: `class Quote {
  call!: AsyncIStockQuote;
  stop() {
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
    this.call.Release();
  }
}
`,
    },
    {
      name: "decision: optional chaining on a possibly-undefined call object, Finish_ on the same chain",
      code: `function quote(call: AsyncIStockQuote | undefined) {
  call?.Begin_GetPrice("MSFT");
  const cancel = call?.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel?.Cancel(0);
  cancel?.Release();
  const price = call?.Finish_GetPrice();
  log(price);
}
`,
    },
    {
      name: "decision: optional chaining on a possibly-undefined call object from CreateCall",
      code: `function quote(factory: ICallFactory | undefined) {
  const call = factory?.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call?.Begin_GetPrice("MSFT");
  const cancel = call?.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel?.Cancel(0);
  cancel?.Release();
  const price = call?.Finish_GetPrice();
  call?.Release();
  return price;
}
`,
    },
    {
      name: "decision: a Cancel made before the try reaches finally only through an implicit exception: no report",
      code: `declare function work(): void;
function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  try {
    work();
    const price = call.Finish_GetPrice();
    log(price);
  } finally {
    cancel.Release();
  }
}
`,
    },
  ],
  invalid: [
    {
      name: "decision: Begin_ after a Cancel with no Finish_ before the exit is also cancel-without-finish",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Begin_GetPrice("IBM");
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
  call.Begin_GetPrice("IBM");
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a call object passed on after an exit that misses Finish_ has not escaped on that path",
      code: `declare function hand(call: unknown): void;
function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (ready) return;
  hand(call);
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          line: 5,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `declare function hand(call: unknown): void;
function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  if (ready) { call.Finish_GetPrice(); return; }
  hand(call);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a field call object released by the method after its Cancel, without Finish_",
      code: `class Quote {
  call!: AsyncIStockQuote;
  stop() {
    this.call.Begin_GetPrice("MSFT");
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
    this.call.Release();
  }
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          line: 6,
          column: 5,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `class Quote {
  call!: AsyncIStockQuote;
  stop() {
    this.call.Begin_GetPrice("MSFT");
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
    this.call.Finish_GetPrice();
    this.call.Release();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a Cancel on a parameter call object that this function began is known",
      code: `function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function stop(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: optional chaining on a possibly-undefined call object with no Finish_",
      code: `function quote(call: AsyncIStockQuote | undefined) {
  call?.Begin_GetPrice("MSFT");
  const cancel = call?.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel?.Cancel(0);
  cancel?.Release();
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote | undefined) {
  call?.Begin_GetPrice("MSFT");
  const cancel = call?.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel?.Cancel(0);
  cancel?.Release();
  call.Finish_GetPrice();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a Cancel made before the try reaches catch through an explicit throw: reported",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    if (!ready) throw new Error("not ready");
    const price = call.Finish_GetPrice();
    log(price);
  } catch (e) {
    log(e);
    return;
  }
}
`,
      errors: [
        {
          messageId: "cancelWithoutFinish",
          line: 4,
          column: 3,
          suggestions: [
            {
              messageId: "insertFinish",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  call.Begin_GetPrice("MSFT");
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    if (!ready) throw new Error("not ready");
    const price = call.Finish_GetPrice();
    log(price);
  } catch (e) {
    log(e);
    call.Finish_GetPrice();
    return;
  }
}
`,
            },
          ],
        },
      ],
    },
  ],
};

export const mismatchedFinish: RuleCases = {
  valid: [
    {
      name: "decision: after a begin-while-pending the first call is pending, so finishing it matches",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  call.Begin_GetVolume("MSFT");
  call.Finish_GetPrice();
}
`,
    },
  ],
  invalid: [
    {
      name: "decision: a mismatched Finish_ is one report; the call it finished is not pending afterwards",
      code: `function quote(call: AsyncIStockQuote) {
  call.Begin_GetPrice("MSFT");
  call.Finish_GetVolume();
  call.Begin_GetVolume("MSFT");
  call.Finish_GetVolume();
}
`,
      errors: [{ messageId: "mismatchedFinish", line: 3, column: 3 }],
    },
  ],
};

/** A typed wrapper's `CoCreateInstance`, which returns its pointer (spec 3a), with `early` before the Release. */
const SHELL_LINK = (early: string) => `declare function CoCreateInstance(clsid: unknown, iface: unknown): IUnknown;
declare const CLSID_ShellLink: unknown;
declare const IShellLinkW: unknown;
function link(quick: boolean): void {
  const shellLink = CoCreateInstance(CLSID_ShellLink, IShellLinkW);
${early}  shellLink.Release();
}
`;

/** A probe that links the factory's Release into a table, and releases through it when both are there. */
const GUARDED_RELEASE = (guard: string) => `import { FFIType, linkSymbols } from "bun:ffi";
declare const Taskschd: { DllGetClassObject(clsid: unknown, iid: unknown, out: unknown): number };
declare const CLSID_TaskScheduler: Buffer;
declare const IID_IClassFactory: Buffer;
declare const Kernel32: { ReadProcessMemory(...args: unknown[]): number; GetCurrentProcess(): bigint };
declare const ready: boolean;
const RELEASE_OFFSET = 16n;
function readPointer(address: bigint): bigint {
  const buffer = Buffer.alloc(8);
  if (Kernel32.ReadProcessMemory(Kernel32.GetCurrentProcess(), address, buffer.ptr!, 8n, null) === 0) throw new Error("ReadProcessMemory failed");
  return buffer.readBigUInt64LE(0);
}
export function probe(): void {
  let factory = 0n;
  let calls: { symbols: { Release(p: bigint): number } } | null = null;
  try {
    const box = Buffer.alloc(8);
    if (Taskschd.DllGetClassObject(CLSID_TaskScheduler.ptr, IID_IClassFactory.ptr, box.ptr) !== 0) throw new Error("DllGetClassObject failed");
    factory = box.readBigUInt64LE(0);
    const vtable = readPointer(factory);
    calls = linkSymbols({ Release: { ptr: readPointer(vtable + RELEASE_OFFSET), args: [FFIType.u64], returns: FFIType.u32 } });
  } finally {
    if (${guard}) calls.symbols.Release(factory);
  }
}
`;

/** Spec 3a: CoGetClassObject acquires through its out box; `early` follows the read (line 7). */
const CLASS_OBJECT = (early: string) => `declare function CoGetClassObject(clsid: unknown, ctx: number, info: null, iid: unknown, out: [IUnknown | null]): number;
declare const CLSID_StockQuote: unknown, IID_IClassFactory: unknown;
export function factory(flag: boolean): number {
  const out: [IUnknown | null] = [null];
  if (FAILED(CoGetClassObject(CLSID_StockQuote, 1, null, IID_IClassFactory, out))) return -1;
  const cf = out[0]!;
${early}  cf.Release();
  return 1;
}
`;

export const missingRelease: RuleCases = {
  valid: [
    {
      name: "decision: a release guarded by another test and the pointer's own null test (`calls !== null && factory !== 0n`): where the other fails, the code believes the pointer is not there; uncertain, silent",
      code: GUARDED_RELEASE("calls !== null && factory !== 0n"),
    },
    {
      name: "decision: an exported top-level pointer belongs to the importers",
      code: `declare const source: IUnknown;
export const top = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
`,
    },
    { name: "decision: CoCreateInstance of a typed wrapper returns its pointer (no out box), released", code: SHELL_LINK("") },
    {
      name: "decision: CoCreateInstance's out box, released after the check",
      code: `declare function CoCreateInstance(clsid: unknown, outer: unknown, ctx: number, iid: unknown, out: unknown[]): number;
declare const CLSID_Thing: unknown;
function make() {
  const out = [null];
  const hr = CoCreateInstance(CLSID_Thing, null, 1, IID_IUnknown, out);
  if (FAILED(hr)) return;
  out[0].DoIt();
  out[0].Release();
}
`,
    },
    {
      name: "decision: destructuring a box reads it, and the read pointer is released",
      code: `function cancelIt(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return;
  const [cancel] = out;
  cancel!.Release();
}
`,
    },
    {
      name: "decision: a function storing a pointer into a module-level variable hands it on",
      code: `let shared: ICancelMethodCalls | null = null;
function keep(call: AsyncIStockQuote) {
  shared = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
}
`,
    },
    {
      name: "decision: top-level code that releases its pointer before the module's end",
      code: `declare const source: AsyncIStockQuote;
const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
cancel.Release();
`,
    },
    {
      name: "decision: top-level code that stores its pointer in a collection",
      code: `declare const source: AsyncIStockQuote;
const live: unknown[] = [];
const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
live.push(cancel);
`,
    },
    {
      name: "decision: a pointer held when an implicit exception reaches catch is uncertain there: no report at its return",
      code: `function quote(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
  } catch {
    return;
  }
  cancel.Release();
}
`,
    },
    { name: "decision: CoGetClassObject's out box, released after the check", code: CLASS_OBJECT("") },
  ],
  invalid: [
    {
      name: "decision: a release guarded by other tests only (no null test of the pointer): where they fail, the pointer is owed",
      code: GUARDED_RELEASE("calls !== null && ready"),
      errors: [{ messageId: "missingRelease", data: { pointer: "factory", acquirer: "DllGetClassObject", reached: "the end of the function at line 25", release: "calls.symbols.Release(factory)" }, line: 18, column: 9 }],
    },
    {
      name: "decision: CoCreateInstance of a typed wrapper acquires its result (a leak on the early return)",
      code: SHELL_LINK("  if (quick) return;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "shellLink", acquirer: "CoCreateInstance", reached: "the return at line 6", release: "shellLink.Release()" },
          line: 5,
          column: 21,
          suggestions: [{ messageId: "insertReleaseAtExit", output: SHELL_LINK("  if (quick) { shellLink.Release(); return; }\n") }],
        },
      ],
    },
    {
      name: "decision: CoCreateInstance acquires through its out box (a leak on the early return)",
      code: `declare function CoCreateInstance(clsid: unknown, outer: unknown, ctx: number, iid: unknown, out: unknown[]): number;
declare const CLSID_Thing: unknown;
function make(ready: boolean) {
  const out = [null];
  const hr = CoCreateInstance(CLSID_Thing, null, 1, IID_IUnknown, out);
  if (FAILED(hr)) return;
  if (!ready) return;
  out[0].DoIt();
  out[0].Release();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          line: 5,
          column: 14,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              data: { pointer: "out[0]", count: "1" },
              output: `declare function CoCreateInstance(clsid: unknown, outer: unknown, ctx: number, iid: unknown, out: unknown[]): number;
declare const CLSID_Thing: unknown;
function make(ready: boolean) {
  const out = [null];
  const hr = CoCreateInstance(CLSID_Thing, null, 1, IID_IUnknown, out);
  if (FAILED(hr)) return;
  if (!ready) { out[0].Release(); return; }
  out[0].DoIt();
  out[0].Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: destructuring a box reads it: the pointer leaks when it is not released",
      code: `function cancelIt(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return;
  const [cancel] = out;
  cancel!.Cancel(0);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          line: 3,
          column: 14,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "out[0]" },
              output: `function cancelIt(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  try {
    if (FAILED(hr)) return;
    const [cancel] = out;
    cancel!.Cancel(0);
  } finally {
    out[0]?.Release();
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              data: { pointer: "out[0]", count: "1" },
              output: `function cancelIt(call: AsyncIStockQuote) {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return;
  const [cancel] = out;
  cancel!.Cancel(0);
  out[0]?.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: top-level code must release its pointers before the module's end",
      code: `declare const source: AsyncIStockQuote;
const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
`,
      errors: [
        {
          messageId: "missingRelease",
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `declare const source: AsyncIStockQuote;
const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
try {
  cancel.Cancel(0);
} finally {
  cancel.Release();
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `declare const source: AsyncIStockQuote;
const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
cancel.Release();
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: a pointer held when an explicit throw reaches catch leaks at its return",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    if (!ready) throw new Error("not ready");
    cancel.Cancel(0);
  } catch {
    return;
  }
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    if (!ready) throw new Error("not ready");
    cancel.Cancel(0);
  } catch {
    cancel.Release();
    return;
  }
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "decision: CoGetClassObject acquires through its out box (a leak on the early return)",
      code: CLASS_OBJECT("  if (flag) return 0;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cf", acquirer: "CoGetClassObject", reached: "the return at line 7", release: "cf.Release()" },
          line: 5,
          column: 14,
          suggestions: [{ messageId: "insertReleaseAtExit", output: CLASS_OBJECT("  if (flag) { cf.Release(); return 0; }\n") }],
        },
      ],
    },
  ],
};

export const useAfterRelease: RuleCases = {
  valid: [
    {
      name: "decision: a Release that reaches catch only through an implicit exception does not make the catch's Release a double release",
      code: `declare function work(): void;
function quote(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    work();
    cancel.Release();
    work();
  } catch {
    cancel.Release();
  }
}
`,
    },
  ],
  invalid: [
    {
      name: "decision: after a Release, only the first use on the path is reported",
      code: `function quote(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Release();
  cancel.Cancel(0);
  cancel.TestCancel();
  cancel.Release();
}
`,
      errors: [{ messageId: "useAfterRelease", line: 4, column: 3 }],
    },
    {
      name: "decision: one report per path, for the first use on each",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) {
    cancel.Release();
    cancel.Cancel(0);
    cancel.TestCancel();
  } else {
    cancel.Release();
    cancel.Release();
  }
}
`,
      errors: [
        { messageId: "useAfterRelease", line: 5, column: 5 },
        { messageId: "useAfterRelease", line: 9, column: 5 },
      ],
    },
  ],
};
