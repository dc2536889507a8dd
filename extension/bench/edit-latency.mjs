#!/usr/bin/env node
/**
 * Time from a didChange to the publishDiagnostics for that version, on a
 * 2,000-line TypeScript file full of COM calls, through the real server over
 * stdio. Debounce is set to 0 to measure the server's work (add the
 * `comAsync.debounce` setting, 250 ms by default, for what a typist sees).
 *
 *   node extension/bench/edit-latency.mjs [--runs 30] [--lines 2000] [--bundle]
 *
 * --bundle runs dist/server.js (after `npm run package`) instead of the tsc output.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require("vscode-languageserver/node");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("runs", 30);
const LINES = arg("lines", 2000);
const bundle = process.argv.includes("--bundle");

/** About `lines` lines: functions with correct and incorrect protocol use, branches and loops. */
function source(lines) {
  const out = ["declare const IID_ICancelMethodCalls: unknown;", "declare function log(x: unknown): void;"];
  for (let i = 0; out.length < lines; i++) {
    switch (i % 4) {
      case 0:
        out.push(
          `export function quote${i}(call: any, symbol: string): number {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          "  try {",
          "    call.Begin_GetPrice(symbol);",
          "    if (symbol.length > 4) {",
          "      cancel.Cancel(0);",
          "    }",
          "    return call.Finish_GetPrice();",
          "  } finally {",
          "    cancel.Release();",
          "  }",
          "}",
        );
        break;
      case 1:
        out.push(
          `export function leak${i}(call: any, early: boolean): number {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          "  if (early) {",
          "    return 1;",
          "  }",
          "  cancel.Release();",
          "  return 0;",
          "}",
        );
        break;
      case 2:
        out.push(
          `export function loop${i}(call: any, symbols: string[]): void {`,
          "  for (const symbol of symbols) {",
          "    call.Begin_GetPrice(symbol);",
          "    log(call.Finish_GetPrice());",
          "  }",
          "}",
        );
        break;
      default:
        out.push(
          `export function cancelled${i}(call: any): void {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          '  call.Begin_GetPrice("X");',
          "  cancel.Cancel(0);",
          "  cancel.Release();",
          "}",
        );
    }
  }
  return out.join("\n") + "\n";
}

const server = bundle ? path.join(root, "extension/dist/server.js") : path.join(root, "extension/bin/com-async-language-server.js");
const child = spawn(process.execPath, [server, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
const waiting = new Map();
let lastCount = 0;
connection.onNotification("textDocument/publishDiagnostics", (params) => {
  lastCount = params.diagnostics.length;
  waiting.get(params.version)?.(performance.now());
});
connection.onRequest("workspace/configuration", (params) => params.items.map(() => ({ debounce: 0 })));
connection.onRequest("client/registerCapability", () => null);
connection.listen();

await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
await connection.sendNotification("initialized", {});

const uri = pathToFileURL(path.join(root, "bench-2000-lines.ts")).href;
const text = source(LINES);
const lineCount = text.split("\n").length - 1;
const published = (version) => new Promise((resolve) => waiting.set(version, resolve));

let version = 1;
let wait = published(version);
const openedAt = performance.now();
await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version, text } });
const firstMs = (await wait) - openedAt;

const times = [];
for (let run = 0; run < RUNS; run++) {
  version++;
  // A keystroke: insert a character in a comment on line 2 (a full re-lint follows, as for any edit).
  const change = { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: run % 2 === 0 ? "//" : "" };
  const edit = run % 2 === 0 ? change : { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } }, text: "" };
  wait = published(version);
  const sentAt = performance.now();
  await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [edit] });
  times.push((await wait) - sentAt);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`${lineCount} lines, ${lastCount} diagnostics, ${RUNS} edits (${bundle ? "bundled server" : "compiled server"}, debounce 0)`);
console.log(`first lint on open: ${firstMs.toFixed(0)} ms`);
console.log(`edit -> diagnostics: median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
await connection.sendRequest("shutdown");
await connection.sendNotification("exit");
connection.dispose();
setTimeout(() => child.kill(), 200).unref();
