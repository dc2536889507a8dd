/**
 * com-async/unchecked-cancel-result (strict only)
 *
 * A cancel is a request: the server may have completed the call anyway. The
 * outcome of Finish_ after a cancel (S_OK or RPC_E_CALL_CANCELED) says which.
 */
import { AsyncIStockQuote, ICancelMethodCalls, IID_ICancelMethodCalls } from "stock-quote-com";

// Misuse: the call is finished, but whether the server stopped is never looked at.
export function cancelQuote(call: AsyncIStockQuote, symbol: string): void {
  call.Begin_GetPrice(symbol);
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  call.Finish_GetPrice();
}

// Fixed: the price if the server completed the call anyway, undefined if it stopped.
export function cancelQuoteFixed(call: AsyncIStockQuote, symbol: string): number | undefined {
  call.Begin_GetPrice(symbol);
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    return call.Finish_GetPrice();
  } catch {
    return undefined; // RPC_E_CALL_CANCELED
  }
}
