/**
 * com-async/finish-without-begin
 *
 * Finish_ ends the call that Begin_ started. A second Finish_ has nothing to
 * finish and returns RPC_E_CALL_COMPLETE.
 */
import { AsyncIStockQuote } from "stock-quote-com";

// Misuse: the log line already finished the call; the return finishes it again.
export function priceAndLog(call: AsyncIStockQuote, symbol: string): number {
  call.Begin_GetPrice(symbol);
  console.log(`${symbol}: ${call.Finish_GetPrice()}`);
  return call.Finish_GetPrice();
}

// Fixed: finish once, keep the result.
export function priceAndLogFixed(call: AsyncIStockQuote, symbol: string): number {
  call.Begin_GetPrice(symbol);
  const price = call.Finish_GetPrice();
  console.log(`${symbol}: ${price}`);
  return price;
}
