/**
 * The com-async language server: lints open TypeScript/JavaScript documents
 * with the bundled plugin and pushes diagnostics; answers code actions with
 * edits computed here. Editor-neutral: VS Code's client adds only a status
 * notification consumer and a trust flag.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  CodeAction,
  CodeActionKind,
  Connection,
  Diagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  InitializeParams,
  InitializeResult,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { ClientFeatures, codeActions, FixAllData, fixAllEdit, LintedVersion, toDiagnostic } from "./code-actions";
import { defaultRuleConfig, applyOverrides, lintPathFor, LintTarget, RuleConfig, TypedParserOptions } from "./lint";
import { IncrementalLinter, IncrementalResult } from "./incremental-lint";
import { fastPathUnavailable } from "./fast-parser";
import { Settings, validateSettings } from "./settings";
import { WorkspaceConfigError, WorkspaceConfigs } from "./workspace-config";
import { CheckTiming, FIRST_LINT_EVENT, FIX_ALL_KIND, InitializationOptions, SHOW_DOCUMENTATION_COMMAND, STATUS_NOTIFICATION, StatusParams } from "../shared/protocol";

export const SERVER_NAME = "com-async-language-server";
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const SERVER_VERSION: string = (require("eslint-plugin-com-async/package.json") as { version: string }).version;

interface DocumentState {
  timer: NodeJS.Timeout | undefined;
  /** The last version linted, with what code actions need (null while skipped or unparsable). */
  linted: LintedVersion | null;
  /** Keeps the last lint's problems per top-level statement, so that an edit re-lints only what it can change. */
  linter: IncrementalLinter;
}

