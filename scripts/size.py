#!/usr/bin/env python3
"""Tern size report for the Cortex-M4 reference target (`make size`).

For each preset in configs/ (minimal, typical, full) this script
  1. cross-compiles the library with arm-none-eabi-gcc through CMake
     (cmake/arm-none-eabi-cortex-m4.cmake, -DTERN_HOST=OFF, -Werror),
  2. prints text/data/bss per object file, grouped by source directory,
  3. checks every exported symbol of libtern.a starts with `tern_` and that
     the library needs nothing from the C library beyond <string.h>,
  4. links scripts/size/main.c (one interface, echo service, main loop)
     with --gc-sections and reports the library's share of that image.

Before that it checks the core is freestanding: src/ and include/tern/ may
only include <stdint.h>, <stddef.h>, <stdbool.h>, <string.h>, <stdarg.h>.

Writes build/size/summary.tsv: `preset<TAB>text<TAB>data<TAB>bss`, one row per
preset, giving the library's share of the linked image. Its bss includes the
tern_stack instance the application allocates (pools, tables, timers: all of
Tern's RAM), because that is the RAM the stack costs.

Only the Python standard library is used. Exit status is non-zero on the
first failure.
"""
import os
import re
import subprocess
import sys
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "size")
TOOLCHAIN = os.path.join(ROOT, "cmake", "arm-none-eabi-cortex-m4.cmake")
PRESETS = ["minimal", "typical", "full", "ipv6only"]
ALLOWED_HEADERS = {"stdint.h", "stddef.h", "stdbool.h", "string.h", "stdarg.h"}
CFLAGS = ["-mcpu=cortex-m4", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections",
          "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wundef",
          "-Wstrict-prototypes", "-Wmissing-prototypes"]
LDFLAGS = ["-mcpu=cortex-m4", "-mthumb", "--specs=nano.specs", "--specs=nosys.specs",
           "-Wl,--gc-sections"]
# The symbol name of the stack instance in scripts/size/main.c.
STACK_OBJECT = "size_stack"


