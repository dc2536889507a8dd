/**
 * Repairs and words more than one rule uses: the Finish_ call a cancelled or
 * pending call still owes (cancel-without-finish, begin-while-pending), and
 * how an exit reads in a message.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { Exit } from "../engine/findings";
import { namesDeclaredAt } from "./edits";
import type { Repair, RepairContext } from "./protocol-rule";

/** `the return at line 9`, `the end of the function at line 12`. */
export function exitWords(exit: Exit): string {
  return `${exit.what} at line ${exit.loc.start.line}`;
}

/**
 * Inserts `call.Finish_X(args);`, with the arguments of the file's first call of Finish_X if it has one, or that call
 * written again for this call object where it goes through a vtable (`vcall(call, FINISH_X, [], [])`); none where that
 * call names a function's variable that `at` has no variable of that name for (`box`, a parameter of another function), and none for a call begun through a vtable (`raw`) when the file writes no
 * Finish_X that way (a method call on a raw pointer would not run).
 */
export function insertFinishRepair(
  context: RepairContext,
  call: string,
  method: string,
  raw: boolean,
  /** The node the call is written next to, and how. */
  at: TSESTree.Node,
  place: (fixer: TSESLint.RuleFixer, text: string) => TSESLint.RuleFix | null,
): Repair<"insertFinish">[] {
  const vocabulary = context.vocabulary;
  const form = context.finishForms.get(vocabulary.finishName(method));
  if (form && !namesDeclaredAt(context.sourceCode, form.locals, at)) return [];
  // A call begun through a vtable has no Finish_ method to call: only the file's own call through the vtable repairs it.
  if (raw && !form?.around) return [];
  const written = form?.around ? form.around.join(call) : null;
  return [
    {
      messageId: "insertFinish",
      data: { call: written ?? vocabulary.finishCallText(call, method, "") },
      fix: (fixer) => place(fixer, `${written ?? vocabulary.finishCallText(call, method, form?.args ?? "")};`),
    },
  ];
}
