/**
 * The plugin in an editor through oxlint's language server (`oxlint --lsp`,
 * what the oxc VS Code extension starts): a workspace whose .oxlintrc.json
 * loads the plugin as a JS plugin gets the plugin's diagnostics pushed on open
 * and on every change, and each suggestion as a quick fix whose edit is
 * ESLint's suggestion. These tests pin what the README promises for oxlint.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";
import { CodeAction, Diagnostic, ProtocolConnection, PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter, createProtocolConnection } from "vscode-languageserver/node";
import { OXLINT_BIN, PLUGIN_ENTRY } from "./hosts";

const ROOT = path.resolve(__dirname, "../../..");
/** The recommended rules: `unchecked-cancel-result` (strict) would report the Finish_ that the quick fix inserts. */
const RULES = plugin.configs.recommended.rules;
const EXAMPLE = fs.readFileSync(path.join(ROOT, "examples/cancel-without-finish.ts"), "utf8");

/** LSP position (0-based line, UTF-16 character) of a string index. */
function lspPosition(text: string, index: number): { line: number; character: number } {
  const before = text.slice(0, index);
  return { line: before.split("\n").length - 1, character: index - (before.lastIndexOf("\n") + 1) };
}

function eslintMessages(text: string): Linter.LintMessage[] {
  return new Linter({ configType: "flat" }).verify(
    text,
    [{ files: ["**/*.ts"], plugins: { "com-async": plugin as never }, languageOptions: { parser: tsParser as never }, rules: RULES as never }],
    "file.ts",
  );
}

describe("oxlint --lsp with the plugin", function () {
  this.timeout(60_000);
  let dir: string;
  let server: ChildProcess;
  let connection: ProtocolConnection;
  const published: PublishDiagnosticsParams[] = [];
  let waiters: (() => void)[] = [];

  /**
   * The diagnostics pushed for `uri` and `version`. oxlint publishes the result of
   * didOpen without a version, and of didChange with the document's version.
   */
  async function diagnosticsOf(uri: string, version: number): Promise<Diagnostic[]> {
    const find = () => published.find((p) => p.uri === uri && (p.version === version || (version === 1 && p.version === undefined)));
    const deadline = Date.now() + 30_000;
    while (!find()) {
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} version ${version}; got ${JSON.stringify(published)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
    return find()!.diagnostics;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "com-async-oxlint-lsp-"));
    const config = { plugins: [], categories: { correctness: "off" }, jsPlugins: [PLUGIN_ENTRY], rules: RULES };
    fs.writeFileSync(path.join(dir, ".oxlintrc.json"), JSON.stringify(config, null, 2));
    server = spawn(process.execPath, [OXLINT_BIN, "--lsp"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      published.push(p);
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    });
    connection.onRequest("workspace/configuration", (p: { items: unknown[] }) => p.items.map(() => null));
    connection.onRequest("client/registerCapability", () => null);
    connection.listen();
    const folder = pathToFileURL(dir).href;
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: "workspace" }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source.fixAll"] } }, isPreferredSupport: true } },
      },
    });
    await connection.sendNotification("initialized", {});
  });

  after(async () => {
    await connection?.sendRequest("shutdown").catch(() => undefined);
    await connection?.sendNotification("exit").catch(() => undefined);
    connection?.dispose();
    server?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const uri = () => pathToFileURL(path.join(dir, "cancel.ts")).href;

  it("pushes the plugin's diagnostic on open, at ESLint's range, with ESLint's message", async () => {
    await connection.sendNotification("textDocument/didOpen", { textDocument: { uri: uri(), languageId: "typescript", version: 1, text: EXAMPLE } });
    const [expected] = eslintMessages(EXAMPLE);
    const diagnostics = await diagnosticsOf(uri(), 1);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.message, d.range.start, d.range.end]),
      [["com-async(cancel-without-finish)", expected.message, { line: expected.line - 1, character: expected.column - 1 }, { line: expected.endLine! - 1, character: expected.endColumn! - 1 }]],
    );
  });

  it("offers the plugin's suggestion as the preferred quick fix, with ESLint's edit", async () => {
    const diagnostics = await diagnosticsOf(uri(), 1);
    const actions = (await connection.sendRequest("textDocument/codeAction", { textDocument: { uri: uri() }, range: diagnostics[0].range, context: { diagnostics } })) as CodeAction[];
    const [suggestion] = eslintMessages(EXAMPLE)[0].suggestions!;
    const fix = actions.find((a) => a.title === suggestion.desc);
    assert.ok(fix, `no quick fix "${suggestion.desc}" among ${actions.map((a) => a.title).join(", ")}`);
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.edit?.changes?.[uri()], [{ range: { start: lspPosition(EXAMPLE, suggestion.fix.range[0]), end: lspPosition(EXAMPLE, suggestion.fix.range[1]) }, newText: suggestion.fix.text }]);
  });

  it("re-lints on change: the fixed text has no diagnostic", async () => {
    const [suggestion] = eslintMessages(EXAMPLE)[0].suggestions!;
    const fixed = EXAMPLE.slice(0, suggestion.fix.range[0]) + suggestion.fix.text + EXAMPLE.slice(suggestion.fix.range[1]);
    await connection.sendNotification("textDocument/didChange", { textDocument: { uri: uri(), version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual(await diagnosticsOf(uri(), 2), []);
  });
});
