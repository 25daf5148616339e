# vnetmap's prober: the live probes of `vnetmap verify`, carried out by one process that holds a
# socket in every namespace it probes from or watches, and reports who answered, not only that
# someone did.
#
# Why one process: a probe tool per source (fping, arp-scan, socat) cost a process start each and
# could only say "an address answered". Real networks reuse private ranges behind NAT, so a reply
# from 192.168.1.10 proves nothing until we know which node sent it. A raw ICMP socket made in a
# namespace receives a copy of every ICMP packet delivered locally in that namespace (after the
# input hooks, before the kernel answers an echo): watching every namespace of the lab shows which
# one received each echo request, and with which source address (NAT). ARP answers carry the
# answering MAC; TCP connections land on listeners that this process holds, which answer with a
# token, the node they run in and the peer address they saw.
#
# Run as /usr/bin/python3 -I -S probe.py (standard library only). It dies with its parent
# (PR_SET_PDEATHSIG) and after `deadline_ms` whatever happens (SIGALRM), and never outlives its
# sockets: they hold namespaces, so they go with it.
#
# Input (stdin, JSON), one of:
#   {"kind": "ping", "spaces": [netns files], "sources": [{"space": i, "src": "10.0.0.1"}],
#    "waves": [{"probes": [[source, [target addresses]], ...], "flush": [spaces it fills]}, ...],
#    "flush": bool (empty the neighbour caches between waves and at the end), pacing...}
#   {"kind": "arp", "sources": [{"netns": file, "dev": "eth0"}], "targets": [[addresses] per source],
#    "links": [netns files whose device MACs to report], pacing...}
#   {"kind": "dns", "sources": [{"netns": file, "resolv": resolv.conf path, "ask": [name indices]}], "names": [names],
#    "interval_us", "timeout_ms", "tries"}
#   {"kind": "tcp", "listeners": [{"netns": file, "port": 80, "node": "pc1", "protocol": "tcp"|"udp"}],
#    "connects": [{"netns": file, "src": address, "addr": address, "port": 8080, "protocol": "tcp"|"udp", "open": bool}], "token": "...", "timeout_ms": 2000,
#    "flush": [netns files whose neighbour caches to empty afterwards]}  (protocol: tcp when absent;
#    open: a TCP connection to a workload's own port, answered "OPEN" once accepted)
#   {"kind": "udp-open", "servers": [{"netns": file, "port": 5353, "addr": address}],
#    "sends": [{"server": i, "netns": file, "src": address, "addr": address, "port": 5353}],
#    "token": "...", "count": 3, "timeout_ms": 500, "settle_ms": 40, "flush": [netns files]}  (a workload's UDP port: see udp_open())
# pacing: "interval_us" (between two sends, all sources together), "timeout_ms" (first wait),
#   "tries", "backoff" (each next wait is the previous times this), "deadline_ms".
# Output (stdout, JSON): per kind, see ping(), arp(), tcp(). A failure that concerns one source,
# target or listener is reported for it ("errors"), never for the whole run.
import ctypes
import collections
import errno
import fcntl
import importlib.util
import json
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import threading
import time

# The package directory may be read-only, and a cache there would be a file nobody asked for.
sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location('netlink_batch', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'netlink-batch.py'))
nl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nl)

CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
IP_PKTINFO = 8
SO_ATTACH_FILTER = 26
SIOCGIFFLAGS, SIOCGIFHWADDR = 0x8913, 0x8927
IFF_UP = 0x1
ETH_P_ARP = 0x0806
MAGIC = b'vnmp'
# Seconds to wait for further answers once every target answered (a duplicate, a second watcher).
STRAGGLERS = 0.05
# Errors of a send that are the network's answer (no route, filtered), not a failure of the probe.
VERDICTS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EACCES, errno.EPERM, errno.ENETDOWN}
# Errors worth another try: a queue on the way was full.
TRANSIENT = {errno.ENOBUFS, errno.EAGAIN}


class Place:
    """Entering namespaces, and always coming back (the process never keeps one alive for nothing)."""

    def __init__(self):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.home = os.open('/proc/self/ns/net', os.O_RDONLY | os.O_CLOEXEC)

    def enter(self, path):
        nl.enter(self.libc, path)

    def back(self):
        if self.libc.setns(self.home, CLONE_NEWNET) != 0:
            sys.exit('probe: cannot go back to its own namespace: %s' % os.strerror(ctypes.get_errno()))

    def made_in(self, path, make):
        """make() run inside the namespace `path`: sockets made there stay there."""
        try:
            self.enter(path)
            return make()
        finally:
            self.back()


def why(e):
    """One short sentence for an exception."""
    if isinstance(e, nl.Failed):
        return str(e)
    if isinstance(e, OSError) and e.errno is not None:
        return os.strerror(e.errno)
    return '%s: %s' % (type(e).__name__, e)


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


class Pacer:
    """Spaces sends by `interval` seconds, all sources together, waiting in `wait(seconds)`."""

    def __init__(self, interval, wait):
        self.interval = interval
        self.wait = wait
        self.next = time.monotonic()

    def turn(self):
        now = time.monotonic()
        if self.next > now + 0.0005:
            self.wait(self.next - now)
        self.next = max(self.next, now) + self.interval


def drain(sock, handle):
    """Every datagram waiting on a non-blocking socket, to handle(data, address)."""
    while True:
        try:
            data, addr = sock.recvfrom(65535)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        handle(data, addr)


