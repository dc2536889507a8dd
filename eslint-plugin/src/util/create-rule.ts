import { ESLintUtils } from "@typescript-eslint/utils";

export const REPOSITORY_URL = "https://github.com/com-async-lint/com-async-lint";

/** Every rule's `meta.docs.url` points at its document in the repository. */
export const createRule = ESLintUtils.RuleCreator<{ recommended: boolean; requiresTypeChecking?: boolean }>(
  (name) => `${REPOSITORY_URL}/blob/main/eslint-plugin/docs/rules/${name}.md`,
);
