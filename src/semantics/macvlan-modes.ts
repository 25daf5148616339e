// Who hears whom among macvlan/macvtap children of one parent, and the parent itself, as
// measured on Linux (MACHINE.md). "hairpin" is reflective relay on the parent's upstream port.
//   bridge:   children switch locally; the parent only through the hairpin
//   vepa:     everything goes out and needs the hairpin to come back
//   private:  broadcasts a hairpin reflects go back to their sender only, so no ARP between
//             children or towards the parent; the parent's own frames reach every child
//   passthru: one child owns the device

export function siblings(a: string, b: string, hairpin: boolean): boolean {
  if (a === 'private' || b === 'private' || a === 'passthru' || b === 'passthru') return false;
  if (a === 'bridge' && b === 'bridge') return true;
  return hairpin;
}

export function toParent(mode: string, hairpin: boolean): boolean {
  // A private child's broadcasts that the hairpin port reflects go back to that child only.
  return mode !== 'private' && mode !== 'passthru' && hairpin;
}

export function fromParent(mode: string, hairpin: boolean): boolean {
  // The parent's own frames come back as "external": every child mode receives them.
  return mode !== 'passthru' && hairpin;
}
