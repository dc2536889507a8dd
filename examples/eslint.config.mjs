// Lints the examples with every com-async rule (`configs.strict`).
// From the repository root: npx eslint --config examples/eslint.config.mjs examples/
import comAsync from "eslint-plugin-com-async";
import tseslint from "typescript-eslint";

export default [
  {
    // No parserOptions.project: the rules work without type information.
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
  },
  {
    ...comAsync.configs.strict,
    files: ["**/*.ts", "**/*.js"],
  },
];
