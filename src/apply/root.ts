// vnetmap needs root to enter network namespaces and change them. Without it every command
// fails deep inside (status saw every namespace "missing", down ended as an internal error):
// say so first, with what to do.
import { UserError } from '../errors.js';

/** Throws a UserError naming `what` when this process is not root. */
export function requireRoot(what: string): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new UserError(`${what} needs root (network namespaces); run it with sudo.`);
}
