"use strict";
/** The code shapes bench/floor-plugin.cjs tests branches and declarations for (the yardstick of target (b)). */

/** The pointer a branch starting at `node` knows to be null: `if (!p) <node>`, `if (p) ... else <node>`. */
function nullTested(node) {
  const parent = node.parent;
  if (parent?.type !== "IfStatement") return null;
  const test = parent.test;
  if (node === parent.consequent && test.type === "UnaryExpression" && test.operator === "!" && test.argument.type === "Identifier") return test.argument;
  if (node === parent.alternate && test.type === "Identifier") return test;
  return null;
}

/** The HRESULT a branch starting at `node` knows to have failed: `if (FAILED(hr)) <node>`. */
function failedTested(node) {
  const parent = node.parent;
  if (parent?.type !== "IfStatement" || node !== parent.consequent) return null;
  const test = parent.test;
  if (test.type === "CallExpression" && test.callee.type === "Identifier" && test.callee.name === "FAILED" && test.arguments[0]?.type === "Identifier") return test.arguments[0];
  return null;
}

/** The box an expression reads its pointer from: `out[0]`, `out[0] as T`. */
function boxRead(init) {
  let expr = init;
  while (expr && (expr.type === "TSAsExpression" || expr.type === "TSNonNullExpression")) expr = expr.expression;
  if (expr?.type === "MemberExpression" && expr.computed && expr.property.type === "Literal" && expr.property.value === 0 && expr.object.type === "Identifier") return expr.object;
  return null;
}

module.exports = { nullTested, failedTested, boxRead };
