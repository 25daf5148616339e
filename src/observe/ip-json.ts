// Parsers for `ip -j` output. iproute2 prints nothing (not "[]") for an empty list and, for
// some commands, one JSON array per namespace; these tolerate both and keep only what we use.

export interface ObservedLink {
  name: string;
  alias?: string;
  state: string;
  up: boolean;
  master?: string;
  mac?: string;
  /** veth / macvlan / bridge ... when `-d` was given. */
  kind?: string;
  addresses: string[];
}

interface RawLink {
  ifname?: string;
  ifalias?: string;
  operstate?: string;
  flags?: string[];
  master?: string;
  address?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family?: string; local?: string; prefixlen?: number; scope?: string }[];
}

function parseArray(text: string): unknown[] {
  const t = text.trim();
  if (!t) return [];
  const v: unknown = JSON.parse(t);
  return Array.isArray(v) ? v : [];
}

/** `ip -j [-d] link show` or `ip -j addr show`: one entry per device. */
export function parseLinks(text: string): ObservedLink[] {
  return (parseArray(text) as RawLink[])
    .filter((r) => typeof r.ifname === 'string')
    .map((r) => {
      const l: ObservedLink = {
        name: r.ifname!,
        state: r.operstate ?? 'UNKNOWN',
        up: (r.flags ?? []).includes('UP'),
        addresses: (r.addr_info ?? []).filter((a) => a.family === 'inet' && a.local).map((a) => `${a.local}/${a.prefixlen}`),
      };
      if (r.ifalias) l.alias = r.ifalias;
      if (r.master) l.master = r.master;
      if (r.address) l.mac = r.address;
      if (r.linkinfo?.info_kind) l.kind = r.linkinfo.info_kind;
      return l;
    });
}

/** `ip -j netns list`: names (the id is irrelevant to us). */
export function parseNetnsList(text: string): string[] {
  return (parseArray(text) as { name?: string }[]).flatMap((n) => (typeof n.name === 'string' ? [n.name] : []));
}

export interface ObservedRoute {
  to: string;
  via?: string;
  dev?: string;
}

/** `ip -j route show`: destination ("default" or a prefix; host routes without "/32"), gateway, device. */
export function parseRoutes(text: string): ObservedRoute[] {
  return (parseArray(text) as { dst?: string; gateway?: string; dev?: string }[]).flatMap((r) =>
    typeof r.dst === 'string' ? [{ to: r.dst, ...(r.gateway ? { via: r.gateway } : {}), ...(r.dev ? { dev: r.dev } : {}) }] : [],
  );
}
