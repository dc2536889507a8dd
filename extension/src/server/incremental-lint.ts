/**
 * Re-linting a document after an edit without re-linting all of it, with
 * exactly the problems a full lint gives.
 *
 * A full lint of a 2,000-line file costs well over 100 ms, nearly all of it
 * proportional to the file (parsing, ESLint's traversal and code path
 * analysis, the engine). An edit usually changes one function. The engine
 * analyses each function on its own, using what it can see of the rest of the
 * file: the summaries of the functions it calls, the variables it shares, the
 * module's code path, and a few file-wide facts. So after a full lint each
 * top-level statement (a unit, units.ts) keeps its problems, and an edit
 * re-lints only:
 *   - the units the edit touched, re-parsed on their own, and every unit whose
 *     findings depend on them, old version or new (unit-graph.ts);
 * in a text that keeps, besides those, only what they depend on, plus the
 * units holding the file's first release and Finish_ calls (repairs reuse
 * their text); everything else is left out in place (region-text.ts). Every
 * other unit keeps its problems, moved with the text around it.
 *
 * Anything this cannot vouch for takes a full lint, and says why: top-level
 * code (all of it is one code path); an edit that changes the file's repair
 * texts (its first release call, the first call of each Finish_ method: every
 * function's repairs reuse them), or adds one; ESLint directive comments in the
 * edited text; statements that do not parse alone or end without `;` or `}`
 * (automatic semicolon insertion could join them with the next); a unit left
 * out that shares a line with one kept; a problem reaching beyond its unit; an
 * edit so wide that a partial lint would cost more; a file the fast parser did
 * not parse.
 */
import { TextDocument } from "vscode-languageserver-textdocument";
import { parseStatements } from "./fast-parser";
import type { FactSite, LintedFile, LintResult, LintTarget, Problem, RuleConfig } from "./lint";
import { lintWithFile } from "./lint";
import { regionText } from "./region-text";
import { UnitGraph } from "./unit-graph";
import { shiftUnit, Unit, unitsOf } from "./units";

/** How a lint was done, for the log, the benchmark and the tests. */
export interface IncrementalOutcome {
  mode: "full" | "partial" | "reused";
  /** Why a full lint was needed (null for the first lint of a document and for partial ones). */
  reason: string | null;
  /** Units whose problems were computed again, and units in the document. */
  relinted: number;
  units: number;
}

export type IncrementalResult = LintResult & { incremental: IncrementalOutcome };

/** A problem, and where its unit started (offset and 0-based line) when it was found: it moves with the unit. */
interface KeptProblem {
  problem: Problem;
  start: number;
  line: number;
}

interface DocumentLint {
  key: string;
  text: string;
  units: Unit[];
  problems: KeptProblem[][];
  graph: UnitGraph;
  /** The calls repairs reuse (LintedFile.factSites). */
  factSites: FactSite[];
}

