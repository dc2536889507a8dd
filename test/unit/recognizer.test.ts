/**
 * The recognizer classifies one call into a protocol event by its names (and,
 * with a TypeScript program, by the receiver's type). Snippets are parsed and
 * the call whose callee reads as given is classified.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { parseForESLint } from "@typescript-eslint/parser";
import * as ts from "typescript";
import type { TSESTree } from "@typescript-eslint/utils";
import { Vocabulary } from "eslint-plugin-com-async/engine";
import { resolveNaming } from "eslint-plugin-com-async/options";
import type { NamingOptions } from "eslint-plugin-com-async/options";
import { recognizer } from "./internals";

const FIXTURES = path.resolve(__dirname, "../../../test/fixtures");

function findCall(node: unknown, code: string, callee: string): TSESTree.CallExpression | null {
  if (!node || typeof node !== "object") return null;
  const n = node as TSESTree.Node;
  if (n.type === "CallExpression" && code.slice(...n.callee.range) === callee) return n;
  for (const [key, child] of Object.entries(n)) {
    if (key === "parent") continue;
    const found = Array.isArray(child) ? child.map((c) => findCall(c, code, callee)).find(Boolean) : findCall(child, code, callee);
    if (found) return found;
  }
  return null;
}

/**
 * A program of the fixture project whose `file.ts` holds `code`. Built here rather than through
 * `parserOptions.project`: typescript-eslint's shared watch program for the fixture tsconfig, which
 * the rule tests also use, served the empty on-disk `file.ts` to this test on a fresh clone in CI.
 */
function fixtureProgram(code: string): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(FIXTURES, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error("the fixture tsconfig.json does not parse");
  const file = path.join(FIXTURES, "file.ts");
  const host = ts.createCompilerHost(config.options, true);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? code : readFile(name));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, code, language, true) : getSourceFile(name, language, ...rest);
  return ts.createProgram([...new Set([...config.fileNames, file])], config.options, host);
}

/** Classifies the call of `callee` in `code`; `typed` parses with the fixture project's types. */
function classify(code: string, callee: string, options: { typed?: boolean; naming?: Partial<NamingOptions> } = {}) {
  const parsed = options.typed
    ? parseForESLint(code, { programs: [fixtureProgram(code)], filePath: path.join(FIXTURES, "file.ts"), range: true, loc: true })
    : parseForESLint(code, { range: true, loc: true });
  const call = findCall(parsed.ast, code, callee);
  if (!call) throw new Error(`no call of ${callee} in ${code}`);
  const r = new recognizer.Recognizer(new Vocabulary(resolveNaming(options.naming)), options.typed ? parsed.services : undefined);
  const api = r.classify(call);
  // Node fields make assertion messages unreadable: keep the kind, the names and the text of nodes.
  if (!api) return null;
  return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, v && typeof v === "object" && "range" in v ? code.slice(...(v as TSESTree.Node).range) : v]));
}

