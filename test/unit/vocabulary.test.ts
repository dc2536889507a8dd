/**
 * The vocabulary: the names of one analysis, and the text it writes back.
 * Vtable slot constants name their method by their last word(s); messages
 * and repairs release in the binding's own words.
 */
import * as assert from "node:assert/strict";
import { Vocabulary } from "eslint-plugin-com-async/engine";
import { resolveNaming } from "eslint-plugin-com-async/options";
import type { NamingOptions } from "eslint-plugin-com-async/options";

const vocabulary = (options: Partial<NamingOptions> = {}) => new Vocabulary(resolveNaming(options));

describe("vocabulary", () => {
  describe("slotMethod", () => {
    const v = vocabulary();
    const cases: [string, ReturnType<Vocabulary["slotMethod"]>][] = [
      ["IUNKNOWN_RELEASE", { role: "release" }],
      ["SLOT.release", { role: "release" }],
      ["IUNKNOWN_ADDREF", { role: "addRef" }],
      ["VTBL_QUERY_INTERFACE", { role: "queryInterface" }],
      ["IUnknown.QueryInterface", { role: "queryInterface" }],
      ["ICANCELMETHODCALLS_CANCEL", { role: "cancel" }],
      ["ASYNCISTOCKQUOTE_BEGIN_GETPRICE", { role: "begin", method: "GETPRICE" }],
      ["ASYNCISTOCKQUOTE_FINISH_GETPRICE", { role: "finish", method: "GETPRICE" }],
      ["SLOT.finishGetPrice", { role: "finish", method: "GetPrice" }],
      ["SLOT.Begin_GetPrice", { role: "begin", method: "GetPrice" }],
      ["SLOT.getResults", null],
      ["FACTORY_CREATESURFACE", null],
      ["SLOT", null],
    ];
    for (const [constant, expected] of cases) {
      it(`reads ${constant} as ${expected ? JSON.stringify(expected) : "no protocol method"}`, () => {
        assert.deepEqual(v.slotMethod(constant), expected);
      });
    }

    it("follows renamed methods (releaseMethods: [\"Dispose\"] makes IFOO_DISPOSE a release)", () => {
      assert.deepEqual(vocabulary({ releaseMethods: ["Dispose"] }).slotMethod("IFOO_DISPOSE"), { role: "release" });
      assert.equal(vocabulary({ releaseMethods: ["Dispose"] }).slotMethod("IUNKNOWN_RELEASE"), null);
    });

    it("numbers IUnknown's slots 0, 1, 2 and nothing beyond", () => {
      assert.deepEqual([0, 1, 2, 3, -1].map((slot) => v.iunknownSlot(slot)), ["queryInterface", "addRef", "release", null, null]);
    });
  });

  describe("method names", () => {
    const v = vocabulary();
    it("splits Begin_/Finish_ names into their method, and not the bare prefix", () => {
      assert.equal(v.beginMethod("Begin_GetPrice"), "GetPrice");
      assert.equal(v.finishMethod("Finish_GetPrice"), "GetPrice");
      assert.equal(v.beginMethod("Begin_"), null);
      assert.equal(v.beginMethod("Finish_GetPrice"), null);
      assert.equal(v.beginName("GetPrice"), "Begin_GetPrice");
      assert.equal(v.finishName("GetPrice"), "Finish_GetPrice");
    });

    it("matches the methods of one pair whatever their case", () => {
      assert.ok(v.sameMethod("GetPrice", "GETPRICE"));
      assert.ok(!v.sameMethod("GetPrice", "GetVolume"));
    });

    it("uses the configured prefixes", () => {
      const custom = vocabulary({ beginPrefix: "Start_", finishPrefix: "End_" });
      assert.equal(custom.beginMethod("Start_Work"), "Work");
      assert.equal(custom.beginMethod("Begin_Work"), null);
      assert.equal(custom.finishName("Work"), "End_Work");
    });
  });

  describe("text written into messages and repairs", () => {
    it("releases with the first release method", () => {
      assert.equal(vocabulary().releaseCallText("p", false), "p.Release()");
      assert.equal(vocabulary().releaseCallText("out[0]", true), "out[0]?.Release()");
      assert.equal(vocabulary({ releaseMethods: ["Dispose"] }).releaseCallText("p", false), "p.Dispose()");
      assert.equal(vocabulary({ releaseMethods: ["Dispose", "Release"] }).releaseMethod, "Dispose");
    });

    it("recognises a statement that only releases, in the binding's method names", () => {
      const v = vocabulary({ releaseMethods: ["Dispose"] });
      assert.match("cancel.Dispose();", v.releaseStatementPattern());
      assert.match("  out[0]?.Dispose()", v.releaseStatementPattern());
      assert.doesNotMatch("cancel.Release();", v.releaseStatementPattern());
      assert.doesNotMatch("x = cancel.Dispose();", v.releaseStatementPattern());
    });

    it("writes a Finish_ call with its arguments", () => {
      assert.equal(vocabulary().finishCallText("call", "GetPrice", "out"), "call.Finish_GetPrice(out)");
    });
  });

  describe("fast-path trigger", () => {
    const trigger = vocabulary().triggerPattern();
    it("fires on protocol calls", () => {
      for (const text of ["call.Begin_GetPrice(x)", "c.Finish_X()", "p.QueryInterface<I>(IID_I)", "f.CreateCall(a, b)", "CoCreateInstance(a, b, c, d, out)", "p.lpVtbl.x"]) {
        assert.ok(trigger.test(text), text);
      }
    });
    it("fires on IUnknown slot constants (IUNKNOWN_RELEASE, IUNKNOWN_QUERYINTERFACE, VTBL_QUERY_INTERFACE)", () => {
      for (const text of ["vcall(p, IUNKNOWN_RELEASE, [], [])", "vcall(p, IUNKNOWN_QUERYINTERFACE, iid, out)", "vcall(p, VTBL_QUERY_INTERFACE, iid, out)"]) assert.ok(trigger.test(text), text);
    });
    it("fires on raw FFI code whose only box is eight bytes (new Uint8Array(8)) next to a Release and a binding", () => {
      assert.ok(trigger.test('import { ptr } from "bun:ffi"; const out = new Uint8Array(8); comRelease(p);'));
      assert.ok(!trigger.test('import { ptr } from "bun:ffi"; const out = new Uint8Array(16); comRelease(p);'));
    });
    it("fires on a koffi file with a box whose only release is its own lower-case helper (release(p))", () => {
      assert.ok(trigger.test('const koffi = require("koffi"); const out = [null]; release(out[0]);'));
      assert.ok(!trigger.test('const out = [null]; lock.release(out[0]);'));
    });
    it("fires on a bun:ffi file with a box and a call of a name that starts with release (releaseCom(p)), not on a C library's foo_release(h)", () => {
      assert.ok(trigger.test('import { ptr } from "bun:ffi"; const out = new BigUint64Array(1); releaseCom(Number(out[0]));'));
      assert.ok(!trigger.test('import { ptr } from "bun:ffi"; const out = new BigUint64Array(1); sqlite_release(h);'));
      assert.ok(!trigger.test('const out = new BigUint64Array(1); releaseLock(out);'));
    });
    it("fires on a Deno file with a box and an interface ID that releases nothing", () => {
      assert.ok(trigger.test('Deno.dlopen("shell32.dll", {}); const out = new BigUint64Array(1); f(IID_IPropertyStore, out);'));
      assert.ok(!trigger.test('const out = new BigUint64Array(1); f(IID_IPropertyStore, out);'));
    });
    it("stays quiet on code without protocol names", () => {
      for (const text of ["controller.abort(); lock.release();", "job.cancel()", "Begin_ = 1"]) assert.ok(!trigger.test(text), text);
    });
  });

  describe("receiverNames", () => {
    // The scan from the `.Method` end must capture exactly what the receiver pattern's matches do.
    const texts = [
      "call.Begin_GetPrice(); cancel?.Cancel(); out . Release(); x.y.QueryInterface(iid)",
      "a.Release.Release; 1abc.Release(); 12.Cancel(); ).Release(); a? .Release()",
      "a.Begin_X$y.Release(); $p.Finish_Z; ptr\u00a0.Release(); é.Cancel(); a.ReleaseX()",
      "obj\n  .Begin_Work()\n  ; first.second?.Finish_Work(); q.Cancelled; r.Cancel$",
    ];
    for (const [label, v] of [["default names", vocabulary()], ["renamed", vocabulary({ beginPrefix: "Start$", releaseMethods: ["Release", "Free$"] })]] as const) {
      it(`agrees with the receiver pattern (${label})`, () => {
        for (const text of texts) {
          const expected = [...text.matchAll(v.receiverNamePattern())].map((m) => m[1]);
          assert.deepEqual([...v.receiverNames(text)], [...new Set(expected)], text);
        }
      });
    }
  });
});
