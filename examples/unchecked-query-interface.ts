/**
 * com-async/unchecked-query-interface
 *
 * ICancelMethodCalls is always there for standard marshaling, but not for
 * custom marshaling or same-apartment calls: QueryInterface can fail, and
 * then the out box still holds null.
 */
import { AsyncIStockQuote, FAILED, ICancelMethodCalls, IID_ICancelMethodCalls } from "stock-quote-com";

// Misuse: the HRESULT is ignored and the pointer used as if it were there.
export function stopQuote(call: AsyncIStockQuote): void {
  const out: [ICancelMethodCalls | null] = [null];
  call.QueryInterface(IID_ICancelMethodCalls, out);
  out[0]!.Cancel(0);
  out[0]!.Release();
}

// Fixed: test the HRESULT; a call that cannot be cancelled is reported to the caller.
export function stopQuoteFixed(call: AsyncIStockQuote): boolean {
  const out: [ICancelMethodCalls | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) return false;
  out[0]!.Cancel(0);
  out[0]!.Release();
  return true;
}
