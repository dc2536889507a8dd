import { leakCase, releasedInFinally } from "./leaks";
import type { RuleCases } from "./types";

/** A local holding one cancel pointer, assigned another (`between`: what runs before the assignment). */
const REASSIGNED = (between: string) => `export function cancelBoth(a: AsyncIStockQuote, b: AsyncIStockQuote): void {
  let cancel = a.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
${between}  cancel = b.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`;

/** An endless loop inside `try`/`finally`: the function's end is reached only by an exception. */
const ENDLESS_POLL = `async function poll(call: AsyncIStockQuote, wait: () => Promise<void>) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    for (;;) {
      if (cancel.TestCancel() !== 0) return 1;
      await wait();
    }
  } finally {
    await wait();
  }
}
`;

/** A `try` block whose last statement returns a use of the pointer. */
const RETURNS_A_USE = `function wrap(call: AsyncIStockQuote, log: string[]) {
  let cancel;
  try {
    cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    return cancel.TestCancel();
  } finally {
    log.push("done");
  }
}
`;

/** A call object from `CoCreateInstance` driven through a dispatcher, never released (the file has no Release to copy). */
const RAW_CALL = `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare function CoCreateInstance(clsid: unknown, outer: null, ctx: number, iid: unknown, out: [bigint | null]): number;
declare const ASYNCISTOCKQUOTE_BEGIN_GETPRICE: number, ASYNCISTOCKQUOTE_FINISH_GETPRICE: number, CLSID_StockQuote: unknown, IID_AsyncIStockQuote: unknown;
function fetchPrice(symbol: string): void {
  const out: [bigint | null] = [null];
  const hr = CoCreateInstance(CLSID_StockQuote, null, 1, IID_AsyncIStockQuote, out);
  if (hr !== 0) return;
  const call = out[0]!;
  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], [symbol]);
  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);
}
`;

/** Spec 2 shape 5: a QueryInterface whose IID is spelled `iid` (`__uuidof(IStockQuote)`, bare `IStockQuote`), its pointer used (line 5) and never released; `end` closes the function. */
const SPELLED_IID = (iid: string) => (end: string) => `declare function __uuidof(i: unknown): IID;
declare const IStockQuote: IID;
export function name(call: AsyncIStockQuote) {
  const p = call.QueryInterface(${iid});
  p.Foo();
${end}}
`;

/** Option `releaseMethods: ["Dispose"]`: a binding whose objects are released with Dispose(); `end` closes the function. */
const DISPOSED = (end: string) => `interface Obj { QueryInterface(iid: IID): Obj; Dispose(): void; Run(): void }
export function use(obj: Obj) {
  const other = obj.QueryInterface(IID_IStockQuote);
  other.Run();
${end}}
`;
const DISPOSE = [{ releaseMethods: ["Dispose"] }];

/** A CreateCall inside `try` whose `catch` returns (nothing acquired there); `early` runs after the Finish_ (line 10). */
const CREATE_CALL_IN_TRY = (early: string) => `export function make(factory: ICallFactory): number {
  let call: AsyncIStockQuote;
  try {
    call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  } catch {
    return -1;
  }
  call.Begin_GetPrice("MSFT");
  const price = call.Finish_GetPrice();
${early}  call.Release();
  return price;
}
`;

/** A binding whose QueryInterface gives a disposable pointer (`T & Disposable`); `rest` follows the acquisition. */
const DISPOSABLE_QUERY = (rest: string, keyword = "const") => `interface DisposableCall extends AsyncIStockQuote { QueryInterface<T extends IUnknown>(iid: IID): T & Disposable }
export function stop(call: DisposableCall, quick: boolean): void {
  ${keyword} cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
${rest}}
`;

/** The disposable pointer cast to its interface, which has no `[Symbol.dispose]`. */
const CAST_DISPOSABLE = DISPOSABLE_QUERY("  cancel.Cancel(0);\n").replace("(IID_ICancelMethodCalls);", "(IID_ICancelMethodCalls) as ICancelMethodCalls;");

