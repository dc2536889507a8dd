/**
 * Cross-file summaries (spec 2a shape 8): helpers imported from the repository's own modules
 * are summarised from their bodies, through relative imports, re-exports and workspace
 * packages; the cache follows the imported file; a bad import is an escape, never an error.
 * Each test builds a small repository in a temporary directory and lints one of its files
 * from disk, as the CLI does.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";
import type * as Resolution from "../../eslint-plugin/dist/engine/module-resolution";
import type * as ImportedHelpers from "../../eslint-plugin/dist/engine/imported-helpers";

const DIST = path.join(path.dirname(require.resolve("eslint-plugin-com-async/package.json")), "dist/engine");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolveImport } = require(path.join(DIST, "module-resolution")) as typeof Resolution;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importedModuleStats } = require(path.join(DIST, "imported-helpers")) as typeof ImportedHelpers;

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
`;
/** A call through the vtable: a use of the pointer. */
const USE = "vcall(buffer, BUFFER_MAP, [], [])";

/** A null-safe release (named so that only its body says so) and an acquire helper that throws, in the style of a project's `com.ts`. */
const HELPERS = `${PRELUDE}const IUNKNOWN_RELEASE = 2;
const DEV_CREATE_BUFFER = 3;
export function finished(p: bigint): void {
  if (p !== 0n) vcall(p, IUNKNOWN_RELEASE, [], [], FFIType.u32);
}
export function createBuffer(device: bigint): bigint {
  const out = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BUFFER, [FFIType.ptr], [out.ptr!]) !== 0) throw new Error("CreateBuffer failed");
  return out.readBigUInt64LE(0);
}
`;

let root: string;

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/** `line rule` of every com-async message on the file, linted from disk. */
function lintFile(name: string, settings: Record<string, unknown> = {}): string[] {
  const file = path.join(root, name);
  const linter = new Linter({ configType: "flat", cwd: root });
  const config = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, settings, ...plugin.configs.strict }] as Linter.Config[];
  const messages = linter.verify(fs.readFileSync(file, "utf8"), config, { filename: file });
  assert.deepEqual(messages.filter((m) => m.fatal || m.message.includes("internal error")).map((m) => m.message), []);
  return messages.map((m) => `${m.line} ${m.ruleId}`);
}

/** A file that creates a buffer with the helper (line 6), releases it (line 7), then uses it (line 8). */
const USER = (from: string, names = "{ createBuffer, finished }", prefix = "") => `${PRELUDE}import ${names} from "${from}";
declare const device: bigint;
export function draw(): void {
  const buffer = ${prefix}createBuffer(device);
  ${prefix}finished(buffer);
  ${USE};
}
const BUFFER_MAP = 7;
`;

