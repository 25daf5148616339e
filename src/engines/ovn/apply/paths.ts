// Where a lab's OVN files live: beside its kernel state, so removing the lab's directory
// (what kernel `down` does last) removes the databases, sockets and logs too.
import { join } from 'node:path';
import { labDir } from '../../../apply/state.js';
import { OvnLayout } from '../render/layout.js';

export const layoutOf = (lab: string): OvnLayout => new OvnLayout(join(labDir(lab), 'ovn'));