/** A vtable table (spec 2a shape 6, `lpVtbl.Release(p)`) `declared` (a module constant or a parameter `lpVtbl: Vtbl`); `early` follows the read (line 7). */
const LPVTBL = (declared: "module" | "parameter", early: string) => `interface Vtbl { QueryInterface(self: bigint, iid: unknown, out: BigUint64Array): number; Release(self: bigint): number; GetName(self: bigint): number }
${declared === "module" ? "declare const lpVtbl: Vtbl;" : "// lpVtbl is a parameter of name()"}
export function name(obj: bigint, flag: boolean${declared === "parameter" ? ", lpVtbl: Vtbl" : ""}): number {
  const out = new BigUint64Array(1);
  if (lpVtbl.QueryInterface(obj, IID_IStockQuote, out) < 0) return -1;
  const quote = out[0];
${early}  const n = lpVtbl.GetName(quote);
  lpVtbl.Release(quote);
  return n;
}
`;

export const cases: RuleCases = {
  valid: [
    {
      name: "a library's lookup named QueryInterface, on a type with no Release (`pool.QueryInterface(\"ICache\")`), hands out nothing to release",
      code: `interface Connection { run(): void }
interface Pool { QueryInterface(name: string): Connection | null }
export function warm(pool: Pool): void {
  const cache = pool.QueryInterface("ICache");
  cache?.run();
}
`,
    },
    { name: "a local released before it is assigned another pointer", code: REASSIGNED("  cancel.Release();\n") },
    {
      name: "a call object kept in an `accessor` field is stored into the instance, as a plain field's is (ESLint makes no code path for an accessor's initializer)",
      code: `declare const factory: ICallFactory;
export class Quote {
  accessor call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  dispose(): void {
    this.call.Release();
  }
}
`,
    },
    {
      name: "released on the only path",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "released in finally",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    if (ready) return;
    cancel.Cancel(0);
  } finally {
    cancel.Release();
  }
}
`,
    },
    {
      name: "released on both branches",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) {
    cancel.Release();
    return;
  }
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "failure branch of a raw QueryInterface owns nothing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [IUnknown | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return;
  (out[0] as ICancelMethodCalls).Cancel(0);
  out[0]!.Release();
}
`,
    },
    {
      name: "failure branch of hr !== S_OK owns nothing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out = { value: null as IUnknown | null };
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (hr !== S_OK) {
    return;
  }
  out.value!.Release();
}
`,
    },
    {
      name: "null check of a nullable result",
      code: `function quote(source: NullableQuery) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (!cancel) return;
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "catch of a throwing QueryInterface owns nothing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  let cancel: ICancelMethodCalls;
  try {
    cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  } catch {
    return;
  }
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "a Release that throws still releases",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Release();
  } catch (e) {
    log(e);
  }
}
`,
    },
    {
      name: "returned pointers are the caller's to release",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  return cancel;
}
`,
    },
    {
      name: "a pointer stored in a field escapes",
      code: `class Holder {
  cancel?: ICancelMethodCalls;
  hold(call: AsyncIStockQuote) {
    this.cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  }
}
`,
    },
    {
      name: "a class field initializer stores the pointer in the field",
      code: `class Quote {
  constructor(private call: AsyncIStockQuote) {}
  cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
}
`,
    },
    {
      name: "a pointer stored in an outer variable, an array or an object escapes",
      code: `const kept: ICancelMethodCalls[] = [];
let last: ICancelMethodCalls | undefined;
function quote(call: AsyncIStockQuote) {
  const a = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  kept.push(a);
  const b = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  last = b;
  const c = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  return { c };
}
`,
    },
    {
      name: "passed to a function that is not analysed",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  log(cancel);
}
`,
    },
    {
      name: "a release wrapper counts as Release",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  release(cancel);
}
`,
    },
    {
      name: "using releases at scope exit",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  using cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls) as ICancelMethodCalls & Disposable;
  cancel.Cancel(0);
}
`,
    },
    {
      name: "released through an alias",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  const alias = cancel;
  alias.Release();
}
`,
    },
    {
      name: "acquired and released in every loop turn",
      code: `function all(calls: AsyncIStockQuote[]) {
  for (const call of calls) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
  }
}
`,
    },
    {
      name: "optional chain release on a nullable pointer",
      code: `function quote(source: NullableQuery) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel?.Release();
}
`,
    },
    {
      name: "short-circuit && guards both the use and the release",
      code: `function quote(source: NullableQuery) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel && cancel.Release();
}
`,
    },
    {
      name: "XPCOM QueryInterface has no Release",
      code: `function observe(subject: any) {
  const channel = subject.QueryInterface(Components.interfaces.nsIHttpChannel);
  const file = subject.QueryInterface(Ci.nsIFile);
  return channel.name + file.path;
}
`,
    },
    {
      name: "ActiveX and winax objects are not tracked",
      code: `function excel(winax: any) {
  const app = new winax.Object("Excel.Application");
  app.Visible = true;
  app.Quit();
  const shell = new ActiveXObject("WScript.Shell");
  shell.Run("notepad");
}
declare const ActiveXObject: any;
`,
    },
    {
      name: "a pool's release() is not a COM pointer",
      code: `async function query(pool: { connect(): Promise<{ release(): void; query(q: string): Promise<void> }> }) {
  const client = await pool.connect();
  await client.query("select 1");
  client.release();
}
`,
    },
    {
      name: "a captured pointer is released by the callback",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  setTimeout(() => cancel.Release(), 10);
}
`,
    },
    {
      name: "an IIFE releases in place",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  (function () {
    cancel.Release();
  })();
}
`,
    },
    {
      name: "a leak reached only through an implicit exception is uncertain and not reported",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
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
    {
      name: "a QueryInterface with an IID held in a variable is judged by type only",
      mode: "untyped",
      code: `function quote(call: AsyncIStockQuote, iid: IID) {
  const p = call.QueryInterface(iid);
  p.Foo();
}
`,
    },
    {
      name: "the failure branch of an HRESULT test kept in a variable owns nothing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [IUnknown | null] = [null];
  const failed = FAILED(call.QueryInterface(IID_ICancelMethodCalls, out));
  if (failed) return;
  out[0]!.Release();
}
`,
    },
    {
      name: "break and continue run the finally that releases",
      code: `function all(calls: AsyncIStockQuote[]) {
  for (const call of calls) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    try {
      if (!call) continue;
      if (calls.length > 2) break;
      cancel.Cancel(0);
    } finally {
      cancel.Release();
    }
  }
}
`,
    },
    {
      name: "release guarded by a null test in finally",
      code: `function quote(call: AsyncIStockQuote) {
  let cancel: ICancelMethodCalls | null = null;
  try {
    cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
  } finally {
    if (cancel) cancel.Release();
  }
}
`,
    },
    {
      name: "option `releaseMethods: [\"Dispose\"]`: a pointer disposed on every path is released",
      code: DISPOSED("  other.Dispose();\n"),
      options: DISPOSE,
    },
    {
      name: "a CreateCall that throws acquires nothing: the catch's return owns no call object, the normal path releases it",
      code: CREATE_CALL_IN_TRY(""),
    },
    {
      name: "XPCOM: an object whose QueryInterface is ChromeUtils.generateQI, querying Ci and Components.interfaces: never reported",
      code: `const observer = {
  QueryInterface: ChromeUtils.generateQI(["nsIObserver", "nsISupportsWeakReference"]),
  observe(subject: any, topic: string) {
    const channel = subject.QueryInterface(Ci.nsIHttpChannel);
    channel.cancel(0);
  },
};
export function watch(win: any) {
  const requestor = win.QueryInterface(Components.interfaces.nsIInterfaceRequestor);
  const nav = requestor.getInterface(Ci.nsIWebNavigation);
  nav.stop(0);
  return observer;
}
declare const ChromeUtils: any, Ci: any, Components: any;
`,
    },
    {
      name: "vtable table methods (spec 2a shape 6, `lpVtbl.QueryInterface(obj, iid, out)` / `lpVtbl.Release(p)`): a pointer released through the table on every path",
      code: LPVTBL("parameter", ""),
    },
    {
      name: "a generator yields the pointer it acquired: handed to the consumer, even where the generator is closed at that yield",
      code: `function* items(coll: IUnknown, more: boolean): Generator<IUnknown> {
  const item = coll.QueryInterface<IUnknown>(IID_IStockQuote);
  if (more) { yield item; return; }
  item.Release();
}
`,
    },
  ],
  invalid: [
    {
      name: "an acquisition whose statement drops its result: nothing can release it, its own message (keep it in a variable), no repair",
      code: `function probe(obj: IUnknown) {
  obj.QueryInterface<IUnknown>(IID_IFoo);
}
`,
      errors: [{ messageId: "missingReleaseUnnamed", data: { pointer: "obj.QueryInterface<IUnknown>(IID_IFoo)" }, line: 2, column: 3, suggestions: [] }],
    },
    {
      name: "a pointer used in place and never kept (obj.QueryInterface(iid).GetName()): the same message, not a Release of the call written again",
      code: `function nameOf(obj: IUnknown & { QueryInterface(iid: unknown): { GetName(): string } }) {
  return obj.QueryInterface(IID_IFoo).GetName();
}
`,
      errors: [{ messageId: "missingReleaseUnnamed", data: { pointer: "obj.QueryInterface(IID_IFoo)" }, line: 2, column: 10, suggestions: [] }],
    },
    {
      name: "a dropped acquisition in a loop, awaited, with a long call: named by its callee, arguments elided (not cut inside a name)",
      code: `async function probeAll(com: { createInstance(clsid: string, iid: string): Promise<bigint> }) {
  for (let i = 0; i < 3; i++) await com.createInstance("{C2CF3110-460E-4fc1-B9D0-8A1C0C9CC4BD}", "{B92B56A9-8B55-4E14-9A89-0199BBB6F93B}");
}
`,
      options: [{ acquireFunctions: [{ name: "com.createInstance" }] }],
      errors: [{ messageId: "missingReleaseUnnamed", data: { pointer: "com.createInstance(…)" }, line: 2, column: 37, suggestions: [] }],
    },
    {
      name: "a local assigned another pointer made from the first (`p = p.QueryInterface(...)`): lost there, no Release written before (the new one is made from it)",
      code: `function chain(obj: IUnknown) {
  let p = obj.QueryInterface<IUnknown>(IID_IFoo);
  p = p.QueryInterface<IUnknown>(IID_IBar);
  p.Release();
}
`,
      errors: [{ messageId: "missingReleaseBeforeLoss", line: 2, column: 11, suggestions: [] }],
    },
    {
      name: "a local that holds a pointer on one path only (`if (c) p = ...`), assigned another: lost there, no Release written before (the other path holds null)",
      code: `function either(a: IUnknown, b: IUnknown, c: boolean) {
  let p: IUnknown | null = null;
  if (c) p = a.QueryInterface<IUnknown>(IID_IFoo);
  p = b.QueryInterface<IUnknown>(IID_IFoo);
  p.Release();
}
`,
      errors: [{ messageId: "missingReleaseBeforeLoss", line: 3, column: 14, suggestions: [] }],
    },
    {
      name: "a local set to null on one path, in a block with no other protocol call: the pointer is lost there",
      code: `function drop(obj: IUnknown, flag: boolean) {
  let p: IUnknown | null = obj.QueryInterface<IUnknown>(IID_IFoo);
  if (flag) {
    p = null;
  }
  p?.Release();
}
`,
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          line: 2,
          column: 28,
          suggestions: [
            {
              messageId: "insertReleaseBeforeOverwrite",
              output: `function drop(obj: IUnknown, flag: boolean) {
  let p: IUnknown | null = obj.QueryInterface<IUnknown>(IID_IFoo);
  if (flag) {
    p?.Release();
    p = null;
  }
  p?.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a local assigned another pointer before it releases the first: lost at the assignment, released just before it (a `finally` would release the second)",
      code: REASSIGNED(""),
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "line 4, where `cancel`, which holds it, is assigned again", release: "cancel.Release()" },
          line: 2,
          column: 16,
          suggestions: [{ messageId: "insertReleaseBeforeOverwrite", data: { pointer: "cancel", variable: "cancel" }, output: REASSIGNED("  cancel.Release();\n") }],
        },
      ],
    },
    {
      name: "a local assigned another pointer where only some paths released the first: lost there, and no Release written before the assignment (it would run twice)",
      code: REASSIGNED("  if (a.TestCancel?.()) cancel.Release();\n"),
      errors: [{ messageId: "missingReleaseBeforeLoss", data: { pointer: "cancel", acquirer: "QueryInterface", reached: "line 5, where `cancel`, which holds it, is assigned again", release: "cancel.Release()" }, line: 2, column: 16, suggestions: [] }],
    },
    {
      name: "a return inside `try` whose `finally` does not release: reported at that return (not the end of the function), with the Release written before it",
      code: `function price(factory: ICallFactory, bad: boolean): number {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  try {
    if (bad) return -1;
    call.Release();
    return 0;
  } finally {
    log("done");
  }
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "call", acquirer: "CreateCall", reached: "the return at line 4", release: "call.Release()" },
          line: 2,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `function price(factory: ICallFactory, bad: boolean): number {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  try {
    if (bad) { call.Release(); return -1; }
    call.Release();
    return 0;
  } finally {
    log("done");
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a return inside `try` whose `finally` releases on some paths: reported at that return, with no Release written before it (the `finally` might release it again)",
      code: `function price(factory: ICallFactory, bad: boolean, done: boolean): number {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  try {
    if (bad) return -1;
    log(call);
    return 0;
  } finally {
    if (done) call.Release();
  }
}
`,
      errors: [{ messageId: "missingRelease", data: { pointer: "call", acquirer: "CreateCall", reached: "the return at line 4", release: "call.Release()" }, line: 2, suggestions: [] }],
    },
    {
      name: "a raw call object whose only dispatches are its Begin_ and Finish_ through a dispatcher: the Release is written through that dispatcher",
      code: RAW_CALL,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "call", acquirer: "CoCreateInstance", reached: "the end of the function at line 11", release: "vcall(call, 2, [], [])" },
          line: 6,
          column: 14,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: RAW_CALL.replace(
                "  vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], [symbol]);\n  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n",
                "  try {\n    vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], [symbol]);\n    vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n  } finally {\n    vcall(call, 2, [], []);\n  }\n",
              ),
            },
            { messageId: "insertReleaseAtExit", output: RAW_CALL.replace("  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n", "  vcall(call, ASYNCISTOCKQUOTE_FINISH_GETPRICE, [], []);\n  vcall(call, 2, [], []);\n") },
          ],
        },
      ],
    },
    {
      name: "never released",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 4", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
  } finally {
    cancel.Release();
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an early return leaks",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) return;
  cancel.Cancel(0);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 3", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) { cancel.Release(); return; }
  cancel.Cancel(0);
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an explicit throw leaks",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (!ready) throw new Error("not ready");
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the throw at line 3", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (!ready) { cancel.Release(); throw new Error("not ready"); }
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an explicit throw caught by a catch that returns leaks",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    if (!ready) throw new Error("not ready");
  } catch {
    return;
  }
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 6", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    if (!ready) throw new Error("not ready");
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
      name: "a loop iteration that continues leaks",
      code: `function all(calls: AsyncIStockQuote[]) {
  for (const call of calls) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    if (!call) continue;
    cancel.Release();
  }
}
`,
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "line 3, where it is acquired again", release: "cancel.Release()" },
          line: 3,
          column: 20,
        },
      ],
    },
    {
      name: "a labeled break leaks",
      code: `function all(calls: AsyncIStockQuote[]) {
  outer: while (calls.length > 0) {
    const call = calls.pop()!;
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    for (const other of calls) {
      if (other === call) break outer;
    }
    cancel.Release();
  }
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 10", release: "cancel.Release()" },
          line: 4,
          column: 20,
        },
      ],
    },
    {
      name: "switch fall-through misses the release in one case",
      code: `function quote(call: AsyncIStockQuote, mode: number) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  switch (mode) {
    case 0:
      cancel.Cancel(0);
    case 1:
      cancel.Release();
      break;
    case 2:
      log("two");
  }
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 12", release: "cancel.Release()" },
          line: 2,
          column: 18,
        },
      ],
    },
    {
      name: "a successful raw QueryInterface not released",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [IUnknown | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return;
  (out[0] as ICancelMethodCalls).Cancel(0);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "out[0]", acquirer: "QueryInterface", reached: "the end of the function at line 6", release: "out[0]?.Release()" },
          line: 3,
          column: 14,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [IUnknown | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  try {
    if (FAILED(hr)) return;
    (out[0] as ICancelMethodCalls).Cancel(0);
  } finally {
    out[0]?.Release();
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const out: [IUnknown | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return;
  (out[0] as ICancelMethodCalls).Cancel(0);
  out[0]?.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "CreateCall result never released",
      code: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "call", acquirer: "CreateCall", reached: "the end of the function at line 5", release: "call.Release()" },
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  try {
    call.Begin_GetPrice("MSFT");
    call.Finish_GetPrice();
  } finally {
    call.Release();
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Finish_GetPrice();
  call.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "nullable result checked, then the non-null path leaks",
      code: `function quote(source: NullableQuery, ready: boolean) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (cancel === null) return;
  if (ready) return;
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 4", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(source: NullableQuery, ready: boolean) {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (cancel === null) return;
  if (ready) { cancel.Release(); return; }
  cancel.Release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "?? short-circuit: the fallback leaks",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  const other = ready ?? cancel.Release();
  log(other);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 5", release: "cancel.Release()" },
          line: 2,
          column: 18,
        },
      ],
    },
    {
      name: "an arrow function leaks",
      code: `const quote = (call: AsyncIStockQuote) => {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
};
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 4", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `const quote = (call: AsyncIStockQuote) => {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
  } finally {
    cancel.Release();
  }
};
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `const quote = (call: AsyncIStockQuote) => {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
};
`,
            },
          ],
        },
      ],
    },
    {
      name: "a method leaks",
      code: `class Quote {
  stop(call: AsyncIStockQuote) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
  }
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 5", release: "cancel.Release()" },
          line: 3,
          column: 20,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `class Quote {
  stop(call: AsyncIStockQuote) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    try {
      cancel.Cancel(0);
    } finally {
      cancel.Release();
    }
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `class Quote {
  stop(call: AsyncIStockQuote) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a class field initializer that leaks in place",
      code: `class Quote {
  constructor(private call: AsyncIStockQuote) {}
  ready = (() => {
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    return cancel !== null;
  })();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 6", release: "cancel.Release()" },
          line: 4,
          column: 20,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `class Quote {
  constructor(private call: AsyncIStockQuote) {}
  ready = (() => {
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    try {
      return cancel !== null;
    } finally {
      cancel.Release();
    }
  })();
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `class Quote {
  constructor(private call: AsyncIStockQuote) {}
  ready = (() => {
    const cancel = this.call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Release();
    return cancel !== null;
  })();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "module-level code leaks",
      code: `declare const call: AsyncIStockQuote;
const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the module at line 4", release: "cancel.Release()" },
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `declare const call: AsyncIStockQuote;
const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
try {
  cancel.Cancel(0);
} finally {
  cancel.Release();
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `declare const call: AsyncIStockQuote;
const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
cancel.Cancel(0);
cancel.Release();
`,
            },
          ],
        },
      ],
    },
    {
      name: "a nested function's release does not count for its parent",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  function cleanup(p: ICancelMethodCalls) {
    p.Release();
  }
  return cleanup;
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 7", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  function cleanup(p: ICancelMethodCalls) {
    p.Release();
  }
  cancel.Release();
  return cleanup;
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "do-while loop re-acquires before releasing",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  let cancel: ICancelMethodCalls;
  do {
    cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
  } while (!ready);
  cancel.Release();
}
`,
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "line 4, where it is acquired again", release: "cancel.Release()" },
          line: 4,
          column: 14,
        },
      ],
    },
    {
      name: "an exit that still uses the pointer gets only the try/finally suggestion",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) return 0;
  return cancel.TestCancel();
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 3", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    if (ready) return 0;
    return cancel.TestCancel();
  } finally {
    cancel.Release();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a return inside try with a finally reaches the function's end only by an exception: no Release is offered after the try, where it would never run",
      code: `function quote(call: AsyncIStockQuote, log: string[]) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try { return cancel.TestCancel(); }
  finally { log.push("done"); }
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 3", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `function quote(call: AsyncIStockQuote, log: string[]) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    try { return cancel.TestCancel(); }
    finally { log.push("done"); }
  } finally {
    cancel.Release();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an endless loop inside try with a finally: the function's end is reached only by an exception, so no Release is offered after the loop (only before the return inside it)",
      code: ENDLESS_POLL,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 5", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            { messageId: "insertReleaseFinally", output: releasedInFinally(ENDLESS_POLL, ENDLESS_POLL.slice(ENDLESS_POLL.indexOf("  try {"), ENDLESS_POLL.lastIndexOf("}")), "cancel.Release()") },
            // The return inside the loop, through the `finally` (which releases nothing), is where it leaks.
            { messageId: "insertReleaseAtExit", output: ENDLESS_POLL.replace("return 1;", "{ cancel.Release(); return 1; }") },
          ],
        },
      ],
    },
    {
      name: "a block whose last statement returns a use of the pointer (return cancel.TestCancel()): no Release is offered before that return, which would use it released",
      code: RETURNS_A_USE,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 5", release: "cancel.Release()" },
          line: 4,
          column: 14,
          suggestions: [{ messageId: "insertReleaseFinally", output: releasedInFinally(RETURNS_A_USE, "    return cancel.TestCancel();\n", "cancel.Release()") }],
        },
      ],
    },
    {
      name: "two early returns leak: the suggestion releases before both",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) return 1;
  cancel.Cancel(0);
  if (!ready) {
    return 2;
  }
  cancel.Release();
  return 0;
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the return at line 3", release: "cancel.Release()" },
          line: 2,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseAtExits",
              output: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) { cancel.Release(); return 1; }
  cancel.Cancel(0);
  if (!ready) {
    cancel.Release();
    return 2;
  }
  cancel.Release();
  return 0;
}
`,
            },
          ],
        },
      ],
    },
    leakCase(
      "spec 2 shape 5: an IID spelled `__uuidof(IStockQuote)` marks a COM QueryInterface (unlike an IID held in a variable, untyped): its pointer, never released, leaks",
      SPELLED_IID("__uuidof(IStockQuote)"),
      { pointer: "p", acquirer: "QueryInterface", reached: "the end of the function at line 6" },
      [4, 13],
      "p.Release()",
      "  p.Foo();\n",
    ),
    leakCase(
      "spec 2 shape 5: an IID spelled as the bare interface name (`IStockQuote`) marks a COM QueryInterface: its pointer, never released, leaks",
      SPELLED_IID("IStockQuote"),
      { pointer: "p", acquirer: "QueryInterface", reached: "the end of the function at line 6" },
      [4, 13],
      "p.Release()",
      "  p.Foo();\n",
    ),
    {
      ...leakCase(
        "option `releaseMethods: [\"Dispose\"]`: a pointer never disposed; the message and both repairs use `other.Dispose()`, not `.Release()` (spec 4)",
        DISPOSED,
        { pointer: "other", acquirer: "QueryInterface", reached: "the end of the function at line 5" },
        [3, 17],
        "other.Dispose()",
        "  other.Run();\n",
      ),
      options: DISPOSE,
    },
    {
      name: "a CreateCall that throws acquires nothing, but once it succeeded a later early return leaks the call object; the repair releases it before that return, after the `try` whose handler returns",
      code: CREATE_CALL_IN_TRY("  if (price < 0) return -2;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "call", acquirer: "CreateCall", reached: "the return at line 10", release: "call.Release()" },
          line: 4,
          column: 12,
          suggestions: [{ messageId: "insertReleaseAtExit", output: CREATE_CALL_IN_TRY("  if (price < 0) { call.Release(); return -2; }\n") }],
        },
      ],
    },
    {
      name: "a pointer assigned in a `try` that throws after the assignment leaks in the handler too, where a Release would also run when the acquisition threw: no repair",
      code: CREATE_CALL_IN_TRY("  if (price < 0) return -2;\n").replace("null);\n  } catch", "null);\n    if (Math.random() < 0.5) throw new Error();\n  } catch"),
      errors: [{ messageId: "missingRelease", data: { pointer: "call", acquirer: "CreateCall", reached: "the return at line 7", release: "call.Release()" }, line: 4, column: 12 }],
    },
    {
      name: "a pointer assigned in a `try` whose handler falls through may be unassigned after it: no repair releases it after the `try`",
      code: CREATE_CALL_IN_TRY("  if (price < 0) return -2;\n").replace("    return -1;\n", "    log(-1);\n"),
      errors: [{ messageId: "missingRelease", data: { pointer: "call", acquirer: "CreateCall", reached: "the return at line 10", release: "call.Release()" }, line: 4, column: 12 }],
    },
    {
      name: "vtable table methods (spec 2a shape 6) on a table given as a parameter: a return skips `lpVtbl.Release(quote)`, which the repair writes before it",
      code: LPVTBL("parameter", "  if (flag) return -2;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "quote", acquirer: "QueryInterface", reached: "the return at line 7", release: "lpVtbl.Release(quote)" },
          line: 5,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", output: LPVTBL("parameter", "  if (flag) { lpVtbl.Release(quote); return -2; }\n") }],
        },
      ],
    },
    {
      name: "vtable table methods (spec 2a shape 6) on a module table: a return skips `lpVtbl.Release(quote)`, which the repair writes before it",
      code: LPVTBL("module", "  if (flag) return -2;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "quote", acquirer: "QueryInterface", reached: "the return at line 7", release: "lpVtbl.Release(quote)" },
          line: 5,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", output: LPVTBL("module", "  if (flag) { lpVtbl.Release(quote); return -2; }\n") }],
        },
      ],
    },
    {
      name: "spec 4: a disposable pointer (typed `[Symbol.dispose]`) never released: the first repair declares it with `using`",
      mode: "typed",
      code: DISPOSABLE_QUERY("  cancel.Cancel(0);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 5", release: "cancel.Release()" },
          line: 3,
          column: 18,
          suggestions: [
            { messageId: "declareWithUsing", data: { pointer: "cancel" }, output: DISPOSABLE_QUERY("  cancel.Cancel(0);\n", "using") },
            { messageId: "insertReleaseFinally", output: DISPOSABLE_QUERY("  try {\n    cancel.Cancel(0);\n  } finally {\n    cancel.Release();\n  }\n") },
            { messageId: "insertReleaseAtExit", output: DISPOSABLE_QUERY("  cancel.Cancel(0);\n  cancel.Release();\n") },
          ],
        },
      ],
    },
    {
      name: "spec 4: a disposable pointer cast to a type without `[Symbol.dispose]` (`as ICancelMethodCalls`): no `using`, which would not compile",
      mode: "typed",
      code: CAST_DISPOSABLE,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 5", release: "cancel.Release()" },
          line: 3,
          column: 18,
          suggestions: [
            { messageId: "insertReleaseFinally", output: CAST_DISPOSABLE.replace("  cancel.Cancel(0);\n", "  try {\n    cancel.Cancel(0);\n  } finally {\n    cancel.Release();\n  }\n") },
            { messageId: "insertReleaseAtExit", output: CAST_DISPOSABLE.replace("  cancel.Cancel(0);\n", "  cancel.Cancel(0);\n  cancel.Release();\n") },
          ],
        },
      ],
    },
    {
      name: "spec 4: a disposable pointer released on one path only: no `using` (its disposal would release it a second time there)",
      mode: "typed",
      code: DISPOSABLE_QUERY("  if (quick) { cancel.Release(); return; }\n  cancel.Cancel(0);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 6", release: "cancel.Release()" },
          line: 3,
          column: 18,
        },
      ],
    },
    {
      name: "spec 4: without type information nothing says a pointer is disposable: no `using` repair",
      mode: "untyped",
      code: DISPOSABLE_QUERY("  cancel.Cancel(0);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "cancel", acquirer: "QueryInterface", reached: "the end of the function at line 5", release: "cancel.Release()" },
          line: 3,
          column: 18,
          suggestions: [
            { messageId: "insertReleaseFinally", output: DISPOSABLE_QUERY("  try {\n    cancel.Cancel(0);\n  } finally {\n    cancel.Release();\n  }\n") },
            { messageId: "insertReleaseAtExit", output: DISPOSABLE_QUERY("  cancel.Cancel(0);\n  cancel.Release();\n") },
          ],
        },
      ],
    },
    {
      name: "a generator that yields something else keeps the pointer it acquired: not released at its end, it leaks; only a `finally` repairs it (its consumer may close it at the yield)",
      code: `function* names(coll: IUnknown): Generator<string> {
  const item = coll.QueryInterface<IUnknown>(IID_IStockQuote);
  yield "first";
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "item", acquirer: "QueryInterface", reached: "the end of the function at line 4", release: "item.Release()" },
          line: 2,
          column: 16,
          suggestions: [
            { messageId: "insertReleaseFinally", output: `function* names(coll: IUnknown): Generator<string> {
  const item = coll.QueryInterface<IUnknown>(IID_IStockQuote);
  try {
    yield "first";
  } finally {
    item.Release();
  }
}
` },
          ],
        },
      ],
    },
  ],
};
