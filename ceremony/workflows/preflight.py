"""Preflight: is this machine fit to hold a secret? Air gap, swap, core dumps, terminal, output disk,
random source and package versions, each judged pass, warn or fail with a hint that says what to do.

The facts come from Linux's /sys and /proc; their roots are parameters (`Machine`) so that tests
describe a machine as a small tree of files instead of depending on the one they run on. A check
that cannot read its facts warns: an unknown is not a pass.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import resource
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ceremony.build_info import Lock, installed_lock
from ceremony.model.sources import Rng

FORMAT = "ceremony-preflight/v1"
IFF_UP = 0x1
ARPHRD_LOOPBACK = 772
RTF_UP = 0x1
RTF_REJECT = 0x200
MEMORY_FS = frozenset({"tmpfs", "ramfs"})
NETWORK_FS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "davfs", "ncpfs"}
)
DEPENDENCIES = (
    "shamir-mnemonic",
    "mnemonic",
    "bip32",
    "coincurve",
    "typer",
    "rich",
    "reportlab",
    "segno",
    "chiavdf",
    "gmpy2",
    "cryptography",
)
"""Used when the installed metadata cannot list the project's dependencies."""

_OFF_HINT = (
    "take the machine off every network: unplug the cable, turn interfaces off "
    "(sudo ip link set DEV down), or use a machine without network hardware"
)


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a status, not a password
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        """The check as JSON; the status is its text value."""
        return {
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "hint": self.hint,
        }


def _terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _core_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_CORE)[0]


def _random_bytes(count: int) -> bytes:
    if hasattr(os, "getrandom"):
        # Non-blocking: an uninitialised kernel pool shows up as BlockingIOError, not as a hang.
        return os.getrandom(count, os.GRND_NONBLOCK)
    return os.urandom(count)


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _dependencies() -> tuple[str, ...]:
    try:
        requires = importlib.metadata.requires("ceremony") or []
    except importlib.metadata.PackageNotFoundError:
        return DEPENDENCIES
    names = []
    for requirement in requires:
        if "extra ==" in requirement.replace("extra==", "extra =="):
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if match:
            names.append(match.group())
    return tuple(names) or DEPENDENCIES


@dataclass(frozen=True)
class Machine:
    """Where the facts come from; every field can be replaced in tests."""

    sys_root: Path = Path("/sys")
    proc_root: Path = Path("/proc")
    is_terminal: Callable[[], bool] = field(default=_terminal)
    core_limit: Callable[[], int] = field(default=_core_limit)
    random_bytes: Rng = field(default=_random_bytes)
    version_of: Callable[[str], str | None] = field(default=_version)
    dependencies: Callable[[], Sequence[str]] = field(default=_dependencies)
    lock: Callable[[], Lock | None] = field(default=installed_lock)


def run_preflight(
    output_dir: Path | None = None, machine: Machine | None = None
) -> tuple[Check, ...]:
    """Every check, in the order of the printed ceremony script. `output_dir` None skips that one."""
    m = machine or Machine()
    checks = [
        check_interfaces(m.sys_root),
        check_default_route(m.proc_root),
        check_wireless(m.sys_root, m.proc_root),
        check_bluetooth(m.sys_root),
        check_swap(m.proc_root),
        check_core_dumps(m.core_limit, m.proc_root),
        check_terminal(m.is_terminal),
    ]
    if output_dir is not None:
        checks.append(check_output_directory(output_dir, m.proc_root, m.sys_root))
        checks += check_leftovers(output_dir)
    checks.append(check_random(m.random_bytes))
    checks.append(check_packages(m.dependencies, m.version_of, m.lock))
    return tuple(checks)


def passed(checks: Sequence[Check], *, strict: bool = False) -> bool:
    """No failure, and with `strict` no warning either."""
    bad = {Status.FAIL, Status.WARN} if strict else {Status.FAIL}
    return not any(c.status in bad for c in checks)


def count(checks: Sequence[Check], status: Status) -> int:
    """How many checks ended with this status, for the summary line."""
    return sum(1 for c in checks if c.status is status)


def to_dict(checks: Sequence[Check], *, strict: bool = False) -> dict[str, object]:
    """The checks as the JSON of `ceremony preflight --json`; `ok` follows the same strictness as
    the exit status."""
    return {
        "format": FORMAT,
        "ok": passed(checks, strict=strict),
        "strict": strict,
        "checks": [c.to_dict() for c in checks],
    }


# --- reading /sys and /proc ----------------------------------------------------------------------


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _names(directory: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in directory.iterdir())
    except OSError:
        return []


@dataclass(frozen=True)
class _Interface:
    state: str
    enabled: bool
    """Administratively up (IFF_UP)."""

    @property
    def active(self) -> bool:
        return self.enabled and self.state in ("up", "unknown")


