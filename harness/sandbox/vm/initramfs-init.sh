#!/bin/busybox sh
# PID 1 of the tcplab guest's initramfs: load the few modules that reach the
# root (virtio, 9p, overlay), lay the host's root read-only under a tmpfs
# overlay, mount the kernel's module tree and the writable run-folder share,
# then switch_root so that PID 1 lives in the new root and the kernel's module
# autoload (modprobe) finds the guest's modules.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.list); do insmod "/mod/$m"; done
arg() { sed -n "s/.*tcplab\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
node=$(arg node) agent=$(arg agent) out=$(arg out)
o=trans=virtio,version=9p2000.L,msize=512000
mkdir -p /lower /rw /newroot
mount -t 9p -o "$o,ro,cache=loose" hostroot /lower || { echo "tcplab-init: cannot mount the host root"; poweroff -f; }
mount -t tmpfs -o size=2g tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot
rel=$(uname -r)
mkdir -p "/newroot/usr/lib/modules/$rel"
mount -t 9p -o "$o,ro" modules "/newroot/usr/lib/modules/$rel"
for d in proc sys dev tmp run; do mkdir -p "/newroot/$d"; done
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
# A fresh /run (the host's holds its own netns files and sockets). /tmp stays the
# overlay's: the project may live under the host's /tmp (a CI clone), and the
# overlay's tmpfs upper layer takes the guest's writes there anyway.
mount -t tmpfs tmpfs /newroot/run
if [ -n "$out" ]; then mkdir -p "/newroot$out"; mount -t 9p -o "$o" results "/newroot$out"; fi
# PID 1 is a shell, so that orphans are reaped; once the agent ends, power off.
# Its PATH is warm-up.ts's GUEST_PATH (the host finds the scenarios' tools on it): change both.
exec switch_root /newroot /bin/sh -c 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH; "$0" "$1"; echo o > /proc/sysrq-trigger; sleep 10' "$node" "$agent"
