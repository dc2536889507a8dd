#!/usr/bin/env node
// Recall of missing-release on real FFI COM code, by deleting Release calls one at a time.
//
//   npm run ffi-recall -- <corpus-dir> [more dirs] [--json out.json] [--sites] [--quiet]
//
// No configuration: every com-async rule (configs.strict), untyped (@typescript-eslint/parser for
// .ts/.js alike), the plugin loaded as the package `eslint-plugin-com-async` (eslint-plugin/dist).
// Each directory is one corpus (see docs/ffi-corpus.md); every JS/TS file under it is linted as is.
//
// How to read the figures (per corpus, then TOTAL):
//   files        JS/TS files linted; "unparsable" = files the parser rejects (skipped, not a failure).
//   reports      what the plugin says about the unmodified code, by rule. Each one is listed
//                (rule file:line message) unless --quiet: on correct code every one is a false positive
//                unless a human reading it agrees it is a real bug.
//   engine errors / crashes   engineError messages / exceptions thrown out of ESLint. Expected: 0.
//   sites        "calls that release" (heuristic below), by kind; --sites lists them for auditing.
//   mutants      one per site: the file with that single call deleted (its statement becomes `;`, or the
//                call becomes `undefined` inside a larger expression; newlines kept, so lines don't move).
//   caught       mutants whose re-lint has a missing-release report the unmodified file did not have
//                (compared by rule+line+message). "any" counts any new com-async report instead.
//   recall       caught / mutants. Not every mutant is a leak the spec wants reported (a pointer handed
//                to a registry, a helper body whose callers live in other files): 100% is not the target,
//                the per-kind split and the --sites list say where the misses are.
//   broken       mutants that no longer parse (a bug in this script if not 0).
//
// What counts as "a call that releases" (decided on the AST, case-insensitive on names):
//   method   x.Release(...) (any receiver; the member name is exactly Release)
//   symbols  x.symbols.Release(p)  (bun:ffi linkSymbols table built over a vtable slot)
//   vtable   a call to a dispatcher (its name has call/vtbl/vtable/com/method/invoke/dispatch/slot) whose
//            2nd or 3rd argument names Release (IUNKNOWN_RELEASE, VT.Release,
//            P_Release, ReleaseProto, a koffi prototype string "… Release(…)"), or whose 2nd argument is
//            the literal 2 (IUnknown slot 2) or the string "Release" when the callee's name looks like a dispatcher
//            (call/vtbl/vtable/com/method/invoke/dispatch/slot); for a curried `method(p, 2, P)(p)` (or Deno's
//            `com(p, 2, RELEASE).call(p)`) the outer call is the site. A lookup of the slot's address (readVtableMethod(p, RELEASE_OFFSET),
//            vtableSlot(p, SLOT_RELEASE) inside a linkSymbols table) is not a site, but makes its function a
//            release helper
//   helper   a call, with arguments, to a function whose name contains "release" (release, comRelease, gpu.comRelease,
//            this.release, releaseAll …) that is either found (same file, relative import, or workspace
//            package of the corpus, re-exports followed) and contains a release site itself, or not found
//            and not a known non-COM release (strings, handles, locks, DC, CF*, SCard*, memory …).
//   sweep    a zero-argument helper of that kind that is found (releaseAll(), hud.release()): it releases
//            state kept elsewhere (a registry, module variables), so a deletion is rarely visible in the file.
//   "+in-helper" marks sites that release a parameter of the enclosing function (a helper's body:
//            deleting it turns the helper into a no-op, visible only where the helper is called).
import { Linter } from "eslint";
import tsParser from "@typescript-eslint/parser";
import fs from "node:fs";
import path from "node:path";

const argv = process.argv.slice(2);
const flag = (name) => { const i = argv.indexOf(name); if (i < 0) return false; argv.splice(i, 1); return true; };
const jsonAt = argv.indexOf("--json");
const jsonOut = jsonAt >= 0 ? argv.splice(jsonAt, 2)[1] : null;
const listSites = flag("--sites"), quiet = flag("--quiet");
if (argv.length === 0) { console.error("usage: npm run ffi-recall -- <corpus-dir> [more dirs] [--json out.json] [--sites] [--quiet]"); process.exit(2); }
const { default: plugin } = await import("eslint-plugin-com-async");

const EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const parserOptions = (file) => ({ ecmaVersion: "latest", sourceType: file.endsWith(".cjs") ? "script" : "module", ecmaFeatures: { jsx: /x$/.test(file) }, range: true, loc: true });
let linter = null; // one per corpus: flat config matches files relative to cwd
const configFor = (file) => [{ files: ["**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"], languageOptions: { parser: tsParser, parserOptions: parserOptions(file) },
  linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" }, ...plugin.configs.strict }];

function lint(code, file) {
  try {
    const messages = linter.verify(code, configFor(file), { filename: file });
    if (messages.some((m) => m.ruleId === null && /No matching configuration/.test(m.message))) throw new Error(`not linted: ${messages[0].message}`);
    return { fatal: messages.find((m) => m.fatal), messages: messages.filter((m) => !m.fatal && m.ruleId?.startsWith("com-async/")) };
  } catch (error) { return { crash: String(error?.stack ?? error).split("\n").slice(0, 3).join(" | "), messages: [] }; }
}

// ---- finding release sites ----------------------------------------------------------------
const NON_COM = /hstring|string|bstr|handle|lock|mutex|semaphore|context|dc$|capture|actctx|stgmedium|^cf|scard|memory|hook|uianode|uiapattern|attr$|desc$|count/i;
// a slot/prototype name that means IUnknown::Release itself (not ReleaseTypeAttr, not releaseCount)
const LOOKUP = /^(read|get|find|lookup|resolve)|slot$|fn$|ptr$|address$/i; // reads the Release slot's address, calls nothing
const RELEASE_TOKEN = /release(?:_?(?:method|offset|slot|index|idx|proto|fn|func|type|result|sig|signature|ptr))*$/i;
const DISPATCHER = /call|Call|vtbl|Vtbl|vtable|Vtable|^_?com$|^_?com[A-Z_]|[mM]ethod$|invoke|Invoke|dispatch|Dispatch|slot|Slot/;
const lastName = (n) => n?.type === "Identifier" ? n.name : n?.type === "MemberExpression" ? (n.computed ? (typeof n.property.value === "string" ? n.property.value : null) : n.property.name) : null;
const namesRelease = (n) => {
  if (n?.type === "Literal" && typeof n.value === "string") return /\bRelease\s*\(/.test(n.value);
  const name = lastName(n); return name !== null && RELEASE_TOKEN.test(name) && !/^MEM_/.test(name);
};
function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === "parent" || key === "loc" || key === "range") continue;
    const v = node[key];
    if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === "string") out.push(c); } else if (v && typeof v.type === "string") out.push(v);
  }
  return out;
}
function walk(node, parent, visit) { node.parent = parent; visit(node); for (const c of children(node)) walk(c, node, visit); }
const fnName = (fn) => fn.id?.name ?? (fn.parent?.type === "VariableDeclarator" && fn.parent.id.type === "Identifier" ? fn.parent.id.name : null)
  ?? (fn.parent?.type === "MethodDefinition" || fn.parent?.type === "Property" || fn.parent?.type === "PropertyDefinition" ? lastName({ type: "MemberExpression", computed: fn.parent.computed, property: fn.parent.key }) : null);

