#!/usr/bin/env python3
"""mk.py - writes the hand-made nflxprofile test files (protobuf wire format
written by hand, no protobuf library): run in this directory.

  parent.nflxprofile  has_parent encoding, pid/tid/cpu on nodes, libtypes,
                      File positions, a negative time delta, a sample of
                      a node key that is not in nodes
  tree.nflxprofile    the old encoding (no params): children lists from
                      node 0; per-sample values (hasValues) and per-sample
                      pid/tid; a node reached twice (kept once)
  cycle.nflxprofile   has_parent with a parent cycle (2 -> 3 -> 2)
  stack.nflxprofile   has_node_stack (the current writers' encoding):
                      values that repeat, change and go beyond INT64_MAX;
                      per-sample CPUs for the first samples only; the
                      sample arrays each in several occurrences, packed
                      and not (protobuf's merge of repeated fields)
"""
import struct


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def key(field, wt):
    return varint(field << 3 | wt)


def vint(field, n):
    return key(field, 0) + varint(n)


def ld(field, data):
    if isinstance(data, str):
        data = data.encode()
    return key(field, 2) + varint(len(data)) + data


def dbl(field, x):
    return key(field, 1) + struct.pack("<d", x)


def packed_varints(field, xs):
    return ld(field, b"".join(varint(x) for x in xs))


def packed_doubles(field, xs):
    return ld(field, b"".join(struct.pack("<d", x) for x in xs))


def file_msg(name, line=None, col=None):
    m = ld(1, name)
    if line is not None:
        m += vint(2, line)
    if col is not None:
        m += vint(3, col)
    return m


def node(name, libtype=None, parent=None, children=(), pid=None, tid=None, cpu=None, file=None,
         stack=()):
    m = ld(1, name) + vint(2, 0)
    for c in children:
        m += vint(3, c)
    if libtype is not None:
        m += ld(4, libtype)
    if parent is not None:
        m += vint(5, parent)
    if pid is not None:
        m += vint(6, pid)
    if tid is not None:
        m += vint(7, tid)
    if cpu is not None:
        m += vint(8, cpu)
    for frame in stack:
        m += ld(10, frame)
    if file is not None:
        m += ld(11, file)
    return m


def frame(name, libtype=None, file=None):
    m = ld(1, name)
    if libtype is not None:
        m += ld(2, libtype)
    if file is not None:
        m += ld(3, file)
    return m


def nodes(d):
    return b"".join(ld(5, vint(1, k) + ld(2, v)) for k, v in d.items())


def params(d):
    return b"".join(ld(8, ld(1, k) + ld(2, v)) for k, v in d.items())


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


write("parent.nflxprofile",
      dbl(1, 100.0) + dbl(2, 101.0)
      + packed_varints(3, [3, 4, 3, 9, 2])
      + packed_doubles(4, [0.1, 0.25, -0.05, 0.1, 0.2])
      + nodes({
          0: node("root"),
          1: node("main", "user", parent=0, pid=7, tid=8, cpu=1, file=file_msg("app.js", 3, 14)),
          2: node("work", "jit", parent=1, pid=7, tid=8, cpu=1),
          3: node("sys_read", "kernel", parent=2, pid=7, tid=9, cpu=2),
          4: node("hash;mix", "inlined", parent=2, pid=7, tid=8, file=file_msg("hash.h", 7)),
      })
      + ld(6, "hand-made has_parent profile")
      + params({"has_parent": "true", "has_node_pid": "true", "has_node_tid": "true"}))

write("tree.nflxprofile",
      dbl(1, 5.5) + dbl(2, 6.5)
      + packed_varints(3, [2, 3, 3, 1])
      + packed_doubles(4, [0.0, 0.5, 0.25, 0.25])
      + nodes({
          0: node("root", children=[1]),
          1: node("a", children=[2, 3]),
          2: node("b", children=[3]),
          3: node("c"),
      })
      + params({"hasValues": "true", "has_samples_pid": "true", "has_samples_tid": "true"})
      + packed_varints(10, [1, 1, 2, 2]) + packed_varints(11, [1, 1, 3, 3])
      + packed_varints(12, [10, 20, 30, 40]))

write("cycle.nflxprofile",
      dbl(1, 1.0) + dbl(2, 2.0)
      + packed_varints(3, [1, 2, 1])
      + packed_doubles(4, [0.1, 0.1, 0.1])
      + nodes({
          1: node("ok", parent=0),
          2: node("x", parent=3),
          3: node("y", parent=2),
      })
      + params({"has_parent": "true"}))

write("stack.nflxprofile",
      dbl(1, 10.0) + dbl(2, 12.0)
      + packed_varints(3, [1, 2, 1]) + vint(3, 2) + packed_varints(3, [1, 1, 2, 1])
      + packed_doubles(4, [0.125, 0.25]) + dbl(4, 0.125) + packed_doubles(4, [0.5, 0.25, 0.125, 0.125, 0.25])
      + nodes({
          0: node("root"),
          1: node("app", pid=7, tid=8, stack=[frame("main", "user", file_msg("app.c", 3)),
                                              frame("work", "jit")]),
          2: node("app", pid=7, tid=9, cpu=3, stack=[frame("main", "user"),
                                                      frame("sys_read", "kernel")]),
      })
      + params({"has_node_stack": "true", "has_node_pid": "true", "has_node_tid": "true",
                "hasValues": "true", "has_samples_cpu": "true"})
      + packed_varints(9, [0, 1]) + vint(9, 1)
      + packed_varints(12, [5, 5, 5, 9]) + vint(12, 2**63 + 1) + packed_varints(12, [5, 9, 2**64 - 1]))