def _interfaces(sys_root: Path) -> dict[str, _Interface] | None:
    """Non-loopback interfaces by name; None when /sys/class/net cannot be read."""
    net = sys_root / "class" / "net"
    if not net.is_dir():
        return None
    found: dict[str, _Interface] = {}
    for name in _names(net):
        device = net / name
        if name == "lo" or _read(device / "type") == str(ARPHRD_LOOPBACK):
            continue
        flags = _read(device / "flags")
        try:
            enabled = bool(int(flags, 16) & IFF_UP) if flags else True
        except ValueError:
            enabled = True
        found[name] = _Interface((_read(device / "operstate") or "unknown").lower(), enabled)
    return found


def check_interfaces(sys_root: Path) -> Check:
    """Fail on any interface other than loopback that is up; warn when the interfaces cannot be
    read."""
    name = "network interfaces"
    interfaces = _interfaces(sys_root)
    if interfaces is None:
        return Check(
            name,
            Status.WARN,
            f"cannot read {sys_root / 'class' / 'net'}",
            "check by hand that no network interface other than loopback is up (ip link)",
        )
    active = [n for n, i in interfaces.items() if i.active]
    if active:
        return Check(name, Status.FAIL, "up: " + ", ".join(active), _OFF_HINT)
    enabled = [n for n, i in interfaces.items() if i.enabled]
    if enabled:
        return Check(
            name,
            Status.WARN,
            "enabled but without a link (a cable would connect them): " + ", ".join(enabled),
            "turn them off: sudo ip link set DEV down",
        )
    down = f" ({', '.join(interfaces)} down)" if interfaces else ""
    return Check(name, Status.PASS, "only loopback is up" + down)


def check_default_route(proc_root: Path) -> Check:
    """Fail on a default route (IPv4 or IPv6): the machine could still reach a network."""
    name = "default route"
    routes: list[str] = []
    readable = False
    v4 = _read(proc_root / "net" / "route")
    if v4 is not None:
        readable = True
        for line in v4.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 8:
                continue
            try:
                flags = int(fields[3], 16)
            except ValueError:
                continue
            if fields[1] == "00000000" and fields[7] == "00000000" and flags & RTF_UP:
                routes.append(f"{fields[0]} (IPv4)")
    v6 = _read(proc_root / "net" / "ipv6_route")
    if v6 is not None:
        readable = True
        for line in v6.splitlines():
            fields = line.split()
            if len(fields) < 10:
                continue
            try:
                flags = int(fields[8], 16)
            except ValueError:
                continue
            if (
                fields[0] == "0" * 32
                and fields[1] == "00"
                and fields[9] != "lo"
                and flags & RTF_UP
                and not flags & RTF_REJECT
            ):
                routes.append(f"{fields[9]} (IPv6)")
    if not readable:
        return Check(
            name,
            Status.WARN,
            f"cannot read {proc_root / 'net' / 'route'}",
            "check by hand that there is no default route (ip route; ip -6 route)",
        )
    if routes:
        unique = list(dict.fromkeys(routes))
        return Check(name, Status.FAIL, "default route via " + ", ".join(unique), _OFF_HINT)
    return Check(name, Status.PASS, "no default route")


def _rfkill_blocked(sys_root: Path, kind: str) -> list[bool]:
    """One entry per rfkill switch of `kind` ("wlan", "bluetooth"): True when it is blocked."""
    base = sys_root / "class" / "rfkill"
    states = []
    for entry in _names(base):
        switch = base / entry
        if _read(switch / "type") != kind:
            continue
        soft, hard = _read(switch / "soft"), _read(switch / "hard")
        if soft is None and hard is None:
            states.append(_read(switch / "state") in ("0", "2"))
        else:
            states.append(soft == "1" or hard == "1")
    return states


def check_wireless(sys_root: Path, proc_root: Path) -> Check:
    """Fail on a wireless interface that is up; warn on radio hardware present but not blocked by
    rfkill."""
    name = "wireless"
    net = sys_root / "class" / "net"
    radios = {
        n for n in _names(net) if (net / n / "wireless").exists() or (net / n / "phy80211").exists()
    }
    listed = _read(proc_root / "net" / "wireless")
    if listed:
        for line in listed.splitlines()[2:]:
            if ":" in line:
                radios.add(line.split(":", 1)[0].strip())
    phys = _names(sys_root / "class" / "ieee80211")
    interfaces = _interfaces(sys_root) or {}
    active = sorted(n for n in radios if n in interfaces and interfaces[n].active)
    if active:
        return Check(
            name,
            Status.FAIL,
            "wireless interface up: " + ", ".join(active),
            "turn wireless off (rfkill block wifi) or remove the card; use a machine without one",
        )
    if radios or phys:
        blocked = _rfkill_blocked(sys_root, "wlan")
        present = ", ".join(sorted(radios) or phys)
        if blocked and all(blocked):
            return Check(name, Status.PASS, f"wireless hardware ({present}) blocked by rfkill")
        return Check(
            name,
            Status.WARN,
            f"wireless hardware present and not blocked: {present}",
            "block it for the ceremony (rfkill block wifi), or remove the card",
        )
    return Check(name, Status.PASS, "no wireless hardware")


