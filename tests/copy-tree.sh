#!/bin/sh
# copy-tree.sh DEST - copy the source tree as a user's clone has it into
# DEST (created): in a git checkout the tracked files and the untracked ones
# git does not ignore; elsewhere (a copy made by this script) everything but
# build output and node_modules. Nothing from outside the tree (no ../shared).
set -eu
dest=${1:?usage: copy-tree.sh DEST}
cd "$(dirname "$0")/.."
mkdir -p "$dest"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp -P --parents -t "$dest"
else
	tar -cf - --exclude='./build' --exclude='./build-*' --exclude='node_modules' \
		--exclude='./tests/browser/out' . | tar -xf - -C "$dest"
fi
