/**
 * com-async/begin-while-pending
 *
 * A call object carries one asynchronous call at a time. A Begin_ while an
 * earlier call is still pending returns RPC_E_CALL_PENDING and starts nothing.
 */
import { AsyncIStockQuote } from "stock-quote-com";

// Misuse: when the user corrects the symbol, a second quote is begun while the
// first is still running; the corrected symbol is never quoted.
export function latestPrice(call: AsyncIStockQuote, symbol: string, corrected: string | null): number {
  call.Begin_GetPrice(symbol);
  if (corrected !== null) {
    call.Begin_GetPrice(corrected);
  }
  return call.Finish_GetPrice();
}

// Fixed: finish (and drop) the stale quote before beginning the new one.
export function latestPriceFixed(call: AsyncIStockQuote, symbol: string, corrected: string | null): number {
  call.Begin_GetPrice(symbol);
  if (corrected !== null) {
    call.Finish_GetPrice(); // the price of the old symbol is no longer wanted
    call.Begin_GetPrice(corrected);
  }
  return call.Finish_GetPrice();
}
