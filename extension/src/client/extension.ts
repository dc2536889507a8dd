/**
 * The VS Code side: starts the language server, shows its state in the status
 * bar, and restarts it when the workspace becomes trusted. No linting runs in
 * the extension host.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { CloseAction, ErrorHandler, LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from "vscode-languageclient/node";
import { STATUS_NOTIFICATION, StatusParams } from "../shared/protocol";

const SELECTOR = ["typescript", "typescriptreact", "javascript", "javascriptreact"].flatMap((language) => [
  { scheme: "file", language },
  { scheme: "untitled", language },
]);

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem;
let output: vscode.LogOutputChannel;
/** Server crashes since activation (reported in the status bar until the window reloads). */
let crashes = 0;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("COM Async", { log: true });
  statusItem = vscode.window.createStatusBarItem("comAsync.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "COM Async";
  statusItem.command = "comAsync.showOutput";
  setStatus("busy", "com-async: starting");
  statusItem.show();
  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand("comAsync.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("comAsync.restartServer", () => restart(context)),
    // Trust changes what the server may load: start it again with the new flag.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  await old?.stop().catch(() => undefined);
  await start(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  // The launcher runs dist/server.js from a code cache kept in the extension's global storage (launch.ts).
  const module = context.asAbsolutePath(path.join("dist", "launch.js"));
  const cache = { env: { ...process.env, COM_ASYNC_CACHE_DIR: path.join(context.globalStorageUri.fsPath, "code-cache") } };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: cache },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6010"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: output,
    initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted, statusNotifications: true },
    synchronize: {
      // A changed ESLint config (or its package.json) makes the server read it again.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{eslint.config.{js,mjs,cjs,ts,mts,cts},package.json}"),
    },
    diagnosticCollectionName: "com-async",
    // The client's default policy (restart unless it crashed too often), plus a visible report of each crash.
    errorHandler: {
      error: (error, message, count) => defaultHandler.error(error, message, count),
      closed: async () => {
        const result = await defaultHandler.closed();
        const restarted = result.action === CloseAction.Restart;
        crashes++;
        output.warn(`The language server stopped unexpectedly; ${restarted ? "restarting it" : "not restarting it again (it crashed too often)"}.`);
        setStatus(restarted ? "warning" : "error", `com-async: the language server crashed${restarted ? " and was restarted" : ""} (see the output)`);
        return result;
      },
    },
  };
  const languageClient = new LanguageClient("comAsync", "COM Async", serverOptions, clientOptions);
  const defaultHandler: ErrorHandler = languageClient.createDefaultErrorHandler();
  client = languageClient;
  languageClient.onDidChangeState((event) => {
    if (event.newState === State.Running) setStatus(crashes > 0 ? "warning" : "ok", crashes > 0 ? `com-async: running (restarted after ${crashes} crash(es); see the output)` : "com-async: running");
    else if (event.newState === State.Starting) setStatus("busy", "com-async: starting");
    else if (client === languageClient) setStatus("error", "com-async: the language server stopped (see the output)");
  });
  context.subscriptions.push(
    languageClient,
    languageClient.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => setStatus(params.state, params.text)),
  );
  try {
    await languageClient.start();
  } catch (error) {
    setStatus("error", `com-async: the language server did not start: ${String(error)}`);
    output.appendLine(`Failed to start the language server: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

function setStatus(state: StatusParams["state"], text: string): void {
  if (!statusItem) return;
  const icon = { ok: "$(check)", busy: "$(sync~spin)", warning: "$(warning)", error: "$(error)" }[state];
  statusItem.text = `${icon} com-async`;
  statusItem.tooltip = `${text}\nClick to show the output.`;
  statusItem.backgroundColor = state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : state === "warning" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
}
