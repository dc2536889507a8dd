/**
 * Calls that create the object they write into a box, by their names: the Win32 exports of spec 3a (and the few
 * others whose out parameter is only an interface pointer), and vtable methods named for creating or activating.
 */
/** Win32 exports that create a COM object into an out box, by the out box's argument index. */
export const CREATING_EXPORTS: ReadonlyMap<string, number> = new Map([
  ["CoCreateInstance", 4],
  ["CoGetClassObject", 4],
  ["DllGetClassObject", 2],
  ["RoGetActivationFactory", 2],
  // (Beyond the spec's four: the other Win32 exports whose out parameter is nothing but an interface pointer.)
  ["RoActivateInstance", 1],
  ["CoGetObject", 3],
  ["CoGetInterfaceAndReleaseStream", 2],
  ["CoUnmarshalInterface", 2],
]);
export const CREATING_EXPORT_NAMES = [...CREATING_EXPORTS.keys()];

/**
 * A vtable method whose name says it creates or activates an object (`DEV_CREATE_BUFFER`,
 * `FACTORY_CREATESURFACE`, `V.CreateDevice`, `IMMDEVICE_ACTIVATE`): what it writes into a box is an
 * interface pointer, whatever the file later does with it. COM methods that fill a box with a
 * string, a handle or a count are getters (`GetId`, `get_Name`, `GetCount`), never creators.
 */
export function namesCreatingMethod(slot: string): boolean {
  for (const match of slot.matchAll(CREATING_WORD)) {
    // Not a past participle (`Created`, `Activated`): WinRT's event accessors (`add_Activated`) fill a box with a token.
    if (slot[match.index + match[0].length] !== "d") return !createsVoice(slot);
  }
  return false;
}
const CREATING_WORD = /(?:^|[^a-z])(?:create|activate)/gi;

/**
 * XAudio2's `CreateSourceVoice`/`CreateMasteringVoice`/`CreateSubmixVoice` fill a box with a voice,
 * which is no COM object (no IUnknown: it ends with `DestroyVoice`, never Release).
 */
export function createsVoice(slot: string): boolean {
  return /(^|[^a-z])create\w*voice/i.test(slot);
}
