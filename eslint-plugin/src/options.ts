/**
 * The naming options every rule shares. The engine recognises the COM API by
 * these names; all of them default to the names COM itself uses, so a project
 * on an ordinary binding configures nothing.
 *
 * Rules with equal naming options share one analysis of a file (see
 * engine/file-analyses.ts), so giving every rule the same options costs nothing.
 */
import type { JSONSchema } from "@typescript-eslint/utils";

type JSONSchema4 = JSONSchema.JSONSchema4;

/**
 * A function without source that hands out an interface pointer (spec shapes 4 and 10): a summary
 * cannot see its body, so its role is named here.
 */
export interface AcquireFunction {
  /** Name of the function, `queryInterface`, or a member path, `ns.createInstance`, `gpu.makeTexture`. */
  name: string;
  /** Index of the argument that is the source object (-1: none, e.g. a factory). */
  sourceArgument: number;
  /** Index of the argument that is the IID (-1: none). */
  iidArgument: number;
  /**
   * Index of the out box the function fills (`createInstance(clsid, iid, out)`; its result is then an
   * HRESULT), or -1: the pointer is the function's result.
   */
  outArgument: number;
  /** What the function returns when it fails, or `throws`: it never returns without a pointer. */
  failureValue: "null" | "undefined" | "0n" | "0" | "throws";
}

/**
 * Where a QueryInterface-like method takes its IID and out box, when the binding does not follow
 * `p.QueryInterface(iid, out)` (spec shape 10): `p.queryInterface(out, iid)`, `com.QueryInterface(p, iid, out)`.
 */
export interface QueryInterfaceArguments {
  /** The method's name; it is a QueryInterface method from then on. */
  method: string;
  /** Index of the argument that is the object queried, or -1: the receiver (`p.queryInterface(...)`). */
  objectArgument: number;
  /** Index of the IID argument. */
  iidArgument: number;
  /** Index of the out box, or -1: the method returns the pointer. */
  outArgument: number;
}

export interface NamingOptions {
  beginPrefix: string;
  finishPrefix: string;
  queryInterfaceMethods: string[];
  queryInterfaceArguments: QueryInterfaceArguments[];
  createCallMethods: string[];
  releaseMethods: string[];
  addRefMethods: string[];
  cancelMethods: string[];
  cancelInterfaces: string[];
  /** Regular expression a QueryInterface IID argument's name must match to count as COM. */
  iidPattern: string;
  iidHelpers: string[];
  releaseFunctions: string[];
  acquireFunctions: AcquireFunction[];
  failedFunctions: string[];
  succeededFunctions: string[];
  successConstants: string[];
  /** Objects whose members are XPCOM interfaces (`Ci.nsIFoo`): never COM. */
  xpcomInterfaceRoots: string[];
}

export const DEFAULT_NAMING: NamingOptions = {
  beginPrefix: "Begin_",
  finishPrefix: "Finish_",
  queryInterfaceMethods: ["QueryInterface"],
  queryInterfaceArguments: [],
  createCallMethods: ["CreateCall"],
  releaseMethods: ["Release"],
  addRefMethods: ["AddRef"],
  cancelMethods: ["Cancel"],
  cancelInterfaces: ["IID_ICancelMethodCalls", "ICancelMethodCalls"],
  iidPattern: "^(IID_\\w+|I[A-Z]\\w*)$",
  iidHelpers: ["__uuidof", "uuidof", "iidOf"],
  releaseFunctions: ["release", "comRelease", "safeRelease", "SafeRelease"],
  acquireFunctions: [],
  failedFunctions: ["FAILED"],
  succeededFunctions: ["SUCCEEDED"],
  successConstants: ["S_OK", "NOERROR", "DS_OK", "DD_OK", "D3D_OK", "DI_OK"],
  xpcomInterfaceRoots: ["Ci", "Components.interfaces"],
};

const nameList = (description: string): JSONSchema4 => ({
  type: "array",
  items: { type: "string", minLength: 1 },
  uniqueItems: true,
  description,
});

