#!/usr/bin/env python3
"""Bytes of a shared library by the crate its code comes from (scripts/size-report).

Reads the symbol table of an unstripped build (`nm -S -C`), keeps one symbol per address (identical
code folding gives a body many names), and names each symbol's crate: the first crate in its
demangled path that is not the standard library, so `core::ptr::drop_in_place<rustls::…>` and
`<alloc::vec::Vec<T> as …>` instantiated for a crate's types count for that crate. ring's C and
assembly (`ring_core_*`, `ecp_nistz256_*`) count for ring; std's backtrace printer (gimli,
addr2line, miniz_oxide, rustc_demangle) for std. What symbols do not cover (unwind tables,
relocations, anonymous constants) is printed as such.

usage: crate_sizes.py LIBRARY [--top N] [--symbols N]
"""

import argparse
import collections
import re
import subprocess
import sys

STD = {
    "core", "alloc", "std", "compiler_builtins", "panic_unwind", "unwind", "std_detect",
    "gimli", "addr2line", "miniz_oxide", "rustc_demangle", "adler2", "object",
}
C_RUNTIME = {
    "_init", "_fini", "__do_global_dtors_aux", "frame_dummy", "register_tm_clones",
    "deregister_tm_clones", "__dso_handle", "_DYNAMIC", "_GLOBAL_OFFSET_TABLE_", "__TMC_END__",
}
PATH_START = re.compile(r"(?<![:\w])([A-Za-z_][A-Za-z0-9_]*)::")


def crate_of(name: str) -> str:
    if name.startswith(("ring_core_", "ecp_nistz256_", "GFp_")):
        return "ring"
    if name.startswith(("UNIFFI_META_", "uniffi_bingx_passkeys_", "ffi_bingx_passkeys_")):
        return "bingx_passkeys"
    if name.startswith(("__rust", "rust_", "__rdl_", "__rg_")):
        return "std"
    if name in C_RUNTIME:
        return "[C runtime]"
    found = [c for c in PATH_START.findall(name) if c[0].islower() or c[0] == "_"]
    for crate in found:
        if crate not in STD:
            return crate
    if found:
        return "std"
    return "[other: C/asm]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library")
    parser.add_argument("--top", type=int, default=25, help="crates to list")
    parser.add_argument("--symbols", type=int, default=0, help="also list the N largest symbols")
    args = parser.parse_args()

    out = subprocess.run(
        ["nm", "-S", "-C", "--defined-only", args.library],
        capture_output=True, text=True, check=True,
    ).stdout
    by_address = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4:
            continue  # no size: an absolute or section symbol
        address, size, _kind, name = parts
        size = int(size, 16)
        if size and (address not in by_address or by_address[address][0] < size):
            by_address[address] = (size, name.strip())
    if not by_address:
        print(f"crate_sizes: {args.library} has no symbol table (stripped?)", file=sys.stderr)
        return 1

    sizes = collections.Counter()
    counts = collections.Counter()
    for size, name in by_address.values():
        crate = crate_of(name)
        sizes[crate] += size
        counts[crate] += 1
    total = sum(sizes.values())

    print(f"  {'KiB':>8}  {'share':>6}  {'symbols':>7}  crate")
    for crate, size in sizes.most_common(args.top):
        print(f"  {size / 1024:8.1f}  {100 * size / total:5.1f}%  {counts[crate]:7d}  {crate}")
    rest = sizes.most_common()[args.top:]
    if rest:
        rest_size = sum(s for _, s in rest)
        print(f"  {rest_size / 1024:8.1f}  {100 * rest_size / total:5.1f}%  "
              f"{sum(counts[c] for c, _ in rest):7d}  ({len(rest)} more crates)")
    print(f"  {total / 1024:8.1f}  100.0%  {len(by_address):7d}  all symbols "
          "(code, tables, constants with a name; not unwind tables or relocations)")

    if args.symbols:
        print(f"\n  largest symbols")
        largest = sorted(by_address.values(), reverse=True)[: args.symbols]
        for size, name in largest:
            shown = name if len(name) <= 110 else name[:107] + "..."
            print(f"  {size / 1024:8.1f}  {crate_of(name):<20} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
