# IPVS services of vn-golden-lvs as planned (tcp 198.51.100.80:81, udp 198.51.100.80:5353)
nsenter --net=/var/run/netns/vn-golden-lvs -- ipvsadm -R <<'VNETMAP_EOF'
-E -t 198.51.100.80:81 -s sh
-d -u 198.51.100.80:5353 -r 10.0.1.99:53
-e -u 198.51.100.80:5353 -r 10.0.1.11:53 -m -w 3
VNETMAP_EOF
