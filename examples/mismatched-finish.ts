/**
 * com-async/mismatched-finish
 *
 * Begin_X and Finish_X are the two halves of one method. Finish_GetPrice does
 * not finish a pending GetVolume call.
 */
import { AsyncIStockQuote } from "stock-quote-com";

export interface Quote {
  symbol: string;
  value: number;
}

// Misuse: a volume request finished with the price method.
export function dailyVolume(call: AsyncIStockQuote, symbol: string): Quote {
  call.Begin_GetVolume(symbol);
  return { symbol, value: call.Finish_GetPrice() };
}

// Fixed: the Finish_ that matches the Begin_.
export function dailyVolumeFixed(call: AsyncIStockQuote, symbol: string): Quote {
  call.Begin_GetVolume(symbol);
  return { symbol, value: call.Finish_GetVolume() };
}
