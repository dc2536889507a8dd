/**
 * The workspace's own ESLint configuration, read only in a trusted workspace
 * (loading `eslint.config.*` executes workspace code).
 *
 * Only the `com-async/*` rule entries are taken from it: their severities and
 * options (plain JSON). The bundled plugin and parsers still do the linting, so
 * a workspace cannot swap the code that runs on every keystroke, and a config
 * that does not mention com-async leaves the zero-configuration default in place.
 *
 * Type information: when the config gives the file typescript-eslint's parser
 * with `parserOptions.projectService` or `project`, those options (and
 * `tsconfigRootDir`) are taken too, so the editor lints with types as CI does.
 */
import * as path from "node:path";
import { ESLint } from "eslint";
import type { RuleConfig, RuleSetting, TypedParserOptions } from "./lint";
import { NAMESPACE } from "./lint";
import type { Severity } from "./settings";
import { RULE_NAMES } from "./settings";

export interface WorkspaceLintConfig {
  /** The com-async rules it configures for the file, or null when it mentions none. */
  rules: RuleConfig | null;
  /** typescript-eslint's project options for the file, or null for an untyped lint. */
  typed: TypedParserOptions | null;
  /** The config file (for the log). */
  configFile: string;
}

interface CalculatedConfig {
  rules?: Record<string, unknown>;
  languageOptions?: { parser?: { meta?: { name?: string } }; parserOptions?: Record<string, unknown> };
}

const LOAD_TIMEOUT_MS = 15_000;

/** What went wrong loading a config: shown once per config file, then the default applies. */
export class WorkspaceConfigError extends Error {}

export class WorkspaceConfigs {
  /** One ESLint instance per workspace folder: it caches the loaded config array. */
  private readonly instances = new Map<string, ESLint>();

  /** Forget every loaded config (a config file changed). */
  reset(): void {
    this.instances.clear();
  }

  /**
   * What the workspace config says for this file, or null when there is no
   * config. Throws WorkspaceConfigError when the config cannot be loaded.
   */
  async configFor(filePath: string, folder: string): Promise<WorkspaceLintConfig | null> {
    let eslint = this.instances.get(folder);
    if (!eslint) this.instances.set(folder, (eslint = new ESLint({ cwd: folder })));
    let configFile: string | undefined;
    let config: CalculatedConfig | undefined;
    try {
      configFile = await withTimeout(eslint.findConfigFile(filePath), "finding the ESLint config");
      if (!configFile) return null;
      config = (await withTimeout(eslint.calculateConfigForFile(filePath), `loading ${path.basename(configFile)}`)) as CalculatedConfig | undefined;
    } catch (error) {
      this.instances.delete(folder);
      throw new WorkspaceConfigError(`${configFile ?? "eslint.config"}: ${firstLine(error)}`);
    }
    // An ignored file has no config: nothing from the workspace applies.
    if (!config) return { rules: null, typed: null, configFile };
    return { rules: comAsyncRules(config), typed: typedOptions(config, folder), configFile };
  }
}

function comAsyncRules(config: CalculatedConfig): RuleConfig | null {
  const rules: RuleConfig = new Map();
  for (const [key, entry] of Object.entries(config.rules ?? {})) {
    if (!key.startsWith(`${NAMESPACE}/`)) continue;
    const name = key.slice(NAMESPACE.length + 1);
    if (!RULE_NAMES.includes(name)) continue;
    const setting = ruleSetting(entry);
    if (setting) rules.set(name, setting);
  }
  if (rules.size === 0) return null;
  // Rules the config does not mention are off, as they would be for `eslint` itself.
  for (const name of RULE_NAMES) if (!rules.has(name)) rules.set(name, { severity: "off", options: [] });
  return rules;
}

/**
 * The project options, when the file's parser is typescript-eslint's and it
 * is given a project. Only plain JSON crosses over (a `projectService` object
 * of globs is fine; functions are not). Without `tsconfigRootDir` the folder
 * is the root, which is what the CLI run from the folder would use.
 */
function typedOptions(config: CalculatedConfig, folder: string): TypedParserOptions | null {
  const languageOptions = config.languageOptions;
  if (languageOptions?.parser?.meta?.name !== "typescript-eslint/parser") return null;
  const parserOptions = languageOptions.parserOptions ?? {};
  const projectService = plainJson(parserOptions.projectService);
  const project = plainJson(parserOptions.project);
  const wantsService = projectService !== undefined && projectService !== false && projectService !== null;
  const wantsProject = project !== undefined && project !== false && project !== null;
  if (!wantsService && !wantsProject) return null;
  const root = typeof parserOptions.tsconfigRootDir === "string" ? parserOptions.tsconfigRootDir : folder;
  return wantsService ? { projectService, tsconfigRootDir: root } : { project, tsconfigRootDir: root };
}

function plainJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
}

function ruleSetting(entry: unknown): RuleSetting | null {
  const [level, ...options] = Array.isArray(entry) ? entry : [entry];
  const severity: Severity | null = level === 2 || level === "error" ? "error" : level === 1 || level === "warn" ? "warn" : level === 0 || level === "off" ? "off" : null;
  if (severity === null) return null;
  // Options cross into the bundled plugin: keep only plain JSON.
  try {
    return { severity, options: JSON.parse(JSON.stringify(options)) as unknown[] };
  } catch {
    return { severity, options: [] };
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 300);
}
