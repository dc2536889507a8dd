/**
 * The `comAsync.*` settings: their defaults, and a validator that never
 * throws. Every invalid value falls back to its default and produces one
 * readable problem line, which the server shows once.
 */
import { Linter } from "eslint";
import plugin from "eslint-plugin-com-async";

export type Severity = "off" | "hint" | "info" | "warn" | "error";
export type RunMode = "onType" | "onSave";
export type Ruleset = "recommended" | "strict";

export interface Settings {
  enable: boolean;
  run: RunMode;
  debounce: number;
  ruleset: Ruleset;
  /** Severity overrides by rule name (without the `com-async/` prefix). */
  rules: Partial<Record<string, Severity>>;
  /** Naming options given to every rule; only keys the plugin accepts. */
  naming: Record<string, unknown>;
  maxFileSize: number;
  useWorkspaceConfig: boolean;
  /** Parse untyped TypeScript with oxc's native parser where it can (typescript-eslint's parser otherwise). */
  fastParser: boolean;
  /** After an edit, re-lint only the statements it can change (incremental-lint.ts); false: the whole file every time. */
  incremental: boolean;
  verbose: boolean;
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  enable: true,
  run: "onType",
  debounce: 250,
  ruleset: "recommended",
  rules: {},
  naming: {},
  maxFileSize: 1_000_000,
  useWorkspaceConfig: true,
  fastParser: true,
  incremental: true,
  verbose: false,
}) as Settings;

export const RULE_NAMES: readonly string[] = Object.keys(plugin.rules);
export const SEVERITIES: readonly Severity[] = ["off", "hint", "info", "warn", "error"];
const MAX_DEBOUNCE = 10_000;

export interface ValidatedSettings {
  settings: Settings;
  /** One line per invalid value, naming the setting and what was used instead. */
  problems: string[];
}

/** Validates raw settings (the `comAsync` section as a client sent it). */
export function validateSettings(raw: unknown): ValidatedSettings {
  const problems: string[] = [];
  const settings: Settings = { ...DEFAULT_SETTINGS, rules: {}, naming: {} };
  if (raw === undefined || raw === null) return { settings, problems };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(`comAsync settings must be an object; using the defaults.`);
    return { settings, problems };
  }
  const input = raw as Record<string, unknown>;
  const invalid = (key: string, expected: string, used: unknown) =>
    problems.push(`comAsync.${key}: ${JSON.stringify(input[key])} is not ${expected}; using ${JSON.stringify(used)}.`);

  for (const key of ["enable", "useWorkspaceConfig", "fastParser", "incremental", "verbose"] as const) {
    if (input[key] === undefined) continue;
    if (typeof input[key] === "boolean") settings[key] = input[key] as boolean;
    else invalid(key, "true or false", settings[key]);
  }
  if (input.run !== undefined) {
    if (input.run === "onType" || input.run === "onSave") settings.run = input.run;
    else invalid("run", `"onType" or "onSave"`, settings.run);
  }
  if (input.ruleset !== undefined) {
    if (input.ruleset === "recommended" || input.ruleset === "strict") settings.ruleset = input.ruleset;
    else invalid("ruleset", `"recommended" or "strict"`, settings.ruleset);
  }
  if (input.debounce !== undefined) {
    const value = input.debounce;
    if (typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= MAX_DEBOUNCE) settings.debounce = Math.round(value);
    else invalid("debounce", `a number of milliseconds from 0 to ${MAX_DEBOUNCE}`, settings.debounce);
  }
  if (input.maxFileSize !== undefined) {
    const value = input.maxFileSize;
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) settings.maxFileSize = Math.floor(value);
    else invalid("maxFileSize", "a number of characters (0 for no limit)", settings.maxFileSize);
  }
  if (input.rules !== undefined) settings.rules = validateRules(input.rules, problems);
  if (input.naming !== undefined) settings.naming = validateNaming(input.naming, problems);
  return { settings, problems };
}

function validateRules(raw: unknown, problems: string[]): Settings["rules"] {
  const out: Settings["rules"] = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(`comAsync.rules must be an object like { "missing-release": "warn" }; ignoring it.`);
    return out;
  }
  for (const [key, value] of Object.entries(raw)) {
    const name = key.startsWith("com-async/") ? key.slice("com-async/".length) : key;
    if (!RULE_NAMES.includes(name)) {
      problems.push(`comAsync.rules: unknown rule "${key}" (known: ${RULE_NAMES.join(", ")}); ignoring it.`);
      continue;
    }
    const severity = normaliseSeverity(value);
    if (severity === null) {
      problems.push(`comAsync.rules["${key}"]: ${JSON.stringify(value)} is not one of ${SEVERITIES.join(", ")}; ignoring it.`);
      continue;
    }
    out[name] = severity;
  }
  return out;
}

/** Accepts the LSP-ish words and ESLint's (0/1/2, "warning", "information"). */
function normaliseSeverity(value: unknown): Severity | null {
  switch (value) {
    case "off":
    case 0:
      return "off";
    case "hint":
      return "hint";
    case "info":
    case "information":
      return "info";
    case "warn":
    case "warning":
    case 1:
      return "warn";
    case "error":
    case 2:
      return "error";
    default:
      return null;
  }
}

const namingCache = new Map<string, string | null>();
const probeLinter = new Linter({ configType: "flat" });

/**
 * Keeps the naming options the plugin's own schema accepts. Each key is
 * checked on its own by ESLint's validator (the same check a config file
 * gets), so one bad entry does not discard the others.
 */
function validateNaming(raw: unknown, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(`comAsync.naming must be an object like { "beginPrefix": "Start_" }; ignoring it.`);
    return out;
  }
  for (const [key, value] of Object.entries(raw)) {
    const error = namingError(key, value);
    if (error === null) out[key] = value;
    else problems.push(`comAsync.naming.${key}: ${error}; using the default.`);
  }
  return out;
}

function namingError(key: string, value: unknown): string | null {
  const cacheKey = JSON.stringify([key, value]);
  const cached = namingCache.get(cacheKey);
  if (cached !== undefined) return cached;
  let error: string | null = null;
  if (key === "iidPattern" && typeof value === "string") {
    try {
      new RegExp(value);
    } catch (e) {
      error = `not a valid regular expression (${(e as Error).message})`;
    }
  }
  if (error === null) {
    try {
      probeLinter.verify("", [{ plugins: { "com-async": plugin as never }, rules: { "com-async/missing-release": ["error", { [key]: value }] } }], "probe.js");
    } catch (e) {
      error = schemaMessage(key, (e as Error).message);
    }
  }
  if (namingCache.size > 500) namingCache.clear();
  namingCache.set(cacheKey, error);
  return error;
}

/** ESLint's message is several lines about the whole rule config; keep the part about the value. */
function schemaMessage(key: string, message: string): string {
  if (/additional properties/i.test(message)) return `unknown option (not one of the plugin's naming options)`;
  const detail = message
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line.startsWith("Value") || line.includes("should") || line.includes("must"));
  return detail ? `invalid value (${detail.replace(/^Value\s+/, "")})` : `invalid value for ${key}`;
}
