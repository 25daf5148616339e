# vnetmap's daemon launcher: starts many daemons of a twin at once, each in a session of its own
# (setsid), standard input from /dev/null, output appended to its log, and reports their pids.
#
# Why: Node.js forks its whole (large) process for every child; 100 DHCP clients started one
# after another took seconds on a loaded 2-CPU machine. posix_spawn from this small process is
# a few milliseconds each. The daemons are not this process's to keep: once they have run for
# `settle_ms`, it reports which are running and which ended at once (with their exit status),
# and exits; the running ones are adopted by init like any detached daemon.
#
# Run as /usr/bin/python3 -I -S spawn-daemons.py (standard library only).
# Input (stdin, JSON): {"daemons": [{"argv": [...], "log": path}], "settle_ms": 150}
# Output (stdout, JSON): [{"pid": N} or {"error": why, "code": exit status or null}] in input order.
import json
import os
import sys
import time


def main():
    q = json.load(sys.stdin)
    null = os.open('/dev/null', os.O_RDONLY)
    out = []
    for d in q['daemons']:
        try:
            log = os.open(d['log'], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as e:
            out.append({'error': 'cannot open its log %s: %s' % (d['log'], e.strerror), 'code': None})
            continue
        try:
            pid = os.posix_spawnp(d['argv'][0], d['argv'], os.environ, setsid=True,
                                  file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, log, 1), (os.POSIX_SPAWN_DUP2, log, 2)])
            out.append({'pid': pid})
        except OSError as e:
            out.append({'error': '%s: %s' % (d['argv'][0], e.strerror), 'code': 127})
        finally:
            os.close(log)
    end = time.monotonic() + q.get('settle_ms', 150) / 1000
    while time.monotonic() < end:
        time.sleep(0.01)
        for o in out:
            if 'pid' not in o:
                continue
            pid, status = os.waitpid(o['pid'], os.WNOHANG)
            if pid:
                o.clear()
                o.update({'error': 'ended at once', 'code': os.waitstatus_to_exitcode(status)})
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