export function startServer(connection: Connection): void {
  // oxc's native binding loads now, while the client waits for the answer to
  // `initialize`, rather than on the way to the first file's diagnostics.
  fastPathUnavailable();
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentState>();
  const settingsCache = new Map<string, Promise<Settings>>();
  const shownMessages = new Set<string>();
  const workspaceConfigs = new WorkspaceConfigs();
  let folders: string[] = [];
  let trusted = false;
  let pullConfiguration = false;
  let workspaceFolderEvents = false;
  let statusNotifications = false;
  let pushedSettings: unknown = undefined;
  let verbose = false;
  const features: ClientFeatures = { documentChanges: false, relatedInformation: false, resolveEdit: false };

  const log = (message: string) => connection.console.log(`[${new Date().toISOString().slice(11, 23)}] ${message}`);
  const status = (params: StatusParams) => {
    if (statusNotifications) void connection.sendNotification(STATUS_NOTIFICATION, params);
  };
  /** Shows a message once per server run (settings problems repeat on every lint otherwise). */
  const showOnce = (type: MessageType, message: string) => {
    log(message);
    if (shownMessages.has(message)) return;
    shownMessages.add(message);
    // A notification, not a request: no client has to answer, and none blocks the lint.
    void connection.sendNotification(ShowMessageNotification.type, { type, message });
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions & { statusNotifications?: boolean };
    trusted = options.workspaceTrusted === true;
    pushedSettings = options.settings;
    statusNotifications = options.statusNotifications === true;
    pullConfiguration = capabilities.workspace?.configuration === true;
    workspaceFolderEvents = capabilities.workspace?.workspaceFolders === true;
    features.documentChanges = capabilities.workspace?.workspaceEdit?.documentChanges === true;
    features.relatedInformation = capabilities.textDocument?.publishDiagnostics?.relatedInformation === true;
    features.resolveEdit = capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes("edit") === true;
    folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== null);
    if (folders.length === 0 && params.rootUri) folders = [uriToPath(params.rootUri)].filter((p): p is string => p !== null);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        executeCommandProvider: { commands: [SHOW_DOCUMENTATION_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    };
  });

  connection.onInitialized(() => {
    log(`${SERVER_NAME} ${SERVER_VERSION} on Node ${process.version}; workspace ${trusted ? "trusted" : "not trusted (workspace ESLint configs are never loaded)"}; folders: ${folders.join(", ") || "none"}`);
    const unavailable = fastPathUnavailable();
    log(unavailable ? `fast parser off: ${unavailable}; TypeScript is parsed by typescript-eslint` : "fast parser: oxc for untyped TypeScript");
    if (pullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: "comAsync" }).catch(() => undefined);
    if (workspaceFolderEvents) connection.workspace.onDidChangeWorkspaceFolders((event) => {
      const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
      folders = [...folders.filter((f) => !removed.has(f)), ...event.added.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== null)];
      workspaceConfigs.reset();
      relintAll();
    });
    status({ state: "ok", text: "com-async: ready" });
  });

  // ---- settings ---------------------------------------------------------

  async function settingsFor(uri: string): Promise<Settings> {
    let cached = settingsCache.get(uri);
    if (!cached) {
      cached = (async () => {
        let raw: unknown = pushedSettings;
        if (pullConfiguration) {
          try {
            raw = await connection.workspace.getConfiguration({ scopeUri: uri, section: "comAsync" });
          } catch (error) {
            log(`workspace/configuration failed (${String(error)}); using the defaults`);
            raw = undefined;
          }
        }
        const { settings, problems } = validateSettings(raw);
        for (const problem of problems) showOnce(MessageType.Warning, `com-async: ${problem}`);
        verbose = settings.verbose;
        return settings;
      })();
      settingsCache.set(uri, cached);
    }
    return cached;
  }

  connection.onDidChangeConfiguration((change) => {
    const section = (change.settings as { comAsync?: unknown } | null)?.comAsync;
    if (section !== undefined) pushedSettings = section;
    settingsCache.clear();
    relintAll();
  });

  connection.onDidChangeWatchedFiles(() => {
    // An ESLint config (or a dependency it loads) changed.
    workspaceConfigs.reset();
    relintAll();
  });

  /** The rules for a file and whether it is linted with types: from the workspace config where allowed, else the settings. */
  async function lintSetupFor(filePath: string | null, settings: Settings): Promise<{ config: RuleConfig; typed: TypedParserOptions | null }> {
    if (filePath && trusted && settings.useWorkspaceConfig) {
      const folder = folders.filter((f) => isInside(filePath, f)).sort((a, b) => b.length - a.length)[0];
      if (folder) {
        try {
          const found = await workspaceConfigs.configFor(filePath, folder);
          if (found) {
            if (verbose) log(`${path.basename(filePath)}: ${found.rules ? "rules" : "default rules"}${found.typed ? ", type information" : ""} from ${found.configFile}`);
            return { config: found.rules ? applyOverrides(found.rules, settings) : defaultRuleConfig(settings), typed: found.typed };
          }
        } catch (error) {
          const message = error instanceof WorkspaceConfigError ? error.message : String(error);
          showOnce(MessageType.Warning, `com-async: could not load the workspace ESLint configuration (${message}); using the recommended rules.`);
          status({ state: "warning", text: `com-async: workspace ESLint config failed to load; using the recommended rules` });
        }
      }
    }
    return { config: defaultRuleConfig(settings), typed: null };
  }

  // ---- linting ------------------------------------------------------------

  function stateOf(uri: string): DocumentState {
    let state = states.get(uri);
    if (!state) states.set(uri, (state = { timer: undefined, linted: null, linter: new IncrementalLinter() }));
    return state;
  }

  let publishedAny = false;
  function publish(document: TextDocument, diagnostics: Diagnostic[]): void {
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
    if (!publishedAny) (process as NodeJS.EventEmitter).emit(FIRST_LINT_EVENT);
    publishedAny = true;
  }

  async function lintNow(uri: string, reason: string): Promise<void> {
    const state = states.get(uri);
    if (state?.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    const document = documents.get(uri);
    if (!document || !state) return;
    try {
      const settings = await settingsFor(uri);
      if (!settings.enable) {
        state.linted = null;
        publish(document, []);
        return;
      }
      const text = document.getText();
      const name = displayName(uri);
      if (settings.maxFileSize > 0 && text.length > settings.maxFileSize) {
        state.linted = null;
        state.linter.reset();
        const note = `com-async: this file was not checked: it has ${text.length} characters, more than comAsync.maxFileSize (${settings.maxFileSize}).`;
        publish(document, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: "com-async", message: note }]);
        log(`${name}: skipped (${text.length} characters > maxFileSize ${settings.maxFileSize})`);
        status({ state: "warning", text: `com-async: ${name} not checked (larger than comAsync.maxFileSize)`, uri });
        return;
      }
      const filePath = uriToPath(uri);
      const { config, typed } = await lintSetupFor(filePath, settings);
      // The document may have changed while settings and config were read: lint what is current.
      const current = documents.get(uri);
      if (!current || states.get(uri) !== state) return;
      const target: LintTarget = { text: current.getText(), filePath: lintPathFor(uri, current.languageId, filePath), fastParser: settings.fastParser, typed };
      const result = state.linter.lint(target, config, settings.incremental);
      if (result.typedFallback) showOnce(MessageType.Info, `com-async: ${name} is linted without type information (${firstLine(result.typedFallback)}).`);
      const check = timing(current.version, result);
      if (result.parseError) {
        // The compiler shows syntax errors; com-async keeps quiet rather than flicker stale findings.
        state.linted = null;
        log(`${name}: does not parse (line ${result.parseError.line}: ${result.parseError.message}); not checked`);
        publish(current, []);
        status({ state: "warning", text: `com-async: ${name} does not parse (line ${result.parseError.line}); not checked`, uri });
        return;
      }
      state.linted = { document: current, target, config, problems: result.problems, parseMemo: new Map() };
      publish(
        current,
        result.problems.map((p) => toDiagnostic(p, uri, features)),
      );
      // What the next edit needs of this lint is worked out once the diagnostics are on their way.
      setImmediate(() => state.linter.settle());
      if (verbose) log(`${name} v${current.version} (${reason}): ${result.problems.length} problem(s) in ${describeTiming(check, result)}`);
      status({ state: "ok", text: `com-async: ${name}: ${result.problems.length} problem(s), checked in ${Math.round(result.durationMs)} ms${check.typed ? " with types" : ""}`, uri, check });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${displayName(uri)}: internal error: ${message}`);
      status({ state: "error", text: `com-async: internal error on ${displayName(uri)} (see the output)`, uri });
    }
  }

  function schedule(uri: string, delay: number): void {
    const state = stateOf(uri);
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void lintNow(uri, "typing");
    }, delay);
  }

  function relintAll(): void {
    for (const document of documents.all()) void lintNow(document.uri, "settings");
  }

  documents.onDidChangeContent(async (event) => {
    const uri = event.document.uri;
    if (!states.has(uri)) {
      // Just opened (TextDocuments reports an open as a first change).
      stateOf(uri);
      await lintNow(uri, "open");
      return;
    }
    const settings = await settingsFor(uri);
    if (settings.run === "onType") schedule(uri, settings.debounce);
  });

  documents.onDidSave((event) => void lintNow(event.document.uri, "save"));

  documents.onDidClose((event) => {
    const state = states.get(event.document.uri);
    if (state?.timer) clearTimeout(state.timer);
    states.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  // ---- code actions -----------------------------------------------------

  /** The linted state for exactly this version, linting again if the last lint is older. */
  async function lintedVersion(uri: string): Promise<LintedVersion | null> {
    const document = documents.get(uri);
    const state = states.get(uri);
    if (!document || !state) return null;
    if (state.linted?.document.version !== document.version) await lintNow(uri, "code action");
    return state.linted?.document.version === document.version ? state.linted : null;
  }

  connection.onCodeAction(async (params) => {
    try {
      const linted = await lintedVersion(params.textDocument.uri);
      if (!linted) return [];
      return codeActions(linted, params.range, params.context.only, features);
    } catch (error) {
      log(`code actions failed: ${error instanceof Error ? error.stack : String(error)}`);
      return [];
    }
  });

  connection.onCodeActionResolve(async (action: CodeAction) => {
    const data = action.data as FixAllData | undefined;
    if (!data?.fixAll) return action;
    const linted = await lintedVersion(data.uri);
    if (!linted || linted.document.version !== data.version) return action;
    const edit = fixAllEdit(linted, features);
    if (edit) action.edit = edit;
    return action;
  });

  connection.onExecuteCommand(async (params) => {
    if (params.command !== SHOW_DOCUMENTATION_COMMAND) return;
    const url = String(params.arguments?.[0] ?? "");
    if (!/^https?:\/\//.test(url)) return;
    try {
      const shown = await connection.window.showDocument({ uri: url, external: true });
      if (shown.success) return;
    } catch {
      // The client has no window/showDocument: fall back to a message with the link.
    }
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `Documentation: ${url}` });
  });

  documents.listen(connection);
  connection.listen();
}

function uriToPath(uri: string): string | null {
  if (!uri.startsWith("file:")) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

function timing(version: number, result: IncrementalResult): CheckTiming {
  return {
    version,
    totalMs: result.durationMs,
    parseMs: result.parse?.ms ?? 0,
    parser: result.parse?.parser ?? (result.typed ? "typescript-eslint" : "espree"),
    typed: result.typed,
    incremental: result.incremental.mode,
  };
}

/** "41.2 ms (parse 9.8 ms with oxc, analysis 31.4 ms)", with the reason when the fast parser was not used. */
function describeTiming(check: CheckTiming, result: IncrementalResult): string {
  const split = check.parseMs > 0 ? ` (parse ${check.parseMs.toFixed(1)} ms with ${check.parser}${check.typed ? " and types" : ""}, analysis ${(check.totalMs - check.parseMs).toFixed(1)} ms)` : "";
  const fallback = result.parse?.fallback ? `; fast parser not used: ${firstLine(result.parse.fallback)}` : "";
  const { mode, reason, relinted, units } = result.incremental;
  const scope = mode === "full" ? `; whole file${reason ? ` (${reason})` : ""}` : `; ${relinted} of ${units} statements re-linted`;
  return `${check.totalMs.toFixed(1)} ms${split}${fallback}${scope}`;
}

function firstLine(text: string): string {
  return text.split("\n")[0].slice(0, 200);
}

function displayName(uri: string): string {
  const filePath = uriToPath(uri);
  return filePath ? path.basename(filePath) : uri;
}

