# Turns TX checksum offload off (what `ethtool -K DEV tx off` does) on many devices in many
# network namespaces, from one process.
#
# Why: a workload's end of a veth whose frames an Open vSwitch userspace datapath reads must
# leave with whole checksums (MACHINE.md: TCP fails otherwise). One `nsenter … ethtool` per
# device cost 18 s for the 1,000 workloads of an OVN lab on this loaded 2-core machine (two
# programs started per device); entering each namespace in turn and asking the kernel by
# ioctl (SIOCETHTOOL, ETHTOOL_STXCSUM) costs well under a millisecond per device. Clearing
# tx-checksumming also clears what depends on it (TSO), as ethtool's does.
#
# Input (stdin, JSON): {"devices": [{"netns": "/var/run/netns/NAME", "dev": "eth0"}, ...]}
# Output (stdout, JSON): {"failed": null} or {"failed": {"index": i, "message": "..."}}: the
# first device it could not set (and nothing after it is tried), worded like ethtool/nsenter.
import array
import fcntl
import json
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vnetmap_nl as nl  # noqa: E402

SIOCETHTOOL, ETHTOOL_STXCSUM = 0x8946, 0x17


def tx_off(dev):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        data = array.array('B', struct.pack('=II', ETHTOOL_STXCSUM, 0))
        ifr = struct.pack('16sP', dev.encode()[:15], data.buffer_info()[0]).ljust(40, b'\0')  # struct ifreq
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
    except OSError as e:
        raise nl.Failed('Cannot set device tx csum settings for %s: %s' % (dev, e.strerror))
    finally:
        s.close()


def main():
    req = json.load(sys.stdin)
    lib = nl.libc()
    home = os.open('/proc/self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
    failed = None
    try:
        for i, d in enumerate(req['devices']):
            try:
                nl.enter(lib, d['netns'])
                tx_off(d['dev'])
            except nl.Failed as e:
                failed = {'index': i, 'message': str(e)}
                break
    finally:
        lib.setns(home, nl.CLONE_NEWNET)  # never keep a lab's namespace alive
        os.close(home)
    json.dump({'failed': failed}, sys.stdout)


main()
