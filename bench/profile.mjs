/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) for the plugin's owner:
 * where the time of eslint-plugin-com-async goes, by function, with the
 * position in eslint-plugin/dist and (through the source maps) in src.
 *
 *   node bench/profile.mjs <file.cpuprofile> [--base <no-rules.cpuprofile>] [--top 15]
 *
 * With a baseline profile of the same job without rules, it also lists the
 * functions outside the plugin whose self time grows the most: ESLint's cost
 * of dispatching the plugin's selectors and events, which no plugin frame
 * is on the stack for.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PLUGIN_DIST = path.join(ROOT, "eslint-plugin", "dist") + path.sep;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes a source map's `mappings` into, per generated line, [column, sourceIndex, line, column] segments. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let origLine = 0;
  let origColumn = 0;
  for (const lineText of mappings.split(";")) {
    const segments = [];
    let column = 0;
    for (const segment of lineText.split(",")) {
      if (!segment) continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length >= 4) {
        source += values[1];
        origLine += values[2];
        origColumn += values[3];
        segments.push([column, source, origLine, origColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

const maps = new Map();

/** The original `src/...ts:line` of a 0-based generated position, or null. */
function originalPosition(file, line, column) {
  if (!maps.has(file)) {
    let decoded = null;
    try {
      const map = JSON.parse(fs.readFileSync(`${file}.map`, "utf8"));
      decoded = { sources: map.sources.map((s) => path.resolve(path.dirname(file), map.sourceRoot ?? "", s)), lines: decodeMappings(map.mappings) };
    } catch {
      decoded = null;
    }
    maps.set(file, decoded);
  }
  const map = maps.get(file);
  const segments = map?.lines[line];
  if (!segments || segments.length === 0) return null;
  let best = segments[0];
  for (const segment of segments) if (segment[0] <= column) best = segment;
  return `${path.relative(ROOT, map.sources[best[1]])}:${best[2] + 1}`;
}

function frameName(callFrame) {
  const file = callFrame.url.startsWith("file://") ? fileURLToPath(callFrame.url) : callFrame.url;
  const where = file ? `${path.relative(ROOT, file) || file}:${callFrame.lineNumber + 1}` : "(native)";
  return { name: callFrame.functionName || "(anonymous)", file, where };
}

/**
 * Returns a Markdown summary: total profile time, time under plugin frames,
 * the plugin's functions by self and inclusive time, and the non-plugin
 * functions (ESLint, typescript-eslint, V8) the plugin spends its time in.
 */
/** Self time (ms) per function outside the plugin, keyed by name and position. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, frameName(n.callFrame)]));
  const out = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i]);
    if (frame.file.startsWith(PLUGIN_DIST)) continue;
    const key = `${frame.name} (${frame.where})`;
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000);
  }
  return out;
}

export function summarizeProfile(profileFile, { top = 15, base = null } = {}) {
  const profile = JSON.parse(fs.readFileSync(profileFile, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const info = new Map(profile.nodes.map((n) => [n.id, frameName(n.callFrame)]));
  const isPlugin = (id) => info.get(id).file.startsWith(PLUGIN_DIST);

  // Sample durations: timeDeltas[i] is the time before sample i.
  const total = (profile.endTime - profile.startTime) / 1000;
  const self = new Map();
  const inclusive = new Map();
  const external = new Map();
  let underPlugin = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const leaf = profile.samples[i];
    const seen = new Set();
    let innermostPlugin = null;
    for (let id = leaf; id !== undefined; id = parent.get(id)) {
      if (!isPlugin(id)) continue;
      innermostPlugin ??= id;
      const key = info.get(id).where + " " + info.get(id).name;
      if (!seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
      }
    }
    if (innermostPlugin === null) continue;
    underPlugin += ms;
    if (isPlugin(leaf)) {
      const key = info.get(leaf).where + " " + info.get(leaf).name;
      self.set(key, (self.get(key) ?? 0) + ms);
    } else {
      const leafInfo = info.get(leaf);
      const callerInfo = info.get(innermostPlugin);
      const key = `${leafInfo.name} (${leafInfo.where}) ← ${callerInfo.name}`;
      external.set(key, (external.get(key) ?? 0) + ms);
    }
  }
  void byId;

  const describe = (key) => {
    const space = key.indexOf(" ");
    const where = key.slice(0, space);
    const name = key.slice(space + 1);
    const [file, line] = [where.slice(0, where.lastIndexOf(":")), Number(where.slice(where.lastIndexOf(":") + 1))];
    const node = profile.nodes.find((n) => info.get(n.id).where === where && info.get(n.id).name === name);
    const original = node ? originalPosition(path.join(ROOT, file), line - 1, node.callFrame.columnNumber) : null;
    return `\`${name}\` | ${where}${original ? ` (${original})` : ""}`;
  };
  const rows = (map, heading) => {
    const sorted = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [heading, "|---|---|---:|---:|", ...sorted.map(([key, ms]) => `| ${describe(key)} | ${ms.toFixed(0)} | ${((100 * ms) / Math.max(underPlugin, 1e-9)).toFixed(1)}% |`)];
  };
  const externalRows = [...external.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  let growth = [];
  if (base) {
    const baseProfile = JSON.parse(fs.readFileSync(base, "utf8"));
    const before = selfTimes(baseProfile);
    const after = selfTimes(profile);
    const baseTotal = (baseProfile.endTime - baseProfile.startTime) / 1000;
    growth = [
      "",
      `Against the same job without rules (${baseTotal.toFixed(0)} ms sampled, so ${(total - baseTotal).toFixed(0)} ms more): functions outside the plugin whose self time grew the most.`,
      "",
      "| function outside the plugin | ms without rules | ms with the rules | growth |",
      "|---|---:|---:|---:|",
      ...[...new Set([...before.keys(), ...after.keys()])]
        .map((key) => [key, before.get(key) ?? 0, after.get(key) ?? 0])
        .sort((a, b) => b[2] - b[1] - (a[2] - a[1]))
        .slice(0, top)
        .map(([key, b, a]) => `| ${key.replace(/\|/g, "\\|")} | ${b.toFixed(0)} | ${a.toFixed(0)} | ${(a - b).toFixed(0)} |`),
    ];
  }
  return [
    `Profile \`${path.basename(profileFile)}\`: ${total.toFixed(0)} ms sampled, ${underPlugin.toFixed(0)} ms (${((100 * underPlugin) / total).toFixed(1)}%) with a plugin frame on the stack.`,
    "",
    ...rows(self, "| plugin function (self time) | dist:line (src:line) | ms | % of plugin time |"),
    "",
    ...rows(inclusive, "| plugin function (inclusive time) | dist:line (src:line) | ms | % of plugin time |"),
    "",
    "| time spent outside the plugin, called from | ms | % of plugin time |",
    "|---|---:|---:|",
    ...externalRows.map(([key, ms]) => `| ${key.replace(/\|/g, "\\|")} | ${ms.toFixed(0)} | ${((100 * ms) / Math.max(underPlugin, 1e-9)).toFixed(1)}% |`),
    ...growth,
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node bench/profile.mjs <file.cpuprofile> [--top N]");
    process.exit(2);
  }
  const option = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  console.log(summarizeProfile(file, { top: Number(option("--top") ?? 15), base: option("--base") ?? null }));
}
