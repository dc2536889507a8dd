/**
 * A native export that hands out its object as its result (`BigInt(Shlwapi.SHCreateMemStream(null, 0))`, a public
 * bun:ffi print-ticket example's way), not through a box: the evidence rule of spec 2a. The result is an acquisition
 * when the file uses that value as a COM object (releases it, calls through its vtable, hands it to a function of the
 * file that does), never frees it as memory, and releases what the export returns at this call or another: no COM
 * convention says who owns an object returned without a box (a borrowed device), the file's own Release does.
 */
import type { RuleCases } from "./types";

const PRELUDE = `import { CFunction, FFIType, read } from "bun:ffi";
import Shlwapi from "@bun-win32/shlwapi";
import Kernel32 from "@bun-win32/kernel32";
const IUNKNOWN_ADDREF = 1;
const IUNKNOWN_RELEASE = 2;
const ISTREAM_SEEK = 5;
function vtableCall(object: bigint, slot: number, argv: readonly unknown[]): number {
  const address = read.ptr(read.ptr(Number(object), 0), slot * 8);
  return (CFunction as any)({ ptr: address, args: [FFIType.ptr], returns: FFIType.i32 })(object, ...argv);
}
`;

const report = (body: string) => `${PRELUDE}export function report(ready: boolean): number {
${body}}
`;