def check_bluetooth(sys_root: Path) -> Check:
    """Pass only when there is no adapter or every one is blocked by rfkill."""
    name = "bluetooth"
    adapters = _names(sys_root / "class" / "bluetooth")
    if not adapters:
        return Check(name, Status.PASS, "no bluetooth adapter")
    listed = ", ".join(adapters)
    blocked = _rfkill_blocked(sys_root, "bluetooth")
    if blocked and all(blocked):
        return Check(name, Status.PASS, f"bluetooth adapter ({listed}) blocked by rfkill")
    if blocked:
        return Check(
            name,
            Status.FAIL,
            f"bluetooth radio on: {listed}",
            "block it for the ceremony (rfkill block bluetooth), or remove the adapter",
        )
    return Check(
        name,
        Status.WARN,
        f"bluetooth adapter present, state unknown: {listed}",
        "block it for the ceremony (rfkill block bluetooth), or remove the adapter",
    )


def check_swap(proc_root: Path) -> Check:
    """Warn on swap on disk, where a secret paged out could be written to the disk; zram swap stays
    in memory."""
    name = "swap"
    text = _read(proc_root / "swaps")
    if text is None:
        return Check(
            name,
            Status.WARN,
            f"cannot read {proc_root / 'swaps'}",
            "check by hand that swap is off (swapon --show)",
        )
    areas = [line.split()[0] for line in text.splitlines()[1:] if line.split()]
    areas = [_unescape(a) for a in areas]
    if not areas:
        return Check(name, Status.PASS, "no swap")
    on_disk = [a for a in areas if not Path(a).name.startswith("zram")]
    if not on_disk:
        return Check(name, Status.PASS, "swap only in compressed memory (zram)")
    return Check(
        name,
        Status.WARN,
        "swap on disk: " + ", ".join(on_disk),
        "turn swap off for the ceremony (sudo swapoff -a): secrets in memory could be written "
        "to the disk",
    )


def check_core_dumps(core_limit: Callable[[], int], proc_root: Path) -> Check:
    """Warn when a crash could write the process memory, with its secrets, to a core file."""
    name = "core dumps"
    pattern = _read(proc_root / "sys" / "kernel" / "core_pattern") or ""
    try:
        limit = core_limit()
    except (OSError, ValueError) as exc:
        return Check(
            name, Status.WARN, f"cannot read the core size limit ({exc})", "run ulimit -c 0 first"
        )
    if limit != 0:
        shown = "unlimited" if limit == resource.RLIM_INFINITY else f"{limit} bytes"
        return Check(
            name,
            Status.WARN,
            f"allowed (core size limit {shown})",
            "run `ulimit -c 0` in this shell before the ceremony: a crash could write memory, "
            "secrets included, to disk",
        )
    if pattern.startswith("|"):
        handler = pattern[1:].split()[0] if pattern[1:].split() else "a program"
        return Check(
            name,
            Status.WARN,
            f"limit 0, but crashes go to {handler}",
            "make sure the crash handler keeps nothing (systemd-coredump: Storage=none), or set "
            "kernel.core_pattern=core for the ceremony",
        )
    return Check(name, Status.PASS, "disabled (core size limit 0)")


def check_leftovers(output_dir: Path) -> list[Check]:
    """A failed check when a killed run left secret files there; nothing otherwise."""
    from ceremony.workflows.leftovers import check_text, find_leftovers, with_secrets

    found = with_secrets(find_leftovers(output_dir))
    if not found:
        return []
    detail, hint = check_text(found)
    return [Check("unfinished runs", Status.FAIL, detail, hint)]


def check_terminal(is_terminal: Callable[[], bool]) -> Check:
    """Warn when input or output is a pipe or file: a secret shown there may be kept."""
    name = "terminal"
    if is_terminal():
        return Check(name, Status.PASS, "input and output are a terminal")
    return Check(
        name,
        Status.WARN,
        "input or output is not a terminal",
        "run the ceremony itself in a real terminal, not through a pipe or a file",
    )


