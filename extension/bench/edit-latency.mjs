#!/usr/bin/env node
/**
 * Time from a didChange to the publishDiagnostics for that version, and from
 * a didOpen to its first diagnostics, on a 2,000-line TypeScript file full of
 * COM calls, through the real server over stdio. Debounce is set to 0 to
 * measure the server's work (add the `comAsync.debounce` setting, 250 ms by
 * default, for what a typist sees).
 *
 * Three ways of linting, each in a fresh server:
 *   fast   untyped, oxc's parser (the default)
 *   old    untyped, typescript-eslint's parser (`comAsync.fastParser: false`)
 *   typed  type information from a workspace ESLint config with `projectService`
 * The server's status notification says how long each check took and how much
 * of it was parsing (parser and scope analysis) versus analysis (ESLint's
 * traversal, code paths and the rules).
 *
 *   node extension/bench/edit-latency.mjs [--runs 30] [--opens 8] [--lines 2000] [--only fast,old,typed] [--edit line2|body] [--bundle]
 *
 * --edit picks the keystroke: `line2` (the default, as in every earlier
 * figure) adds or removes `//` at the start of line 2, a module-level
 * `declare`; `body` does the same to a statement inside a function in the
 * middle of the file (`cancel.Cancel(0);`), which the server must re-analyse.
 * The untyped modes re-lint only what an edit can change (incremental-lint.ts);
 * the last column counts how each edit was linted (full / partial / reused).
 * --bundle runs dist/server.js (after `npm run package`) instead of the tsc output.
 * The machine's noise moves every figure; compare the ratios between the rows.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { source } from "./com-source.mjs";

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require("vscode-languageserver/node");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg("runs", 30));
const OPENS = Number(arg("opens", 8));
const LINES = Number(arg("lines", 2000));
const ONLY = arg("only", "fast,old,typed").split(",");
const bundle = process.argv.includes("--bundle");
const EDIT = arg("edit", "line2");
const server = bundle ? path.join(root, "extension/dist/server.js") : path.join(root, "extension/bin/com-async-language-server.js");

/** A workspace for the typed run, inside the repository so its config resolves typescript-eslint. */
function typedWorkspace() {
  const folder = path.join(root, "build/bench-typed");
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "ESNext", moduleResolution: "bundler", types: [] }, include: ["*.ts"] }));
  fs.writeFileSync(
    path.join(folder, "eslint.config.mjs"),
    'import tseslint from "typescript-eslint";\nexport default [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } }];\n',
  );
  return folder;
}

/** One server for one mode: opens and edits are driven from outside, so the modes can take turns. */
async function startSession(mode) {
  const folder = mode === "typed" ? typedWorkspace() : path.join(root, "build/bench-untyped");
  fs.mkdirSync(folder, { recursive: true });
  // BENCH_SERVER_NODE_ARGS: extra Node options for the servers (`--cpu-prof --cpu-prof-dir=/tmp/p` to profile them).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, server, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published = new Map();
  const checks = new Map();
  const session = { mode, opens: [], edits: [], diagnostics: 0 };
  connection.onNotification("textDocument/publishDiagnostics", (params) => {
    session.diagnostics = params.diagnostics.length;
    published.get(`${params.uri}@${params.version}`)?.(performance.now());
  });
  const checkWaiters = new Map();
  connection.onNotification("comAsync/status", (params) => {
    if (!params.check || !params.uri) return;
    const key = `${params.uri}@${params.check.version}`;
    checks.set(key, params.check);
    checkWaiters.get(key)?.();
  });
  /** The status notification follows the diagnostics: wait for it (briefly) to read the server's split. */
  const checkOf = (key) => (checks.has(key) ? Promise.resolve() : new Promise((resolve) => {
    checkWaiters.set(key, resolve);
    setTimeout(resolve, 2000).unref();
  }));
  const settings = { debounce: 0, fastParser: mode !== "old" };
  connection.onRequest("workspace/configuration", (params) => params.items.map(() => settings));
  connection.onRequest("client/registerCapability", () => null);
  connection.listen();
  const initializeSent = performance.now();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: "bench" }],
    initializationOptions: { workspaceTrusted: mode === "typed", statusNotifications: true },
    capabilities: { workspace: { configuration: true } },
  });
  session.initializeMs = performance.now() - initializeSent;
  await connection.sendNotification("initialized", {});
  const waitFor = (uri, version) => new Promise((resolve) => published.set(`${uri}@${version}`, resolve));
  /** Client-side latency plus the server's split for one version. */
  const sample = async (uri, version, send) => {
    const done = waitFor(uri, version);
    const sentAt = performance.now();
    await send();
    const ms = (await done) - sentAt;
    await checkOf(`${uri}@${version}`);
    const check = checks.get(`${uri}@${version}`);
    return { ms, parseMs: check?.parseMs ?? NaN, totalMs: check?.totalMs ?? NaN, parser: check?.parser, typed: check?.typed, incremental: check?.incremental };
  };
  const uriOf = (i) => pathToFileURL(path.join(folder, `bench-${i}.ts`)).href;
  let version = 1;
  session.open = async (i, text) => {
    fs.writeFileSync(path.join(folder, `bench-${i}.ts`), text);
    const uri = uriOf(i);
    session.opens.push(await sample(uri, 1, () => connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text } })));
  };
  session.edit = async (run) => {
    version++;
    // A keystroke: add or remove `//` at the start of the edited line.
    const line = editedLine;
    const edit = run % 2 === 0 ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: "//" } : { range: { start: { line, character: 0 }, end: { line, character: 2 } }, text: "" };
    const uri = uriOf(0);
    const v = version;
    session.edits.push(await sample(uri, v, () => connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [edit] })));
  };
  session.stop = async () => {
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    connection.dispose();
    setTimeout(() => child.kill(), 200).unref();
  };
  return session;
}

