# vnetmap's netlink batch: the per-namespace `ip -batch` commands of `vnetmap up`, carried out by
# one process that enters each namespace in turn and speaks rtnetlink itself.
#
# Why: those commands are one `nsenter --net=NS -- ip -batch FILE` per namespace, and starting two
# programs costs ~2 ms of CPU each on a small VM, while the kernel's work for them is ~0.3 ms. A
# 1,111-namespace lab spent 2.4 s of its 3.5 s `up` there; through this process it takes 0.65 s,
# of which the kernel's work is 0.37 s.
# Node.js can neither enter a namespace nor open a netlink socket, so this is Python (standard
# library only, started with -I -S).
#
# It understands only the lines vnetmap's renderer writes for that phase (src/render/render.ts,
# configLines and createLines) and `neigh flush all` (verify empties the twin's neighbour caches
# between two waves of probes, src/verify/neigh-budget.ts), parses every line of a batch before
# sending anything, and hands a batch with any other line back untouched (the caller runs those
# with ip). Each message is the one iproute2 6.1 sends for the same line (same flags, attributes,
# defaults); the kernel tests compare the resulting namespaces with ip's, attribute by attribute.
#
# Input (stdin, JSON): {"batches": [{"netns": "/var/run/netns/NAME", "text": "link set ...\n..."}]}
# Output (stdout, JSON): {"skipped": [indices handed back], "failed": null |
#   {"batch": i, "line": n, "message": "what ip would have printed"}}
# With --parse-only nothing is entered or sent: only "skipped" is meaningful (the unit tests check
# that it speaks every line the renderer writes).
# With --nft it loads nftables scripts (the `nsenter --net=NS -- nft -f -` of `up`) through
# libnftables (vnetmap_nft.py): input {"tables": [{"netns": file, "text": script}]}, output
# {"skipped": [all of them, where libnftables cannot be loaded], "failed": null | {"batch": i,
# "line": 0, "message": what nft would have printed}}; it stops at the first that fails.
# With --links it only reads: input {"netns": [files]}, output {"links": [{name: MAC} or null
# where the namespace cannot be entered]} (what `ip -j link show` says of each device's address;
# verify needs every endpoint's MAC, and one `ip` per namespace cost 2.7 s for 1,000 hosts).
# It stops at the first batch with a refused line, as `ip -batch` stops at the line; a batch's
# messages are sent together, so lines after the refused one may have been applied. Either way
# the caller (vnetmap up) then removes the whole lab.
import ctypes
import json
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True  # nothing written beside the scripts (an installed package's directory is read-only)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vnetmap_nl import Failed, attrs_of, enter  # noqa: E402
import vnetmap_nft  # noqa: E402

CLONE_NEWNET = 0x40000000
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_REPLACE, NLM_F_CREATE, NLM_F_DUMP = 0x1, 0x4, 0x100, 0x400, 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
NLA_F_NESTED = 0x8000
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_NEWROUTE = 16, 18, 20, 24
RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH = 28, 29, 30
NUD_NOARP, NUD_PERMANENT = 0x40, 0x80
IFLA_IFNAME = 3
IFF_UP = 0x1
IFLA_ADDRESS, IFLA_MTU, IFLA_MASTER, IFLA_LINKINFO, IFLA_IFALIAS, IFLA_AF_SPEC = 1, 4, 10, 18, 20, 26
IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA = 4, 5
IFLA_INET6_ADDR_GEN_MODE = 8
ADDR_GEN_MODES = {'eui64': 0, 'none': 1, 'stable_secret': 2, 'random': 3}
IFLA_BRPORT_MODE = 4
IFA_ADDRESS, IFA_LOCAL = 1, 2
RTA_DST, RTA_OIF, RTA_GATEWAY = 1, 4, 5
RT_TABLE_MAIN, RTPROT_BOOT, RTN_UNICAST = 254, 3, 1
RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST = 0, 253, 254
IFALIASZ = 256
# Messages per write: far below the socket's send buffer (~200 KiB) even for a bridge with thousands of ports.
CHUNK = 256