def _unescape(text: str) -> str:
    """/proc/mounts and /proc/swaps write spaces and other bytes as octal escapes (\\040)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def _mounts(proc_root: Path) -> list[tuple[str, str, str]] | None:
    for candidate in (proc_root / "self" / "mounts", proc_root / "mounts"):
        text = _read(candidate)
        if text is not None:
            rows = []
            for line in text.splitlines():
                fields = line.split()
                if len(fields) >= 3:
                    rows.append((_unescape(fields[0]), _unescape(fields[1]), fields[2]))
            return rows
    return None


def _existing(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    return Path(os.path.realpath(path))


def _mount_of(target: Path, mounts: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    best: tuple[str, str, str] | None = None
    for row in mounts:
        point = Path(row[1])
        if (target == point or point in target.parents) and (
            best is None or len(point.parts) >= len(Path(best[1]).parts)
        ):
            best = row
    return best


def _removable(sys_root: Path, device: str) -> bool:
    if not device.startswith("/dev/"):
        return False
    block = sys_root / "class" / "block" / Path(device).name
    if not block.exists():
        return False
    real = block.resolve()
    disk = real.parent if (real / "partition").exists() else real
    if _read(disk / "removable") == "1":
        return True
    return any(part.startswith("usb") for part in real.parts)


def check_output_directory(output_dir: Path, proc_root: Path, sys_root: Path) -> Check:
    """Fail on a network file system and warn on a persistent disk: a card written there could stay
    in this machine."""
    name = "output directory"
    shown = os.path.abspath(output_dir)
    target = _existing(output_dir)
    mounts = _mounts(proc_root)
    row = _mount_of(target, mounts) if mounts is not None else None
    if row is None:
        return Check(
            name,
            Status.WARN,
            f"cannot tell which disk holds {shown}",
            "write the kit to a RAM disk (tmpfs) or removable media you control",
        )
    device, point, fstype = row
    if fstype in MEMORY_FS:
        return Check(
            name, Status.PASS, f"{shown} is in memory ({fstype} at {point}): gone at power-off"
        )
    if fstype in NETWORK_FS or fstype.startswith("fuse.sshfs"):
        return Check(
            name,
            Status.FAIL,
            f"{shown} is on a network file system ({fstype} at {point})",
            "never write a kit over a network: use a RAM disk (tmpfs) or removable media",
        )
    if _removable(sys_root, device):
        return Check(name, Status.PASS, f"{shown} is on removable media ({device})")
    return Check(
        name,
        Status.WARN,
        f"{shown} is on a persistent disk ({device}, {fstype} at {point})",
        "write the kit to a RAM disk (tmpfs) or removable media you control, so that no copy "
        "of the holder PDFs stays in this machine",
    )


def check_random(random_bytes: Rng) -> Check:
    """Fail when the kernel's random source is not ready or gives the same bytes twice."""
    name = "random source"
    try:
        first, second = random_bytes(32), random_bytes(32)
    except BlockingIOError:
        return Check(
            name,
            Status.FAIL,
            "the kernel's random pool is not ready yet",
            "wait a minute after boot, then run preflight again",
        )
    except (OSError, NotImplementedError) as exc:
        return Check(
            name,
            Status.FAIL,
            f"the system random source does not work ({type(exc).__name__})",
            "use a current Linux kernel; never run a ceremony without the OS random generator",
        )
    if len(first) != 32 or len(second) != 32 or first == second:
        return Check(
            name,
            Status.FAIL,
            "the system random source returned repeated or short output",
            "do not use this machine for a ceremony",
        )
    return Check(name, Status.PASS, "the kernel random generator answers (getrandom)")


def check_packages(
    dependencies: Callable[[], Sequence[str]],
    version_of: Callable[[str], str | None],
    lock: Callable[[], Lock | None],
) -> Check:
    """The installed packages are exactly the ones the hashed lock names."""
    name = "packages"
    reinstall = (
        "reinstall ceremony from its bundle (python3 install.py in the bundle folder), or run "
        "make demo / make test in a checkout: both install exactly the locked versions"
    )
    missing = [package for package in dependencies() if version_of(package) is None]
    if missing:
        return Check(name, Status.FAIL, "missing: " + ", ".join(missing), reinstall)
    locked = lock()
    found = [f"python {platform.python_version()}", f"ceremony {version_of('ceremony') or '?'}"]
    if locked is None:
        return Check(
            name,
            Status.WARN,
            ", ".join(found) + "; the dependency lock (locks/run.txt) was not found",
            reinstall,
        )
    different = []
    for pin in locked.pins:
        version = version_of(pin.name)
        if version is None:
            different.append(f"{pin.name} missing (locked {pin.version})")
        elif version != pin.version:
            different.append(f"{pin.name} {version} (locked {pin.version})")
    short = locked.sha256[:16]
    if different:
        return Check(
            name, Status.FAIL, f"differs from the lock {short}: " + ", ".join(different), reinstall
        )
    found.append(f"{len(locked.pins)} packages as locked (lock sha256 {short})")
    return Check(name, Status.PASS, ", ".join(found))
