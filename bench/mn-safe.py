#!/usr/bin/python3
# Runs Debian's /usr/bin/mn unchanged, except that Mininet's global clean-up is disabled.
#
# Why: on any exception (and on Ctrl-C) `mn` calls mininet.clean.cleanup(), the same code as
# `mn -c`. That deletes EVERY Open vSwitch bridge on the machine, `killall`s every process named
# `ping`, deletes /tmp/*.log and /tmp/*.out and every root-namespace link whose name looks like
# `foo-eth1`. Other engineers' vnetmap labs and tests run on this machine at the same time, so
# the benchmark must never trigger it. The bench harness instead removes only the exact objects
# of the topology it asked for (see bench/lib/mininet.ts).
import runpy
import sys

import mininet.clean


def _no_global_cleanup(*_args, **_kwargs):
    sys.stderr.write('mn-safe: skipped Mininet global clean-up (bench removes its own objects)\n')


mininet.clean.cleanup = _no_global_cleanup
mininet.clean.Cleanup.cleanup = classmethod(lambda cls: _no_global_cleanup())
sys.argv = ['mn'] + sys.argv[1:]
runpy.run_path('/usr/bin/mn', run_name='__main__')
