/**
 * Where an import of this repository's own code lives on disk: a relative path
 * (`./com`, `../gpu/index.js`, a directory's `index`), or a workspace package of the
 * same repository (`@bun-win32/gpu`: the root package.json's `workspaces`, or a
 * `node_modules` link that points back into the repository). Third-party packages are
 * not resolved: their code is not the user's and is summarised by no one. Never
 * throws; what cannot be resolved is null.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
/** TypeScript's ESM style imports `./com.js` for `./com.ts`. */
const EMITTED = new Map([
  [".js", [".ts", ".tsx"]],
  [".mjs", [".mts"]],
  [".cjs", [".cts"]],
  [".jsx", [".tsx"]],
]);

interface Workspace {
  /** Package name to package directory. */
  packages: Map<string, string>;
}

/** Workspace maps by root directory, with the root package.json's mtime they were read at. */
const workspaces = new Map<string, { mtimeMs: number; workspace: Workspace }>();

/**
 * Resolutions by importing directory and specifier. Every call of an imported function asks, so
 * answers are kept; for a short while only, so that an editor session sees files appear and move.
 */
const resolved = new Map<string, { file: string | null; at: number }>();
const RESOLUTION_TTL_MS = 2000;

export function resolveImport(fromFile: string, specifier: string): string | null {
  // `bun:ffi`, `node:fs`, an absolute path: never this repository's module.
  if (specifier.includes(":") || path.isAbsolute(specifier)) return null;
  const key = `${path.dirname(fromFile)}\0${specifier}`;
  const now = Date.now();
  const known = resolved.get(key);
  if (known && now - known.at < RESOLUTION_TTL_MS) return known.file;
  let file: string | null = null;
  try {
    file = specifier.startsWith("./") || specifier.startsWith("../") ? resolveFile(path.resolve(path.dirname(fromFile), specifier)) : resolvePackage(fromFile, specifier);
  } catch {
    file = null;
  }
  if (resolved.size > 10_000) resolved.clear();
  resolved.set(key, { file, at: now });
  return file;
}

/** A file, the file with a source extension, or a directory's index. */
function resolveFile(base: string): string | null {
  if (isFile(base) && EXTENSIONS.includes(path.extname(base))) return base;
  const ext = path.extname(base);
  for (const source of EMITTED.get(ext) ?? []) {
    const candidate = base.slice(0, -ext.length) + source;
    if (isFile(candidate)) return candidate;
  }
  for (const candidate of EXTENSIONS.map((e) => base + e)) if (isFile(candidate)) return candidate;
  if (isDirectory(base)) return packageEntry(base) ?? firstFile(EXTENSIONS.map((e) => path.join(base, `index${e}`)));
  return null;
}

function resolvePackage(fromFile: string, specifier: string): string | null {
  const parts = specifier.split("/");
  const nameLength = specifier.startsWith("@") ? 2 : 1;
  if (parts.length < nameLength) return null;
  const name = parts.slice(0, nameLength).join("/");
  const subpath = parts.slice(nameLength).join("/");
  const dir = workspacePackage(fromFile, name) ?? linkedPackage(fromFile, name);
  if (!dir) return null;
  return subpath ? resolveFile(path.join(dir, subpath)) : (packageEntry(dir) ?? resolveFile(path.join(dir, "index")));
}

/** The package's entry point from its package.json (`exports["."]`, `module`, `main`), preferring source files. */
function packageEntry(dir: string): string | null {
  const manifest = readJson(path.join(dir, "package.json"));
  if (!manifest) return null;
  const candidates: unknown[] = [];
  const exported = manifest.exports;
  const dot = exported && typeof exported === "object" && !Array.isArray(exported) && "." in exported ? (exported as Record<string, unknown>)["."] : exported;
  if (typeof dot === "string") candidates.push(dot);
  else if (dot && typeof dot === "object") for (const key of ["source", "bun", "import", "default", "require", "node"]) candidates.push((dot as Record<string, unknown>)[key]);
  candidates.push(manifest.source, manifest.module, manifest.main);
  for (const entry of candidates) {
    if (typeof entry !== "string") continue;
    const file = resolveFile(path.resolve(dir, entry));
    if (file) return file;
  }
  return null;
}

/** A package of the workspace the importing file belongs to (the nearest package.json with `workspaces`). */
function workspacePackage(fromFile: string, name: string): string | null {
  for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
    const manifestPath = path.join(dir, "package.json");
    const stat = statOf(manifestPath);
    if (stat?.isFile()) {
      const cached = workspaces.get(dir);
      let workspace = cached && cached.mtimeMs === stat.mtimeMs ? cached.workspace : null;
      if (!workspace) {
        const manifest = readJson(manifestPath);
        const patterns = manifest ? workspacePatterns(manifest.workspaces) : [];
        workspace = patterns.length > 0 ? readWorkspace(dir, patterns) : null;
        if (workspace) workspaces.set(dir, { mtimeMs: stat.mtimeMs, workspace });
      }
      if (workspace) return workspace.packages.get(name) ?? null;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function workspacePatterns(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value && typeof value === "object" ? (value as { packages?: unknown }).packages : null;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === "string") : [];
}

/** `packages/*` and `apps/web`: one level of `*`, which is what workspaces use in practice. */
function readWorkspace(root: string, patterns: string[]): Workspace {
  const packages = new Map<string, string>();
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) continue;
    const clean = pattern.replace(/\/+$/, "");
    const dirs = clean.endsWith("/*") ? listDirectories(path.join(root, clean.slice(0, -2))) : [path.join(root, clean)];
    for (const dir of dirs) {
      const manifest = readJson(path.join(dir, "package.json"));
      if (manifest && typeof manifest.name === "string" && !packages.has(manifest.name)) packages.set(manifest.name, dir);
    }
  }
  return { packages };
}

/** `node_modules/<name>` that links back into the repository (a workspace link), not an installed copy. */
function linkedPackage(fromFile: string, name: string): string | null {
  for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (isDirectory(candidate)) {
      const real = fs.realpathSync(candidate);
      return real.split(path.sep).includes("node_modules") ? null : real;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function listDirectories(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

function statOf(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function isFile(file: string): boolean {
  return statOf(file)?.isFile() ?? false;
}

function isDirectory(file: string): boolean {
  return statOf(file)?.isDirectory() ?? false;
}

function firstFile(candidates: string[]): string | null {
  return candidates.find(isFile) ?? null;
}
