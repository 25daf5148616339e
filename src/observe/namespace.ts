// What one network namespace holds, as `status` and `up` compare it with the plan. Read by
// libexec/observe.py (one process for every namespace of a lab) or, where it cannot run, by `ip`,
// `sysctl`, `ethtool` and the asked commands, one namespace at a time (src/exec/observer.ts).

export interface SeenLink {
  index: number;
  name: string;
  up: boolean;
  mtu?: number;
  /** Name of the bridge (or bond) it is enslaved to. */
  master?: string;
  alias?: string;
  mac?: string;
  /** veth, bridge, macvlan, macvtap, vlan, tun, ... */
  kind?: string;
  /** Kind of its master: "bridge" for a bridge port. */
  slave?: string;
  /** Bridge port settings. */
  hairpin?: boolean;
  isolated?: boolean;
  macvlan_mode?: string;
  vlan_id?: number;
  /** Bridge settings. */
  stp?: boolean;
  vlan_filtering?: boolean;
}

export interface SeenRoute {
  /** "default" or a prefix with its length (host routes too: "10.0.0.1/32"). */
  to: string;
  via?: string;
  dev?: string;
  /** kernel (connected), boot (ip route add), static, ... */
  proto: string;
  scope: string;
  type: string;
}

export interface SeenCommand {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SeenNamespace {
  links: SeenLink[];
  addresses: { dev: string; cidr: string }[];
  /** The main table, IPv4. */
  routes: SeenRoute[];
  /** nftables tables, "family name" (e.g. "ip vnetmap"), sorted. */
  tables: string[];
  /** Value of each asked key, null where the kernel has no such key. */
  sysctls: Record<string, string | null>;
  /** TX checksum offload of each asked device (true: on), null where it cannot be read. */
  txcsum: Record<string, boolean | null>;
  /** The asked commands' results, in order. */
  commands: SeenCommand[];
}

/** What to read in one namespace, beyond its links, addresses and routes. */
export interface NamespaceQuery {
  /** null: the root namespace. */
  namespace: string | null;
  sysctls?: string[];
  txcsum?: string[];
  /** argv run inside the namespace (nft, bridge), stdin empty, bounded in time. */
  commands?: string[][];
}
