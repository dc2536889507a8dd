#!/usr/bin/env node
/**
 * The first open of a fresh server, server against server, taking turns: how
 * long from spawning the process to the `initialize` answer, and from the
 * didOpen of the 2,000-line file of edit-latency.mjs to its diagnostics (the
 * "cold open" column there), for two or more server builds. The machine's
 * noise moves every figure; each round runs every server once, in turn, and the
 * per-round ratios to the first server are what to read.
 *
 *   node extension/bench/first-open.mjs [--rounds 12] [--lines 2000] [--server path/to/server.js ...]
 *
 * A server is a script started as `node <script> --stdio` (default: this
 * checkout's extension/bin/com-async-language-server.js). Name one with
 * `name=path`. The client does what VS Code's does: initialize, initialized,
 * then didOpen at once, with debounce 0 and the fast parser.
 * BENCH_SERVER_NODE_ARGS adds Node options to every server (`--cpu-prof`).
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
const argOf = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const ROUNDS = Number(argOf("rounds", 12));
const LINES = Number(argOf("lines", 2000));
const serverArgs = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--server" ? [a] : []));
const servers = (serverArgs.length > 0 ? serverArgs : [path.join(root, "extension/bin/com-async-language-server.js")]).map((spec) => {
  const [name, file] = spec.includes("=") ? spec.split("=") : [path.relative(process.cwd(), spec) || spec, spec];
  return { name, file: path.resolve(file) };
});
const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const folder = path.join(root, "build/bench-first-open");
fs.mkdirSync(folder, { recursive: true });
const text = source(LINES);

/** One fresh server: spawn, initialize, initialized, didOpen; the times in milliseconds. */
async function firstOpen(server) {
  const spawned = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, server.file, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const settings = { debounce: 0, fastParser: true };
  connection.onRequest("workspace/configuration", (params) => params.items.map(() => settings));
  connection.onRequest("client/registerCapability", () => null);
  const uri = pathToFileURL(path.join(folder, "bench-0.ts")).href;
  fs.writeFileSync(fileURLToPath(uri), text);
  let published;
  const diagnostics = new Promise((resolve) => {
    published = resolve;
  });
  connection.onNotification("textDocument/publishDiagnostics", (params) => {
    if (params.uri === uri && params.version === 1) published({ at: performance.now(), count: params.diagnostics.length });
  });
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: "bench" }],
    initializationOptions: { workspaceTrusted: false, statusNotifications: true },
    capabilities: { workspace: { configuration: true } },
  });
  const initialized = performance.now();
  await connection.sendNotification("initialized", {});
  const opened = performance.now();
  await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text } });
  const result = await diagnostics;
  await connection.sendRequest("shutdown");
  await connection.sendNotification("exit");
  connection.dispose();
  await new Promise((resolve) => {
    child.once("exit", resolve);
    setTimeout(() => child.kill(), 2000).unref();
  });
  return { initialize: initialized - spawned, open: result.at - opened, total: result.at - spawned, diagnostics: result.count };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const samples = servers.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order too, so that neither server always runs right after the other's exit.
  const order = servers.map((_, i) => i);
  if (round % 2 === 1) order.reverse();
  for (const i of order) samples[i].push(await firstOpen(servers[i]));
}
const load = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`${LINES} lines, ${samples[0][0].diagnostics} diagnostics; ${ROUNDS} rounds, servers taking turns; load ${load}; milliseconds (median [min-max])`);
console.log("server                         spawn→initialize      didOpen→diagnostics   spawn→diagnostics     open ratio (median of rounds)  total ratio");
const f = (n) => n.toFixed(0);
const cell = (values) => `${f(median(values))} [${f(Math.min(...values))}-${f(Math.max(...values))}]`.padEnd(20);
servers.forEach((server, i) => {
  const s = samples[i];
  const ratios = s.map((x, r) => x.open / samples[0][r].open);
  const totals = s.map((x, r) => x.total / samples[0][r].total);
  console.log(
    `${server.name.slice(-30).padEnd(30)} ${cell(s.map((x) => x.initialize))}  ${cell(s.map((x) => x.open))}  ${cell(s.map((x) => x.total))}  ${`${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`.padEnd(29)}  ${median(totals).toFixed(2)}`,
  );
});
