#!/bin/sh
# Sourced by tests/check.d/speedscope-*.sh: makes node and this directory's
# node_modules (npm ci, versions pinned by package-lock.json) available.
# Sets browser_ok=1 when node, the modules and Chromium are there,
# node_ok=1 when node and the modules are; otherwise why= says what is
# missing. Under CI=true a missing piece is the caller's failure, not a skip.
# usage: browser_dir=DIR_OF_THIS_FILE; . "$browser_dir/setup.sh"
node_ok=0 browser_ok=0 why=
if ! command -v node >/dev/null 2>&1; then
	why="node is not installed (Debian: nodejs npm)"
else
	if [ ! -d "$browser_dir/node_modules/speedscope" ] || [ ! -d "$browser_dir/node_modules/playwright-core" ] ||
	   [ ! -d "$browser_dir/node_modules/ajv" ]; then
		if command -v npm >/dev/null 2>&1; then
			(cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
				why="npm ci in tests/browser failed"
		else
			why="npm is not installed (Debian: npm)"
		fi
	fi
	if [ -z "$why" ]; then
		node_ok=1
		if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
			browser_ok=1
		else
			why="no Chromium at ${CHROMIUM:-/usr/bin/chromium} (Debian: chromium)"
		fi
	fi
fi
