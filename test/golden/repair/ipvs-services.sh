# IPVS services of vn-golden-lvs as planned (tcp 198.51.100.80:80, tcp 198.51.100.80:443, fwmark 5 ipv6)
nsenter --net=/var/run/netns/vn-golden-lvs -- ipvsadm -R <<'VNETMAP_EOF'
-D -t 198.51.100.80:443
-D -f 5 -6
-A -t 198.51.100.80:80 -s rr
-a -t 198.51.100.80:80 -r 10.0.1.11:80 -m -w 1
-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1
VNETMAP_EOF