def die(msg):
    print("size: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, **kw):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if res.returncode != 0:
        print(res.stdout, file=sys.stderr)
        die("command failed: " + " ".join(cmd))
    return res.stdout


def check_freestanding():
    """System includes in the core must be freestanding headers."""
    bad = []
    for top in ("src", os.path.join("include", "tern")):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for n, line in enumerate(fh, 1):
                        m = re.match(r'\s*#\s*include\s*<([^>]+)>', line)
                        if m and m.group(1) not in ALLOWED_HEADERS:
                            bad.append("%s:%d: <%s>" % (os.path.relpath(path, ROOT), n, m.group(1)))
    if bad:
        print("\n".join(bad), file=sys.stderr)
        die("the core includes headers beyond %s" % ", ".join(sorted(ALLOWED_HEADERS)))
    print("freestanding: src/ and include/tern/ include only %s" % ", ".join(sorted(ALLOWED_HEADERS)))


def check_presets():
    """Warn when a preset leaves an option of include/tern/config.h to its default."""
    with open(os.path.join(ROOT, "include", "tern", "config.h")) as fh:
        opts = sorted(set(re.findall(r'^#define (TERN_CFG_[A-Z0-9_]+) ', fh.read(), re.M)))
    for preset in PRESETS:
        with open(os.path.join(ROOT, "configs", preset + ".h")) as fh:
            defined = set(re.findall(r'^#define (TERN_CFG_[A-Z0-9_]+)', fh.read(), re.M))
        missing = [o for o in opts if o not in defined]
        if missing:
            print("size: warning: configs/%s.h leaves to default: %s" % (preset, " ".join(missing)))


def build_library(preset):
    bdir = os.path.join(OUT, preset)
    cfg = os.path.join(ROOT, "configs", preset + ".h")
    run(["cmake", "-S", ROOT, "-B", bdir, "-DTERN_HOST=OFF", "-DTERN_WERROR=ON",
         "-DCMAKE_BUILD_TYPE=", "-DCMAKE_TOOLCHAIN_FILE=" + TOOLCHAIN, "-DTERN_CONFIG=" + cfg])
    run(["cmake", "--build", bdir, "-j2"])
    lib = os.path.join(bdir, "libtern.a")
    if not os.path.exists(lib):
        die("%s was not built" % lib)
    return bdir, lib


def object_sizes(bdir):
    """text/data/bss of every object file of the library, keyed by source path."""
    objdir = os.path.join(bdir, "CMakeFiles", "tern.dir")
    objs = []
    for dirpath, _, files in os.walk(objdir):
        objs += [os.path.join(dirpath, f) for f in files if f.endswith((".o", ".obj"))]
    if not objs:
        die("no object files under " + objdir)
    out = run(["arm-none-eabi-size", "-B"] + sorted(objs))
    sizes = {}
    for line in out.splitlines()[1:]:
        text, data, bss, _, _, path = line.split(None, 5)
        src = os.path.relpath(path, objdir)
        src = re.sub(r'\.(o|obj)$', '', src)
        sizes[src] = (int(text), int(data), int(bss))
    return sizes


def print_modules(preset, sizes):
    print("\n%s: library objects (text data bss, bytes)" % preset)
    groups = OrderedDict()
    for src in sorted(sizes):
        groups.setdefault(os.path.dirname(src), []).append(src)
    total = [0, 0, 0]
    for d, srcs in groups.items():
        gsum = [sum(sizes[s][i] for s in srcs) for i in range(3)]
        print("  %-34s %7d %6d %6d" % (d + "/", *gsum))
        for s in srcs:
            print("    %-32s %7d %6d %6d" % (os.path.basename(s), *sizes[s]))
        total = [total[i] + gsum[i] for i in range(3)]
    print("  %-34s %7d %6d %6d" % ("total (before --gc-sections)", *total))


def check_symbols(lib):
    out = run(["arm-none-eabi-nm", "-g", lib])
    defined, undefined, bad = set(), set(), []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3:
            defined.add(parts[2])
            if not parts[2].startswith("tern_"):
                bad.append(parts[2])
    if bad:
        die("exported symbols without the tern_ prefix: " + " ".join(sorted(set(bad))))
    external = sorted(undefined - defined)
    # <string.h> functions and compiler runtime helpers (__aeabi_*, ...) only.
    foreign = [u for u in external if not re.match(r'^(mem|str)[a-z]*$|^__', u)]
    if foreign:
        die("libtern.a needs symbols a freestanding core must not: " + " ".join(foreign))
    print("symbols: %d exported, all tern_*; external: %s" %
          (len(defined), " ".join(external) if external else "none"))


def link_image(preset, bdir, lib):
    cfg = os.path.join(ROOT, "configs", preset + ".h")
    obj = os.path.join(bdir, "size_main.o")
    elf = os.path.join(bdir, "size_image.elf")
    mapf = os.path.join(bdir, "size_image.map")
    run(["arm-none-eabi-gcc"] + CFLAGS +
        ["-I" + os.path.join(ROOT, "include"), '-DTERN_CONFIG_FILE="%s"' % cfg,
         "-c", os.path.join(ROOT, "scripts", "size", "main.c"), "-o", obj])
    run(["arm-none-eabi-gcc"] + LDFLAGS + ["-Wl,-Map=" + mapf, obj, lib, "-o", elf])
    out = run(["arm-none-eabi-size", "-B", elf]).splitlines()[1].split()
    image = tuple(int(x) for x in out[:3])
    lib_share, stack_obj = parse_map(mapf)
    return image, lib_share, stack_obj


OUT_CLASS = {".text": 0, ".rodata": 0, ".ARM.extab": 0, ".ARM.exidx": 0, ".init": 0, ".fini": 0,
             ".data": 1, ".bss": 2}


def parse_map(path):
    """Sum the input sections the image took from libtern.a, per class, and
    find the size of the stack instance."""
    share = [0, 0, 0]
    stack_obj = 0
    out_sec = None
    pending = None  # input section name whose address/size is on the next line
    in_map = False
    with open(path) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not in_map:
                in_map = line.startswith("Linker script and memory map")
                continue
            m = re.match(r'^(\.[\w.]+)', line)
            if m:
                out_sec = m.group(1)
                pending = None
                continue
            m = re.match(r'^ (\S+)\s*$', line)
            if m:
                pending = m.group(1)
                continue
            m = re.match(r'^ (\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$', line)
            if not m:
                pending = None
                continue
            name = m.group(1) or pending
            pending = None
            size, origin = int(m.group(2), 16), m.group(3)
            if name is None or name == "*fill*":
                continue
            cls = OUT_CLASS.get(out_sec)
            if name == "COMMON":
                cls = 2
            if cls is None:
                continue
            if "libtern.a(" in origin:
                share[cls] += size
            elif name.endswith("." + STACK_OBJECT):
                stack_obj = size
    return share, stack_obj


def main():
    sys.stdout.reconfigure(line_buffering=True)
    os.makedirs(OUT, exist_ok=True)
    if not any(f.endswith(".c") for _, _, fs in os.walk(os.path.join(ROOT, "src")) for f in fs):
        die("src/ has no sources yet: nothing to measure")
    check_freestanding()
    check_presets()
    rows = []
    for preset in PRESETS:
        bdir, lib = build_library(preset)
        print_modules(preset, object_sizes(bdir))
        check_symbols(lib)
        image, share, stack_obj = link_image(preset, bdir, lib)
        ram = share[2] + stack_obj
        print("linked image (scripts/size/main.c + libtern.a + newlib-nano, --gc-sections):")
        print("  image total:   text %7d  data %6d  bss %6d" % image)
        print("  library share: text %7d  data %6d  bss %6d  (+ tern_stack instance %d bytes of RAM)" %
              (share[0], share[1], share[2], stack_obj))
        print("  flash %d bytes (%.0f%% of the image), RAM %d bytes incl. the stack instance" %
              (share[0] + share[1], 100.0 * (share[0] + share[1]) / max(1, image[0] + image[1]),
               share[1] + ram))
        rows.append((preset, share[0], share[1], ram))
    summary = os.path.join(OUT, "summary.tsv")
    with open(summary, "w") as fh:
        fh.write("preset\ttext\tdata\tbss\n")
        for r in rows:
            fh.write("%s\t%d\t%d\t%d\n" % r)
    print("\nsummary (library's share of the linked Cortex-M4 image; bss includes the tern_stack instance):")
    print("  %-8s %7s %6s %6s" % ("preset", "text", "data", "bss"))
    for r in rows:
        print("  %-8s %7d %6d %6d" % r)
    print("written to " + os.path.relpath(summary, ROOT))


if __name__ == "__main__":
    main()