def polled(socks):
    sel = selectors.DefaultSelector()
    for k, s in socks.items():
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, k)
    return sel


def listening(socks, handlers):
    """receive(timeout): hands every datagram waiting on `socks` to its handler."""
    sel = polled(socks)

    def receive(timeout):
        for key, _ in sel.select(timeout):
            drain(key.fileobj, handlers[key.data])
    return receive


# Threads that send at once. The kernel floods a broadcast domain in the context of the task that
# sends (veth hands each copy to the sending CPU's backlog, processed before the send returns),
# and Python lets go of its lock during the system call: two senders keep both CPUs flooding.
SENDERS = 2


def send_all(items, send_one, interval, receive):
    """send_one(item) for every item, spaced by `interval` seconds all senders together, from
    SENDERS threads (each its share), while this thread receives."""
    if len(items) < 32:
        pacer = Pacer(interval, receive)
        for item in items:
            pacer.turn()
            send_one(item)
        return

    def work(part):
        pacer = Pacer(interval * SENDERS, time.sleep)
        for item in part:
            pacer.turn()
            send_one(item)
    threads = [threading.Thread(target=work, args=(items[k::SENDERS],), daemon=True) for k in range(SENDERS)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        receive(0.002)
    for t in threads:
        t.join()


def waits(p, k):
    """Timeouts of try k (seconds)."""
    return p.get('timeout_ms', 400) / 1000 * (p.get('backoff', 1.0) ** k)


# --- ping ------------------------------------------------------------------------------------

def ping(place, q):
    """
    Echo requests through raw ICMP sockets, one per namespace of `spaces` (sources and every
    namespace to watch). Output: {"errors": {source: why}, "spaceErrors": {space: why},
    "probes": [[replied, [[space, source address seen], ...]] in input order], "flushes": n}.
    A probe is replied when its source's namespace got the echo reply from the address it asked;
    the list says every watched namespace that received the request, and from which address.
    """
    nonce = int.from_bytes(os.urandom(4), 'big')
    spaces = q['spaces']
    socks, space_errors = {}, {}
    for i, path in enumerate(spaces):
        try:
            s = place.made_in(path, lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            socks[i] = s
        except Exception as e:
            space_errors[str(i)] = why(e)
    sources = q['sources']
    errors = {}
    for i, src in enumerate(sources):
        if src['space'] not in socks:
            errors[str(i)] = space_errors.get(str(src['space']), 'no socket in its namespace')
            continue
        # A raw socket does not check its source address; a datagram socket bound to it does.
        try:
            place.made_in(spaces[src['space']], lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind((src['src'], 0)))
        except Exception as e:
            errors[str(i)] = '%s is not an address of %s (%s)' % (src['src'], os.path.basename(spaces[src['space']]), why(e))
    probes = []  # (source, target) in input order, waves concatenated
    waves = []
    for wave in q['waves']:
        first = len(probes)
        for s, targets in wave['probes']:
            probes.extend((s, t) for t in targets)
        waves.append((range(first, len(probes)), wave.get('flush', [])))
    replied = [False] * len(probes)
    seen = [[] for _ in probes]
    left = [0]  # probes of the current try still without a reply

    def handle_in(space):
        def handle(data, _addr):
            ihl = (data[0] & 15) * 4
            if len(data) < ihl + 20 or data[9] != 1 or data[ihl + 8:ihl + 12] != MAGIC:
                return
            n, k = struct.unpack_from('!II', data, ihl + 12)
            if n != nonce or k >= len(probes):
                return
            saddr, daddr = socket.inet_ntoa(data[12:16]), socket.inet_ntoa(data[16:20])
            s, t = probes[k]
            if data[ihl] == 8:
                if [space, saddr] not in seen[k]:
                    seen[k].append([space, saddr])
            elif data[ihl] == 0 and space == sources[s]['space'] and saddr == t and daddr == sources[s]['src'] and not replied[k]:
                replied[k] = True
                left[0] -= 1
        return handle
    receive = listening(socks, {i: handle_in(i) for i in socks})
    interval = q.get('interval_us', 50) / 1e6

    def send(k):
        s, t = probes[k]
        if str(s) in errors:
            return
        src = sources[s]
        # One echo identifier per source, as one ping process per source would have: a NAT that
        # sends many sources out of one address tells their flows apart by it (OVS's userspace
        # conntrack does not rewrite identifiers that collide; it drops the later flows).
        ident = (nonce + s) & 0xffff
        hdr = struct.pack('!BBHHH', 8, 0, 0, ident, k & 0xffff)
        body = MAGIC + struct.pack('!II', nonce, k)
        pkt = struct.pack('!BBHHH', 8, 0, checksum(hdr + body), ident, k & 0xffff) + body
        info = struct.pack('=I4s4s', 0, socket.inet_aton(src['src']), b'\0' * 4)
        try:
            socks[src['space']].sendmsg([pkt], [(socket.IPPROTO_IP, IP_PKTINFO, info)], 0, (t, 0))
        except OSError as e:
            if e.errno not in VERDICTS and e.errno not in TRANSIENT:
                errors[str(s)] = 'sending from %s failed: %s' % (src['src'], why(e))

    flushes = 0
    caches = Caches(place, spaces if q.get('flush') else [])
    clock = Clock()
    for w, (ks, touched) in enumerate(waves):
        # The previous wave's neighbours make room for this one's (the caches are the twin's).
        if w and q.get('flush'):
            flushes += caches.empty(waves[w - 1][1], once=True)
            clock.lap('flush')
        for attempt in range(q.get('tries', 2)):
            todo = [k for k in ks if not replied[k]]
            if not todo:
                break
            left[0] = len(todo)
            send_all(todo, send, interval, receive)
            clock.lap('send')
            end = time.monotonic() + waits(q, attempt)
            while time.monotonic() < end and left[0] > 0:
                receive(max(0.0, end - time.monotonic()))
            clock.lap('wait')
    receive(STRAGGLERS)  # late copies of the last requests, still on their way to a watcher
    if q.get('flush') and waves:
        flushes += caches.empty(waves[-1][1])
        # Once more for all: a namespace emptied early can learn a neighbour from an ARP request another still sent.
        flushes += caches.empty(range(len(spaces)))
    caches.close()
    clock.lap('flush')
    return {'errors': errors, 'spaceErrors': space_errors, 'probes': [[replied[k], seen[k]] for k in range(len(probes))], 'flushes': flushes, 'ms': clock.ms}


class Clock:
    """Where a run's time went (ms per kind of work), for the caller's report and for tuning."""

    def __init__(self):
        self.ms = {}
        self.t = time.monotonic()

    def lap(self, what):
        now = time.monotonic()
        self.ms[what] = round(self.ms.get(what, 0) + (now - self.t) * 1000, 1)
        self.t = now


class Caches:
    """
    The neighbour caches of namespaces, emptied through a netlink socket made in each at the start
    (a socket stays in the namespace it was made in): between two waves, with no setns and no new
    socket per namespace.
    """

    def __init__(self, place, paths):
        self.socks = {}
        for i, path in enumerate(paths):
            try:
                self.socks[i] = place.made_in(path, nl.Netlink)
            except (nl.Failed, OSError):
                pass

    def empty(self, which, once=False):
        for i in which:
            n = self.socks.get(i)
            try:
                if n:
                    n.flush_neighbours(once)
            except (nl.Failed, OSError):
                pass  # a namespace gone meanwhile has nothing left to empty
        return 1 if which else 0

    def close(self):
        for n in self.socks.values():
            n.close()


def flush(place, paths, once=False):
    """Empties the neighbour caches of these namespaces (those that are gone have none left); `once`: one round, no re-check."""
    for path in paths:
        try:
            place.enter(path)
            n = nl.Netlink()
            try:
                n.flush_neighbours(once)
            finally:
                n.close()
        except (nl.Failed, OSError):
            pass
        finally:
            place.back()
    return 1 if paths else 0


# --- arp -------------------------------------------------------------------------------------

# Classic BPF: ARP replies only (ethertype 0x0806, operation 2), so a source in a domain of
# thousands is not handed every other source's broadcast request.
ARP_REPLIES = [(0x28, 0, 0, 12), (0x15, 0, 3, ETH_P_ARP), (0x28, 0, 0, 20), (0x15, 0, 1, 2), (0x06, 0, 0, 0xffff), (0x06, 0, 0, 0)]
_filter = ctypes.create_string_buffer(b''.join(struct.pack('=HBBI', *i) for i in ARP_REPLIES))



def flush_after(place, q):
    """Where verify had to ping in waves of the neighbour table, leave the table as roomy as it
    was found: twice, for entries still in flight."""
    for _ in range(2 if q.get('flush') else 0):
        time.sleep(STRAGGLERS)
        flush(place, q['flush'])

def arp_socket(dev):
    """A packet socket on `dev` that receives ARP replies only, and the device's MAC."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        flags = struct.unpack_from('=H', fcntl_ioctl(s, SIOCGIFFLAGS, dev), 16)[0]
        if not flags & IFF_UP:
            raise OSError(errno.ENETDOWN, '%s is down' % dev)
        mac = fcntl_ioctl(s, SIOCGIFHWADDR, dev)[18:24]
        s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack('HxxxxxxQ', len(ARP_REPLIES), ctypes.addressof(_filter)))
        s.bind((dev, ETH_P_ARP))
        return s, mac
    except Exception:
        s.close()
        raise


def fcntl_ioctl(s, req, dev):
    try:
        return fcntl.ioctl(s.fileno(), req, struct.pack('16s24x', dev.encode()))
    except OSError as e:
        if e.errno == errno.ENODEV:
            raise OSError(errno.ENODEV, 'no device %s' % dev)
        raise


def arp(place, q):
    """
    ARP probes (RFC 5227: sender address 0.0.0.0, so targets learn nothing) from each source
    interface towards its targets. Output: {"errors": {source: why}, "answers": [[[MAC, ...] per
    target] per source], "links": [{dev: MAC} or null per namespace of "links"]}: every MAC that
    answered for each target address, duplicates included.
    """
    clock = Clock()
    links = []
    for path in q.get('links', []):
        try:
            links.append(place.made_in(path, lambda: read_links()))
        except Exception:
            links.append(None)
    sources = q['sources']
    errors, socks, macs = {}, {}, {}
    for i, src in enumerate(sources):
        try:
            socks[i], macs[i] = place.made_in(src['netns'], lambda: arp_socket(src['dev']))
        except OSError as e:
            errors[str(i)] = '%s in %s: %s' % (src['dev'], os.path.basename(src['netns']), e.strerror or why(e))
        except Exception as e:
            errors[str(i)] = '%s in %s: %s' % (src['dev'], os.path.basename(src['netns']), why(e))
    clock.lap('setup')
    targets = q['targets']
    answers = [[[] for _ in ts] for ts in targets]
    left = [0]  # targets of the current try without an answer yet
    index = [{t: k for k, t in enumerate(ts)} for ts in targets]

    def handle_for(i):
        def handle(data, _addr):
            if len(data) < 42 or data[12:14] != b'\x08\x06' or data[20:22] != b'\x00\x02' or data[32:38] != macs[i]:
                return
            k = index[i].get(socket.inet_ntoa(data[28:32]))
            mac = ':'.join('%02x' % b for b in data[22:28])
            if k is not None and mac not in answers[i][k]:
                if not answers[i][k]:
                    left[0] -= 1
                answers[i][k].append(mac)
        return handle
    receive = listening(socks, {i: handle_for(i) for i in socks})

    def send(item):
        i, k = item
        if str(i) in errors:
            return
        frame = b'\xff' * 6 + macs[i] + b'\x08\x06' + struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + macs[i] + b'\0' * 4 + b'\0' * 6 + socket.inet_aton(targets[i][k])
        try:
            socks[i].send(frame)
        except OSError as e:
            if e.errno not in TRANSIENT:
                errors[str(i)] = 'sending on %s failed: %s' % (sources[i]['dev'], why(e))
    for attempt in range(q.get('tries', 2)):
        todo = [[k for k in range(len(targets[i])) if not answers[i][k]] if i in socks and str(i) not in errors else [] for i in range(len(sources))]
        if not any(todo):
            break
        left[0] = sum(len(ks) for ks in todo)
        # Round robin over the sources, so that every source progresses as under one scan each.
        order = [(i, ks[depth]) for depth in range(max(len(t) for t in todo)) for i, ks in enumerate(todo) if depth < len(ks)]
        send_all(order, send, q.get('interval_us', 50) / 1e6, receive)
        clock.lap('send')
        # Wait the timeout out, unless every target answered: then only long enough for a second
        # answer (a duplicate address answers the same broadcast within microseconds).
        end = time.monotonic() + waits(q, attempt)
        while True:
            if left[0] <= 0:
                end = min(end, time.monotonic() + STRAGGLERS)
            remaining = end - time.monotonic()
            if remaining <= 0:
                break
            receive(remaining)
        clock.lap('wait')
    return {'errors': errors, 'answers': answers, 'links': links, 'ms': clock.ms}


def read_links():
    n = nl.Netlink()
    try:
        return n.links()
    finally:
        n.close()


# --- tcp -------------------------------------------------------------------------------------

# A UDP "connection" sends its question again this often until an answer or the timeout.
UDP_RESEND = 0.3


def udp_answer(sock, token, node):
    """Answer every datagram waiting on a UDP listener from the address it was sent to (the
    reply must leave from there, or conntrack would not translate it back through a forward)."""
    while True:
        try:
            data, anc, _flags, peer = sock.recvmsg(2048, socket.CMSG_SPACE(12))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        dst = b'\0' * 4
        for level, kind, value in anc:
            if level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(value) >= 12:
                dst = value[4:8]
        info = struct.pack('=I4s4s', 0, dst, b'\0' * 4)
        try:
            sock.sendmsg([('%s %s %s\n' % (token, node, peer[0])).encode()], [(socket.IPPROTO_IP, IP_PKTINFO, info)], 0, peer)
        except OSError:
            pass


def tcp(place, q):
    """
    Listeners on every target, connections from every source, over TCP or UDP. Output:
    {"listenerErrors": {listener: why}, "connects": [{"answer": "TOKEN NODE PEER" or "", "error":
    why} ...]}: what each connection read back; the listener writes its token, its node and the
    peer address it saw. A refused or timed-out connection is an answer ("") as the network
    gives it. A UDP client sends its question every UDP_RESEND seconds until it is answered.
    """
    token = q['token']
    listeners, lerrors = {}, {}
    for i, l in enumerate(q['listeners']):
        udp = l.get('protocol') == 'udp'

        def make(port=l['port'], udp=udp):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if udp:
                s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            s.bind(('0.0.0.0', port))
            if not udp:
                s.listen(256)
            return s
        try:
            listeners[i] = place.made_in(l['netns'], make)
        except Exception as e:
            lerrors[str(i)] = 'cannot listen on %s port %d in %s: %s' % ('udp' if udp else 'tcp', l['port'], os.path.basename(l['netns']), why(e))
    sel = selectors.DefaultSelector()
    for i, s in listeners.items():
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, ('udp-listen' if q['listeners'][i].get('protocol') == 'udp' else 'listen', i))
    out = [{'answer': ''} for _ in q['connects']]
    open_ = {}
    udp_open = {}  # connect index -> time of its next question
    for k, c in enumerate(q['connects']):
        udp = c.get('protocol') == 'udp'

        def make(c=c, udp=udp):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
            s.bind((c['src'], 0))
            return s
        try:
            s = place.made_in(c['netns'], make)
        except Exception as e:
            out[k]['error'] = 'cannot connect from %s in %s: %s' % (c['src'], os.path.basename(c['netns']), why(e))
            continue
        s.setblocking(False)
        err = s.connect_ex((c['addr'], c['port']))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            if err not in VERDICTS and err not in (errno.ECONNREFUSED, errno.ETIMEDOUT):
                out[k]['error'] = 'connect failed: %s' % os.strerror(err)
            continue
        open_[k] = s
        if udp:
            udp_open[k] = 0.0
            sel.register(s, selectors.EVENT_READ, ('read', k))
        else:
            sel.register(s, selectors.EVENT_WRITE, ('connect', k))
    buf = {}
    end = time.monotonic() + q.get('timeout_ms', 2000) / 1000
    while open_ and time.monotonic() < end:
        now = time.monotonic()
        for k, at in list(udp_open.items()):
            if k in open_ and at <= now:
                try:
                    open_[k].send(b'vnetmap?')
                except OSError:
                    pass  # refused (ICMP port unreachable) or no route: the network's answer, asked again
                udp_open[k] = now + UDP_RESEND
        wake = min([end] + [t for k, t in udp_open.items() if k in open_])
        for key, ev in sel.select(max(0.0, min(wake, end) - time.monotonic())):
            what, i = key.data
            if what == 'udp-listen':
                udp_answer(key.fileobj, token, q['listeners'][i]['node'])
            elif what == 'listen':
                while True:
                    try:
                        conn, peer = key.fileobj.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    try:
                        conn.setblocking(True)
                        conn.settimeout(1)
                        conn.sendall(('%s %s %s\n' % (token, q['listeners'][i]['node'], peer[0])).encode())
                    except OSError:
                        pass
                    finally:
                        conn.close()
            elif what == 'connect':
                s = key.fileobj
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    sel.unregister(s)
                    s.close()
                    del open_[i]
                    continue
                if q['connects'][i].get('open'):
                    # A workload's own port: that it accepted the connection is all there is to see.
                    out[i]['answer'] = 'OPEN'
                    sel.unregister(s)
                    s.close()
                    del open_[i]
                    continue
                sel.modify(s, selectors.EVENT_READ, ('read', i))
            else:
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    if i in udp_open:
                        continue  # an ICMP error for an earlier question: keep asking until the timeout
                    data = b''
                buf[i] = buf.get(i, b'') + data
                if not data or b'\n' in buf[i]:
                    out[i]['answer'] = buf[i].decode(errors='replace').strip()
                    sel.unregister(s)
                    s.close()
                    del open_[i]
    for s in open_.values():
        s.close()
    for s in listeners.values():
        s.close()
    # Connections through routers leave neighbours behind (flush_after).
    flush_after(place, q)
    return {'listenerErrors': lerrors, 'connects': out}


# --- udp-open -------------------------------------------------------------------------------
#
# A workload's UDP port. The workload is not verify's listener and need not answer, so silence
# proves nothing, and "the client sent it" proves nothing either. What this looks at, in the
# server's namespace: the UDP sockets bound to the port (/proc/net/udp, udp6) and the processes
# holding them; an AF_PACKET socket that sees each datagram arrive there (which device, from
# which source address), recognised by its token; the namespace's Udp counters (/proc/net/snmp:
# InDatagrams counts datagrams a process READ, NoPorts those no socket was bound to, InErrors
# those a socket dropped) and the port's sockets' receive queues and drop counts, before and
# after a client sends. An arrival phase sends from every client at once and says whose
# datagrams arrived at all; then, one client at a time and nothing else of verify's in flight,
# a window per client whose datagrams arrived, so the counters' moves can be put down to it:
# every other UDP datagram that arrived in the namespace meanwhile is counted beside, and the
# caller (udp-evidence.ts) decides only where the numbers leave no other explanation.
PACKET_OUTGOING = 4
PACKET_BROADCAST, PACKET_MULTICAST = 1, 2
ETH_P_IP = 0x0800
IP_RECVERR = 11
SO_EE_ORIGIN_ICMP = 2
SOL_PACKET, PACKET_STATISTICS = 263, 6
# IPv4 packets carrying UDP only (the protocol byte of the IP header), their first 512 bytes.
UDP_ONLY = [(0x30, 0, 0, 9), (0x15, 0, 1, 17), (0x06, 0, 0, 512), (0x06, 0, 0, 0)]
_udp_filter = ctypes.create_string_buffer(b''.join(struct.pack('=HBBI', *i) for i in UDP_ONLY))
ICMP_UNREACH = {0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable', 9: 'network administratively prohibited', 10: 'host administratively prohibited', 13: 'communication administratively prohibited'}


def udp_table(fd):
    """(local address, port, rx queue bytes, drops, inode) of every socket in an open /proc/net/udp or udp6."""
    out = []
    for line in os.pread(fd, 1 << 22, 0).decode(errors='replace').splitlines()[1:]:
        f = line.split()
        if len(f) < 13:
            continue
        host, port = f[1].split(':')
        raw = bytes.fromhex(host)
        words = b''.join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # each 32-bit word in host order
        addr = socket.inet_ntop(socket.AF_INET if len(words) == 4 else socket.AF_INET6, words)
        out.append((addr, int(port, 16), int(f[4].split(':')[1], 16), int(f[12]), int(f[9])))
    return out


def snmp_udp(fd):
    """The Udp: line of an open /proc/net/snmp, by name."""
    lines = [l.split() for l in os.pread(fd, 1 << 16, 0).decode().splitlines() if l.startswith('Udp:')]
    return dict(zip(lines[0][1:], (int(x) for x in lines[1][1:])))


def holders(inodes):
    """inode -> ["PID COMM", ...] of the processes holding those sockets."""
    want = {'socket:[%d]' % i: i for i in inodes}
    out = collections.defaultdict(list)
    if not want:
        return out
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir('/proc/%s/fd' % pid)
        except OSError:
            continue
        found = set()
        for fd in fds:
            try:
                link = os.readlink('/proc/%s/fd/%s' % (pid, fd))
            except OSError:
                continue
            if link in want and want[link] not in found:
                found.add(want[link])
                try:
                    with open('/proc/%s/comm' % pid) as f:
                        comm = f.read().strip()
                except OSError:
                    comm = '?'
                out[want[link]].append('%s %s' % (pid, comm))
    return out


def icmp_errors(sock):
    """What the error queue of a client socket (IP_RECVERR) holds, in words."""
    said = []
    while True:
        try:
            _data, anc, _flags, _addr = sock.recvmsg(512, 512, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return said
        except OSError:
            return said
        for level, kind, value in anc:
            if level != socket.IPPROTO_IP or kind != IP_RECVERR or len(value) < 16:
                continue
            ee_errno, origin, typ, code = struct.unpack_from('=IBBB', value, 0)
            offender = socket.inet_ntoa(value[20:24]) if len(value) >= 24 else '?'
            if origin == SO_EE_ORIGIN_ICMP:
                what = ICMP_UNREACH.get(code, 'code %d' % code) if typ == 3 else 'time exceeded' if typ == 11 else 'type %d code %d' % (typ, code)
                said.append('ICMP %s from %s' % (what, offender))
            else:
                said.append(os.strerror(ee_errno))


class Watch:
    """A server's namespace: its Udp counters, its UDP socket tables, and every IPv4 packet arriving there."""

    def __init__(self, place, netns):
        def make():
            snmp = os.open('/proc/thread-self/net/snmp', os.O_RDONLY | os.O_CLOEXEC)
            tables = [os.open('/proc/thread-self/net/' + t, os.O_RDONLY | os.O_CLOEXEC) for t in ('udp', 'udp6') if os.path.exists('/proc/thread-self/net/' + t)]
            pkt = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
            pkt.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack('HxxxxxxQ', len(UDP_ONLY), ctypes.addressof(_udp_filter)))
            pkt.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
            return snmp, tables, pkt
        self.snmp, self.tables, self.pkt = place.made_in(netns, make)
        self.pkt.setblocking(False)

    def missed(self):
        """Packets the kernel dropped at this socket since the last call (a full buffer): the count of
        other arrivals is then short, and the window proves nothing."""
        return struct.unpack('=II', self.pkt.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]

    def close(self):
        os.close(self.snmp)
        for fd in self.tables:
            os.close(fd)
        self.pkt.close()

    def sockets(self, port, addr):
        """The sockets bound to the port where the server's address reaches them, and all of them."""
        every = [x for fd in self.tables for x in udp_table(fd)]
        mine = [x for x in every if x[1] == port and x[0] in ('0.0.0.0', '::', addr, '::ffff:' + addr)]
        return mine, every

    def state(self, port, addr):
        mine, every = self.sockets(port, addr)
        return {'snmp': snmp_udp(self.snmp), 'rxq': sum(x[2] for x in mine), 'drops': sum(x[3] for x in mine),
                'queues': {x[4]: x[2] for x in every}, 'mine': {x[4] for x in mine}}

    def arrivals(self, token, tag, seen, port=None):
        """Every IPv4 packet waiting: ours (by token, of this phase's tag) into seen[k], every other UDP
        datagram (one of an earlier phase too: it may be read now) counted into seen['others']."""
        while True:
            try:
                data, (dev, _proto, pkttype, _ha, _hw) = self.pkt.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if pkttype == PACKET_OUTGOING or len(data) < 20 or data[9] != 17:
                continue
            ihl = (data[0] & 15) * 4
            offset = struct.unpack_from('!H', data, 6)[0] & 0x1fff
            dport = struct.unpack_from('!H', data, ihl + 2)[0] if offset == 0 and len(data) >= ihl + 8 else None
            payload = data[ihl + 8:] if dport is not None else b''
            words = payload[len(token):].split(b' ') if payload.startswith(token) else []
            if len(words) == 3 and words[2][:1] == tag:
                k = int(words[1])
                got = seen.setdefault(k, {'arrived': 0})
                got['arrived'] += 1
                got['from'] = socket.inet_ntoa(data[12:16])
                got['dev'] = dev
                continue
            seen['others'] += 1
            if dport is None or dport == port:
                seen['othersPort'] += 1
            if pkttype in (PACKET_BROADCAST, PACKET_MULTICAST) or data[16] >= 224 or data[16:20] == b'\xff\xff\xff\xff':
                seen['othersMulti'] += 1


def udp_open(place, q):
    """
    Output: {"servers": [{"error": why} or {"sockets": [{"local", "inode", "holders"}]}],
    "sends": [{"error": why} or {"arrival": {...}, "window": {...}}]}: per client, its arrival
    phase (arrived, from, dev, replies, icmp, sendError) and, where its datagrams arrived, its
    window (the same, plus sent, others, othersPort, othersMulti, missed, stale, dIn, dNoPorts,
    dInErrors, queueGrew, dDrops).
    """
    token = q['token'].encode()
    count = q.get('count', 3)
    timeout = q.get('timeout_ms', 500) / 1000
    settle = q.get('settle_ms', 40) / 1000
    servers, watches, spaces = [], {}, {}  # server -> Watch, one per namespace
    for i, s in enumerate(q['servers']):
        try:
            if s['netns'] not in spaces:
                spaces[s['netns']] = Watch(place, s['netns'])
            watches[i] = spaces[s['netns']]
        except Exception as e:
            servers.append({'error': 'cannot watch %s: %s' % (os.path.basename(s['netns']), why(e))})
            continue
        servers.append({'sockets': [{'local': '%s:%d' % (a, p), 'inode': ino} for a, p, _q, _d, ino in watches[i].sockets(s['port'], s['addr'])[0]]})
    who = holders([x['inode'] for s in servers for x in s.get('sockets', [])])
    for s in servers:
        for x in s.get('sockets', []):
            x['holders'] = who.get(x['inode'], [])
    out = [{} for _ in q['sends']]
    clients = {}

    def fresh():
        return {'others': 0, 'othersPort': 0, 'othersMulti': 0}
    for k, c in enumerate(q['sends']):
        if c['server'] not in watches:
            out[k]['error'] = servers[c['server']]['error']
            continue

        def make(c=c):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
            s.bind((c['src'], 0))
            return s
        try:
            clients[k] = place.made_in(c['netns'], make)
            clients[k].setblocking(False)
        except Exception as e:
            out[k]['error'] = 'cannot send from %s in %s: %s' % (c['src'], os.path.basename(c['netns']), why(e))

    def send(k, tag, n, got):
        c = q['sends'][k]
        for j in range(n):
            for again in (True, False):
                try:
                    clients[k].sendto(token + b' %d %s%d' % (k, tag, j), (c['addr'], c['port']))
                    break
                except OSError as e:
                    # An ICMP error for an earlier datagram is reported once, by this send: read it, send again.
                    replies([k], {k: got})
                    if not again:
                        err = e
            else:
                e = err
                if e.errno in VERDICTS:
                    got['sendError'] = why(e)
                elif e.errno != errno.ECONNREFUSED and e.errno not in TRANSIENT:
                    got['sendError'] = 'cannot send: %s' % why(e)

    def replies(ks, got):
        for k in ks:
            g = got.setdefault(k, {'arrived': 0})
            for said in icmp_errors(clients[k]):
                g['icmp'] = said
            for _ in range(256):
                try:
                    _data, peer = clients[k].recvfrom(65535)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    continue  # the error an ICMP message set (reported once): read from the error queue above
                g['replies'] = g.get('replies', 0) + 1
                g['replyFrom'] = '%s:%d' % peer

    def collect(ks, seen, until, done, tag=b'a', only=None, port=None):
        while True:
            for w in spaces.values():
                w.arrivals(token, tag, seen if only in (None, w) else fresh(), port)
            replies(ks, seen)
            if done() or time.monotonic() >= until:
                return
            time.sleep(0.002)

    # Arrival phase: every client at once, `count` datagrams each, a little apart.
    seen = fresh()
    ks = sorted(clients)
    for w in spaces.values():
        w.arrivals(token, b'-', fresh())  # what came before
    for j in range(count):
        for k in ks:
            send(k, b'a', 1, seen.setdefault(k, {'arrived': 0}))
        collect(ks, seen, time.monotonic() + 0.02, lambda: False)
    collect(ks, seen, time.monotonic() + timeout, lambda: all(seen.get(k, {}).get('arrived') for k in ks))
    collect(ks, seen, time.monotonic() + settle, lambda: False)
    for k in ks:
        out[k]['arrival'] = seen.get(k, {'arrived': 0})
    # Windows: one client at a time.
    for k in ks:
        if not out[k]['arrival'].get('arrived'):
            continue
        w = watches[q['sends'][k]['server']]
        srv = q['servers'][q['sends'][k]['server']]
        collect([k], fresh(), time.monotonic() + 0.005, lambda: False, b'-')
        w.missed()
        before = w.state(srv['port'], srv['addr'])
        win = {'sent': count}
        box = fresh()
        send(k, b'w', count, win)

        def read_all():
            g = box.get(k, {})
            if g.get('arrived', 0) < count:
                return False
            now = snmp_udp(w.snmp)['InDatagrams'] - before['snmp']['InDatagrams']
            return now >= g['arrived'] + box['others'] or g.get('replies')
        # Until every datagram arrived (or the timeout), then until they were read (or settle).
        collect([k], box, time.monotonic() + timeout, lambda: box.get(k, {}).get('arrived', 0) >= count, b'w', w, srv['port'])
        collect([k], box, time.monotonic() + settle, read_all, b'w', w, srv['port'])
        after = w.state(srv['port'], srv['addr'])
        collect([k], box, 0, lambda: True, b'w', w, srv['port'])  # what arrived up to the reading
        g = box.get(k, {'arrived': 0})
        win['missed'] = w.missed()
        win.update({key: g[key] for key in ('arrived', 'from', 'dev', 'replies', 'replyFrom', 'icmp') if key in g})
        win.update({key: box[key] for key in ('others', 'othersPort', 'othersMulti')})
        # Datagrams waiting from before that may have been read in the window: on the port's
        # sockets, and on any socket whose queue changed (with no other arrival, nothing else
        # was queued to it: a queue that did not change was not read). Any other arrival: all.
        qb, qa = before['queues'], after['queues']
        stale = sum(b for ino, b in qb.items() if box['others'] or ino in before['mine'] or qa.get(ino) != b)
        win.update({
            'stale': stale,
            'dIn': after['snmp']['InDatagrams'] - before['snmp']['InDatagrams'],
            'dNoPorts': after['snmp']['NoPorts'] - before['snmp']['NoPorts'],
            'dInErrors': after['snmp']['InErrors'] - before['snmp']['InErrors'],
            'queueGrew': after['rxq'] - before['rxq'],
            'dDrops': after['drops'] - before['drops'],
        })
        out[k]['window'] = win
    for s in clients.values():
        s.close()
    for w in spaces.values():
        w.close()
    flush_after(place, q)
    return {'servers': servers, 'sends': out}


# --- dns ------------------------------------------------------------------------------------

DNS_WINDOW = 128

def dns_query(qid, name):
    """A DNS query for the A records of `name`, with recursion desired."""
    qname = b''.join(bytes([len(l)]) + l.encode('ascii') for l in name.split('.') if l) + b'\0'
    return struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack('!HH', 1, 1)


def dns_answer(data):
    """(id, rcode, [IPv4 addresses]) of a DNS response, None for anything else."""
    if len(data) < 12:
        return None
    qid, flags, qd, an, _, _ = struct.unpack('!HHHHHH', data[:12])
    if not flags & 0x8000:
        return None

    def skip_name(pos):
        while pos < len(data):
            n = data[pos]
            if n == 0:
                return pos + 1
            if n & 0xc0 == 0xc0:
                return pos + 2
            pos += 1 + n
        return len(data)
    pos = 12
    for _ in range(qd):
        pos = skip_name(pos) + 4
    addrs = []
    for _ in range(an):
        pos = skip_name(pos)
        if pos + 10 > len(data):
            break
        typ, cls, _ttl, rdlen = struct.unpack('!HHIH', data[pos:pos + 10])
        pos += 10
        if typ == 1 and cls == 1 and rdlen == 4:
            addrs.append(socket.inet_ntoa(data[pos:pos + 4]))
        pos += rdlen
    return qid, flags & 0xf, addrs


def dns(place, q):
    """
    Every name looked up from every source namespace, at the first name server of the resolv.conf
    its programs use (what `ip netns exec` binds over /etc/resolv.conf). Output: {"errors":
    {source: why}, "servers": [address or null per source], "answers": [[addresses, [] for a
    name that does not exist, or null for no answer] per name] per source}.
    """
    names = q['names']
    socks, errors, servers = {}, {}, []
    for i, s in enumerate(q['sources']):
        server = None
        try:
            with open(s['resolv']) as f:
                for line in f:
                    p = line.split()
                    if len(p) >= 2 and p[0] == 'nameserver':
                        server = p[1]
                        break
        except OSError as e:
            errors[str(i)] = 'cannot read %s: %s' % (s['resolv'], why(e))
        servers.append(server)
        if server is None:
            errors.setdefault(str(i), 'no name server in %s' % s['resolv'])
            continue
        try:
            socks[i] = place.made_in(s['netns'], lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        except Exception as e:
            errors[str(i)] = 'cannot open a socket in %s: %s' % (os.path.basename(s['netns']), why(e))
    answers = [[None] * len(names) for _ in q['sources']]
    # At most DNS_WINDOW queries in flight, the next sent as answers come: a burst of thousands
    # overflows the server's socket (dnsmasq lost a third of 10,000 sent within 0.5 s), and
    # the lost ones then cost a whole timeout each.
    queue = collections.deque((i, j) for i in socks for j in q['sources'][i].get('ask', range(len(names))))
    inflight = {}  # (source, name index) -> (time sent, tries so far)
    tries = q.get('tries', 3)

    def handler(i):
        def handle(data, addr):
            a = dns_answer(data)
            if a is None or addr[0] != servers[i]:
                return
            qid, rcode, addrs = a
            if qid < len(names) and answers[i][qid] is None:
                answers[i][qid] = addrs if rcode == 0 else []
                inflight.pop((i, qid), None)
        return handle
    receive = listening(socks, {i: handler(i) for i in socks})
    while queue or inflight:
        now = time.monotonic()
        for key, (sent, k) in list(inflight.items()):
            if now - sent > waits(q, k - 1):
                del inflight[key]
                if k < tries:
                    queue.append((key, k))
        while queue and len(inflight) < DNS_WINDOW:
            item = queue.popleft()
            (i, j), k = item if isinstance(item[0], tuple) else (item, 0)
            try:
                socks[i].sendto(dns_query(j, names[j]), (servers[i], 53))
            except OSError as e:
                if e.errno in VERDICTS:
                    continue  # the network's answer (no route): no reply will come
                if e.errno not in TRANSIENT:
                    errors.setdefault(str(i), 'cannot send to %s: %s' % (servers[i], why(e)))
            inflight[(i, j)] = (time.monotonic(), k + 1)
        receive(0.002)
    return {'errors': errors, 'servers': servers, 'answers': answers}


def main():
    place = Place()
    # Die with vnetmap: a prober left behind would hold the lab's namespaces.
    place.libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:
        sys.exit('probe: vnetmap is gone')
    # A socket per namespace, two where neighbour caches are emptied: a big lab needs more than
    # the usual soft limit of 1,024 open files.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    q = json.load(sys.stdin)
    # The receiving thread hands the lock to the senders often: they spend their time in the kernel.
    sys.setswitchinterval(0.0005)
    signal.alarm(max(1, int(q.get('deadline_ms', 60000) / 1000) + 1))
    kind = {'ping': ping, 'arp': arp, 'tcp': tcp, 'udp-open': udp_open, 'dns': dns}[q['kind']]
    json.dump(kind(place, q), sys.stdout)


if __name__ == '__main__':
    main()