/** JSON schema of the naming options, shared by every rule's schema. */
export const NAMING_SCHEMA_PROPERTIES: Record<keyof NamingOptions, JSONSchema4> = {
  beginPrefix: { type: "string", minLength: 1, description: "Prefix of the methods that start an asynchronous call (`Begin_`)." },
  finishPrefix: { type: "string", minLength: 1, description: "Prefix of the methods that finish an asynchronous call (`Finish_`)." },
  queryInterfaceMethods: nameList("Methods that return a new interface pointer for an IID (`QueryInterface`)."),
  queryInterfaceArguments: {
    type: "array",
    description: "QueryInterface-like methods whose IID and out box are not `(iid, out)`, each `{ method, objectArgument, iidArgument, outArgument }`. None by default.",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["method"],
      properties: {
        method: { type: "string", minLength: 1, description: "Method name." },
        objectArgument: { type: "integer", minimum: -1, description: "Index of the object queried, -1 for the receiver." },
        iidArgument: { type: "integer", minimum: 0, description: "Index of the IID argument." },
        outArgument: { type: "integer", minimum: -1, description: "Index of the out box, -1 when the method returns the pointer." },
      },
    },
  },
  createCallMethods: nameList("Methods of ICallFactory that return a new call object (`CreateCall`)."),
  releaseMethods: nameList("Methods that release an interface pointer (`Release`)."),
  addRefMethods: nameList("Methods that add a reference; the pointer is then no longer tracked (`AddRef`)."),
  cancelMethods: nameList("Methods of the cancel interface that cancel the pending call (`Cancel`)."),
  cancelInterfaces: nameList("IID or interface names that denote ICancelMethodCalls."),
  iidPattern: { type: "string", minLength: 1, format: "regex", description: "Regular expression an IID argument's name must match for an untyped QueryInterface call to count as COM." },
  iidHelpers: nameList("Functions that turn an interface into its IID (`__uuidof(ICancelMethodCalls)`)."),
  releaseFunctions: nameList("Functions that release the pointer given as their first argument, by name or member path (`comRelease(p)`, `gpu.comRelease(p)`)."),
  acquireFunctions: {
    type: "array",
    description: "Functions without source that hand out a new interface pointer (spec shapes 4 and 10). None by default.",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 1, description: "Function name, or a member path (`ns.createInstance`)." },
        sourceArgument: { type: "integer", minimum: -1, description: "Index of the source object argument, -1 for none." },
        iidArgument: { type: "integer", minimum: -1, description: "Index of the IID argument, -1 for none." },
        outArgument: { type: "integer", minimum: -1, description: "Index of the out box the function fills (it then returns an HRESULT), -1 when it returns the pointer." },
        failureValue: { type: "string", enum: ["null", "undefined", "0n", "0", "throws"], description: "What the function returns on failure, or `throws`." },
      },
    },
  },
  failedFunctions: nameList("Macros that test an HRESULT for failure (`FAILED(hr)`)."),
  succeededFunctions: nameList("Macros that test an HRESULT for success (`SUCCEEDED(hr)`)."),
  successConstants: nameList("Names of the success HRESULT (`S_OK`; DirectSound's, DirectDraw's, Direct3D 9's and DirectInput's `DS_OK`, `DD_OK`, `D3D_OK`, `DI_OK`)."),
  xpcomInterfaceRoots: nameList("Objects holding XPCOM interfaces (`Ci`): QueryInterface with such an argument is XPCOM, never COM."),
};

export function namingSchema(extra: Record<string, JSONSchema4> = {}): JSONSchema4[] {
  return [
    {
      type: "object",
      additionalProperties: false,
      properties: { ...NAMING_SCHEMA_PROPERTIES, ...extra },
    },
  ];
}

/**
 * Validates and completes a rule's options. ESLint has already checked them
 * against the schema, but the engine is also driven by the language server and
 * tests, so anything malformed falls back to the default instead of throwing.
 */
export function resolveNaming(ruleOptions: Partial<NamingOptions> | undefined): NamingOptions {
  // Most rules run with the defaults: one object for them, so that its key is computed once (namingKey).
  if (!ruleOptions || isDefaults(ruleOptions)) return DEFAULT_RESOLVED;
  const valid = pickValid(ruleOptions);
  return Object.keys(valid).length === 0 ? DEFAULT_RESOLVED : { ...DEFAULT_NAMING, ...valid };
}

const DEFAULT_RESOLVED: NamingOptions = Object.freeze({ ...DEFAULT_NAMING });

/**
 * Options that are the defaults themselves: ESLint and typescript-eslint merge `defaultOptions` into what a rule
 * receives, keeping the defaults' own strings and arrays where the user set nothing.
 */
function isDefaults(options: Partial<NamingOptions>): boolean {
  for (const key of Object.keys(options)) if ((options as Record<string, unknown>)[key] !== (DEFAULT_NAMING as unknown as Record<string, unknown>)[key]) return false;
  return true;
}

function pickValid(raw: unknown): Partial<NamingOptions> {
  const out: Partial<NamingOptions> = {};
  if (!raw || typeof raw !== "object") return out;
  const record = raw as Record<string, unknown>;
  const target = out as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_NAMING) as (keyof NamingOptions)[]) {
    const value = record[key];
    if (value === undefined) continue;
    const fallback = DEFAULT_NAMING[key];
    if (typeof fallback === "string") {
      if (typeof value === "string" && value.length > 0) target[key] = value;
    } else if (key === "acquireFunctions") {
      if (Array.isArray(value)) target[key] = value.filter(isNamed("name")).map(normalizeAcquire);
    } else if (key === "queryInterfaceArguments") {
      if (Array.isArray(value)) target[key] = value.filter(isNamed("method")).map(normalizeQueryInterface);
    } else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      target[key] = value;
    }
  }
  if (out.iidPattern !== undefined && !isValidRegExp(out.iidPattern)) delete out.iidPattern;
  // One prefix for both would make every Begin_ a Finish_ too: the defaults hold instead (namingProblem says so).
  if ((out.beginPrefix ?? DEFAULT_NAMING.beginPrefix) === (out.finishPrefix ?? DEFAULT_NAMING.finishPrefix)) {
    delete out.beginPrefix;
    delete out.finishPrefix;
  }
  return out;
}

