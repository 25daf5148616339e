# vnetmap's observer: what a lab's namespaces hold, read by one process that enters each in
# turn, for `status` (drift) and `up` (which repairs it).
#
# Why: `status` used to start two or three programs per namespace (`ip -j -d addr show`, `ip -j
# route show`, `nft list table`): 91 s for 3,062 namespaces, where `up` of the same lab took 7 s.
# Reading the same facts over netlink from one process costs well under a millisecond per
# namespace. Node.js can neither enter a namespace nor open a netlink socket, so this is Python
# (standard library only, started with -I -S).
#
# Input (stdin, JSON): {"namespaces": [{"netns": "/var/run/netns/NAME" or null for this process's
#   own, "sysctls": ["net.ipv4.ip_forward", ...], "txcsum": [device names],
#   "commands": [[argv], ...] run inside it (nft, bridge)}]}
# Output (stdout, JSON): {"namespaces": [null where it cannot be entered, or
#   {"links": [{index, name, up, mtu, master (a name), alias, mac, kind, slave, hairpin, isolated,
#               macvlan_mode, vlan_id, stp, vlan_filtering}],
#    "addresses": [{"dev", "cidr"}], "routes": [{"to", "via", "dev", "proto", "scope", "type"}],
#    "tables": ["ip vnetmap", ...] (nftables tables),
#    "sysctls": {key: value or null}, "txcsum": {dev: true/false/null},
#    "commands": [{"code", "stdout", "stderr"}]}]}
# Only facts are reported; src/apply/drift.ts compares them with the plan.
import array
import fcntl
import json
import os
import socket
import struct
import subprocess
import sys

sys.dont_write_bytecode = True  # nothing written beside the scripts (an installed package's directory is read-only)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vnetmap_nl as nl  # noqa: E402

