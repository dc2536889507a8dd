/**
 * A minimal LSP client for the tests: starts the real server binary over
 * stdio, answers workspace/configuration with the test's settings, and
 * collects published diagnostics and window messages.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  CodeAction,
  CodeActionParams,
  Diagnostic,
  InitializeParams,
  ProtocolConnection,
  PublishDiagnosticsParams,
  ShowMessageParams,
  StreamMessageReader,
  StreamMessageWriter,
  TextEdit,
  WorkspaceEdit,
  createProtocolConnection,
} from "vscode-languageserver/node";

export const ROOT = path.resolve(__dirname, "../../..");
export const SERVER_BIN = path.join(ROOT, "extension/bin/com-async-language-server.js");

export interface ClientOptions {
  /** The `comAsync` settings section answered to workspace/configuration (per URI if a function). */
  settings?: unknown | ((uri: string | undefined) => unknown);
  trusted?: boolean;
  workspaceFolder?: string;
  /** Advertise resolve support for code action edits (VS Code does). */
  resolveSupport?: boolean;
}

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly messages: ShowMessageParams[] = [];
  readonly logs: string[] = [];
  readonly shownDocuments: string[] = [];
  private waiters: { uri: string; predicate: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();
  stderr = "";

  constructor(private readonly options: ClientOptions = {}) {
    this.process = spawn(process.execPath, [SERVER_BIN, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.process.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== params.uri || !w.predicate(params)) return true;
        w.resolve(params);
        return false;
      });
    });
    this.connection.onNotification("window/showMessage", (params: ShowMessageParams) => void this.messages.push(params));
    this.connection.onNotification("window/logMessage", (params: { message: string }) => void this.logs.push(params.message));
    this.connection.onRequest("workspace/configuration", (params: { items: { scopeUri?: string; section?: string }[] }) =>
      params.items.map((item) => {
        const settings = this.options.settings;
        return typeof settings === "function" ? (settings as (uri: string | undefined) => unknown)(item.scopeUri) : (settings ?? null);
      }),
    );
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("window/showDocument", (params: { uri: string }) => {
      this.shownDocuments.push(params.uri);
      return { success: true };
    });
    this.connection.listen();
  }

  async initialize(): Promise<void> {
    const folder = this.options.workspaceFolder;
    const params: InitializeParams = {
      processId: process.pid,
      rootUri: folder ? pathToFileURL(folder).href : null,
      workspaceFolders: folder ? [{ uri: pathToFileURL(folder).href, name: path.basename(folder) }] : null,
      initializationOptions: { workspaceTrusted: this.options.trusted === true },
      capabilities: {
        workspace: { configuration: true, workspaceEdit: { documentChanges: true }, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix", "source", "source.fixAll"] } },
            isPreferredSupport: true,
            ...(this.options.resolveSupport ? { resolveSupport: { properties: ["edit"] }, dataSupport: true } : {}),
          },
          synchronization: { didSave: true },
        },
        window: { showDocument: { support: true } },
      },
    };
    await this.connection.sendRequest("initialize", params);
    await this.connection.sendNotification("initialized", {});
  }

  /** Waits for the next diagnostics of `uri` that satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri))}\n${this.logs.join("\n")}\n${this.stderr}`)), timeoutMs);
      this.waiters.push({
        uri,
        predicate,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async open(uri: string, text: string, languageId = "typescript"): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    const published = this.waitForDiagnostics(uri, (p) => p.version === 1);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId, version: 1, text } });
    return (await published).diagnostics;
  }

  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    const published = this.waitForDiagnostics(uri, (p) => p.version === version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    return (await published).diagnostics;
  }

  async close(uri: string): Promise<Diagnostic[]> {
    const published = this.waitForDiagnostics(uri);
    await this.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    return (await published).diagnostics;
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? "";
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  codeActions(uri: string, range: CodeActionParams["range"], diagnostics: Diagnostic[] = [], only?: string[]): Promise<CodeAction[]> {
    return this.connection.sendRequest("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
  }

  resolve(action: CodeAction): Promise<CodeAction> {
    return this.connection.sendRequest("codeAction/resolve", action);
  }

  /** Applies a workspace edit for `uri` to the client's text (checks the version it was made for). */
  applyEdit(uri: string, edit: WorkspaceEdit): string {
    let edits: TextEdit[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ("textDocument" in change && change.textDocument.uri === uri) {
        if (change.textDocument.version !== this.version(uri)) throw new Error(`edit for version ${change.textDocument.version}, document is at ${this.version(uri)}`);
        edits = edits.concat(change.edits as TextEdit[]);
      }
    }
    edits = edits.concat(edit.changes?.[uri] ?? []);
    return applyTextEdits(this.text(uri), edits);
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification("exit");
    } catch {
      // already gone
    }
    this.connection.dispose();
    setTimeout(() => this.process.kill(), 500).unref();
  }
}

export function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + position.character;
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), text: e.newText }));
  withOffsets.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

export function fileUri(name: string): string {
  return pathToFileURL(path.join(ROOT, "test/extension/virtual", name)).href;
}
