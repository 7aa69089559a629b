#!/bin/sh
# fresh-debian.sh - prove the README's first command on a fresh Debian 12.
#
# Makes a minimal Debian 12 (bookworm) root with debootstrap
# (--variant=minbase), from the Debian mirror this machine's apt already
# uses, copies the working tree in (tracked and untracked files, no build
# output, no ../shared), and runs the README's quick-start command inside
# it exactly as the README writes it, in a chroot with /proc and /dev
# mounted. Needs root (chroot, mount) and debootstrap (installed if
# missing). The root is kept in FRESH_ROOT (default
# /var/tmp/flamepipe-fresh) between runs only as a download cache of
# packages: each run starts again from a new debootstrap, unless
# FRESH_KEEP=1 asks to reuse the last one.
#
# usage: sh tests/fresh-debian.sh        prints "fresh-debian: N passed, N failed"
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
base=${FRESH_ROOT:-/var/tmp/flamepipe-fresh}
root=$base/root
cache=$base/debs
pass=0 fail=0

say() { echo "fresh-debian: $*"; }
finish() {
	for m in "$root/dev/pts" "$root/dev" "$root/proc"; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m"
	done
}
trap finish EXIT
trap 'exit 143' INT TERM

if [ "$(id -u)" != 0 ]; then
	say "needs root (debootstrap, chroot, mount)"
	say "0 passed, 1 failed"
	exit 1
fi
sh tests/deps.sh debootstrap

# The mirror: the first Debian archive in this machine's apt sources.
mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb  *\(\[[^]]*\]  *\)\{0,1\}\([^ ]*\/debian\)\/*  *bookworm .*/\2/p' \
	/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
if [ -z "$mirror" ]; then
	say "no Debian mirror in /etc/apt/sources.list*"
	say "0 passed, 1 failed"
	exit 1
fi

t0=$(date +%s)
if [ "${FRESH_KEEP:-}" != 1 ] || [ ! -x "$root/usr/bin/apt-get" ]; then
	finish
	rm -rf "$root"
	mkdir -p "$root" "$cache"
	say "debootstrap --variant=minbase bookworm from this machine's Debian mirror"
	if ! debootstrap --variant=minbase --cache-dir="$cache" bookworm "$root" "$mirror" \
		>"$base/debootstrap.log" 2>&1; then
		tail -n 20 "$base/debootstrap.log"
		say "debootstrap failed (log: $base/debootstrap.log)"
		say "0 passed, 1 failed"
		exit 1
	fi
fi
say "root ready after $(($(date +%s) - t0)) s"

# The tree as a user's clone has it, nothing built.
rm -rf "$root/home/user/flamepipe"
sh tests/copy-tree.sh "$root/home/user/flamepipe"
[ -e /etc/resolv.conf ] && cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts" 2>/dev/null

# The README's first command, exactly as written there.
cmd=$(sed -n '/^## Quick start/,/^## /p' README.md | sed -n '/^```sh/,/^```/p' | sed -n 2p | sed 's/ *#.*//')
say "README's first command: $cmd"
t1=$(date +%s)
if chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 /bin/sh -c "cd /home/user/flamepipe && $cmd" >"$base/quickstart.log" 2>&1; then
	tail -n 12 "$base/quickstart.log"
	if grep -q 'heaviest stacks' "$base/quickstart.log" &&
		[ -s "$root/home/user/flamepipe/build/quickstart.folded" ]; then
		pass=$((pass + 1))
		say "the quick start passed in $(($(date +%s) - t1)) s on a fresh root"
	else
		fail=$((fail + 1))
		say "FAIL: the quick start exited 0 but printed no folded stacks"
	fi
else
	tail -n 30 "$base/quickstart.log"
	fail=$((fail + 1))
	say "FAIL: the README's first command failed on a fresh Debian 12 root (log: $base/quickstart.log)"
fi

# A second run of the same command changes nothing and still works.
if chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/sh -c "cd /home/user/flamepipe && $cmd" >"$base/quickstart2.log" 2>&1 &&
	! grep -q 'deps: installing' "$base/quickstart2.log"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	say "FAIL: a second run of the quick start (log: $base/quickstart2.log)"
fi
say "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