RTM_GETLINK, RTM_NEWLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETNETCONF = 18, 16, 22, 26, 82
NETCONFA_IFINDEX, NETCONFA_FORWARDING, NETCONFA_IFINDEX_ALL = 1, 2, -1
FORWARD_KEY = 'net.ipv4.ip_forward'
IFF_UP = 0x1
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER, IFLA_LINKINFO, IFLA_IFALIAS = 1, 3, 4, 5, 10, 18, 20
IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA = 1, 2, 4, 5
IFLA_BRPORT_MODE, IFLA_BRPORT_ISOLATED = 4, 33
IFLA_MACVLAN_MODE = 1
IFLA_VLAN_ID = 1
IFLA_BR_STP_STATE, IFLA_BR_VLAN_FILTERING = 5, 7
MACVLAN_MODES = {1: 'private', 2: 'vepa', 4: 'bridge', 8: 'passthru', 16: 'source'}
IFA_ADDRESS, IFA_LOCAL = 1, 2
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_TABLE = 1, 4, 5, 15
RT_TABLE_MAIN = 254
PROTOS = {1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 11: 'zebra', 186: 'bgp', 188: 'ospf'}
SCOPES = {0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere'}
TYPES = {1: 'unicast', 2: 'local', 3: 'broadcast', 4: 'anycast', 5: 'multicast', 6: 'blackhole', 7: 'unreachable', 8: 'prohibit'}
SIOCETHTOOL, ETHTOOL_GTXCSUM = 0x8946, 0x16
NETLINK_NETFILTER, NFNL_SUBSYS_NFTABLES, NFT_MSG_GETTABLE, NFTA_TABLE_NAME = 12, 10, 1, 1
NF_FAMILIES = {1: 'inet', 2: 'ip', 3: 'arp', 5: 'netdev', 7: 'bridge', 10: 'ip6'}


def u32(data):
    return struct.unpack_from('=I', data)[0]


def links():
    out = []
    names = {}
    for m in nl.dump(RTM_GETLINK, struct.pack('=BxHiII', socket.AF_UNSPEC, 0, 0, 0, 0)):
        if struct.unpack_from('=H', m, 4)[0] != RTM_NEWLINK:
            continue
        _, _, index, flags, _ = struct.unpack_from('=BxHiII', m, 16)
        d = {'index': index, 'up': bool(flags & IFF_UP)}
        for kind, data in nl.attrs_of(m, 32):
            if kind == IFLA_IFNAME:
                d['name'] = nl.text(data)
            elif kind == IFLA_ADDRESS:
                d['mac'] = ':'.join('%02x' % b for b in data)
            elif kind == IFLA_MTU:
                d['mtu'] = u32(data)
            elif kind == IFLA_MASTER:
                d['master_index'] = u32(data)
            elif kind == IFLA_IFALIAS:
                d['alias'] = nl.text(data)
            elif kind == IFLA_LINKINFO:
                linkinfo(d, data)
        if 'name' in d:
            names[index] = d['name']
            out.append(d)
    for d in out:
        mi = d.pop('master_index', None)
        if mi is not None:
            d['master'] = names.get(mi, '#%d' % mi)
    return out


def linkinfo(d, data):
    kind = None
    for k, v in nl.attrs_of(data, 0):
        if k == IFLA_INFO_KIND:
            kind = d['kind'] = nl.text(v)
        elif k == IFLA_INFO_SLAVE_KIND:
            d['slave'] = nl.text(v)
        elif k == IFLA_INFO_DATA and kind is not None:
            for a, x in nl.attrs_of(v, 0):
                if kind in ('macvlan', 'macvtap') and a == IFLA_MACVLAN_MODE:
                    d['macvlan_mode'] = MACVLAN_MODES.get(u32(x), str(u32(x)))
                elif kind == 'vlan' and a == IFLA_VLAN_ID:
                    d['vlan_id'] = struct.unpack_from('=H', x)[0]
                elif kind == 'bridge' and a == IFLA_BR_STP_STATE:
                    d['stp'] = u32(x) != 0
                elif kind == 'bridge' and a == IFLA_BR_VLAN_FILTERING:
                    d['vlan_filtering'] = x[0] != 0
        elif k == IFLA_INFO_SLAVE_DATA:
            for a, x in nl.attrs_of(v, 0):
                if a == IFLA_BRPORT_MODE:
                    d['hairpin'] = x[0] != 0
                elif a == IFLA_BRPORT_ISOLATED:
                    d['isolated'] = x[0] != 0


def addresses(names):
    out = []
    for m in nl.dump(RTM_GETADDR, struct.pack('=BBBBI', socket.AF_INET, 0, 0, 0, 0)):
        _, plen, _, _, index = struct.unpack_from('=BBBBI', m, 16)
        local = None
        for kind, data in nl.attrs_of(m, 24):
            if kind == IFA_LOCAL or (kind == IFA_ADDRESS and local is None):
                local = nl.ipv4(data)
        if local is not None:
            out.append({'dev': names.get(index, '#%d' % index), 'cidr': '%s/%d' % (local, plen)})
    return out


def routes(names):
    out = []
    for m in nl.dump(RTM_GETROUTE, struct.pack('=BBBBBBBBI', socket.AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)):
        _, dlen, _, _, table, proto, scope, rtype, _ = struct.unpack_from('=BBBBBBBBI', m, 16)
        r = {'proto': PROTOS.get(proto, str(proto)), 'scope': SCOPES.get(scope, str(scope)), 'type': TYPES.get(rtype, str(rtype))}
        dst = None
        for kind, data in nl.attrs_of(m, 28):
            if kind == RTA_DST:
                dst = nl.ipv4(data)
            elif kind == RTA_GATEWAY:
                r['via'] = nl.ipv4(data)
            elif kind == RTA_OIF:
                r['dev'] = names.get(u32(data), '#%d' % u32(data))
            elif kind == RTA_TABLE:
                table = u32(data)
        if table != RT_TABLE_MAIN:
            continue
        r['to'] = 'default' if dst is None and dlen == 0 else '%s/%d' % (dst or '0.0.0.0', dlen)
        out.append(r)
    return out


def nft_tables():
    """Every nftables table of the namespace, as "family name" (what `nft list tables` prints)."""
    out = []
    body = struct.pack('=BBH', socket.AF_UNSPEC, 0, 0)  # nfgenmsg: every family
    for m in nl.dump((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, body, NETLINK_NETFILTER):
        family = m[16]
        for kind, data in nl.attrs_of(m, 20):
            if kind == NFTA_TABLE_NAME:
                out.append('%s %s' % (NF_FAMILIES.get(family, str(family)), nl.text(data)))
    return sorted(out)


def ip_forward():
    """net.ipv4.ip_forward, which is the forwarding setting of "all", read over netlink (opening
    /proc/sys in a namespace costs more than every dump here together)."""
    for m in nl.dump(RTM_GETNETCONF, struct.pack('=Bxxx', socket.AF_INET)):
        attrs = dict(nl.attrs_of(m, 20))
        if NETCONFA_IFINDEX in attrs and struct.unpack('=i', attrs[NETCONFA_IFINDEX])[0] == NETCONFA_IFINDEX_ALL and NETCONFA_FORWARDING in attrs:
            return str(struct.unpack('=i', attrs[NETCONFA_FORWARDING])[0])
    return sysctl(FORWARD_KEY)


def sysctl(key):
    if key == FORWARD_KEY:
        return ip_forward()
    try:
        with open('/proc/sys/' + key.replace('.', '/')) as f:
            return f.read().strip()
    except OSError:
        return None


def txcsum(dev):
    """TX checksum offload of dev (ethtool's tx-checksumming), None when it cannot be read."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        data = array.array('B', struct.pack('=II', ETHTOOL_GTXCSUM, 0))
        ifr = struct.pack('16sP', dev.encode()[:15], data.buffer_info()[0]).ljust(40, b'\0')  # struct ifreq
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
        return struct.unpack('=II', data.tobytes())[1] != 0
    except OSError:
        return None
    finally:
        s.close()


def command(argv):
    """Run argv in the current namespace (it inherits this process's), bounded in time."""
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        return {'code': r.returncode, 'stdout': r.stdout.decode(errors='replace'), 'stderr': r.stderr.decode(errors='replace')}
    except FileNotFoundError:
        return {'code': 127, 'stdout': '', 'stderr': '%s: command not found' % argv[0]}
    except subprocess.TimeoutExpired:
        return {'code': None, 'stdout': '', 'stderr': '%s: timed out after 30 s' % argv[0]}


def observe(lib, home, req):
    if req.get('netns'):
        nl.enter(lib, req['netns'])
    else:
        if lib.setns(home, nl.CLONE_NEWNET) != 0:
            raise nl.Failed('cannot go back to its own namespace')
    ls = links()
    names = {d['index']: d['name'] for d in ls}
    return {
        'links': ls,
        'addresses': addresses(names),
        'routes': routes(names),
        'tables': nft_tables(),
        'sysctls': {k: sysctl(k) for k in req.get('sysctls', [])},
        'txcsum': {d: txcsum(d) for d in req.get('txcsum', [])},
        'commands': [command(a) for a in req.get('commands', [])],
    }


def main():
    lib = nl.libc()
    home = os.open('/proc/self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
    out = []
    for req in json.load(sys.stdin)['namespaces']:
        try:
            out.append(observe(lib, home, req))
        except (nl.Failed, OSError):
            out.append(None)
    json.dump({'namespaces': out}, sys.stdout)


main()
