/**
 * Plain JavaScript: no types, no TypeScript parser. The rules recognise the
 * COM API by its names, and leave XPCOM alone.
 */
import { IID_ICancelMethodCalls } from "stock-quote-com";

// Misuse (com-async/cancel-without-finish): the call is cancelled but never
// finished, so the call object stays stuck in RPC_E_CALL_PENDING.
export function stopQuote(call, symbol) {
  call.Begin_GetPrice(symbol);
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}

// Fixed.
export function stopQuoteFixed(call, symbol) {
  call.Begin_GetPrice(symbol);
  const cancel = call.QueryInterface(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
  try {
    return call.Finish_GetPrice();
  } catch {
    return undefined; // RPC_E_CALL_CANCELED
  }
}

// XPCOM (Firefox chrome code): QueryInterface with a Ci.nsI... interface is
// garbage collected and has no Release. Not reported.
export function responseStatusOf(subject) {
  const channel = subject.QueryInterface(Ci.nsIHttpChannel);
  return channel.responseStatus;
}
