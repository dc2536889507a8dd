/** The bun:ffi dispatcher the raw-FFI cases share: the method at `slot` of the object's vtable, called on it. */
export const BUN_VTABLE_CALL = `function vtableCall(object: number, slot: number, argv: readonly unknown[]): number {
  const address = read.ptr(read.ptr(object, 0), slot * 8);
  return (CFunction as any)({ ptr: address, args: [FFIType.ptr], returns: FFIType.i32 })(object, ...argv);
}
`;