const TS_FILE = /\.[cm]?tsx?$/i;
/** An ESLint directive comment anywhere in a piece of text (strings too: a false alarm only costs a full lint). */
const DIRECTIVE_ANYWHERE = /\/[/*]\s*(eslint|global|exported)/;

/** One document's incremental lints: keeps the last result, per unit, for the next edit. */
export class IncrementalLinter {
  private last: DocumentLint | null = null;
  /**
   * The bookkeeping of the last full lint (units, dependency graph, problems
   * per unit), not yet done: it is only needed by the next edit, so the
   * server publishes the diagnostics first and then calls `settle` (on a
   * document's first open, a cold process takes 15-25 ms for it).
   */
  private pending: (() => void) | null = null;

  /** Lints `target`, in part where it can; `partial: false` (`comAsync.incremental` off) always lints the whole file. */
  lint(target: LintTarget, config: RuleConfig, partial = true): IncrementalResult {
    this.settle();
    const key = JSON.stringify([target.filePath, target.fastParser !== false, [...config]]);
    if (!partial) {
      this.last = null;
      return { ...lintWithFile(target, config).result, incremental: { mode: "full", reason: "comAsync.incremental is off", relinted: 0, units: 0 } };
    }
    const eligible = !target.typed && target.fastParser !== false && TS_FILE.test(target.filePath) && target.text.charCodeAt(0) !== 0xfeff;
    let reason: string | null = eligible ? null : "not untyped TypeScript with the fast parser";
    if (eligible && this.last && this.last.key === key) {
      const started = performance.now();
      let partial: IncrementalResult | string;
      try {
        partial = this.partial(this.last, target, config);
      } catch (error) {
        // A bug here must cost time, not correctness.
        partial = `internal error in the partial lint (${error instanceof Error ? error.message : String(error)})`;
      }
      if (typeof partial !== "string") return { ...partial, durationMs: performance.now() - started };
      reason = partial;
    } else if (eligible && this.last) {
      reason = "settings or file name changed";
    }
    return this.full(target, config, key, eligible, reason);
  }

  /** Forget the kept results (the next lint is a full one). */
  reset(): void {
    this.last = null;
    this.pending = null;
  }

  /** Does the last full lint's bookkeeping now, if it is still to do (`lint` calls it first anyway). */
  settle(): void {
    const pending = this.pending;
    this.pending = null;
    try {
      pending?.();
    } catch {
      // A bug here must cost time, not correctness: the next edit takes a full lint.
      this.last = null;
    }
  }

  private full(target: LintTarget, config: RuleConfig, key: string, eligible: boolean, reason: string | null): IncrementalResult {
    const { result, file } = lintWithFile(target, config);
    this.last = null;
    if (eligible && file && result.parse?.parser === "oxc") {
      this.pending = () => {
        // The fast parser took the file: every node type has visitor keys, so unitsOf sees every name.
        const units = unitsOf(file.statements, file.comments, target.text);
        const document = TextDocument.create("file:///lint", "typescript", 0, target.text);
        const problems = assign(result.problems, units, units.map((_, i) => i), document);
        if (problems) this.last = { key, text: target.text, units, problems, graph: new UnitGraph(units), factSites: file.factSites };
      };
    }
    return { ...result, incremental: { mode: "full", reason, relinted: file ? file.statements.length : 0, units: file ? file.statements.length : 0 } };
  }

  /** The lint of `target` from the last one, or why it needs a full lint. */
  private partial(last: DocumentLint, target: LintTarget, config: RuleConfig): IncrementalResult | string {
    const before = last.text;
    const text = target.text;
    // The edit: what lies between the common prefix and the common suffix.
    const { prefix, suffix } = commonEnds(before, text);
    const delta = text.length - before.length;
    const units = last.units;
    // Units touching the edit, old indices first..lastTouched (none when the edit is between two units).
    let first = 0;
    while (first < units.length && units[first].end < prefix) first++;
    let lastTouched = units.length - 1;
    while (lastTouched >= 0 && units[lastTouched].start > before.length - suffix) lastTouched--;
    if (first > 0 && !units[first - 1].hardEnd) return "the statement before the edit does not end in `;` or `}`";
    const sliceStart = first > 0 ? units[first - 1].end : 0;
    const sliceEnd = lastTouched + 1 < units.length ? units[lastTouched + 1].start + delta : text.length;
    const slice = text.slice(sliceStart, sliceEnd);
    // Re-parsing most of the file, then linting it again, would cost more than one full lint.
    if (slice.length > text.length / 2) return "the edit spans most of the file";
    if (DIRECTIVE_ANYWHERE.test(slice) || DIRECTIVE_ANYWHERE.test(before.slice(sliceStart, sliceEnd - delta))) return "an ESLint directive comment in the edited statements";
    const parsed = parseStatements(slice, target.filePath);
    if (typeof parsed === "string") return `the edited statements do not parse alone (${parsed})`;
    const edited = unitsOf(parsed.statements, parsed.comments, text, sliceStart);
    const lastNew = edited[edited.length - 1];
    if (lastTouched + 1 < units.length && lastNew && !lastNew.hardEnd) return "the edited statements do not end in `;` or `}`";
    const removed = lastTouched - first + 1;
    const nextUnits = [...units.slice(0, first), ...edited, ...units.slice(lastTouched + 1).map((u) => shiftUnit(u, delta))];
    const toNew = (old: number) => (old < first ? old : old > lastTouched ? old + edited.length - removed : -1);
    const graph = new UnitGraph(nextUnits);
    const changed = edited.map((_, i) => first + i);
    const oldDependents = [...last.graph.dependents(range(first, lastTouched + 1))].map(toNew).filter((i) => i >= 0);
    const relint = graph.dependents([...changed, ...oldDependents]);
    if ([...relint].some((i) => nextUnits[i].kind === "code")) return "top-level code is one code path: it is linted whole";
    if (relint.size > nextUnits.length / 2) return "most of the file depends on the edited statements";
    // The file's repair facts (its first release call, the first call of each Finish_ method): for each,
    // the last unit (new index) where it may now be found; an unaffected one is kept in the re-lint as it is.
    const factBounds = new Map<string, { unit: number; text: string }>();
    const factUnits: number[] = [];
    for (const site of last.factSites) {
      const old = unitAt(units, site.range[0]);
      if (old < 0) return "a repair fact outside every statement";
      const now = toNew(old);
      const affected = now < 0 || relint.has(now);
      factBounds.set(site.fact, { unit: now < 0 ? first + edited.length - 1 : now, text: before.slice(site.range[0], site.range[1]) });
      if (!affected) factUnits.push(now);
    }
    const factsAffected = factUnits.length < last.factSites.length;
    const document = TextDocument.create("file:///lint", "typescript", 0, text);
    const nextProblems = [...last.problems.slice(0, first), ...edited.map((): KeptProblem[] => []), ...last.problems.slice(lastTouched + 1)];
    let parseMs = 0;
    let factSites = last.factSites.map((site) => ({ ...site, range: site.range[0] < sliceStart ? site.range : ([site.range[0] + delta, site.range[1] + delta] as [number, number]) }));
    let mode: IncrementalOutcome["mode"] = "reused";
    // Inert units (types, `declare`, imports) have no findings: only the others need linting (and facts found again).
    if (factsAffected || [...relint].some((i) => nextUnits[i].kind !== "inert")) {
      const kept = graph.dependencies([...relint, ...factUnits]);
      if (sharesLineAcrossBoundary(nextUnits, kept, document)) return "a statement left out shares a line with one kept";
      const { result, file } = lintWithFile({ ...target, text: regionText(text, nextUnits, kept) }, config);
      if (!file || result.parseError) return "the partial text did not lint";
      parseMs = result.parse?.ms ?? 0;
      const inKept = assign(result.problems, nextUnits, [...kept], document);
      if (!inKept) return "a problem reaches beyond its statement";
      if (!factsHold(file.factSites, factBounds, nextUnits, text)) return "the edit may change a release or Finish_ call whose text repairs everywhere reuse";
      for (const i of relint) nextProblems[i] = inKept[i];
      factSites = file.factSites;
      mode = "partial";
    }
    this.last = { key: last.key, text, units: nextUnits, problems: nextProblems, graph, factSites };
    return {
      problems: nextProblems.flatMap((list, i) => list.map((kept) => placed(kept, nextUnits[i].start, document))),
      parseError: null,
      durationMs: 0,
      parse: { parser: "oxc", ms: parseMs, fallback: null },
      typed: false,
      typedFallback: null,
      incremental: { mode, reason: null, relinted: relint.size, units: nextUnits.length },
    };
  }
}

const BLOCK = 512;

/** Lengths of the common prefix and suffix (not overlapping), comparing blocks natively before characters. */
function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const shorter = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix + BLOCK <= shorter && a.slice(prefix, prefix + BLOCK) === b.slice(prefix, prefix + BLOCK)) prefix += BLOCK;
  while (prefix < shorter && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = shorter - prefix;
  while (suffix + BLOCK <= room && a.slice(a.length - suffix - BLOCK, a.length - suffix) === b.slice(b.length - suffix - BLOCK, b.length - suffix)) suffix += BLOCK;
  while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}

