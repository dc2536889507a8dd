/**
 * com-async/missing-release
 *
 * Every call object from ICallFactory::CreateCall (and every pointer from
 * QueryInterface) is owned by the code that obtained it and must be released
 * on every path.
 */
import { AsyncIStockQuote, ICallFactory, IID_AsyncIStockQuote } from "stock-quote-com";

export class QuoteService {
  constructor(private readonly factory: ICallFactory) {}

  // Misuse: the call object is never released.
  fetchPrice(symbol: string): number {
    const call = this.factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
    call.Begin_GetPrice(symbol);
    return call.Finish_GetPrice();
  }

  // Fixed: released in `finally`, whether Finish_GetPrice returns or throws.
  fetchPriceFixed(symbol: string): number {
    const call = this.factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
    try {
      call.Begin_GetPrice(symbol);
      return call.Finish_GetPrice();
    } finally {
      call.Release();
    }
  }
}