# One receive buffer for every answer: a fresh buffer per recv (1 MiB for dumps) cost more, in
# allocating and zeroing pages, than the kernel's work (the observer measured 3.6 s -> 1.0 s for
# 2,744 namespaces). A dump's message batch is at most 32 KiB.
RECV_BUF = bytearray(1 << 16)


class Unknown(Exception):
    """A line this helper does not speak: the whole batch goes back to ip."""


def attr(kind, data):
    n = 4 + len(data)
    return struct.pack('=HH', n, kind) + data + b'\0' * (-n % 4)


def nest(kind, *attrs):
    return attr(kind | NLA_F_NESTED, b''.join(attrs))


def ipv4(text):
    # Strict dotted quad (inet_pton, unlike inet_aton, takes no "10.1" shorthand).
    try:
        return socket.inet_pton(socket.AF_INET, text)
    except OSError:
        raise Unknown(text)


def prefix(text):
    """"default", A.B.C.D or A.B.C.D/N as iproute2 reads them: (bytes or None, length)."""
    if text == 'default':
        return None, 0
    addr, _, length = text.partition('/')
    if length and not (length.isdigit() and int(length) <= 32):
        raise Unknown(text)
    return ipv4(addr), int(length) if length else 32


def mac(text):
    parts = text.split(':')
    if len(parts) != 6 or not all(len(p) == 2 for p in parts):
        raise Unknown(text)
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise Unknown(text)


# Each parser turns the words of one line into a function that, given a lookup of device
# indices, returns (message type, flags, body): nothing is looked up or sent while parsing.

def parse_link_set(w):
    if len(w) < 4 or w[2] != 'dev':
        raise Unknown(' '.join(w))
    dev, rest = w[3], w[4:]
    flags = change = 0
    attrs = []
    master = None
    i = 0
    while i < len(rest):
        word = rest[i]
        arg = rest[i + 1] if i + 1 < len(rest) else None
        if word in ('up', 'down'):
            change |= IFF_UP
            flags = flags | IFF_UP if word == 'up' else flags & ~IFF_UP
            i += 1
            continue
        if arg is None:
            raise Unknown(word)
        if word == 'alias' and len(arg.encode()) < IFALIASZ:
            attrs.append(attr(IFLA_IFALIAS, arg.encode()))  # ip sends it without a NUL
        elif word == 'addrgenmode' and arg in ADDR_GEN_MODES:
            attrs.append(nest(IFLA_AF_SPEC, nest(socket.AF_INET6, attr(IFLA_INET6_ADDR_GEN_MODE, bytes([ADDR_GEN_MODES[arg]])))))
        elif word == 'address':
            attrs.append(attr(IFLA_ADDRESS, mac(arg)))
        elif word == 'mtu' and arg.isdigit():
            attrs.append(attr(IFLA_MTU, struct.pack('=I', int(arg))))
        elif word == 'master':
            master = arg
        elif word == 'type' and arg == 'bridge_slave':
            # Slave options end the line, as in ip; only hairpin is spoken here.
            opts = rest[i + 2:]
            if len(opts) != 2 or opts[0] != 'hairpin' or opts[1] not in ('on', 'off'):
                raise Unknown(' '.join(opts))
            data = nest(IFLA_INFO_SLAVE_DATA, attr(IFLA_BRPORT_MODE, bytes([opts[1] == 'on'])))
            attrs.append(nest(IFLA_LINKINFO, attr(IFLA_INFO_SLAVE_KIND, b'bridge'), data))
            break
        else:
            raise Unknown(word)
        i += 2

    def build(index):
        body = struct.pack('=BxHiII', socket.AF_UNSPEC, 0, index(dev), flags, change)
        extra = [attr(IFLA_MASTER, struct.pack('=I', index(master, 'master')))] if master is not None else []
        return RTM_NEWLINK, 0, body + b''.join(attrs + extra)
    return build


