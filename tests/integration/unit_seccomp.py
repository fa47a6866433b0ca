#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""unit_seccomp.py UNIT -- COMMAND [ARG...]

Runs COMMAND under the seccomp filters systemd would load for UNIT's
[Service] section, where no systemd runs as PID 1 to start the unit itself:

  SystemCallFilter=        its lines in order, as systemd reads them (the
                           first allow list adds @default; a later ~line
                           removes, a later line adds back); groups expanded
                           by `systemd-analyze syscall-filter`, i.e. the
                           installed systemd's own tables
  SystemCallArchitectures=native   (x86-64 only; no x32, no i386)
  MemoryDenyWriteExecute=yes       mmap W+X, mprotect/pkey_mprotect +X,
                                   shmat SHM_EXEC
  RestrictAddressFamilies=         socket(2) outside the allow list

and NoNewPrivileges. A stand-in for systemd's filters, not systemd's code, and
stricter on purpose: whatever SystemCallErrorNumber= says, any call outside
them kills the process with SIGSYS (exit status 159 from a shell), so a test
sees a call the unit would refuse even where the program would shrug the
EPERM off. The kernel logs each kill (audit type=1326 ... syscall=N).
"""
import ctypes
import os
import platform
import re
import subprocess
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
RET_KILL_PROCESS = 0x80000000
RET_ALLOW = 0x7FFF0000
LD_W_ABS, JEQ_K, JGE_K, AND_K, RET_K = 0x20, 0x15, 0x35, 0x54, 0x06
OFF_NR, OFF_ARCH = 0, 4
PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
UNISTD = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
FAMILIES = {"AF_UNIX": 1, "AF_LOCAL": 1, "AF_INET": 2, "AF_INET6": 10,
            "AF_NETLINK": 16, "AF_PACKET": 17}


def die(msg):
    sys.stderr.write("unit_seccomp: %s\n" % msg)
    sys.exit(125)


def service_settings(path):
    """(key, value) of the [Service] section, in order."""
    out, section = [], None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line:
                key, value = line.split("=", 1)
                out.append((key.strip(), value.strip()))
    return out


_groups = {}


def expand(name):
    """A syscall name, or a @group as the installed systemd defines it."""
    if not name.startswith("@"):
        return {name}
    if name not in _groups:
        text = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True,
                              capture_output=True, text=True).stdout
        names = set()
        for line in text.splitlines()[1:]:
            line = line.strip()
            if line and not line.startswith("#"):
                names |= expand(line)
        if not names:
            die("systemd-analyze does not know %s" % name)
        _groups[name] = names
    return _groups[name]


def allowed_syscalls(settings):
    allow, allow_list = None, None
    for key, value in settings:
        if key != "SystemCallFilter":
            continue
        if not value:
            allow, allow_list = None, None
            continue
        invert = value.startswith("~")
        if invert:
            value = value[1:]
        if allow is None:
            allow_list = not invert
            allow = set(expand("@default")) if allow_list else set()
        if not allow_list:
            die("a deny-list SystemCallFilter= is not emulated")
        for word in value.split():
            names = expand(word.split(":")[0])
            allow = allow - names if invert else allow | names
    return allow


def syscall_numbers():
    nrs = {}
    with open(UNISTD) as f:
        for m in re.finditer(r"^#define __NR_(\w+)\s+(\d+)", f.read(), re.M):
            nrs[m.group(1)] = int(m.group(2))
    return nrs


def program(settings):
    prog = []

    def ins(code, k, jt=0, jf=0):
        prog.append((code, jt, jf, k))

    nrs = syscall_numbers()
    allow = allowed_syscalls(settings)
    values = dict(settings)
    ins(LD_W_ABS, OFF_ARCH)
    if values.get("SystemCallArchitectures") == "native" or allow is not None:
        ins(JEQ_K, AUDIT_ARCH_X86_64, 1, 0)
        ins(RET_K, RET_KILL_PROCESS)
    ins(LD_W_ABS, OFF_NR)
    ins(JGE_K, X32_SYSCALL_BIT, 0, 1)
    ins(RET_K, RET_KILL_PROCESS)

    def deny_if(nr_name, arg, mask, value):
        """Kills NR when (arg & mask) == value; A holds the number again after."""
        ins(JEQ_K, nrs[nr_name], 0, 5)
        ins(LD_W_ABS, 16 + 8 * arg)	# the argument's low 32 bits (little-endian)
        ins(AND_K, mask)
        ins(JEQ_K, value, 0, 1)
        ins(RET_K, RET_KILL_PROCESS)
        ins(LD_W_ABS, OFF_NR)

    if values.get("MemoryDenyWriteExecute") in ("yes", "true", "1", "on"):
        deny_if("mmap", 2, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC)
        deny_if("mprotect", 2, PROT_EXEC, PROT_EXEC)
        deny_if("pkey_mprotect", 2, PROT_EXEC, PROT_EXEC)
        deny_if("shmat", 2, SHM_EXEC, SHM_EXEC)
    families = values.get("RestrictAddressFamilies")
    if families:
        if families.startswith("~"):
            die("a deny-list RestrictAddressFamilies= is not emulated")
        fams = sorted({FAMILIES[f] for f in families.split()})
        ins(JEQ_K, nrs["socket"], 0, len(fams) + 3)
        ins(LD_W_ABS, 16)
        for i, fam in enumerate(fams):
            ins(JEQ_K, fam, len(fams) - i, 0)
        ins(RET_K, RET_KILL_PROCESS)
        ins(LD_W_ABS, OFF_NR)
    if allow is None:
        ins(RET_K, RET_ALLOW)
        return prog
    for name in sorted(allow):
        if name in nrs:	# names of other architectures (mmap2, _llseek...) are not here
            ins(JEQ_K, nrs[name], 0, 1)
            ins(RET_K, RET_ALLOW)
    ins(RET_K, RET_KILL_PROCESS)
    return prog


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte),
                ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        die("usage: unit_seccomp.py UNIT -- COMMAND [ARG...]")
    if platform.machine() != "x86_64":
        die("x86-64 only (its syscall numbers come from %s)" % UNISTD)
    prog = program(service_settings(sys.argv[1]))
    if len(prog) > 4096:
        die("filter too long: %d instructions" % len(prog))
    filters = (SockFilter * len(prog))(*[SockFilter(c, jt, jf, k) for c, jt, jf, k in prog])
    fprog = SockFprog(len(prog), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p,
                           ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0):
        die("PR_SET_NO_NEW_PRIVS: %s" % os.strerror(ctypes.get_errno()))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0):
        die("PR_SET_SECCOMP: %s" % os.strerror(ctypes.get_errno()))
    os.execvp(sys.argv[3], sys.argv[3:])


main()