const analyses = new Map(); // absolute file -> analysis
function packagesOf(root) {
  const map = new Map();
  for (const f of filesOf(root)) if (f.endsWith("package.json")) {
    try { const pj = JSON.parse(fs.readFileSync(f, "utf8")); const entry = typeof pj.exports === "string" ? pj.exports : pj.exports?.["."] ?? pj.main ?? "index.ts";
      if (pj.name) map.set(pj.name, path.resolve(path.dirname(f), typeof entry === "string" ? entry : "index.ts")); } catch { /* not JSON we can read */ }
  }
  return map;
}
function resolveModule(from, spec, ctx) {
  let base = spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : ctx.packages.get(spec);
  if (!base) return null;
  for (const c of [base, base.replace(/\.js$/, ".ts"), ...[".ts", ".tsx", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"].map((e) => base + e)]) if (EXT.test(c) && fs.existsSync(c)) return c;
  return null;
}
function parse(code, file) { try { return tsParser.parse(code, parserOptions(file)); } catch { return null; } }

// analysis: { ast, sites: [{node, kind, inHelper}], releasing: Set<exported or local fn name> }
function analyse(file, ctx, code = fs.readFileSync(file, "utf8")) {
  if (analyses.has(file)) return analyses.get(file);
  const a = { sites: [], releasing: new Set(), exported: new Set(), ast: parse(code, file) };
  analyses.set(file, a);
  if (!a.ast) return a;
  const fns = new Map(), imports = new Map(), stars = [], reexports = new Map(), calls = [];
  walk(a.ast, null, (n) => {
    if (/Function/.test(n.type) && n.body) { const name = fnName(n); if (name) (fns.get(name) ?? fns.set(name, []).get(name)).push(n); }
    if (n.type === "ImportDeclaration") for (const s of n.specifiers) imports.set(s.local.name, { spec: n.source.value, name: s.type === "ImportSpecifier" ? (s.imported.name ?? s.imported.value) : "*" });
    if (n.type === "VariableDeclarator" && n.init?.type === "CallExpression" && n.init.callee.name === "require" && typeof n.init.arguments[0]?.value === "string") {
      const spec = n.init.arguments[0].value;
      if (n.id.type === "Identifier") imports.set(n.id.name, { spec, name: "*" });
      else if (n.id.type === "ObjectPattern") for (const p of n.id.properties) if (p.value?.type === "Identifier") imports.set(p.value.name, { spec, name: lastName({ type: "MemberExpression", property: p.key }) });
    }
    if (n.type === "ExportAllDeclaration") stars.push(n.source.value);
    if (n.type === "ExportNamedDeclaration") {
      if (n.source) for (const s of n.specifiers) reexports.set(s.exported.name ?? s.exported.value, { spec: n.source.value, name: s.local.name ?? s.local.value });
      const d = n.declaration; if (d?.id) a.exported.add(d.id.name); if (d?.declarations) for (const v of d.declarations) if (v.id.name) a.exported.add(v.id.name);
      if (!n.source) for (const s of n.specifiers) a.exported.add(s.local.name);
    }
    if (n.type === "CallExpression") calls.push(n);
  });
  const external = (spec, name, seen) => { const target = resolveModule(file, spec, ctx); return target !== null && !seen.has(target) && releasesExport(target, name, ctx, new Set([...seen, file])); };
  // Is the callee of `call` a function that releases? true / false / null (not found)
  const resolve = (call, seen) => {
    const c = call.callee;
    if (c.type === "Identifier") {
      if (fns.has(c.name)) return a.releasing.has(c.name);
      const imp = imports.get(c.name); if (imp && imp.name !== "*") return external(imp.spec, imp.name, seen) || null;
      return null;
    }
    if (c.type === "MemberExpression") {
      const name = lastName(c);
      if (c.object.type === "ThisExpression" && fns.has(name)) return a.releasing.has(name);
      const imp = c.object.type === "Identifier" ? imports.get(c.object.name) : null;
      if (imp && imp.name === "*" && name) return external(imp.spec, name, seen) || null;
    }
    return null;
  };
  const kindOf = (call, seen) => {
    const c = call.callee;
    if (c.type === "MemberExpression" && lastName(c) === "Release") return lastName(c.object) === "symbols" ? "symbols" : "method";
    const args = call.arguments, name = lastName(c);
    const slot2 = args[1]?.type === "Literal" && (args[1].value === 2 || args[1].value === "Release");
    if (args.length >= 2 && args[0].type !== "Literal" && DISPATCHER.test(name ?? "") && (slot2 || namesRelease(args[1]) || namesRelease(args[2])))
      // (`callSlot(p, 2, RELEASE_PROTO)` calls the slot it names: a lookup's name says it reads, not calls.)
      return (LOOKUP.test(name) && !/^_?(?:call|invoke)|Call|Invoke/.test(name)) || call.parent?.type === "Property" ? "lookup" : "vtable";
    if (name && /release/i.test(name)) {
      const found = resolve(call, seen);
      if (found === true) return args.length > 0 ? "helper" : "sweep";
      if (found === null && args.length > 0 && !NON_COM.test(name) && !(c.type === "MemberExpression" && c.object.type === "ThisExpression")) return "helper";
    }
    return null;
  };
  const enclosingFn = (n) => { for (let p = n.parent; p; p = p.parent) if (/Function/.test(p.type) && p.body) return p; return null; };
  // fixpoint: a function releases when its body holds a release site
  for (let changed = true; changed;) {
    changed = false;
    for (const call of calls) {
      if (!kindOf(call, new Set())) continue;
      const fn = enclosingFn(call), name = fn && fnName(fn);
      if (name && !a.releasing.has(name)) { a.releasing.add(name); changed = true; }
    }
  }
  a.stars = stars; a.reexports = reexports;
  const seenSites = new Set();
  for (const call of calls) {
    const kind = kindOf(call, new Set()); if (!kind || kind === "lookup") continue;
    // A curried lookup's call is the site: `method(p, 2, P)(p)`, Deno's `com(p, 2, RELEASE).call(p)`.
    const dotCall = call.parent?.type === "MemberExpression" && call.parent.object === call && call.parent.property.name === "call" && call.parent.parent?.type === "CallExpression" && call.parent.parent.callee === call.parent ? call.parent.parent : null;
    const site = kind === "vtable" && call.parent?.type === "CallExpression" && call.parent.callee === call ? call.parent : kind === "vtable" && dotCall ? dotCall : call;
    if (seenSites.has(site)) continue; seenSites.add(site);
    const fn = enclosingFn(site), target = kind === "method" ? call.callee.object : call.arguments[0];
    const params = new Set((fn?.params ?? []).map((p) => (p.type === "AssignmentPattern" ? p.left : p)).filter((p) => p.type === "Identifier").map((p) => p.name));
    a.sites.push({ node: site, kind, inHelper: target?.type === "Identifier" && params.has(target.name) });
  }
  a.sites.sort((x, y) => x.node.range[0] - y.node.range[0]);
  return a;
}
function releasesExport(file, name, ctx, seen) {
  const a = analyse(file, ctx);
  if (!a.ast) return false;
  if (a.releasing.has(name) && (a.exported.has(name) || name === "default")) return true;
  const re = a.reexports?.get(name);
  if (re) { const t = resolveModule(file, re.spec, ctx); if (t && !seen.has(t) && releasesExport(t, re.name, ctx, new Set([...seen, file]))) return true; }
  for (const spec of a.stars ?? []) { const t = resolveModule(file, spec, ctx); if (t && !seen.has(t) && releasesExport(t, name, ctx, new Set([...seen, file]))) return true; }
  return false;
}

// ---- mutation ------------------------------------------------------------------------------
function mutate(code, site) {
  const stmt = site.node.parent?.type === "ExpressionStatement" && site.node.parent.expression === site.node ? site.node.parent : null;
  const [s, e] = (stmt ?? site.node).range;
  const newlines = code.slice(s, e).replace(/[^\n]/g, "");
  return code.slice(0, s) + (stmt ? ";" : "undefined") + newlines + code.slice(e);
}
const key = (m) => `${m.ruleId}|${m.line}|${m.message}`;
function newReports(before, after) {
  const count = new Map(); for (const m of before) count.set(key(m), (count.get(key(m)) ?? 0) + 1);
  return after.filter((m) => { const k = key(m), n = count.get(k) ?? 0; if (n > 0) { count.set(k, n - 1); return false; } return m.ruleId?.startsWith("com-async/"); });
}

// ---- driver --------------------------------------------------------------------------------
function filesOf(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== "node_modules" && !e.name.startsWith(".")) out.push(...filesOf(p)); } else out.push(p);
  }
  return out;
}
const rel = (root, f) => path.relative(root, f);
const results = [];
for (const dirArg of argv) {
  const root = path.resolve(dirArg), t0 = Date.now();
  const ctx = { packages: packagesOf(root) };
  linter = new Linter({ configType: "flat", cwd: root });
  const r = { corpus: path.basename(root), files: 0, unparsable: [], reports: [], byRule: {}, engineErrors: 0, crashes: [], sites: [], kinds: {}, mutants: 0, caught: 0, caughtAny: 0, broken: 0 };
  for (const file of filesOf(root).filter((f) => EXT.test(f) && !f.endsWith(".d.ts"))) {
    r.files++;
    const code = fs.readFileSync(file, "utf8"), name = rel(root, file);
    const base = lint(code, file);
    if (base.crash) { r.crashes.push(`${name}: ${base.crash}`); continue; }
    if (base.fatal) { r.unparsable.push(`${name}:${base.fatal.line}: ${base.fatal.message}`); continue; }
    for (const m of base.messages) {
      if (m.messageId === "engineError") r.engineErrors++;
      r.byRule[m.ruleId] = (r.byRule[m.ruleId] ?? 0) + 1;
      r.reports.push({ rule: m.ruleId, at: `${name}:${m.line}:${m.column}`, message: m.message });
    }
    for (const site of analyse(file, ctx, code).sites) {
      const mutant = mutate(code, site), after = lint(mutant, file);
      const kind = site.kind + (site.inHelper ? "+in-helper" : "");
      const k = (r.kinds[kind] ??= { sites: 0, caught: 0, caughtAny: 0 });
      k.sites++; r.mutants++;
      const entry = { at: `${name}:${site.node.loc.start.line}:${site.node.loc.start.column + 1}`, kind, text: code.slice(...site.node.range).replace(/\s+/g, " ").slice(0, 90), caught: false, caughtAny: false, newReports: [] };
      if (after.crash) r.crashes.push(`${entry.at} (mutant): ${after.crash}`);
      else if (after.fatal) { r.broken++; entry.broken = after.fatal.message; }
      else {
        const added = newReports(base.messages, after.messages);
        entry.newReports = added.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.message}`);
        entry.caught = added.some((m) => m.ruleId === "com-async/missing-release"); entry.caughtAny = added.length > 0;
        if (entry.caught) { r.caught++; k.caught++; } if (entry.caughtAny) { r.caughtAny++; k.caughtAny++; }
      }
      r.sites.push(entry);
    }
  }
  r.seconds = Math.round((Date.now() - t0) / 100) / 10;
  results.push(r);
}

const pct = (a, b) => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(1)}%`);
function summary(r) {
  const rules = Object.entries(r.byRule).sort().map(([k, v]) => `${k.replace("com-async/", "")} ${v}`).join(", ") || "none";
  const kinds = Object.entries(r.kinds).sort().map(([k, v]) => `${k} ${v.caught}/${v.sites}`).join(", ") || "none";
  console.log(`\n== ${r.corpus}`);
  console.log(`  files ${r.files} (unparsable ${r.unparsable.length})   reports on unmodified code ${r.reports.length}: ${rules}`);
  console.log(`  engine errors ${r.engineErrors}   crashes ${r.crashes.length}`);
  console.log(`  mutants ${r.mutants}   caught ${r.caught} (any new report ${r.caughtAny})   recall ${pct(r.caught, r.mutants)} (any ${pct(r.caughtAny, r.mutants)})   broken ${r.broken}`);
  console.log(`  by kind (caught/sites): ${kinds}`);
  console.log(`  time ${r.seconds} s`);
}
for (const r of results) {
  if (!quiet) {
    for (const u of r.unparsable) console.log(`[${r.corpus}] unparsable ${u}`);
    for (const c of r.crashes) console.log(`[${r.corpus}] CRASH ${c}`);
    for (const m of r.reports) console.log(`[${r.corpus}] ${m.rule} ${m.at} ${m.message}`);
  }
  if (listSites) for (const s of r.sites) console.log(`[${r.corpus}] site ${s.at} ${s.kind} ${s.caught ? "CAUGHT" : s.caughtAny ? "other" : "missed"} ${s.broken ? "BROKEN " : ""}${s.text}${s.newReports.length ? `  => ${s.newReports.join(" ; ")}` : ""}`);
}
for (const r of results) summary(r);
if (results.length > 1) {
  const sum = (f) => results.reduce((n, r) => n + f(r), 0);
  const total = { corpus: "TOTAL", files: sum((r) => r.files), unparsable: { length: sum((r) => r.unparsable.length) }, reports: { length: sum((r) => r.reports.length) }, byRule: {}, kinds: {},
    engineErrors: sum((r) => r.engineErrors), crashes: { length: sum((r) => r.crashes.length) }, mutants: sum((r) => r.mutants), caught: sum((r) => r.caught), caughtAny: sum((r) => r.caughtAny), broken: sum((r) => r.broken), seconds: Math.round(sum((r) => r.seconds) * 10) / 10 };
  for (const r of results) {
    for (const [k, v] of Object.entries(r.byRule)) total.byRule[k] = (total.byRule[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.kinds)) { const t = (total.kinds[k] ??= { sites: 0, caught: 0, caughtAny: 0 }); t.sites += v.sites; t.caught += v.caught; t.caughtAny += v.caughtAny; }
  }
  summary(total);
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(results, null, 1) + "\n");
