/**
 * com-async/use-after-release
 *
 * After Release the pointer may dangle: it must not be called, passed on or
 * released again.
 */
import { AsyncIStockQuote, ICancelMethodCalls, IID_ICancelMethodCalls } from "stock-quote-com";

// Misuse: the cancel pointer is released before it is used.
export function cancelQuote(call: AsyncIStockQuote, symbol: string): number | undefined {
  call.Begin_GetPrice(symbol);
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Release();
  cancel.Cancel(0);
  try {
    return call.Finish_GetPrice();
  } catch {
    return undefined;
  }
}

// Fixed: Cancel, then Release, as "Canceling an Asynchronous Call" describes.
export function cancelQuoteFixed(call: AsyncIStockQuote, symbol: string): number | undefined {
  call.Begin_GetPrice(symbol);
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    return call.Finish_GetPrice(); // S_OK: the server completed the call anyway
  } catch {
    return undefined; // RPC_E_CALL_CANCELED: it did not
  }
}