export const cases: RuleCases = {
  valid: [
    {
      name: "a native export's result used as a COM object and released on every path",
      code: report(`  const stream = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  if (!ready) {
    vtableCall(stream, IUNKNOWN_RELEASE, []);
    return -1;
  }
  const hr = vtableCall(stream, ISTREAM_SEEK, [0n, 0]);
  vtableCall(stream, IUNKNOWN_RELEASE, []);
  return hr;
`),
    },
    {
      name: "a native export's result the file never uses as a COM object (a handle, closed by its own API) is not tracked",
      code: report(`  const event = BigInt(Kernel32.CreateEventW(null, 1, 0, null));
  if (!ready) return -1;
  Kernel32.SetEvent(event);
  Kernel32.CloseHandle(event);
  return 0;
`),
    },
    {
      name: "a native export's result freed as memory is no COM object, even passed to a vtable call",
      code: report(`  const text = Kernel32.LocalAlloc(0, 64);
  if (!ready) return -1;
  vtableCall(text, ISTREAM_SEEK, [0n, 0]);
  Kernel32.LocalFree(text);
  return 0;
`),
    },
    {
      name: "a native export's result used as a COM object that the file never releases at any call (a borrowed object) is not tracked",
      code: report(`  const device = BigInt(Shlwapi.SHGetDevice());
  if (!ready) return -1;
  return vtableCall(device, ISTREAM_SEEK, [0n, 0]);
`),
    },
    {
      name: "a native export's result converted, then freed as memory, is no COM object",
      code: report(`  const text = BigInt(Kernel32.LocalAlloc(0, 64));
  if (!ready) return -1;
  vtableCall(text, ISTREAM_SEEK, [0n, 0]);
  vtableCall(text, IUNKNOWN_RELEASE, []);
  Kernel32.LocalFree(text);
  return 0;
`),
    },
    {
      name: "an export's result whose Release the file balances with its own AddRef (a borrowed object it keeps a while) is no evidence for the export's other results",
      code: report(`  const kept = BigInt(Shlwapi.GetSharedDevice());
  vtableCall(kept, IUNKNOWN_ADDREF, []);
  vtableCall(kept, IUNKNOWN_RELEASE, []);
  const device = BigInt(Shlwapi.GetSharedDevice());
  return vtableCall(device, ISTREAM_SEEK, [0n, 0]);
`),
    },
    {
      name: "a handle given back by its own API, whose name says release (ReleaseActCtx), is no COM object",
      code: report(`  const context = BigInt(Kernel32.CreateActCtxW(null));
  if (!ready) return -1;
  Kernel32.ActivateActCtx(context, null);
  Kernel32.ReleaseActCtx(context);
  return 0;
`),
    },
    {
      name: "a variable given another export's object later says nothing of the first's (only variables bound once are evidence)",
      code: report(`  let stream = BigInt(Shlwapi.GetSharedStream());
  vtableCall(stream, ISTREAM_SEEK, [0n, 0]);
  if (!ready) return 0;
  stream = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  vtableCall(stream, IUNKNOWN_RELEASE, []);
  return 1;
`),
    },
    {
      name: "the Release of another object's method of the same name (pool.GetDevice) is no evidence for an export (Gfx.GetDevice)",
      code: report(`  const pooled = pool.GetDevice();
  vtableCall(pooled, IUNKNOWN_RELEASE, []);
  const device = BigInt(Gfx.GetDevice());
  return vtableCall(device, ISTREAM_SEEK, [0n, 0]);
`).replace("export function report", "declare const pool: { GetDevice(): bigint };\ndeclare const Gfx: { GetDevice(): number };\nexport function report"),
    },
    {
      name: "a function called by a PascalCase name is no export by its name alone (an imported helper's summary says what it returns)",
      code: report(`  const stream = BigInt(OpenStream());
  vtableCall(stream, IUNKNOWN_RELEASE, []);
  const other = BigInt(OpenStream());
  return vtableCall(other, ISTREAM_SEEK, [0n, 0]);
`).replace("export function report", 'import { OpenStream } from "win-native-helpers";\nexport function report'),
    },
    {
      name: "a result released and also freed as memory (CoTaskMemFree) is no evidence for the export's other results",
      code: report(`  const first = BigInt(Kernel32.CoTaskMemAlloc(64));
  vtableCall(first, IUNKNOWN_RELEASE, []);
  Kernel32.CoTaskMemFree(first);
  const second = BigInt(Kernel32.CoTaskMemAlloc(64));
  return vtableCall(second, ISTREAM_SEEK, [0n, 0]);
`),
    },
    {
      name: "an export one of whose results the file frees as memory (SysFreeString) hands out memory, whatever another call's result is given",
      code: report(`  const label = Kernel32.SysAllocString(null);
  Kernel32.SysFreeString(label);
  const first = BigInt(Kernel32.SysAllocString(null));
  vtableCall(first, IUNKNOWN_RELEASE, []);
  const second = BigInt(Kernel32.SysAllocString(null));
  return vtableCall(second, ISTREAM_SEEK, [0n, 0]);
`),
    },
  ],
  invalid: [
    {
      name: "two results of one export: the file releases the first, so the second, only used, leaks (evidence by the export)",
      code: report(`  const first = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  vtableCall(first, IUNKNOWN_RELEASE, []);
  const second = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  return vtableCall(second, ISTREAM_SEEK, [0n, 0]);
`),
      errors: [
        {
          messageId: "missingRelease",
          line: 14,
          column: 25,
          data: { pointer: "second", acquirer: "SHCreateMemStream", reached: "the return at line 15", release: "vtableCall(second, IUNKNOWN_RELEASE, [])" },
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: report(`  const first = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  vtableCall(first, IUNKNOWN_RELEASE, []);
  const second = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  try {
    return vtableCall(second, ISTREAM_SEEK, [0n, 0]);
  } finally {
    vtableCall(second, IUNKNOWN_RELEASE, []);
  }
`),
            },
          ],
        },
      ],
    },
    {
      name: "a native export's result used as a COM object leaks on the early return, named by the variable that holds it",
      code: report(`  const stream = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  if (!ready) return -1;
  const hr = vtableCall(stream, ISTREAM_SEEK, [0n, 0]);
  vtableCall(stream, IUNKNOWN_RELEASE, []);
  return hr;
`),
      errors: [
        {
          messageId: "missingRelease",
          line: 12,
          column: 25,
          data: { pointer: "stream", acquirer: "SHCreateMemStream", reached: "the return at line 13", release: "vtableCall(stream, IUNKNOWN_RELEASE, [])" },
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: report(`  const stream = BigInt(Shlwapi.SHCreateMemStream(null, 0));
  if (!ready) { vtableCall(stream, IUNKNOWN_RELEASE, []); return -1; }
  const hr = vtableCall(stream, ISTREAM_SEEK, [0n, 0]);
  vtableCall(stream, IUNKNOWN_RELEASE, []);
  return hr;
`),
            },
          ],
        },
      ],
    },
  ],
};
