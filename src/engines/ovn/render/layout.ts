// Where a lab's OVN daemons keep their databases, sockets, pidfiles and logs: all under the
// lab's state directory (/run/vnetmap/<lab>/ovn), never the system's /var/run/openvswitch or
// /var/run/ovn, so a system OVN or Open vSwitch on the same machine is never touched. Every
// daemon also gets OVS_RUNDIR/OVN_RUNDIR pointing there: ovs-vswitchd creates its bridges'
// management sockets (br-int.mgmt) in its run directory, and ovn-controller connects to them
// there — with the defaults, two chassis (or the system's OVS) would share one path.
import { join } from 'node:path';

export type CentralDaemon = 'nb' | 'sb' | 'northd';
export type ChassisDaemon = 'ovsdb-server' | 'ovs-vswitchd' | 'ovn-controller';
export const CENTRAL_DAEMONS: CentralDaemon[] = ['nb', 'sb', 'northd'];
export const CHASSIS_DAEMONS: ChassisDaemon[] = ['ovsdb-server', 'ovs-vswitchd', 'ovn-controller'];

export const NB_SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema';
export const SB_SCHEMA = '/usr/share/ovn/ovn-sb.ovsschema';
export const VSWITCH_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

export interface DaemonFiles {
  /** The directory every file of this daemon lives in (also what its command line must name). */
  dir: string;
  pidfile: string;
  log: string;
}

export class OvnLayout {
  constructor(readonly root: string) {}

  get central(): string {
    return join(this.root, 'central');
  }
  chassis(name: string): string {
    return join(this.root, name);
  }
  get nbSock(): string {
    return join(this.central, 'nb.sock');
  }
  get sbSock(): string {
    return join(this.central, 'sb.sock');
  }
  dbSock(chassis: string): string {
    return join(this.chassis(chassis), 'db.sock');
  }
  centralFiles(d: CentralDaemon): DaemonFiles {
    return { dir: this.central, pidfile: join(this.central, `${d}.pid`), log: join(this.central, `${d}.log`) };
  }
  chassisFiles(chassis: string, d: ChassisDaemon): DaemonFiles {
    const dir = this.chassis(chassis);
    return { dir, pidfile: join(dir, `${d}.pid`), log: join(dir, `${d}.log`) };
  }
  /** Environment making a daemon (and the ctl tools) use this directory for everything. */
  env(dir: string): string[] {
    return [`OVS_RUNDIR=${dir}`, `OVN_RUNDIR=${dir}`, `OVS_LOGDIR=${dir}`, `OVN_LOGDIR=${dir}`, `OVS_DBDIR=${dir}`, `OVN_DBDIR=${dir}`];
  }
}