def parse_addr(w):
    # addr replace A.B.C.D/N dev NAME
    if len(w) != 5 or w[1] != 'replace' or w[3] != 'dev' or '/' not in w[2]:
        raise Unknown(' '.join(w))
    local, length = prefix(w[2])
    dev = w[4]
    scope = RT_SCOPE_HOST if local[0] == 127 else RT_SCOPE_UNIVERSE  # iproute2's default_scope()

    def build(index):
        body = struct.pack('=BBBBI', socket.AF_INET, length, 0, scope, index(dev))
        return RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, body + attr(IFA_LOCAL, local) + attr(IFA_ADDRESS, local)
    return build


def parse_route(w):
    # route replace TO [via A.B.C.D] [dev NAME]
    if len(w) < 3 or w[1] != 'replace':
        raise Unknown(' '.join(w))
    dst, length = prefix(w[2])
    opts = dict(zip(w[3::2], w[4::2]))
    if len(w) % 2 == 0 or not set(opts) <= {'via', 'dev'} or len(opts) != (len(w) - 3) // 2:
        raise Unknown(' '.join(w))
    gateway = ipv4(opts['via']) if 'via' in opts else None
    dev = opts.get('dev')
    # iproute2: a route with no gateway is on-link (scope link), any other is universe.
    scope = RT_SCOPE_UNIVERSE if gateway else RT_SCOPE_LINK

    def build(index):
        body = struct.pack('=BBBBBBBBI', socket.AF_INET, length, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, scope, RTN_UNICAST, 0)
        attrs = [attr(RTA_DST, dst)] if dst is not None else []
        if gateway:
            attrs.append(attr(RTA_GATEWAY, gateway))
        if dev is not None:
            attrs.append(attr(RTA_OIF, struct.pack('=I', index(dev))))
        return RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, body + b''.join(attrs)
    return build


class Flush:
    """`neigh flush all`: not a message but a loop over the namespace's neighbour table (Netlink.flush_neighbours)."""


def parse(line):
    # ip's batch reader also takes quotes, backslashes and comments; the renderer writes none.
    if any(c in line for c in '"\'\\#'):
        raise Unknown(line)
    w = line.split()
    if w[:2] == ['link', 'set']:
        return parse_link_set(w)
    if w[:1] == ['addr']:
        return parse_addr(w)
    if w[:1] == ['route']:
        return parse_route(w)
    if w == ['neigh', 'flush', 'all']:
        return Flush
    raise Unknown(line)