describe("imported helpers (cross-file summaries)", () => {
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-imports-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("summarises a relative import: its release helper (by its body) releases, so a later use is a use after release", () => {
    write({ "src/com.ts": HELPERS, "src/main.ts": USER("./com") });
    assert.deepEqual(lintFile("src/main.ts"), ["8 com-async/use-after-release"]);
  });

  it("is turned off by settings: { \"com-async\": { importedHelpers: false } } (each file on its own, as --cache assumes)", () => {
    write({ "src/com.ts": HELPERS, "src/main.ts": USER("./com") });
    assert.deepEqual(lintFile("src/main.ts", { "com-async": { importedHelpers: false } }), []);
  });

  describe("settings of the wrong shape: said once per file at its start, the default (imports followed) holding", () => {
    /** `line:column message` of each com-async message saying a setting was ignored, and `line rule` of the others. */
    const lintWith = (settings: Record<string, unknown>) => {
      write({ "src/com.ts": HELPERS, "src/main.ts": USER("./com") });
      const file = path.join(root, "src/main.ts");
      const linter = new Linter({ configType: "flat", cwd: root });
      const config = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, settings, ...plugin.configs.strict }] as Linter.Config[];
      const messages = linter.verify(fs.readFileSync(file, "utf8"), config, { filename: file });
      return {
        ignored: messages.filter((m) => m.message.startsWith("com-async ignored a setting")).map((m) => `${m.line}:${m.column} ${m.message}`),
        others: messages.filter((m) => !m.message.startsWith("com-async ignored a setting")).map((m) => `${m.line} ${m.ruleId}`),
      };
    };

    it("importedHelpers that is no boolean", () => {
      assert.deepEqual(lintWith({ "com-async": { importedHelpers: "nope" } }), {
        ignored: ['1:1 com-async ignored a setting: settings["com-async"].importedHelpers must be true or false (it is "nope"); the default holds in its place.'],
        others: ["8 com-async/use-after-release"],
      });
    });

    it("a misspelt setting", () => {
      assert.deepEqual(lintWith({ "com-async": { importedHelper: false } }), {
        ignored: ['1:1 com-async ignored a setting: settings["com-async"] has no setting `importedHelper` (known: importedHelpers); the default holds in its place.'],
        others: ["8 com-async/use-after-release"],
      });
    });

    it("settings[\"com-async\"] that is no object", () => {
      assert.deepEqual(lintWith({ "com-async": true }).ignored, ['1:1 com-async ignored a setting: settings["com-async"] must be an object (it is true); the default holds in its place.']);
    });

    it("a value shown as JSON (an array, an object), cut short when long", () => {
      assert.deepEqual(lintWith({ "com-async": { importedHelpers: [] } }).ignored, ['1:1 com-async ignored a setting: settings["com-async"].importedHelpers must be true or false (it is []); the default holds in its place.']);
      const long = "x".repeat(80);
      assert.deepEqual(lintWith({ "com-async": { importedHelpers: long } }).ignored, [`1:1 com-async ignored a setting: settings["com-async"].importedHelpers must be true or false (it is "${"x".repeat(58)}…); the default holds in its place.`]);
    });

    it("once per file, also when rules have different naming options (two analyses)", () => {
      write({ "src/com.ts": HELPERS, "src/main.ts": USER("./com") });
      const file = path.join(root, "src/main.ts");
      const linter = new Linter({ configType: "flat", cwd: root });
      const config = [
        { files: ["**/*.ts"], languageOptions: { parser: tsParser }, settings: { "com-async": { importedHelpers: 0 } }, ...plugin.configs.strict },
        { files: ["**/*.ts"], rules: { "com-async/missing-release": ["error", { releaseFunctions: ["finished"] }] } },
      ] as Linter.Config[];
      const messages = linter.verify(fs.readFileSync(file, "utf8"), config, { filename: file });
      assert.equal(messages.filter((m) => m.message.startsWith("com-async ignored a setting")).length, 1);
    });

    it("says nothing of settings as documented, or of none", () => {
      assert.deepEqual(lintWith({ "com-async": { importedHelpers: true } }), { ignored: [], others: ["8 com-async/use-after-release"] });
      assert.deepEqual(lintWith({ "com-async": {} }).ignored, []);
      assert.deepEqual(lintWith({ other: { x: 1 } }).ignored, []);
    });
  });

  it("summarises an acquire helper: the pointer it returns must be released", () => {
    write({ "src/com.ts": HELPERS, "src/main.ts": `${PRELUDE}import { createBuffer } from "./com";\ndeclare const device: bigint;\nexport function draw(): void {\n  const buffer = createBuffer(device);\n  ${USE};\n}\nconst BUFFER_MAP = 7;\n` });
    assert.deepEqual(lintFile("src/main.ts"), ["6 com-async/missing-release"]);
  });

  it("summarises a box-read helper (pointerFrom = (slot) => Number(slot[0])): its call reads the caller's box, released on one path only", () => {
    const helpers = `import { CFunction, read } from "bun:ffi";
export const pointerFrom = (slot: BigUint64Array) => Number(slot[0]);
export function vcall(p: number, slot: number, ...args: unknown[]): number {
  const fn = read.ptr(read.ptr(p, 0), slot * 8);
  return CFunction({ ptr: fn, args: ["ptr"], returns: "i32" })(p, ...args) as number;
}
export function comRelease(p: number): void {
  vcall(p, 2);
}
`;
    const main = (release: string) => `import { ptr } from "bun:ffi";
import { comRelease, pointerFrom, vcall } from "./com";
declare const dxgi: { symbols: { CreateDXGIFactory1(iid: unknown, out: unknown): number } };
export function adapters(iid: Uint8Array): number {
  const slot = new BigUint64Array(1);
  if (dxgi.symbols.CreateDXGIFactory1(ptr(iid), ptr(slot)) !== 0) return -1;
  const factory = pointerFrom(slot);
  const hr = vcall(factory, 12, 0, null);
  ${release}
  return hr;
}
`;
    write({ "src/com.ts": helpers, "src/main.ts": main("if (hr < 0) comRelease(factory);"), "src/ok.ts": main("comRelease(factory);") });
    assert.deepEqual(lintFile("src/main.ts"), ["6 com-async/missing-release"]);
    assert.deepEqual(lintFile("src/ok.ts"), []);
  });

  it("summarises a wrapper that returns what its callback returns (withBstr(ns, (name) => { ...; return Number(out[0]) })): the pointer the callback makes is the caller's to release", () => {
    const helpers = `import { CFunction, FFIType, read, type Pointer } from "bun:ffi";
declare function allocBstr(value: string): Pointer;
declare function freeBstr(value: Pointer): void;
export function comCall(self: Pointer, slot: number, types: FFIType[], args: unknown[]): number {
  const fn = CFunction({ ptr: read.ptr(read.ptr(self), slot * 8) as Pointer, args: [FFIType.ptr, ...types], returns: FFIType.i32 });
  return Number(fn(self, ...args));
}
export function releaseCom(p: Pointer): void {
  comCall(p, 2, [], []);
}
export function withBstr<T>(value: string, fn: (value: Pointer) => T): T {
  const bstr = allocBstr(value);
  try {
    return fn(bstr);
  } finally {
    freeBstr(bstr);
  }
}
`;
    const main = (end: string) => `import { FFIType, ptr, type Pointer } from "bun:ffi";
import { comCall, releaseCom, withBstr } from "./com";
export function connect(locator: Pointer, ns: string): number {
  const services = withBstr(ns, (name) => {
    const out = new BigUint64Array(1);
    if (comCall(locator, 3, [FFIType.ptr, FFIType.ptr], [name, ptr(out)]) < 0) throw new Error("ConnectServer");
    return Number(out[0]) as Pointer;
  });
  const hr = comCall(services, 7, [], []);
${end}  return hr;
}
`;
    const byName = main("").replace("const services = withBstr(ns, (name) => {", "const make = (name: Pointer) => {").replace("  });\n  const hr", "  };\n  const services = withBstr(ns, make);\n  const hr");
    write({ "src/com.ts": helpers, "src/main.ts": main(""), "src/ok.ts": main("  releaseCom(services);\n"), "src/by-name.ts": byName });
    assert.deepEqual(lintFile("src/main.ts"), ["4 com-async/missing-release"]);
    assert.deepEqual(lintFile("src/ok.ts"), []);
    // The callback given by its name (`withBstr(ns, make)`): the same.
    assert.deepEqual(lintFile("src/by-name.ts"), ["9 com-async/missing-release"]);
  });

  it("keeps what a literal argument holds the caller's when the helper only uses it (a parameter with a default value too)", () => {
    const bind = `${PRELUDE}const CTX_SET_SAMPLERS = 10;
declare const context: bigint;
export function bind(shader: bigint, bindings: { samp?: bigint[] } = {}): void {
  vcall(context, CTX_SET_SAMPLERS, [FFIType.u64], [shader]);
  if (bindings.samp) vcall(context, CTX_SET_SAMPLERS, [FFIType.u32], [bindings.samp.length]);
}
`;
    const main = `${PRELUDE}import { createBuffer } from "./com";
import { bind } from "./bind";
declare const device: bigint;
export function draw(): void {
  const sampler = createBuffer(device);
  bind(0n, { samp: [sampler] });
}
`;
    write({ "src/com.ts": HELPERS, "src/bind.ts": bind, "src/main.ts": main });
    assert.deepEqual(lintFile("src/main.ts"), ["7 com-async/missing-release"]);
  });

  it("takes a helper that only caches its argument in a module variable (never released there) as using it", () => {
    const bind = `${PRELUDE}const CTX_SET_SHADER = 10;
declare const context: bigint;
let lastShader = 0n;
export function setShader(shader: bigint): void {
  if (shader === lastShader) return;
  vcall(context, CTX_SET_SHADER, [FFIType.u64], [shader]);
  lastShader = shader;
}
`;
    const main = `${PRELUDE}import { createBuffer } from "./com";
import { setShader } from "./bind";
declare const device: bigint;
export function draw(): void {
  const shader = createBuffer(device);
  setShader(shader);
}
`;
    write({ "src/com.ts": HELPERS, "src/bind.ts": bind, "src/main.ts": main });
    assert.deepEqual(lintFile("src/main.ts"), ["7 com-async/missing-release"]);
  });

  it("follows re-exports: export *, export { a as b } from, and an imported name exported again", () => {
    write({
      "src/com.ts": HELPERS,
      "src/index.ts": `export * from "./com";\n`,
      "src/alias.ts": `export { createBuffer as create, finished as drop } from "./index";\n`,
      "src/again.ts": `import { createBuffer, finished } from "./alias-source";\nexport { createBuffer, finished };\n`,
      "src/alias-source.ts": `export * from "./com";\n`,
      "src/a.ts": USER("./index"),
      "src/b.ts": USER("./alias", "{ create as createBuffer, drop as finished }"),
      "src/c.ts": USER("./again"),
      "src/d.ts": USER("./index", "* as com", "com."),
    });
    for (const file of ["src/a.ts", "src/b.ts", "src/c.ts", "src/d.ts"]) assert.deepEqual(lintFile(file), ["8 com-async/use-after-release"], file);
  });

  it("resolves a workspace package by its name, through its package.json entry", () => {
    write({
      "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
      "packages/gfx/package.json": JSON.stringify({ name: "@demo/gfx", exports: { ".": "./src/index.ts" } }),
      "packages/gfx/src/index.ts": `export { createBuffer, finished } from "./com.js";\n`,
      "packages/gfx/src/com.ts": HELPERS,
      "packages/app/main.ts": USER("@demo/gfx"),
    });
    assert.deepEqual(lintFile("packages/app/main.ts"), ["8 com-async/use-after-release"]);
  });

  it("follows the imported file when it changes on disk (the cache is by path, mtime and size)", () => {
    write({ "src/com.ts": HELPERS, "src/main.ts": USER("./com") });
    assert.deepEqual(lintFile("src/main.ts"), ["8 com-async/use-after-release"]);
    // The helper no longer releases: the buffer leaks instead.
    write({ "src/com.ts": HELPERS.replace("if (p !== 0n) vcall(p, IUNKNOWN_RELEASE, [], [], FFIType.u32);", "vcall(p, DEV_CREATE_BUFFER, [], []);") });
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, "src/com.ts"), later, later);
    assert.deepEqual(lintFile("src/main.ts"), ["6 com-async/missing-release"]);
  });

  it("parses an imported module once when it is analysed again (other naming options), and again once it changes", () => {
    write({ "src/com.ts": HELPERS, "src/main.ts": USER("./com") });
    const parsed: string[] = [];
    const countingParser = {
      parseForESLint(code: string, options: { filePath?: string }) {
        parsed.push(path.basename(options.filePath ?? "?"));
        return tsParser.parseForESLint(code, options as never);
      },
    };
    const file = path.join(root, "src/main.ts");
    const lint = (extra: Record<string, unknown>) => {
      const rules = Object.fromEntries(Object.keys(plugin.configs.strict.rules ?? {}).map((id) => [id, ["error", extra]]));
      const config = [{ files: ["**/*.ts"], languageOptions: { parser: countingParser }, plugins: { "com-async": plugin }, rules }] as unknown as Linter.Config[];
      return new Linter({ configType: "flat", cwd: root }).verify(fs.readFileSync(file, "utf8"), config, { filename: file }).map((m) => `${m.line} ${m.ruleId}`);
    };
    assert.deepEqual(lint({}), ["8 com-async/use-after-release"]);
    // Other options are another analysis of com.ts (its roles depend on the names), from the same parse.
    assert.deepEqual(lint({ cancelMethods: ["Cancel", "Abort"] }), ["8 com-async/use-after-release"]);
    assert.deepEqual(parsed.sort(), ["com.ts", "main.ts", "main.ts"]);
    write({ "src/com.ts": `${HELPERS}\n` });
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, "src/com.ts"), later, later);
    assert.deepEqual(lint({}), ["8 com-async/use-after-release"]);
    assert.deepEqual(parsed.sort(), ["com.ts", "com.ts", "main.ts", "main.ts", "main.ts"]);
  });

  describe("the depth bound (modules are analysed at most three imports away)", () => {
    /** A module whose `finished` uses its argument, then releases it with `from`'s `finished`: a release only if that one is. */
    const WRAPPER = (from: string) => `${PRELUDE}import { finished as done } from "${from}";
const FLUSH = 9;
export function finished(p: bigint): void { vcall(p, FLUSH, [], []); done(p); }
`;
    /** USER with `createBuffer` from com.ts and `finished` from `from`: use after release at line 9 when that `finished` releases. */
    const CALLER = (from: string) => USER("./com").replace('import { createBuffer, finished } from "./com";', `import { createBuffer } from "./com";\nimport { finished } from "${from}";`);

    it("analyses a module met two imports away once, when the bound cut none of its imports, and reuses it when imported directly", () => {
      write({ "src/com.ts": HELPERS, "src/c.ts": WRAPPER("./com"), "src/b.ts": WRAPPER("./c"), "src/main.ts": CALLER("./b"), "src/direct.ts": CALLER("./c") });
      const start = importedModuleStats.analyses;
      assert.deepEqual(lintFile("src/main.ts"), ["9 com-async/use-after-release"]);
      assert.equal(importedModuleStats.analyses - start, 3, "com.ts, b.ts, and c.ts two imports away");
      assert.deepEqual(lintFile("src/direct.ts"), ["9 com-async/use-after-release"]);
      assert.equal(importedModuleStats.analyses - start, 3, "c.ts is not analysed again");
    });

    it("analyses a module again when imported closer than where the bound cut one of its imports", () => {
      // main.ts -> a.ts -> b.ts -> c.ts: three imports away, c.ts cannot see com.ts, so nothing says its `finished` releases.
      write({ "src/com.ts": HELPERS, "src/c.ts": WRAPPER("./com"), "src/b.ts": WRAPPER("./c"), "src/a.ts": WRAPPER("./b"), "src/main.ts": CALLER("./a"), "src/direct.ts": CALLER("./c") });
      assert.deepEqual(lintFile("src/main.ts"), []);
      const start = importedModuleStats.analyses;
      assert.deepEqual(lintFile("src/direct.ts"), ["9 com-async/use-after-release"]);
      assert.equal(importedModuleStats.analyses - start, 1, "c.ts again, one import away");
    });
  });

  it("treats an unparsable, missing or unreadable import as code it cannot see: an escape, no error", () => {
    write({
      "src/broken.ts": "export function finished(p: bigint) { if (p !== 0n vcall(p, 2, [], []); }\n",
      "src/dir.ts/placeholder.txt": "a directory named like a module",
      "src/a.ts": USER("./broken"),
      "src/b.ts": USER("./missing"),
      "src/c.ts": USER("./dir.ts"),
    });
    for (const file of ["src/a.ts", "src/b.ts", "src/c.ts"]) assert.deepEqual(lintFile(file), [], file);
  });

  it("terminates on import cycles", () => {
    write({
      "src/a.ts": `${PRELUDE}import { second } from "./b";\nexport function first(p: bigint): void { if (p !== 0n) second(p); }\n`,
      "src/b.ts": `${PRELUDE}import { first } from "./a";\nexport function second(p: bigint): void { first(p); vcall(p, 2, [], []); }\n`,
      "src/main.ts": `${PRELUDE}import { first } from "./a";\ndeclare const p: bigint;\nfirst(p);\n`,
    });
    assert.deepEqual(lintFile("src/main.ts"), []);
  });

  it("summarises the functions of a table an imported factory returns (`const com = createComRuntime()`): `com.queryInterface` acquires, `com.release` releases, and a pointer queried by it is a COM object", () => {
    const runtime = `import koffi from "koffi";
const QI = koffi.proto("int32_t __stdcall QI(void*, const void*, _Out_ void**)");
const REL = koffi.proto("uint32_t __stdcall REL(void*)");
export function createComRuntime() {
  const slot = (p: unknown, i: number) => koffi.decode(koffi.decode(p, "void*"), i * 8, "void*");
  return {
    invoke(p: unknown, i: number, proto: unknown, ...args: unknown[]) {
      return koffi.call(slot(p, i), proto, p, ...args);
    },
    queryInterface(p: unknown, iid: Buffer): unknown {
      const out = [null];
      return (koffi.call(slot(p, 0), QI, p, iid, out) as number) < 0 ? undefined : out[0];
    },
    release(p: unknown) {
      if (p) koffi.call(slot(p, 2), REL, p);
    },
  };
}
`;
    const user = (end: string) => `import { createComRuntime } from "./com.js";
const com = createComRuntime();
export function hasLoader(loader: unknown, iid: Buffer): boolean {
  const local = com.queryInterface(loader, iid);
  com.release(loader);
${end}  return !!local;
}
`;
    // A pointer read from a box whose only use as a COM object is being queried by the table's `queryInterface`.
    const queried = (end: string) => `import { createComRuntime } from "./com.js";
const com = createComRuntime();
const GET_LOADER = 4;
export function loaderOf(file: unknown, iid: Buffer, proto: unknown): boolean {
  const out = [null];
  if ((com.invoke(file, GET_LOADER, proto, out) as number) < 0) return false;
  const loader = out[0];
  const local = com.queryInterface(loader, iid);
  com.release(local);
${end}  return true;
}
`;
    write({
      "src/com.ts": runtime,
      "src/leaks.ts": user(""),
      "src/releases.ts": user("  com.release(local);\n"),
      "src/queried-leaks.ts": queried(""),
      "src/queried-releases.ts": queried("  com.release(loader);\n"),
    });
    assert.deepEqual(lintFile("src/leaks.ts"), ["4 com-async/missing-release"]);
    assert.deepEqual(lintFile("src/releases.ts"), []);
    assert.deepEqual(lintFile("src/queried-leaks.ts"), ["6 com-async/missing-release"]);
    assert.deepEqual(lintFile("src/queried-releases.ts"), []);
    // The table's `release` is the file's release form, though the file never calls it.
    const linter = new Linter({ configType: "flat", cwd: root });
    const leaks = path.join(root, "src/leaks.ts");
    const config = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, ...plugin.configs.strict }] as Linter.Config[];
    const [leak] = linter.verify(fs.readFileSync(leaks, "utf8"), config, { filename: leaks });
    assert.match(leak.message, /Call `com\.release\(local\)` on every path/);
  });

  it("does not follow third-party packages (an installed copy in node_modules)", () => {
    write({ "node_modules/gfx/package.json": JSON.stringify({ name: "gfx", main: "index.ts" }), "node_modules/gfx/index.ts": HELPERS, "src/main.ts": USER("gfx") });
    assert.deepEqual(lintFile("src/main.ts"), []);
  });

  describe("module resolution", () => {
    it("adds source extensions, maps emitted .js to .ts, and finds a directory's index", () => {
      write({ "src/com.ts": "", "src/util/index.ts": "", "src/plain.mjs": "" });
      const from = path.join(root, "src/main.ts");
      assert.equal(resolveImport(from, "./com"), path.join(root, "src/com.ts"));
      assert.equal(resolveImport(from, "./com.js"), path.join(root, "src/com.ts"));
      assert.equal(resolveImport(from, "./util"), path.join(root, "src/util/index.ts"));
      assert.equal(resolveImport(from, "./plain.mjs"), path.join(root, "src/plain.mjs"));
      assert.equal(resolveImport(from, "./nothing"), null);
      assert.equal(resolveImport(from, "node:fs"), null);
      assert.equal(resolveImport(from, "react"), null);
    });

    it("finds a package linked into node_modules from the repository (a workspace link), not an installed one", () => {
      write({ "libs/gfx/package.json": JSON.stringify({ name: "gfx", module: "main.ts" }), "libs/gfx/main.ts": "" });
      fs.mkdirSync(path.join(root, "node_modules"), { recursive: true });
      fs.symlinkSync(path.join(root, "libs/gfx"), path.join(root, "node_modules/gfx"), "dir");
      assert.equal(resolveImport(path.join(root, "src/main.ts"), "gfx"), fs.realpathSync(path.join(root, "libs/gfx/main.ts")));
    });
  });
});
