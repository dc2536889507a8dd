/**
 * What the engine finds. Rules select violations by kind; the language server
 * reads the same objects for related locations, so everything a reader needs
 * (names, the related place and what it is) is in the violation itself.
 */
import type { TSESTree } from "@typescript-eslint/utils";

export type ViolationKind =
  | "cancel-without-finish"
  | "missing-release"
  | "begin-while-pending"
  | "finish-without-begin"
  | "mismatched-finish"
  | "use-after-release"
  | "unchecked-query-interface"
  | "unchecked-cancel-result";

export const VIOLATION_KINDS: readonly ViolationKind[] = [
  "cancel-without-finish",
  "missing-release",
  "begin-while-pending",
  "finish-without-begin",
  "mismatched-finish",
  "use-after-release",
  "unchecked-query-interface",
  "unchecked-cancel-result",
];

export interface RelatedLocation {
  loc: TSESTree.SourceLocation;
  range: TSESTree.Range;
  /** What the related place is, in words ("the exit", "the pending Begin_GetPrice"). */
  label: string;
}

export interface Violation {
  kind: ViolationKind;
  /** Where the squiggle goes. */
  node: TSESTree.Node;
  related: RelatedLocation | null;
  /** Names for the message: objects and methods involved. */
  data: Record<string, string>;
  /** What a suggestion needs; see fixes.ts. */
  repair: Repair | null;
}

export type Repair =
  | {
      kind: "insert-finish";
      /** Text of the call object expression. */
      callText: string;
      /** Name of the Finish_ method, e.g. `Finish_GetPrice`. */
      finishName: string;
      /** Insert after this statement (cancel-without-finish) or before it (begin-while-pending). */
      anchor: TSESTree.Node;
      position: "after" | "before";
    }
  | {
      kind: "insert-release";
      pointerText: string;
      /** The statement that declares or assigns the pointer. */
      owner: TSESTree.Node;
      /** Every exit reached without Release: a return or throw statement, or null for the end of the function. */
      exits: (TSESTree.Node | null)[];
      /** False when the leaking paths are not known (the pointer was acquired again in a loop). */
      exitsKnown: boolean;
      /** The acquisition may have failed (raw HRESULT, nullable result): release with `?.`. */
      mayBeNull: boolean;
      /** The function or program whose exit leaks. */
      scopeNode: TSESTree.Node;
    };
