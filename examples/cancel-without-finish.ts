/**
 * com-async/cancel-without-finish
 *
 * A quote that takes too long is cancelled. Cancelling does not end the call:
 * until Finish_GetPrice is called, every Begin_ on the call object returns
 * RPC_E_CALL_PENDING, so the next quote on this call object fails.
 */
import { AsyncIStockQuote, ICancelMethodCalls, IID_ICancelMethodCalls } from "stock-quote-com";

// Misuse: the timeout path cancels the call and returns without finishing it.
export function priceOrTimeout(call: AsyncIStockQuote, symbol: string, timedOut: () => boolean): number | undefined {
  call.Begin_GetPrice(symbol);
  if (timedOut()) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
    return undefined;
  }
  return call.Finish_GetPrice();
}

// Fixed: Finish_GetPrice after the cancel, and its outcome decides the result.
export function priceOrTimeoutFixed(call: AsyncIStockQuote, symbol: string, timedOut: () => boolean): number | undefined {
  call.Begin_GetPrice(symbol);
  if (timedOut()) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
    try {
      return call.Finish_GetPrice(); // S_OK: the server completed the call anyway
    } catch {
      return undefined; // RPC_E_CALL_CANCELED: it did not
    }
  }
  return call.Finish_GetPrice();
}
