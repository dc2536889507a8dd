/**
 * The language server's modules, as compiled (build/extension/server): the
 * unit tests call them directly. The types come from the sources; the code is
 * loaded from the build, since tsc puts the extension's output outside this
 * project's output tree.
 */
import * as path from "node:path";
import type * as CodeActionsModule from "../../extension/src/server/code-actions";
import type * as FastParserModule from "../../extension/src/server/fast-parser";
import type * as IncrementalModule from "../../extension/src/server/incremental-lint";
import type * as LintModule from "../../extension/src/server/lint";
import type * as SettingsModule from "../../extension/src/server/settings";
import { ROOT } from "./lsp-client";

const load = <T>(name: string): T => require(path.join(ROOT, "build/extension/server", name)) as T;

export const settingsModule = load<typeof SettingsModule>("settings");
export const lintModule = load<typeof LintModule>("lint");
export const codeActionsModule = load<typeof CodeActionsModule>("code-actions");
export const fastParserModule = load<typeof FastParserModule>("fast-parser");
export const incrementalModule = load<typeof IncrementalModule>("incremental-lint");

/** The benchmark's generated COM code (an ES module shared with extension/bench). */
export async function generatedSources(): Promise<{ source(lines: number): string; richSource(lines: number): string }> {
  const url = require("node:url").pathToFileURL(path.join(ROOT, "extension/bench/com-source.mjs")).href as string;
  return (await import(url)) as { source(lines: number): string; richSource(lines: number): string };
}
