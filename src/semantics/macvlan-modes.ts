// Who hears whom among macvlan/macvtap children of one parent, and the parent itself, as
// measured on Linux (MACHINE.md). "hairpin" is reflective relay on the parent's upstream port.
//   bridge:   children switch locally; the parent only through the hairpin
//   vepa:     everything goes out and needs the hairpin to come back
//   private:  broadcasts a hairpin reflects go back to their sender only, so no ARP between
//             children or towards the parent; the parent's own frames reach every child
//   passthru: one child owns the device
// The design side also has SR-IOV VFs (src/model/attach.ts): behind an embedded switch in VEB
// mode ("veb") they hear each other and the NIC itself, hairpin or not; in VEPA mode they
// behave like vepa children.

export function siblings(a: string, b: string, hairpin: boolean): boolean {
  if (a === 'private' || b === 'private' || a === 'passthru' || b === 'passthru') return false;
  if ((a === 'bridge' && b === 'bridge') || (a === 'veb' && b === 'veb')) return true;
  return hairpin;
}

export function toParent(mode: string, hairpin: boolean): boolean {
  if (mode === 'veb') return true;
  // A private child's broadcasts that the hairpin port reflects go back to that child only.
  return mode !== 'private' && mode !== 'passthru' && hairpin;
}

export function fromParent(mode: string, hairpin: boolean): boolean {
  if (mode === 'veb') return true;
  // The parent's own frames come back as "external": every child mode receives them.
  return mode !== 'passthru' && hairpin;
}

/** Order-dependent: a private child cannot ARP its parent but answers the parent's ARP through the hairpin. */
export const parentFirst = (mode: string, hairpin: boolean): boolean => mode === 'private' && hairpin;
