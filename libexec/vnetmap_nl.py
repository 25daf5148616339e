# What vnetmap's Python helpers share: entering a named network namespace, and reading route
# netlink dumps (standard library only; the helpers run with -I -S and add this directory to
# their path themselves).
import ctypes
import os
import socket
import struct

CLONE_NEWNET = 0x40000000
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300


class Failed(Exception):
    """Something the kernel (or the lookup before it) refused, in the words a tool would use; line: the batch line it fails (0: none)."""

    def __init__(self, message, line=0):
        super().__init__(message)
        self.line = line


def libc():
    return ctypes.CDLL(None, use_errno=True)


def attrs_of(msg, at):
    """(type, payload) of each netlink attribute of msg from offset at (the nested flag cleared)."""
    out = []
    while at + 4 <= len(msg):
        n, kind = struct.unpack_from('=HH', msg, at)
        if n < 4:
            break
        out.append((kind & 0x3fff, msg[at + 4:at + n]))
        at += (n + 3) & ~3
    return out


def enter(lib, path):
    """Move this process into the network namespace of the file `path`, with nsenter's wording on failure."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise Failed('nsenter: cannot open %s: %s' % (path, e.strerror))
    try:
        if lib.setns(fd, CLONE_NEWNET) != 0:
            raise Failed('nsenter: reassociate to namespace \'ns/net\' failed: %s' % os.strerror(ctypes.get_errno()))
    finally:
        os.close(fd)


# One receive buffer for every dump: a fresh 1 MiB buffer per recv cost more (allocating and
# zeroing its pages, then shrinking it) than the kernel's work for the dump. The kernel fills at
# most 32 KiB per message batch of a dump.
_BUF = bytearray(1 << 16)


def dump(kind, body, protocol=socket.NETLINK_ROUTE):
    """Every message of a netlink dump (each whole, header included), in the current namespace."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, protocol)
    try:
        sock.bind((0, 0))
        sock.send(struct.pack('=IHHII', 16 + len(body), kind, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
        out = []
        while True:
            n = sock.recv_into(_BUF)
            data = bytes(_BUF[:n])
            pos = 0
            while pos + 16 <= len(data):
                length, mkind, _, seq, _ = struct.unpack_from('=IHHII', data, pos)
                msg = data[pos:pos + length]
                pos += (length + 3) & ~3
                if seq != 1:
                    continue
                if mkind == NLMSG_DONE:
                    return out
                if mkind == NLMSG_ERROR:
                    (err,) = struct.unpack_from('=i', msg, 16)
                    raise Failed('RTNETLINK answers: %s' % os.strerror(-err))
                out.append(msg)
    finally:
        sock.close()


def text(data):
    return data.rstrip(b'\0').decode(errors='replace')


def ipv4(data):
    return socket.inet_ntop(socket.AF_INET, data)
