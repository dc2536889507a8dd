/**
 * Generated TypeScript full of COM calls: the benchmark's 2,000-line file
 * (`source`, unchanged since the first benchmark so figures stay comparable)
 * and a file with every code shape the rules recognise plus syntax that is
 * easy to tokenise wrongly (`richSource`), for the parser equality test.
 */

/** About `lines` lines: functions with correct and incorrect protocol use, branches and loops. */
export function source(lines) {
  const out = ["declare const IID_ICancelMethodCalls: unknown;", "declare function log(x: unknown): void;"];
  for (let i = 0; out.length < lines; i++) {
    switch (i % 4) {
      case 0:
        out.push(
          `export function quote${i}(call: any, symbol: string): number {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          "  try {",
          "    call.Begin_GetPrice(symbol);",
          "    if (symbol.length > 4) {",
          "      cancel.Cancel(0);",
          "    }",
          "    return call.Finish_GetPrice();",
          "  } finally {",
          "    cancel.Release();",
          "  }",
          "}",
        );
        break;
      case 1:
        out.push(
          `export function leak${i}(call: any, early: boolean): number {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          "  if (early) {",
          "    return 1;",
          "  }",
          "  cancel.Release();",
          "  return 0;",
          "}",
        );
        break;
      case 2:
        out.push(
          `export function loop${i}(call: any, symbols: string[]): void {`,
          "  for (const symbol of symbols) {",
          "    call.Begin_GetPrice(symbol);",
          "    log(call.Finish_GetPrice());",
          "  }",
          "}",
        );
        break;
      default:
        out.push(
          `export function cancelled${i}(call: any): void {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          '  call.Begin_GetPrice("X");',
          "  cancel.Cancel(0);",
          "  cancel.Release();",
          "}",
        );
    }
  }
  return out.join("\n") + "\n";
}

/** About `lines` lines of every recognised shape, with templates, regexes, generics, `>>`, classes and keywords as names. */
export function richSource(lines) {
  const out = [
    "declare const IID_ICancelMethodCalls: unknown;",
    "declare const S_OK: number;",
    "declare function FAILED(hr: number): boolean;",
    "declare function log(...x: unknown[]): void;",
    "declare function release(p: unknown): void;",
    "interface ICancelMethodCalls { Cancel(ms: number): number; Release(): number; }",
    "type Box<T> = { value: T | null };",
  ];
  for (let i = 0; out.length < lines; i++) {
    switch (i % 6) {
      case 0:
        out.push(
          `export function raw${i}(call: any): number {`,
          "  const out: Box<ICancelMethodCalls> = { value: null };",
          "  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);",
          "  if (FAILED(hr)) return hr;",
          "  const cancel = out.value!;",
          "  call.Begin_GetPrice(`sym${i}-${(i >> 1) >>> 0}`);",
          "  cancel.Cancel(0);",
          "  release(cancel);",
          "  return hr >= S_OK ? /ok/g.test(String(hr)) ? 1 : 0 : -1;",
          "}",
        );
        break;
      case 1:
        out.push(
          `export async function awaited${i}(call: any, symbols: readonly string[]): Promise<void> {`,
          "  for (const symbol of symbols) {",
          "    await call.Begin_GetPrice(symbol);",
          "  }",
          "  const p = call.Begin_GetPrice(symbols[0] ?? `none`);",
          "  call.Begin_GetPrice(symbols[1]);",
          "  await p;",
          "}",
        );
        break;
      case 2:
        out.push(
          `export class Quote${i}<T extends { delete?: number }> {`,
          "  #pending = false;",
          "  constructor(private readonly call: any, public options: T) {}",
          "  run(this: Quote" + i + "<T>, ready: boolean): void {",
          "    this.#pending = true;",
          "    this.call.Begin_GetPrice(\"X\");",
          "    if (ready && this.options.delete !== undefined) this.call.Finish_GetPrice();",
          "    const shifted = { default: 1, new: 2, if: 3 }.if >>= 1;",
          "    log(shifted, this.#pending);",
          "  }",
          "}",
        );
        break;
      case 3:
        out.push(
          `export function disposed${i}(call: any): void {`,
          "  using cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          "  call.Begin_GetPrice('A');",
          "  try {",
          "    cancel.Cancel(0);",
          "  } finally {",
          "    call.Finish_GetPrice();",
          "  }",
          "}",
        );
        break;
      case 4:
        out.push(
          `function cleanup${i}(p: ICancelMethodCalls): void {`,
          "  p.Release();",
          "}",
          `export function helped${i}(call: any, n: number): void {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls) as ICancelMethodCalls;",
          "  while (n-- > 0) {",
          "    call.Begin_GetPrice(String(n));",
          "    if (n % 3 === 0) break;",
          "    call.Finish_GetPrice();",
          "  }",
          `  cleanup${i}(cancel);`,
          "  cancel.Cancel(0);",
          "}",
        );
        break;
      default:
        out.push(
          `export const arrow${i} = <T,>(call: any, value: T): T => {`,
          "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
          "  switch (typeof value) {",
          "    case 'string':",
          "      cancel.Release();",
          "      return value;",
          "    default:",
          "      cancel.Release();",
          "      cancel.Release();",
          "      return import.meta ? value : value;",
          "  }",
          "};",
        );
    }
  }
  return out.join("\n") + "\n";
}