/**
 * What is wrong with a rule's naming options that their schema cannot say (two options that must differ), or null;
 * `resolveNaming` keeps the defaults in their place.
 */
export function namingProblem(ruleOptions: Partial<NamingOptions> | undefined): string | null {
  const begin = typeof ruleOptions?.beginPrefix === "string" ? ruleOptions.beginPrefix : DEFAULT_NAMING.beginPrefix;
  const finish = typeof ruleOptions?.finishPrefix === "string" ? ruleOptions.finishPrefix : DEFAULT_NAMING.finishPrefix;
  return begin === finish ? `the rule options give beginPrefix and finishPrefix one value (${JSON.stringify(begin).slice(0, 60)})` : null;
}

/** An object whose `key` is a non-empty string: the one field an entry cannot do without. */
function isNamed<K extends string>(key: K) {
  return (value: unknown): value is Record<string, unknown> & Record<K, string> =>
    !!value && typeof value === "object" && typeof (value as Record<string, unknown>)[key] === "string" && ((value as Record<string, string>)[key]).length > 0;
}

/** An argument index, or the fallback when the value is none (-1 means "no such argument"). */
function argumentIndex(value: unknown, fallback: number): number {
  return Number.isInteger(value) && (value as number) >= -1 ? (value as number) : fallback;
}

const FAILURE_VALUES: readonly AcquireFunction["failureValue"][] = ["null", "undefined", "0n", "0", "throws"];

function normalizeAcquire(value: Record<string, unknown> & { name: string }): AcquireFunction {
  const failure = FAILURE_VALUES.find((f) => f === value.failureValue);
  return {
    name: value.name,
    sourceArgument: argumentIndex(value.sourceArgument, 0),
    iidArgument: argumentIndex(value.iidArgument, 1),
    outArgument: argumentIndex(value.outArgument, -1),
    failureValue: failure ?? "null",
  };
}

function normalizeQueryInterface(value: Record<string, unknown> & { method: string }): QueryInterfaceArguments {
  const iid = argumentIndex(value.iidArgument, 0);
  return {
    method: value.method,
    objectArgument: argumentIndex(value.objectArgument, -1),
    iidArgument: iid < 0 ? 0 : iid,
    outArgument: argumentIndex(value.outArgument, -1),
  };
}

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** A stable key for a resolved option set: rules with equal options share one analysis. */
export function namingKey(naming: NamingOptions): string {
  let key = namingKeys.get(naming);
  if (key === undefined) namingKeys.set(naming, (key = JSON.stringify(naming)));
  return key;
}

/** Keys by options object: every rule asks for its options' key when it is created, once per file. */
const namingKeys = new WeakMap<NamingOptions, string>();

/**
 * The shared settings (`settings: { "com-async": { importedHelpers: false } }`), which ESLint hands every rule
 * unchecked: unlike rule options they have no schema, so a value of the wrong type or a misspelt key is found here
 * and said (`problem`), and the default holds in its place.
 */
export interface ComAsyncSettings {
  /** Follow helpers imported from the repository's own modules (imported-helpers.ts); `false` keeps each file to itself. */
  importedHelpers: boolean;
  /** What is wrong with the settings as given, in words, or null. */
  problem: string | null;
}

const SETTINGS_KEY = "com-async";
const KNOWN_SETTINGS = ["importedHelpers"];

export function readSettings(settings: unknown): ComAsyncSettings {
  const given = settings !== null && typeof settings === "object" ? (settings as Record<string, unknown>)[SETTINGS_KEY] : undefined;
  const result: ComAsyncSettings = { importedHelpers: true, problem: null };
  if (given === undefined) return result;
  const shown = (value: unknown) => {
    let text: string;
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
    return text.length > 60 ? `${text.slice(0, 59)}…` : text;
  };
  if (given === null || typeof given !== "object" || Array.isArray(given)) {
    result.problem = `settings["${SETTINGS_KEY}"] must be an object (it is ${shown(given)})`;
    return result;
  }
  const problems: string[] = [];
  for (const key of Object.keys(given)) if (!KNOWN_SETTINGS.includes(key)) problems.push(`settings["${SETTINGS_KEY}"] has no setting \`${key}\` (known: ${KNOWN_SETTINGS.join(", ")})`);
  const importedHelpers = (given as Record<string, unknown>).importedHelpers;
  if (importedHelpers !== undefined) {
    if (typeof importedHelpers === "boolean") result.importedHelpers = importedHelpers;
    else problems.push(`settings["${SETTINGS_KEY}"].importedHelpers must be true or false (it is ${shown(importedHelpers)})`);
  }
  result.problem = problems.length > 0 ? problems.join("; ") : null;
  return result;
}
