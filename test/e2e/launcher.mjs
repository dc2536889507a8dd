/**
 * The packaged server as VS Code starts it: dist/launch.js runs dist/server.js from a V8 code
 * cache (extension/src/server/launch.ts). Two fresh servers in turn, each given the same
 * cache directory, open the same file: the first finds no cache and writes one after its first
 * diagnostics, the second loads it, leaves it alone and publishes the same diagnostics. A cache
 * that is not a cache (a truncated file) is rejected by V8 and rewritten, never a crash. In a trusted
 * workspace, its `eslint.config.mjs` is loaded from the cache as on the first start (on Node 20, code V8
 * takes from a cache has lost the dynamic import a config file is loaded with: scripts/build.mjs).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LAUNCHER = path.join(ROOT, "extension", "dist", "launch.js");

const SOURCE = `declare const IID_ICancelMethodCalls: unknown;
export function quote(call: any): void {
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  cancel.Cancel(0);
}
`;

/** A workspace config (self-contained: a stand-in com-async plugin) that makes missing-release a warning and turns cancel-without-finish off. */
const WORKSPACE_CONFIG = [
  "const rule = { meta: { schema: false }, create: () => ({}) };",
  'export default [{ files: ["**/*.ts"], plugins: { "com-async": { rules: { "missing-release": rule, "cancel-without-finish": rule } } },',
  '  rules: { "com-async/missing-release": "warn", "com-async/cancel-without-finish": "off" } }];',
  "",
].join("\n");

/** Starts the launcher, opens the file, returns the published diagnostics (rule, line, severity) once they come. */
async function openOnce(folder, cacheDir, trusted = false) {
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require("vscode-languageserver/node");
  const child = spawn(process.execPath, [LAUNCHER, "--stdio"], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, COM_ASYNC_CACHE_DIR: cacheDir } });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest("workspace/configuration", (params) => params.items.map(() => ({ debounce: 0 })));
  connection.onRequest("client/registerCapability", () => null);
  const uri = pathToFileURL(path.join(folder, "quote.ts")).href;
  const diagnostics = new Promise((resolve, reject) => {
    connection.onNotification("textDocument/publishDiagnostics", (params) => params.uri === uri && resolve(params.diagnostics.map((d) => `${d.code} ${d.range.start.line + 1} severity ${d.severity}`).sort()));
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before publishing: ${stderr.slice(-400)}`)));
    setTimeout(() => reject(new Error("no diagnostics in 60 s")), 60_000).unref();
  });
  connection.listen();
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(folder).href, capabilities: { workspace: { configuration: true } }, initializationOptions: { workspaceTrusted: trusted } });
  await connection.sendNotification("initialized", {});
  await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text: SOURCE } });
  try {
    const found = await diagnostics;
    // The cache is written right after the first publish: give it a moment before shutting down.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    return found;
  } finally {
    connection.dispose();
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      setTimeout(() => child.kill(), 3000).unref();
    });
  }
}

const cacheFiles = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cache")) : []);

export async function runLauncherTest() {
  if (!fs.existsSync(LAUNCHER)) return { status: "skipped", detail: "no extension/dist/launch.js (package the extension first)" };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-launcher-"));
  const cacheDir = path.join(work, "cache");
  try {
    const first = await openOnce(work, cacheDir);
    const written = cacheFiles(cacheDir);
    if (first.length === 0) return { status: "failed", detail: "no diagnostics from the launched server" };
    if (written.length !== 1) return { status: "failed", detail: `expected one cache file after the first run, found ${written.length}` };
    const file = path.join(cacheDir, written[0]);
    const { mtimeMs, size } = fs.statSync(file);
    const second = await openOnce(work, cacheDir);
    if (JSON.stringify(second) !== JSON.stringify(first)) return { status: "failed", detail: `diagnostics differ with the cache: ${first} / ${second}` };
    if (fs.statSync(file).mtimeMs !== mtimeMs) return { status: "failed", detail: "an accepted cache was written again" };
    // A damaged cache: rejected, rewritten whole, same diagnostics.
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 1024));
    const third = await openOnce(work, cacheDir);
    if (JSON.stringify(third) !== JSON.stringify(first)) return { status: "failed", detail: `diagnostics differ after a damaged cache: ${third}` };
    if (fs.statSync(file).size <= 1024) return { status: "failed", detail: "a rejected cache was not rewritten" };
    // A cache directory others may write is not trusted: neither read nor written.
    if (typeof process.getuid === "function") {
      if ((fs.statSync(cacheDir).mode & 0o077) !== 0) return { status: "failed", detail: "the cache directory is not private" };
      fs.rmSync(cacheDir, { recursive: true });
      fs.mkdirSync(cacheDir, { mode: 0o777 });
      fs.chmodSync(cacheDir, 0o777);
      const shared = await openOnce(work, cacheDir);
      if (JSON.stringify(shared) !== JSON.stringify(first)) return { status: "failed", detail: `diagnostics differ with a shared cache directory: ${shared}` };
      if (cacheFiles(cacheDir).length !== 0) return { status: "failed", detail: "a cache was written into a directory others may write" };
    }
    // A trusted workspace's config, loaded with no cache and then from one: the same severities both times.
    const trustedFolder = path.join(work, "trusted");
    fs.mkdirSync(trustedFolder);
    fs.writeFileSync(path.join(trustedFolder, "eslint.config.mjs"), WORKSPACE_CONFIG);
    const trustedCache = path.join(work, "trusted-cache");
    const configured = await openOnce(trustedFolder, trustedCache, true);
    const expected = ["com-async/missing-release 3 severity 2"];
    if (JSON.stringify(configured) !== JSON.stringify(expected)) return { status: "failed", detail: `the workspace config was not applied without a cache: ${configured}` };
    const trustedFiles = cacheFiles(trustedCache);
    if (trustedFiles.length !== 1) return { status: "failed", detail: `expected one cache file after the first trusted run, found ${trustedFiles.length}` };
    const trustedStat = fs.statSync(path.join(trustedCache, trustedFiles[0])).mtimeMs;
    const fromCache = await openOnce(trustedFolder, trustedCache, true);
    if (JSON.stringify(fromCache) !== JSON.stringify(expected)) return { status: "failed", detail: `the workspace config was not applied from the cache: ${fromCache}` };
    if (fs.statSync(path.join(trustedCache, trustedFiles[0])).mtimeMs !== trustedStat) return { status: "failed", detail: "the trusted run's cache was rejected and written again" };
    return { status: "passed", detail: `${first.length} diagnostics each time; cache ${(size / 1024 / 1024).toFixed(1)} MB written once, reused, rewritten when damaged, never kept in a shared directory; a trusted workspace's config applied with and without the cache` };
  } catch (error) {
    return { status: "failed", detail: String(error?.stack ?? error) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
