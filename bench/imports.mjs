#!/usr/bin/env node
/**
 * What cross-file summaries cost (issue 9): a generated workspace, a `gfx` package of helper
 * modules (a dispatcher, a release, acquiring helpers, a check) re-exported by its index, and an
 * `app` package whose files import them by the package name. Each run is a fresh process that
 * lints every app file once from disk (what `eslint .` does), with the summaries on (the
 * default) or off (`settings: { "com-async": { importedHelpers: false } }`); runs alternate,
 * and the ratio is the median of the ratios of adjacent runs. The reports line shows what the
 * summaries find that a file alone cannot.
 *
 *   node bench/imports.mjs [--runs 5] [--files 200] [--helpers 40]
 *
 * Called by `bench/run.mjs` for section (g); prints a Markdown section on stdout.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("runs", 5);
const FILES = arg("files", 200);
const HELPERS = arg("helpers", 40);

function generate(dir) {
  const write = (name, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };
  write("package.json", JSON.stringify({ private: true, workspaces: ["packages/*"] }));
  write("packages/gfx/package.json", JSON.stringify({ name: "@bench/gfx", exports: { ".": "./index.ts" } }));
  write("packages/gfx/com.ts", `import { CFunction, FFIType, read, type Pointer } from "bun:ffi";
const IUNKNOWN_RELEASE = 2;
export function vcall(self: bigint, slot: number, types: readonly FFIType[], args: readonly unknown[], returns: FFIType = FFIType.i32): number {
  const table = read.ptr(Number(self) as Pointer, 0);
  const fn = CFunction({ ptr: read.ptr(table as Pointer, slot * 8) as Pointer, args: [FFIType.u64, ...types], returns });
  return fn(self, ...args) as number;
}
export function comRelease(self: bigint): void {
  if (self === 0n) return;
  vcall(self, IUNKNOWN_RELEASE, [], [], FFIType.u32);
}
export function need(what: string, hr: number): void {
  if (hr !== 0) { console.error(what); process.exit(1); }
}
`);
  let helpers = `import { FFIType } from "bun:ffi";\nimport { vcall } from "./com";\n`;
  for (let i = 0; i < HELPERS; i++) {
    helpers += `const DEV_CREATE_THING_${i} = ${10 + i};
export function makeThing${i}(device: bigint, size: number): bigint {
  const out = Buffer.alloc(8);
  const hr = vcall(device, DEV_CREATE_THING_${i}, [FFIType.u32, FFIType.ptr], [size, out.ptr!]);
  if (hr !== 0) throw new Error("CreateThing${i} failed: " + hr);
  return out.readBigUInt64LE(0);
}
`;
  }
  write("packages/gfx/things.ts", helpers);
  write("packages/gfx/index.ts", `export { comRelease, need, vcall } from "./com";\nexport * from "./things";\n`);
  for (let f = 0; f < FILES; f++) {
    const used = Array.from({ length: 8 }, (_, k) => (f * 7 + k * 3) % HELPERS);
    let body = `import { FFIType } from "bun:ffi";\nimport * as gfx from "@bench/gfx";\ndeclare const device: bigint;\ndeclare const context: bigint;\nconst CTX_USE = 9;\n`;
    used.forEach((h, k) => {
      // Every fifth function forgets its release on an early return: what the summaries let the rule see.
      body += `export function draw${k}(size: number): number {
  const thing = gfx.makeThing${h}(device, size);
  const hr = gfx.vcall(context, CTX_USE, [FFIType.u64], [thing]);
  if (hr !== 0) ${k % 5 === 0 ? "return hr;" : "{ gfx.comRelease(thing); return hr; }"}
  gfx.comRelease(thing);
  return 0;
}
`;
    });
    write(`packages/app/file${f}.ts`, body);
  }
}

const CHILD = `
import { Linter } from "eslint";
import tsParser from "@typescript-eslint/parser";
import fs from "node:fs";
import path from "node:path";
const { default: plugin } = await import("eslint-plugin-com-async");
const [dir, mode] = process.argv.slice(2);
const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
const linter = new Linter({ cwd: "/" });
const config = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, settings: { "com-async": { importedHelpers: mode === "on" } }, ...plugin.configs.strict }];
const start = performance.now();
let reports = 0;
for (const file of files) reports += linter.verify(fs.readFileSync(file, "utf8"), config, file).filter((m) => m.ruleId?.startsWith("com-async/")).length;
console.log(JSON.stringify({ ms: performance.now() - start, reports, rss: process.memoryUsage().rss }));
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-imports-bench-"));
try {
  generate(tmp);
  const childFile = path.join(root, "bench", ".imports-child.mjs");
  fs.writeFileSync(childFile, CHILD);
  const run = (mode) => {
    const out = spawnSync(process.execPath, [childFile, path.join(tmp, "packages/app"), mode], { cwd: root, encoding: "utf8" });
    if (out.status !== 0) throw new Error(out.stderr);
    return JSON.parse(out.stdout.trim().split("\n").pop());
  };
  const on = [];
  const off = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so that a slow moment of the machine hits both.
    if (i % 2 === 0) {
      off.push(run("off"));
      on.push(run("on"));
    } else {
      on.push(run("on"));
      off.push(run("off"));
    }
  }
  fs.rmSync(childFile, { force: true });
  const ratios = on.map((r, i) => r.ms / off[i].ms);
  const rss = (list) => Math.round(median(list.map((r) => r.rss)) / 1048576);
  console.log(`### (g) Cross-file summaries

Generated workspace (\`bench/imports.mjs\`): ${FILES} app files, each importing 8 of ${HELPERS} acquiring helpers, a release and a dispatcher from the workspace package \`@bench/gfx\` (namespace import, re-exports); ${RUNS} fresh processes each way, alternating.

| summaries | lint of all files, median (ms) | paired ratio | peak RSS, median (MB) | com-async reports |
|---|---:|---:|---:|---:|
| off (\`importedHelpers: false\`) | ${Math.round(median(off.map((r) => r.ms)))} | 1.000 | ${rss(off)} | ${off[0].reports} |
| on (default) | ${Math.round(median(on.map((r) => r.ms)))} | ${median(ratios).toFixed(3)} | ${rss(on)} | ${on[0].reports} |

The helper modules are analysed once per process (cached by path, options, mtime and size); the rest of the cost is resolving each imported call.`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
