// The resolved `services:` and `exec:` of a node (resolve-services.ts): addresses and ports
// parsed, commands split into argv, every service named and with its document path.
import type { PathSeg } from './problems.js';

export type LbScheduler = 'rr' | 'wrr' | 'lc' | 'sh';
export type LbMode = 'nat' | 'fullnat' | 'dr' | 'tun';

export interface LbBackend {
  addr: number;
  port: number;
  weight: number;
  path: PathSeg[];
}

interface ServiceBase {
  /** Unique in its node. */
  name: string;
  /** Its index in the node's list: the ref is service:NODE/INDEX. */
  index: number;
  path: PathSeg[];
}

export interface LoadBalancerService extends ServiceBase {
  kind: 'load-balancer';
  vip: number;
  port: number;
  protocol: 'tcp' | 'udp';
  scheduler: LbScheduler;
  mode: LbMode;
  backends: LbBackend[];
}

export interface ProxyService extends ServiceBase {
  kind: 'tcp-proxy' | 'udp-proxy';
  /** Absent: every address of the node. */
  listenAddr?: number;
  listenPort: number;
  targetAddr: number;
  targetPort: number;
}

export interface ProcessService extends ServiceBase {
  kind: 'process';
  argv: string[];
  /** A port it serves (bare "N" is tcp): verify checks every source the design lets through reaches it. */
  port?: { protocol: 'tcp' | 'udp'; port: number };
}

export type NodeService = LoadBalancerService | ProxyService | ProcessService;

export interface ExecCommand {
  argv: string[];
  path: PathSeg[];
}
