// The bash teardown embedded in rendered scripts. Like `vnetmap down` it removes only objects
// carrying the lab's markers, so it is safe after a crash and never touches the user's objects.
import { labMarker } from '../plan/names.js';
import { hostsHeader } from './hosts.js';
import { OVS_LAB_KEY } from './ovs.js';

/** `name`: the bash function's name (the OVN engine's script calls it after stopping its daemons). */
export function teardownFunction(lab: string, name = 'down'): string {
  const marker = labMarker(lab);
  // The header is plain text of the lab name (lowercase letters, digits, dashes): safe in single quotes.
  const header = hostsHeader(lab);
  return `${name}() {
  # 1. Open vSwitch bridges tagged with our lab (ports go with them).
  if command -v ovs-vsctl >/dev/null 2>&1 && ovs-vsctl --timeout=5 show >/dev/null 2>&1; then
    for br in $(ovs-vsctl --timeout=5 --bare --columns=name find bridge external_ids:${OVS_LAB_KEY}=${lab}); do
      ovs-vsctl --timeout=10 --if-exists del-br "$br"
    done
  fi
  # 2. Namespaces whose lo carries the alias ${marker}, deleted in one batch (fast: their
  #    veths go with them). A namespace without the marker is the user's and stays. Only names
  #    the lab gives (vn-${lab}-*) are looked into; one that cannot be entered (gone meanwhile,
  #    or never finished) is not ours to judge and must not stop the teardown.
  local dels=() ns alias
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    case "$ns" in vn-${lab}-*) ;; *) continue ;; esac
    alias=$(nsenter --net="/var/run/netns/$ns" ip -o link show dev lo 2>/dev/null | sed -n 's/.* alias \\([^ \\\\]*\\).*/\\1/p' || true)
    if [ "$alias" = "${marker}" ]; then dels+=("$ns"); fi
  done
  if [ \${#dels[@]} -gt 0 ]; then
    # Processes in them (the lab's daemons) would keep them alive after their names go.
    for ns in "\${dels[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; done
    printf 'netns del %s\\n' "\${dels[@]}" | ip -force -batch - || true
    # Only the hosts and resolv.conf files vnetmap wrote (their first line says so), then the
    # directory if empty: anything else there (a resolv.conf of the user's) stays.
    for ns in "\${dels[@]}"; do
      for f in hosts resolv.conf; do
        if [ "$(head -n 1 "/etc/netns/$ns/$f" 2>/dev/null)" = '${header}' ]; then rm -f "/etc/netns/$ns/$f"; fi
      done
      rmdir "/etc/netns/$ns" 2>/dev/null || true
    done
  fi
  # 3. Root-namespace links with alias ${marker}:<ref> that did not go with a namespace.
  local links
  links=$(ip -o link show | sed -n 's/^[0-9]*: \\([^:@]*\\)[@:].* alias ${marker}:[^ ]*.*$/\\1/p')
  if [ -n "$links" ]; then printf 'link del %s\\n' $links | ip -force -batch - 2>/dev/null || true; fi
  # 4. Namespace deletion frees veths asynchronously: wait (bounded) until none of ours is left,
  #    so an immediate 'up' can reuse the names.
  local i
  for i in $(seq 50); do
    ip -o link show | grep -q " alias ${marker}:" || break
    sleep 0.1
  done
  rm -rf "/run/vnetmap/${lab}"
  # 5. The lab's lock file goes with the lab, as with 'vnetmap down': removed under the lock, and
  #    only when no vnetmap run holds it (one that waited on it then locks a new file).
  local lock="/run/vnetmap/.locks/${lab}.lock"
  if [ -e "$lock" ] && command -v flock >/dev/null 2>&1; then flock -n -x "$lock" rm -f "$lock" || true; fi
}`;
}