class Netlink:
    """A route netlink socket in the namespace the process is in when it is made."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0

    def close(self):
        self.sock.close()

    def talk(self, msgs, keep_going=False):
        """
        Send the messages in a few writes, an ack asked only of the last of each: the kernel
        answers a refused message anyway and goes on with the next. Returns (position, text)
        of the first refusal, or None; keep_going sends every write whatever was refused.
        """
        for at in range(0, len(msgs), CHUNK):
            first = self.seq + 1
            part = msgs[at:at + CHUNK]
            buf = []
            for k, (kind, flags, body) in enumerate(part):
                self.seq += 1
                ack = NLM_F_ACK if k == len(part) - 1 else 0
                buf.append(struct.pack('=IHHII', 16 + len(body), kind, flags | NLM_F_REQUEST | ack, self.seq, 0) + body)
            self.sock.send(b''.join(buf))
            refused = None
            last = False
            while not last:
                n = self.sock.recv_into(RECV_BUF)
                data = bytes(RECV_BUF[:n])
                pos = 0
                while pos + 16 <= len(data):
                    length, kind, mflags, seq, _ = struct.unpack_from('=IHHII', data, pos)
                    if kind == NLMSG_ERROR and first <= seq <= self.seq:
                        (err,) = struct.unpack_from('=i', data, pos + 16)
                        if err and refused is None:
                            refused = (at + seq - first, self.message(data[pos:pos + length], mflags, -err))
                        last = last or seq == self.seq
                    pos += (length + 3) & ~3
            if refused and not keep_going:
                return refused
        return None

    def dump(self, kind, body):
        """Every message of a dump (each whole, header included), up to its NLMSG_DONE."""
        self.seq += 1
        seq = self.seq
        self.sock.send(struct.pack('=IHHII', 16 + len(body), kind, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body)
        out = []
        while True:
            n = self.sock.recv_into(RECV_BUF)
            data = bytes(RECV_BUF[:n])
            pos = 0
            while pos + 16 <= len(data):
                length, mkind, _, mseq, _ = struct.unpack_from('=IHHII', data, pos)
                msg = data[pos:pos + length]
                pos += (length + 3) & ~3
                if mseq != seq:
                    continue
                if mkind == NLMSG_DONE:
                    return out
                if mkind == NLMSG_ERROR:
                    (err,) = struct.unpack_from('=i', msg, 16)
                    raise Failed(self.message(msg, 0, -err))
                out.append(msg)

    def flush_neighbours(self, once=False):
        """
        `ip neigh flush all` as iproute2 does it: dump the table (every family), delete each entry
        that is neither permanent nor noarp by sending it back as RTM_DELNEIGH, and again until a
        dump finds none (at most 10 rounds; traffic can keep adding entries). Deletions that fail
        (the entry went meanwhile) are ignored, as ip ignores them. `once`: one round only, for a
        caller that empties the table again later (verify's prober between two waves).
        """
        for _ in range(10):
            entries = self.dump(RTM_GETNEIGH, struct.pack('=BxxxiHBB', socket.AF_UNSPEC, 0, 0, 0, 0))
            states = [struct.unpack_from('=H', m, 24)[0] for m in entries]  # ndm_state
            gone = [m for m, st in zip(entries, states) if st == 0 or st & ~(NUD_PERMANENT | NUD_NOARP)]
            if not gone:
                return
            self.talk([(RTM_DELNEIGH, 0, m[16:]) for m in gone], keep_going=True)
            if once:
                return
        raise Failed('*** Flush not complete bailing out after 10 rounds')

    def links(self):
        """Device name -> MAC address (lower case, '' for devices without one) of the namespace."""
        out = {}
        for m in self.dump(RTM_GETLINK, struct.pack('=BxHiII', socket.AF_UNSPEC, 0, 0, 0, 0)):
            if struct.unpack_from('=H', m, 4)[0] != RTM_NEWLINK:
                continue
            name, addr = None, ''
            for kind, data in attrs_of(m, 16 + 16):  # after nlmsghdr and ifinfomsg
                if kind == IFLA_IFNAME:
                    name = data.rstrip(b'\0').decode(errors='replace')
                elif kind == IFLA_ADDRESS:
                    addr = ':'.join('%02x' % b for b in data)
            if name is not None:
                out[name] = addr
        return out

    @staticmethod
    def message(msg, mflags, errno):
        """What ip prints for a refusal: the kernel's extended message if it gave one."""
        text = None
        if mflags & NLM_F_ACK_TLVS:
            (orig_len,) = struct.unpack_from('=I', msg, 20)
            for kind, data in attrs_of(msg, 20 + (16 if mflags & NLM_F_CAPPED else (orig_len + 3) & ~3)):
                if kind == NLMSGERR_ATTR_MSG:
                    text = data.rstrip(b'\0').decode(errors='replace')
        if text:
            return 'Error: %s%s' % (text, '' if text.endswith('.') else '.')
        return 'RTNETLINK answers: %s' % os.strerror(errno)


def lookup():
    """Device name -> index in the current namespace, each asked once."""
    seen = {}

    def index(dev, role='dev'):
        if dev not in seen:
            try:
                seen[dev] = socket.if_nametoindex(dev)
            except OSError:
                # ip's two wordings: a missing `dev` fails the line, a missing `master` ends ip.
                raise Failed('Cannot find device "%s"' % dev if role == 'dev' else 'Error: argument "%s" is wrong: Device does not exist' % dev)
        return seen[dev]
    return index


def at_line(n, fn, *args):
    """fn(*args), a refusal blamed on line n."""
    try:
        return fn(*args)
    except Failed as e:
        e.line = n
        raise


def run_batch(todo):
    """The parsed lines of one batch, in the namespace entered; a refusal carries its line."""
    # Every device a line names exists before the batch runs (the phases before made them), so
    # all messages are built first: a name that is missing fails its line.
    index = lookup()
    built = [(n, make if make is Flush else at_line(n, make, index)) for n, make in todo]
    nl = Netlink()
    pending = []

    def send():
        refused = nl.talk([m for _, m in pending])
        if refused:
            raise Failed(refused[1], pending[refused[0]][0])
        pending.clear()
    try:
        for n, m in built:
            if m is Flush:
                send()
                at_line(n, nl.flush_neighbours)
            else:
                pending.append((n, m))
        send()
    finally:
        nl.close()


def links(libc, paths):
    """--links: each namespace's device -> MAC, or None where it cannot be entered or read."""
    out = []
    for path in paths:
        try:
            enter(libc, path)
            nl = Netlink()
            try:
                out.append(nl.links())
            finally:
                nl.close()
        except (Failed, OSError):
            out.append(None)
    return out


def nft_tables(libc, tables):
    """--nft: each table's script in its namespace, in order, until one fails."""
    lib = vnetmap_nft.library()
    if lib is None:
        return {'skipped': list(range(len(tables))), 'failed': None}
    for i, t in enumerate(tables):
        try:
            enter(libc, t['netns'])
        except (Failed, OSError) as e:
            return {'skipped': [], 'failed': {'batch': i, 'line': 0, 'message': str(e)}}
        why = vnetmap_nft.load(lib, t['text'])
        if why is not None:
            return {'skipped': [], 'failed': {'batch': i, 'line': 0, 'message': why}}
    return {'skipped': [], 'failed': None}


def answer(libc, request, args):
    """What one run answers for `request` (the parsed input) with these command-line flags."""
    if '--links' in args:
        return {'links': links(libc, request['netns'])}
    if '--nft' in args:
        return nft_tables(libc, request['tables'])
    parse_only = '--parse-only' in args
    skipped = []
    failed = None
    for i, b in enumerate(request['batches']):
        lines = b['text'].split('\n')
        try:
            todo = [(n, parse(line)) for n, line in enumerate(lines, 1) if line.strip()]
        except Unknown:
            skipped.append(i)
            continue
        if parse_only:
            continue
        try:
            enter(libc, b['netns'])
            run_batch(todo)
        except Failed as e:
            n = e.line
            failed = {'batch': i, 'line': n, 'message': str(e) + ('\nCommand failed -:%d' % n if n else '')}
            break
    return {'skipped': skipped, 'failed': failed}


def serve(libc):
    """
    --serve: the same runs, one after another in this process, for a caller that needs many
    (verify empties neighbour caches between waves of probes: starting Python and its modules
    cost ~0.1 s a time here, a wave's flushes ~15-25 ms). Each line in is
    {"args": [flags], "input": "what stdin would hold"}; each line out is
    {"code": 0 or 1, "stdout": ..., "stderr": ...}, what the run would have exited with and
    printed. After each run the process goes back to its own namespace, so that it never keeps
    a deleted lab's namespace alive. It ends at the end of its input.
    """
    home = os.open('/proc/self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
    for line in sys.stdin:
        if not line.strip():
            continue
        call = json.loads(line)
        try:
            out = {'code': 0, 'stdout': json.dumps(answer(libc, json.loads(call['input']), call['args'])), 'stderr': ''}
        except Exception as e:  # a crash of that run, as the process would have reported it
            out = {'code': 1, 'stdout': '', 'stderr': '%s: %s' % (type(e).__name__, e)}
        finally:
            if libc.setns(home, CLONE_NEWNET) != 0:
                sys.exit('netlink helper: cannot go back to its own namespace: %s' % os.strerror(ctypes.get_errno()))
        sys.stdout.write(json.dumps(out) + '\n')
        sys.stdout.flush()


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    args = sys.argv[1:]
    if '--serve' in args:
        serve(libc)
        return
    json.dump(answer(libc, json.load(sys.stdin), args), sys.stdout)


# probe.py (verify's prober) loads this file for its netlink code: only a run of it runs main().
if __name__ == '__main__':
    main()