/**
 * Are the re-lint's repair facts the whole file's, with the text the kept problems were written
 * with? The same facts must be found (a new one, a Finish_ method's first call, would change
 * repairs in units not re-linted), each as a call of the same text, no later than where it was:
 * every unit left out up to there has no call of its kind, so it is still the first.
 */
function factsHold(found: readonly FactSite[], bounds: ReadonlyMap<string, { unit: number; text: string }>, units: readonly Unit[], text: string): boolean {
  if (found.length !== bounds.size) return false;
  return found.every((site) => {
    const bound = bounds.get(site.fact);
    const unit = unitAt(units, site.range[0]);
    return bound !== undefined && unit >= 0 && unit <= bound.unit && text.slice(site.range[0], site.range[1]) === bound.text;
  });
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** The index of the unit containing an offset, or -1. */
function unitAt(units: readonly Unit[], offset: number): number {
  let low = 0;
  let high = units.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (units[mid].end <= offset) low = mid + 1;
    else if (units[mid].start > offset) high = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * The problems of the units in `among`, per unit; null if a problem (its
 * range, related location, a suggestion's edit, a line its words name) is not
 * inside one unit of `among`.
 */
function assign(problems: readonly Problem[], units: readonly Unit[], among: readonly number[], document: TextDocument): KeptProblem[][] | null {
  const allowed = new Set(among);
  const out: KeptProblem[][] = units.map(() => []);
  for (const problem of problems) {
    const i = unitAt(units, problem.offsets[0]);
    if (i < 0 || !allowed.has(i)) return null;
    const { start, end } = units[i];
    const inside = ([a, b]: readonly [number, number]) => a >= start && b <= end;
    if (!inside(problem.offsets) || (problem.related && !inside(problem.related.offsets)) || !problem.suggestions.every((s) => inside(s.range))) return null;
    const line = document.positionAt(start).line;
    const lastLine = document.positionAt(end).line;
    const named = [...linesNamed(problem.message), ...linesNamed(problem.related?.label ?? "")];
    if (named.some((n) => n < line + 1 || n > lastLine + 1)) return null;
    out[i].push({ problem, start, line });
  }
  return out;
}

/**
 * Messages and related labels name lines (`the return at line 18`, `(line 7)`),
 * always of places in the finding's own function. Backquoted text is code,
 * never a line reference.
 */
const LINE_WORD = /\bline (\d+)\b/g;
function linesNamed(text: string): number[] {
  return text.split("`").flatMap((part, i) => (i % 2 === 1 ? [] : [...part.matchAll(LINE_WORD)].map((m) => Number(m[1]))));
}

function moveLines(text: string, delta: number): string {
  return text
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(LINE_WORD, (_, n: string) => `line ${Number(n) + delta}`)))
    .join("`");
}

/** A kept problem at its unit's current place, with positions in the current text. */
function placed(kept: KeptProblem, unitStart: number, document: TextDocument): Problem {
  // Positions are always recomputed: an edit before the unit can move its lines without moving its offsets.
  const delta = unitStart - kept.start;
  const problem = kept.problem;
  const lines = document.positionAt(unitStart).line - kept.line;
  const move = ([a, b]: readonly [number, number]): [number, number] => [a + delta, b + delta];
  const at = ([a, b]: readonly [number, number]) => ({ start: document.positionAt(a), end: document.positionAt(b) });
  const offsets = move(problem.offsets);
  const related = problem.related
    ? { ...problem.related, offsets: move(problem.related.offsets), range: at(move(problem.related.offsets)), label: lines === 0 ? problem.related.label : moveLines(problem.related.label, lines) }
    : null;
  const message = lines === 0 ? problem.message : moveLines(problem.message, lines);
  return { ...problem, message, offsets, range: at(offsets), related, suggestions: problem.suggestions.map((s) => ({ ...s, range: move(s.range) })) };
}

/** Does a unit left out end on the line where a kept unit starts, or the other way round? (Repairs read their node's whole line.) */
function sharesLineAcrossBoundary(units: readonly Unit[], kept: ReadonlySet<number>, document: TextDocument): boolean {
  for (let i = 1; i < units.length; i++) {
    if (kept.has(i) === kept.has(i - 1)) continue;
    if (document.positionAt(units[i - 1].end).line === document.positionAt(units[i].start).line) return true;
  }
  return false;
}

export type { LintedFile };
