#!/usr/bin/env python3
"""flamescope-nflx.py - FlameScope's reading of an nflxprofile, for
tests/check.d/events2nflxprofile.sh (FlameScope itself, Flask and npm, is
not installable offline).

usage: flamescope-nflx.py PB_DIR FILE heatmap ROWS
       flamescope-nflx.py PB_DIR FILE flamegraph START END
       flamescope-nflx.py PB_DIR FILE times

PB_DIR holds nflxprofile_pb2.py (protoc --python_out from the upstream
.proto, required fields required: parsing fails when one is missing).

What it does, after FlameScope (app/controllers/heatmap.py) and
nflxprofile's python/nflxprofile/flamegraph.py (formats.md §3, §8):
  - sample i is at start_time + time_deltas[0] + ... + time_deltas[i],
    summed in doubles in file order, as get_flame_graph does;
  - heat map: columns from floor(start_time), one per second; rows from
    the sub-second offset, row 0 the top (latest) slice; FlameScope takes
    the offset from the double (ts % 1), which puts samples on a row edge
    one row low (formats.md §3.7 F1); here the double is first taken to
    the nanosecond as nflxprofile2events does ('%.9f') and the row is
    computed exactly (§3.8), the rule flamepipe's heatmap keeps. Printed:
    "col row count" per non-empty cell, then "# f1 N": the samples the
    double arithmetic would put in another row;
  - flame graph of a range: the RangeSampleFilter,
    floor(start_time) + START <= t < floor(start_time) + END (without
    FlameScope's second floor, F4), on the nanosecond times; each sample
    adds 1 (FlameScope does not pass use_sample_value); stack of a
    has_node_stack node = [function_name] + stack; a node's children are
    merged by name.strip(), libtype and file; printed as folded lines
    "root;...;leaf count", sorted (equal paths of different libtypes
    summed, as folded text cannot tell them apart), names in
    events2folded's folded text (';' as ':', the comm's spaces as '_').
  - times: one line per sample, "ns node", for the precision check.
"""
import math
import sys
from decimal import Decimal

sys.path.insert(0, sys.argv[1])
import nflxprofile_pb2  # noqa: E402


def ns_of(ts):
    return int(Decimal('%.9f' % ts) * 1000000000)


def load(path):
    p = nflxprofile_pb2.Profile()
    with open(path, 'rb') as f:
        p.ParseFromString(f.read())
    t = p.start_time
    times = []
    for i in range(len(p.samples)):
        t += p.time_deltas[i]
        times.append(t)
    return p, times


def heatmap(p, times, rows):
    origin = math.floor(p.start_time)
    cells, f1 = {}, 0
    for ts in times:
        ns = ns_of(ts) - origin * 1000000000
        col, sub = ns // 1000000000, ns % 1000000000
        row = rows - 1 - sub * rows // 1000000000
        cells[(col, row)] = cells.get((col, row), 0) + 1
        fs_row = rows - int(math.floor(rows * (ts % 1))) - 1
        fs_col = int(math.floor(ts - origin))
        if (fs_col, fs_row) != (col, row):
            f1 += 1
    for (col, row) in sorted(cells):
        print(col, row, cells[(col, row)])
    print('# f1', f1)


def frame_file(fr):
    if fr.HasField('file') and fr.file.file_name:
        return '%s:%d' % (fr.file.file_name, fr.file.line or 0)
    return ''


def flamegraph(p, times, start, end):
    base = math.floor(p.start_time) * 1000000000
    lo, hi = base + start, base + end
    agg = {}
    for i, ts in enumerate(times):
        if lo <= ns_of(ts) < hi:
            agg[p.samples[i]] = agg.get(p.samples[i], 0) + 1
    root = {'name': 'root', 'children': [], 'value': 0}
    for key, value in agg.items():
        node = p.nodes[key]
        stack = [(node.function_name, node.libtype, '')]
        stack += [(f.function_name, f.libtype, frame_file(f)) for f in node.stack]
        cur = root
        for name, libtype, file in stack:
            for c in cur['children']:
                if (c['name'], c['libtype'], c['file']) == (name.strip(), libtype, file):
                    cur = c
                    break
            else:
                c = {'name': name.strip(), 'libtype': libtype, 'file': file,
                     'children': [], 'value': 0}
                cur['children'].append(c)
                cur = c
        cur['value'] += value
    lines = {}

    def walk(n, path):
        if n['value']:
            k = ';'.join(path)
            lines[k] = lines.get(k, 0) + n['value']
        for c in n['children']:
            walk(c, path + [folded(c['name'], False)])
    for c in root['children']:
        walk(c, [folded(c['name'], True)])
    out = sys.stdout.buffer
    for k in sorted(lines, key=lambda s: s.encode('utf-8', 'surrogateescape')):
        out.write(k.encode('utf-8', 'surrogateescape') + b' %d\n' % lines[k])


def folded(name, comm):
    """events2folded's text of a name (stackcollapse-perf.pl's rules):
    ';' as ':', TAB CR LF as a space, and in the comm root spaces as '_'."""
    name = name.replace(';', ':')
    for c in '\t\r\n':
        name = name.replace(c, '_' if comm else ' ')
    return name.replace(' ', '_') if comm else name


def ns_arg(s):
    return int(Decimal(s) * 1000000000)


def main():
    p, times = load(sys.argv[2])
    if sys.argv[3] == 'heatmap':
        heatmap(p, times, int(sys.argv[4]))
    elif sys.argv[3] == 'flamegraph':
        flamegraph(p, times, ns_arg(sys.argv[4]), ns_arg(sys.argv[5]))
    else:
        for i, ts in enumerate(times):
            print(ns_of(ts), p.samples[i])


main()