const quantile = (values, q) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const f = (n) => (Number.isNaN(n) ? "-" : n.toFixed(1));
const stats = (samples) => ({
  median: quantile(samples.map((s) => s.ms), 0.5),
  p90: quantile(samples.map((s) => s.ms), 0.9),
  parse: quantile(samples.map((s) => s.parseMs), 0.5),
  analysis: quantile(samples.map((s) => s.totalMs - s.parseMs), 0.5),
});

// The modes take turns (open i, edit i in each mode in order), so the machine's noise falls on all of them alike.
const text = source(LINES);
const sourceLines = text.split("\n");
const editedLine = EDIT === "body" ? sourceLines.findIndex((l, i) => i >= sourceLines.length / 2 && l === "  cancel.Cancel(0);") : 1;
const results = [];
for (const mode of ONLY) results.push(await startSession(mode));
for (let i = 0; i < OPENS; i++) for (const session of results) await session.open(i, text);
for (let run = 0; run < RUNS; run++) for (const session of results) await session.edit(run);
for (const session of results) await session.stop();
console.log(`${text.split("\n").length - 1} lines, ${results[0].diagnostics} diagnostics; ${RUNS} edits of line ${editedLine + 1}, ${OPENS} opens per mode (${bundle ? "bundled server" : "compiled server"}, debounce 0); milliseconds`);
console.log("mode    parser                initialize  cold open  open med/p90   edit med/p90   edit parse / analysis (server, median)  edits linted");
const rows = {};
const openRows = {};
for (const r of results) {
  const edit = stats(r.edits);
  const open = stats(r.opens.slice(1));
  rows[r.mode] = edit;
  openRows[r.mode] = open;
  const checked = r.edits.find((e) => e.parser) ?? {};
  const parser = `${checked.parser ?? "?"}${checked.typed ? " + types" : ""}`;
  const linted = {};
  for (const e of r.edits) linted[e.incremental ?? "full"] = (linted[e.incremental ?? "full"] ?? 0) + 1;
  console.log(
    `${r.mode.padEnd(7)} ${parser.padEnd(21)} ${f(r.initializeMs).padStart(10)}  ${f(r.opens[0].ms).padStart(9)}  ${`${f(open.median)}/${f(open.p90)}`.padEnd(13)}  ${`${f(edit.median)}/${f(edit.p90)}`.padEnd(13)}  ${`${f(edit.parse)} / ${f(edit.analysis)}`.padEnd(40)}  ${Object.entries(linted).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
}
if (rows.fast && rows.old) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  console.log(`old / fast: edit median ${ratio(rows.old.median, rows.fast.median)}, p90 ${ratio(rows.old.p90, rows.fast.p90)}, parse ${ratio(rows.old.parse, rows.fast.parse)}, open median ${ratio(openRows.old.median, openRows.fast.median)}`);
}
