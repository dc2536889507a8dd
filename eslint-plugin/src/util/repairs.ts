/**
 * Repairs and words more than one rule uses: the Finish_ call a cancelled or
 * pending call still owes (cancel-without-finish, begin-while-pending), and
 * how an exit reads in a message.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import type { Exit } from "../engine/findings";
import type { Repair, RepairContext } from "./protocol-rule";

/** `the return at line 9`, `the end of the function at line 12`. */
export function exitWords(exit: Exit): string {
  return `${exit.what} at line ${exit.loc.start.line}`;
}

/** Inserts `call.Finish_X(args);`, with the arguments of the file's other calls of Finish_X if it has any. */
export function insertFinishRepair(
  context: RepairContext,
  call: string,
  method: string,
  place: (fixer: TSESLint.RuleFixer, text: string) => TSESLint.RuleFix | null,
): Repair<"insertFinish"> {
  const vocabulary = context.vocabulary;
  const args = context.finishArguments.get(vocabulary.finishName(method)) ?? "";
  return {
    messageId: "insertFinish",
    data: { call: vocabulary.finishCallText(call, method, "") },
    fix: (fixer) => place(fixer, `${vocabulary.finishCallText(call, method, args)};`),
  };
}
