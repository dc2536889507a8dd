/**
 * The engine's internal modules, for unit tests of what sits under the rules.
 * The package's "exports" expose only ".", "./engine" and "./options", so a
 * deep `eslint-plugin-com-async/dist/...` import is refused; the modules are
 * loaded from the package's own directory instead (the same instances the
 * rules use). Types come from the built declarations.
 */
import * as path from "node:path";
import type * as Edits from "../../eslint-plugin/dist/util/edits";
import type * as Facts from "../../eslint-plugin/dist/engine/facts";
import type * as RecognizerModule from "../../eslint-plugin/dist/engine/recognizer";
import type * as ModulePointers from "../../eslint-plugin/dist/engine/module-pointers";
import type * as ReferenceScopesModule from "../../eslint-plugin/dist/engine/reference-scopes";

const PACKAGE = path.dirname(require.resolve("eslint-plugin-com-async/package.json"));

function load<T>(relative: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(PACKAGE, "dist", relative)) as T;
}

export const facts = load<typeof Facts>("engine/facts");
export const recognizer = load<typeof RecognizerModule>("engine/recognizer");
export const edits = load<typeof Edits>("util/edits");
export const modulePointers = load<typeof ModulePointers>("engine/module-pointers");
export const referenceScopes = load<typeof ReferenceScopesModule>("engine/reference-scopes");
