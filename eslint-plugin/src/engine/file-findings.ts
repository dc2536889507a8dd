/**
 * A file's findings: kept by code path as the solver makes them, one per kind and place, and
 * handed to the rules by kind once every code path is analysed. Functions are solved when the
 * module's code path ends (a call may name a function declared further down), so each rule
 * receives its findings then, in one list.
 */
import type { Rule } from "eslint";
import type { Finding, FindingKind } from "./findings";

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

export class FileFindings {
  /** Findings by code path, in report order. */
  private readonly byCodePath = new Map<Rule.CodePath, Finding[]>();
  private readonly reportedKeys = new Set<string>();
  /** The rules waiting for the file's findings, with the kind each reports. */
  private readonly waiting: { kind: FindingKind; deliver: (findings: readonly Finding[]) => void }[] = [];
  /** The file's findings by kind, in code path order, once delivered. */
  private byKind: Map<FindingKind, Finding[]> | null = null;
  private delivered = false;

  /** The list a code path's findings go to (made on first ask). */
  listOf(codePath: Rule.CodePath): Finding[] {
    let list = this.byCodePath.get(codePath);
    if (!list) this.byCodePath.set(codePath, (list = []));
    return list;
  }

  /** The list of a code path already analysed, or undefined. */
  existingListOf(codePath: Rule.CodePath): Finding[] | undefined {
    return this.byCodePath.get(codePath);
  }

  /**
   * One finding per kind and place: a `finally` visited on two paths, or two paths to one exit, report once. A leak
   * is one per pointer (two pointers one call fills, `D3D11CreateDevice`'s device and context, are two); a use after
   * release one per variable used (`f(a, b)` is two; a variable that may hold either of two objects, one).
   */
  collect(list: Finding[], finding: Finding): void {
    const who = finding.kind === "missing-release" ? finding.pointer : finding.kind === "use-after-release" ? (finding.through ?? finding.pointer) : "";
    const key = `${finding.kind}:${finding.node.range[0]}:${finding.node.range[1]}:${who}`;
    if (this.reportedKeys.has(key)) return;
    this.reportedKeys.add(key);
    // The alternatives one statement binds (`createDevice(1) ?? createDevice(5)`), leaking under one name at one exit:
    // one report, whose repair releases either.
    if (finding.kind === "missing-release" && finding.owner !== null && "exit" in finding.reached) {
      const bound = `bound:${finding.owner.range[0]}:${finding.pointer}:${finding.reached.exit.range[0]}`;
      if (this.reportedKeys.has(bound)) return;
      this.reportedKeys.add(bound);
    }
    list.push(finding);
  }

  /** The analysis failed: no code path reports anything. */
  dropAll(): void {
    for (const list of this.byCodePath.values()) list.length = 0;
  }

  /** Calls `deliver` with the findings of `kind` now if they have been delivered, else when they are. */
  whenDelivered(kind: FindingKind, deliver: (findings: readonly Finding[]) => void): void {
    if (this.delivered) deliver(this.ofKind(kind));
    else this.waiting.push({ kind, deliver });
  }

  /** Every code path is analysed: the waiting rules get their findings. */
  deliver(): void {
    this.delivered = true;
    for (const { kind, deliver } of this.waiting) deliver(this.ofKind(kind));
    this.waiting.length = 0;
  }

  /** Every finding in the file, all kinds, in source order. */
  all(): Finding[] {
    return [...this.byCodePath.values()].flat().sort((a, b) => a.node.range[0] - b.node.range[0]);
  }

  private ofKind(kind: FindingKind): readonly Finding[] {
    if (!this.byKind) {
      this.byKind = new Map();
      for (const list of this.byCodePath.values()) {
        for (const finding of list) {
          let same = this.byKind.get(finding.kind);
          if (!same) this.byKind.set(finding.kind, (same = []));
          same.push(finding);
        }
      }
    }
    return this.byKind.get(kind) ?? NO_FINDINGS;
  }
}