describe("recognizer", () => {
  describe("by names (no type information)", () => {
    it("classifies Begin_ and Finish_ calls with their method", () => {
      assert.deepEqual(classify(`call.Begin_GetPrice("MSFT");`, "call.Begin_GetPrice"), { kind: "begin", receiver: "call", method: "GetPrice", name: "Begin_GetPrice" });
      assert.deepEqual(classify(`const p = this.call.Finish_GetPrice();`, "this.call.Finish_GetPrice"), { kind: "finish", receiver: "this.call", method: "GetPrice", name: "Finish_GetPrice" });
      assert.deepEqual(classify(`call?.Begin_GetVolume(1);`, "call?.Begin_GetVolume")?.kind, "begin");
    });

    it("classifies a throwing QueryInterface for the cancel interface", () => {
      assert.deepEqual(classify(`const c = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);`, "call.QueryInterface"), {
        kind: "acquire",
        source: "call",
        outBox: null,
        isCancelInterface: true,
        isCallFactory: false,
        nullable: false,
        returnsHresult: false,
        ffi: false,
        acquirer: "QueryInterface",
      });
    });

    it("classifies a raw QueryInterface with an out box as returning an HRESULT", () => {
      const api = classify(`const hr = call.QueryInterface(IID_IStockQuote, out);`, "call.QueryInterface");
      assert.equal(api?.kind, "acquire");
      assert.equal(api?.outBox, "out");
      assert.equal(api?.returnsHresult, true);
      assert.equal(api?.isCancelInterface, false);
    });

    it("accepts the IID spellings: IID_ names, interface names, members, __uuidof", () => {
      for (const iid of ["IID_IFoo", "ICancelMethodCalls", "IIDs.IID_IFoo", "__uuidof(ICancelMethodCalls)"]) {
        assert.equal(classify(`p.QueryInterface(${iid});`, "p.QueryInterface")?.kind, "acquire", iid);
      }
      assert.equal(classify(`p.QueryInterface(__uuidof(ICancelMethodCalls));`, "p.QueryInterface")?.isCancelInterface, true);
    });

    it("ignores QueryInterface with an IID that is not named like one (untyped)", () => {
      assert.equal(classify(`p.QueryInterface(someIid);`, "p.QueryInterface"), null);
      assert.equal(classify(`p.QueryInterface();`, "p.QueryInterface"), null);
    });

    it("ignores XPCOM QueryInterface (Ci.nsIFoo, Components.interfaces, nsI names)", () => {
      for (const iid of ["Ci.nsIFile", "Components.interfaces.nsIFile", "Ci[name]", "nsIFile", "x.mozIStorageService", "Ci.IFile"]) {
        assert.equal(classify(`const f = x.QueryInterface(${iid});`, "x.QueryInterface"), null, iid);
      }
    });

    it("ignores XPCOM QueryInterface even when the IID pattern accepts every name", () => {
      const naming = { iidPattern: "^\\w+$" };
      assert.equal(classify(`x.QueryInterface(someIid);`, "x.QueryInterface", { naming })?.kind, "acquire", "the loose pattern is in force");
      for (const iid of ["Ci.nsIFile", "Components.interfaces.nsIFile", "nsIFile"]) {
        assert.equal(classify(`const f = x.QueryInterface(${iid});`, "x.QueryInterface", { naming }), null, iid);
      }
    });

    it("classifies CreateCall as acquiring a call object; with four arguments it returns an HRESULT into the last", () => {
      assert.deepEqual(classify(`const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);`, "factory.CreateCall"), {
        kind: "acquire",
        source: null,
        outBox: null,
        isCancelInterface: false,
        isCallFactory: true,
        nullable: false,
        returnsHresult: false,
        ffi: false,
        acquirer: "CreateCall",
      });
      const raw = classify(`factory.CreateCall(IID_AsyncIStockQuote, null, IID_IUnknown, out);`, "factory.CreateCall");
      assert.equal(raw?.outBox, "out");
      assert.equal(raw?.returnsHresult, true);
    });

    it("classifies Release and AddRef without arguments, and release functions", () => {
      assert.deepEqual(classify(`cancel.Release();`, "cancel.Release"), { kind: "release", target: "cancel", viaFunction: false });
      assert.equal(classify(`lock.Release(owner);`, "lock.Release"), null);
      assert.deepEqual(classify(`cancel.AddRef();`, "cancel.AddRef"), { kind: "addRef", target: "cancel" });
      assert.deepEqual(classify(`comRelease(out[0]);`, "comRelease"), { kind: "release", target: "out[0]", viaFunction: true });
      assert.equal(classify(`release();`, "release"), null);
    });

    it("classifies Cancel on any receiver (the receiver's role is the engine's business)", () => {
      assert.deepEqual(classify(`cancel.Cancel(0);`, "cancel.Cancel"), { kind: "cancel", receiver: "cancel" });
    });

    it("classifies FAILED and SUCCEEDED with one argument as HRESULT tests", () => {
      assert.deepEqual(classify(`if (FAILED(hr)) return;`, "FAILED"), { kind: "failedTest", argument: "hr", failed: true });
      assert.deepEqual(classify(`if (SUCCEEDED(hr)) go();`, "SUCCEEDED"), { kind: "failedTest", argument: "hr", failed: false });
      assert.equal(classify(`FAILED(a, b);`, "FAILED"), null);
    });

    it("classifies a configured acquire function by its source and IID arguments", () => {
      const naming = { acquireFunctions: [{ name: "queryInterface", sourceArgument: 0, iidArgument: 1, outArgument: -1, failureValue: "0n" as const }] };
      assert.deepEqual(classify(`const c = queryInterface(call, IID_ICancelMethodCalls);`, "queryInterface", { naming }), {
        kind: "acquire",
        source: "call",
        outBox: null,
        isCancelInterface: true,
        isCallFactory: false,
        nullable: true,
        returnsHresult: false,
        ffi: false,
        acquirer: "queryInterface",
      });
      assert.equal(classify(`const c = queryInterface(call, IID_ICancelMethodCalls);`, "queryInterface"), null, "not configured: not recognised");
    });

    it("classifies a configured acquire function by its member path, its out box and its throwing", () => {
      const naming = {
        acquireFunctions: [
          { name: "com.createInstance", sourceArgument: -1, iidArgument: 1, outArgument: 2, failureValue: "null" as const },
          { name: "make", sourceArgument: -1, iidArgument: 0, outArgument: -1, failureValue: "throws" as const },
        ],
      };
      assert.deepEqual(classify(`const hr = com.createInstance(CLSID_X, IID_IX, out);`, "com.createInstance", { naming }), {
        kind: "acquire",
        source: null,
        outBox: "out",
        isCancelInterface: false,
        isCallFactory: false,
        nullable: false,
        returnsHresult: true,
        ffi: false,
        acquirer: "com.createInstance",
      });
      assert.equal(classify(`const hr = com.createInstance(CLSID_X, IID_IX);`, "com.createInstance", { naming }), null, "without its out box: not the acquiring form");
      assert.equal(classify(`const hr = other.createInstance(CLSID_X, IID_IX, out);`, "other.createInstance", { naming }), null, "another object's method of the same name");
      const made = classify(`const p = make(IID_IX);`, "make", { naming });
      assert.equal(made?.kind === "acquire" && made.nullable, false, "a throwing acquire never returns a failure value");
      assert.equal(made?.kind === "acquire" && made.returnsHresult, false);
    });

    it("places a QueryInterface method's object, IID and out box where the options say", () => {
      const naming = {
        queryInterfaceArguments: [
          { method: "queryInterface", objectArgument: -1, iidArgument: 1, outArgument: 0 },
          { method: "QI", objectArgument: 0, iidArgument: 1, outArgument: 2 },
        ],
      };
      const swapped = classify(`const hr = unk.queryInterface(out, riid);`, "unk.queryInterface", { naming });
      assert.deepEqual(swapped && { source: (swapped as { source: unknown }).source, outBox: (swapped as { outBox: unknown }).outBox }, { source: "unk", outBox: "out" });
      const table = classify(`const hr = com.QI(p, IID_ICancelMethodCalls, out);`, "com.QI", { naming });
      assert.equal(table?.kind, "acquire");
      assert.deepEqual(table && { source: (table as { source: unknown }).source, outBox: (table as { outBox: unknown }).outBox, cancel: (table as { isCancelInterface: boolean }).isCancelInterface }, { source: "p", outBox: "out", cancel: true });
      assert.equal(classify(`const hr = unk.queryInterface(out);`, "unk.queryInterface", { naming }), null, "without its IID");
      assert.equal(classify(`x.queryInterface(out, Ci.nsIFoo);`, "x.queryInterface", { naming }), null, "XPCOM stays XPCOM");
    });

    it("follows renamed methods and prefixes", () => {
      const naming = { beginPrefix: "Start_", releaseMethods: ["Dispose"] };
      assert.equal(classify(`c.Start_Work();`, "c.Start_Work", { naming })?.kind, "begin");
      assert.equal(classify(`c.Begin_Work();`, "c.Begin_Work", { naming }), null);
      assert.equal(classify(`p.Dispose();`, "p.Dispose", { naming })?.kind, "release");
      assert.equal(classify(`p.Release();`, "p.Release", { naming }), null);
    });

    it("gives unrelated calls no meaning", () => {
      for (const [code, callee] of [["controller.abort();", "controller.abort"], ["job.cancel();", "job.cancel"], ["f();", "f"], ["obj[k]();", "obj[k]"]]) {
        assert.equal(classify(code, callee), null, code);
      }
    });
  });

  describe("with type information", () => {
    it("ignores a receiver whose type is known and not COM-shaped", () => {
      assert.equal(classify(`declare const s: Scheduler; s.Begin_Work();`, "s.Begin_Work", { typed: true }), null);
      assert.equal(classify(`declare const j: Job; j.Cancel();`, "j.Cancel", { typed: true })?.kind, "cancel", "Cancel is judged by the engine, not the type");
    });

    it("keeps a COM-typed receiver, and judges any by names", () => {
      assert.equal(classify(`declare const call: AsyncIStockQuote; call.Begin_GetPrice("X");`, "call.Begin_GetPrice", { typed: true })?.kind, "begin");
      assert.equal(classify(`declare const call: any; call.Begin_GetPrice("X");`, "call.Begin_GetPrice", { typed: true })?.kind, "begin");
    });

    it("marks a QueryInterface whose declared result admits null as nullable", () => {
      assert.equal(classify(`declare const q: NullableQuery; const c = q.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);`, "q.QueryInterface", { typed: true })?.nullable, true);
      assert.equal(classify(`declare const q: AsyncIStockQuote; const c = q.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);`, "q.QueryInterface", { typed: true })?.nullable, false);
    });

    it("accepts an IID in a variable only when the receiver's type is COM", () => {
      assert.equal(classify(`declare const p: IUnknown; declare const iid: IID; p.QueryInterface(iid);`, "p.QueryInterface", { typed: true })?.kind, "acquire");
      assert.equal(classify(`declare const p: any; declare const iid: IID; p.QueryInterface(iid);`, "p.QueryInterface", { typed: true }), null);
    });
  });
});
