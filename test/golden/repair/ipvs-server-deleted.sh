# IPVS services of vn-golden-lvs as planned (tcp 198.51.100.80:80)
nsenter --net=/var/run/netns/vn-golden-lvs -- ipvsadm -R <<'VNETMAP_EOF'
-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1
VNETMAP_EOF
