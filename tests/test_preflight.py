"""Preflight against fake /sys and /proc trees: the real machine's state never matters here."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ceremony.build_info import Lock, Pin
from ceremony.workflows import preflight as pf
from ceremony.workflows.preflight import Check, Machine, Status

ROUTE_HEADER = (
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
)
LO_V6_DEFAULT = (
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000001 00200200       lo\n"
)


class FakeHost:
    """A machine described as files: an air-gapped one until a test adds something."""

    def __init__(self, root: Path) -> None:
        self.sys = root / "sys"
        self.proc = root / "proc"
        self.ram = Path(os.path.realpath(root)) / "ram"
        self.ram.mkdir()
        self.terminal = True
        self.core = 0
        self.versions: dict[str, str | None] = {"ceremony": "0.1.0", "typer": "1.0"}
        self.lock: Lock | None = Lock("ab" * 32, (Pin("typer", "1.0"),))
        self.random: Callable[[int], bytes] = lambda n: os.urandom(n)
        self.interface("lo", "unknown", "0x9", kind="772")
        self.file(self.proc / "net" / "route", ROUTE_HEADER)
        self.file(self.proc / "net" / "ipv6_route", LO_V6_DEFAULT)
        self.file(self.proc / "swaps", "Filename\tType\tSize\tUsed\tPriority\n")
        self.file(self.proc / "sys" / "kernel" / "core_pattern", "core\n")
        self.mounts([("/dev/vda1", "/", "ext4"), ("tmpfs", str(self.ram), "tmpfs")])
        (self.sys / "class" / "bluetooth").mkdir(parents=True)

    @staticmethod
    def file(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def interface(
        self,
        name: str,
        state: str,
        flags: str = "0x1003",
        *,
        kind: str = "1",
        wireless: bool = False,
    ) -> None:
        device = self.sys / "class" / "net" / name
        self.file(device / "operstate", state + "\n")
        self.file(device / "flags", flags + "\n")
        self.file(device / "type", kind + "\n")
        if wireless:
            (device / "wireless").mkdir(exist_ok=True)

    def rfkill(self, index: int, kind: str, soft: str, hard: str = "0") -> None:
        switch = self.sys / "class" / "rfkill" / f"rfkill{index}"
        self.file(switch / "type", kind + "\n")
        self.file(switch / "soft", soft + "\n")
        self.file(switch / "hard", hard + "\n")

    def mounts(self, rows: list[tuple[str, str, str]]) -> None:
        text = "".join(
            f"{dev} {point.replace(' ', chr(92) + '040')} {fs} rw 0 0\n" for dev, point, fs in rows
        )
        self.file(self.proc / "self" / "mounts", text)

    def machine(self) -> Machine:
        return Machine(
            sys_root=self.sys,
            proc_root=self.proc,
            is_terminal=lambda: self.terminal,
            core_limit=lambda: self.core,
            random_bytes=self.random,
            version_of=self.versions.get,
            dependencies=lambda: ("typer",),
            lock=lambda: self.lock,
        )

    def run(self, output: Path | None = None) -> dict[str, Check]:
        checks = pf.run_preflight(output, self.machine())
        return {c.name: c for c in checks}


@pytest.fixture
def host(tmp_path: Path) -> FakeHost:
    return FakeHost(tmp_path)


def test_an_air_gapped_machine_passes_everything(host: FakeHost) -> None:
    checks = pf.run_preflight(host.ram / "kit", host.machine())
    assert [c.name for c in checks] == [
        "network interfaces",
        "default route",
        "wireless",
        "bluetooth",
        "swap",
        "core dumps",
        "terminal",
        "output directory",
        "random source",
        "packages",
    ]
    assert all(c.status is Status.PASS for c in checks), checks
    assert pf.passed(checks, strict=True)
    data = json.loads(json.dumps(pf.to_dict(checks, strict=True)))
    assert data["format"] == "ceremony-preflight/v1"
    assert data["ok"] is True
    assert data["checks"][0] == {
        "name": "network interfaces",
        "status": "pass",
        "detail": "only loopback is up",
        "hint": "",
    }


def test_without_an_output_directory_that_check_is_left_out(host: FakeHost) -> None:
    assert "output directory" not in host.run()


def test_passed_is_strict_only_when_asked() -> None:
    warn = [Check("x", Status.PASS, ""), Check("y", Status.WARN, "", "h")]
    assert pf.passed(warn)
    assert not pf.passed(warn, strict=True)
    assert not pf.passed([Check("z", Status.FAIL, "", "h")])
    assert pf.count(warn, Status.WARN) == 1


# --- network --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "flags", "status"),
    [
        ("up", "0x1003", Status.FAIL),
        ("unknown", "0x1091", Status.FAIL),  # tun devices report "unknown" when up
        ("down", "0x1003", Status.WARN),  # enabled, no cable: plugging one in connects it
        ("dormant", "0x1003", Status.WARN),
        ("down", "0x1002", Status.PASS),
    ],
)
def test_interfaces(host: FakeHost, state: str, flags: str, status: Status) -> None:
    host.interface("eth0", state, flags)
    check = host.run()["network interfaces"]
    assert check.status is status
    assert "eth0" in check.detail
    if status is not Status.PASS:
        assert check.hint


def test_loopback_is_recognised_by_its_type(host: FakeHost) -> None:
    host.interface("lo2", "unknown", "0x9", kind="772")
    assert host.run()["network interfaces"].status is Status.PASS


def test_unreadable_sys_is_a_warning_not_a_pass(tmp_path: Path) -> None:
    machine = Machine(sys_root=tmp_path / "nothing", proc_root=tmp_path / "nothing")
    checks = {c.name: c for c in pf.run_preflight(None, machine)}
    assert checks["network interfaces"].status is Status.WARN
    assert checks["default route"].status is Status.WARN
    assert checks["swap"].status is Status.WARN


def test_default_routes(host: FakeHost) -> None:
    assert host.run()["default route"].status is Status.PASS  # lo's IPv6 reject route is no route
    host.file(
        host.proc / "net" / "route",
        ROUTE_HEADER + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n",
    )
    check = host.run()["default route"]
    assert check.status is Status.FAIL
    assert check.detail == "default route via eth0 (IPv4)"


def test_an_ipv6_default_route(host: FakeHost) -> None:
    host.file(
        host.proc / "net" / "ipv6_route",
        LO_V6_DEFAULT + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        "fe800000000000000000000000000001 00000400 00000001 00000000 00450003   wlan0\n",
    )
    check = host.run()["default route"]
    assert check.status is Status.FAIL
    assert "wlan0 (IPv6)" in check.detail


def test_a_route_that_is_not_default(host: FakeHost) -> None:
    host.file(
        host.proc / "net" / "route",
        ROUTE_HEADER + "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n",
    )
    assert host.run()["default route"].status is Status.PASS


# --- radios ---------------------------------------------------------------------------------------


def test_wireless(host: FakeHost) -> None:
    assert host.run()["wireless"].detail == "no wireless hardware"
    host.interface("wlan0", "down", "0x1002", wireless=True)
    check = host.run()["wireless"]
    assert check.status is Status.WARN
    assert "wlan0" in check.detail
    host.rfkill(0, "wlan", soft="1")
    assert host.run()["wireless"].status is Status.PASS
    host.interface("wlan0", "up", "0x1003", wireless=True)
    assert host.run()["wireless"].status is Status.FAIL


def test_wireless_listed_only_in_proc(host: FakeHost) -> None:
    host.interface("wlp2s0", "up")
    host.file(
        host.proc / "net" / "wireless",
        "Inter-| sta-|   Quality        |   Discarded packets\n"
        " face | tus | link level noise |  nwid  crypt   frag\n"
        "wlp2s0: 0000   70.  -40.  -256        0      0      0\n",
    )
    check = host.run()["wireless"]
    assert check.status is Status.FAIL
    assert check.detail == "wireless interface up: wlp2s0"


def test_bluetooth(host: FakeHost) -> None:
    (host.sys / "class" / "bluetooth" / "hci0").mkdir()
    assert host.run()["bluetooth"].status is Status.WARN  # no rfkill switch: state unknown
    host.rfkill(1, "bluetooth", soft="0")
    assert host.run()["bluetooth"].status is Status.FAIL
    host.rfkill(1, "bluetooth", soft="0", hard="1")
    check = host.run()["bluetooth"]
    assert check.status is Status.PASS
    assert "blocked by rfkill" in check.detail


# --- memory ---------------------------------------------------------------------------------------


def test_swap(host: FakeHost) -> None:
    header = "Filename\tType\tSize\tUsed\tPriority\n"
    host.file(host.proc / "swaps", header + "/dev/zram0 partition 1000 0 100\n")
    assert host.run()["swap"].status is Status.PASS
    host.file(host.proc / "swaps", header + "/swap\\040file file 1000 0 -2\n")
    check = host.run()["swap"]
    assert check.status is Status.WARN
    assert check.detail == "swap on disk: /swap file"
    assert "swapoff" in check.hint


@pytest.mark.parametrize(
    ("limit", "pattern", "status", "words"),
    [
        (0, "core", Status.PASS, "disabled"),
        (-1, "core", Status.WARN, "unlimited"),
        (4096, "core", Status.WARN, "4096 bytes"),
        (0, "|/usr/lib/systemd/systemd-coredump %P %u", Status.WARN, "systemd-coredump"),
    ],
)
def test_core_dumps(host: FakeHost, limit: int, pattern: str, status: Status, words: str) -> None:
    host.core = limit if limit >= 0 else pf.resource.RLIM_INFINITY
    host.file(host.proc / "sys" / "kernel" / "core_pattern", pattern + "\n")
    check = host.run()["core dumps"]
    assert check.status is status
    assert words in check.detail


def test_terminal(host: FakeHost) -> None:
    host.terminal = False
    check = host.run()["terminal"]
    assert check.status is Status.WARN
    assert "terminal" in check.hint


# --- the output directory --------------------------------------------------------------------------


def test_output_in_memory_passes_even_before_it_exists(host: FakeHost) -> None:
    check = host.run(host.ram / "not" / "yet")["output directory"]
    assert check.status is Status.PASS
    assert "tmpfs" in check.detail


def test_output_on_an_internal_disk_warns(host: FakeHost, tmp_path: Path) -> None:
    host.mounts([("/dev/vda1", "/", "ext4")])
    check = host.run(tmp_path)["output directory"]
    assert check.status is Status.WARN
    assert "/dev/vda1" in check.detail
    assert "removable" in check.hint


def test_output_on_removable_media_passes(host: FakeHost) -> None:
    disk = host.sys / "devices" / "pci0000:00" / "0000:00:14.0" / "block" / "sdb"
    host.file(disk / "removable", "1\n")
    host.file(disk / "sdb1" / "partition", "1\n")
    (host.sys / "class" / "block").mkdir(parents=True)
    (host.sys / "class" / "block" / "sdb1").symlink_to(disk / "sdb1")
    host.mounts([("/dev/vda1", "/", "ext4"), ("/dev/sdb1", str(host.ram), "vfat")])
    check = host.run(host.ram)["output directory"]
    assert check.status is Status.PASS
    assert "removable media (/dev/sdb1)" in check.detail


def test_output_on_a_usb_disk_passes(host: FakeHost) -> None:
    disk = host.sys / "devices" / "pci0000:00" / "usb2" / "2-1" / "block" / "sdc"
    host.file(disk / "removable", "0\n")
    (host.sys / "class" / "block").mkdir(parents=True)
    (host.sys / "class" / "block" / "sdc").symlink_to(disk)
    host.mounts([("/dev/vda1", "/", "ext4"), ("/dev/sdc", str(host.ram), "ext4")])
    assert host.run(host.ram)["output directory"].status is Status.PASS


def test_output_over_the_network_fails(host: FakeHost) -> None:
    host.mounts([("/dev/vda1", "/", "ext4"), ("server:/share", str(host.ram), "nfs4")])
    check = host.run(host.ram)["output directory"]
    assert check.status is Status.FAIL
    assert "network file system" in check.detail


def test_the_deepest_mount_wins_and_escapes_are_read(host: FakeHost) -> None:
    spaced = host.ram / "my stick"
    spaced.mkdir()
    host.mounts(
        [
            ("/dev/vda1", "/", "ext4"),
            ("tmpfs", str(host.ram), "tmpfs"),
            ("srv:/x", str(spaced), "cifs"),
        ]
    )
    assert host.run(spaced / "kit")["output directory"].status is Status.FAIL
    assert host.run(host.ram / "my")["output directory"].status is Status.PASS


def test_unknown_mounts_warn(host: FakeHost) -> None:
    (host.proc / "self" / "mounts").unlink()
    assert host.run(host.ram)["output directory"].status is Status.WARN


# --- randomness and packages ------------------------------------------------------------------------


def raises(exc: BaseException) -> Callable[[int], bytes]:
    def random_bytes(count: int) -> bytes:
        raise exc

    return random_bytes


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (raises(BlockingIOError()), "not ready"),
        (raises(OSError(38, "not implemented")), "does not work"),
        (lambda n: bytes(n), "repeated"),
        (lambda n: b"short", "repeated or short"),
    ],
)
def test_a_broken_random_source_fails(
    host: FakeHost, source: Callable[[int], bytes], words: str
) -> None:
    host.random = source
    check = host.run()["random source"]
    assert check.status is Status.FAIL
    assert words in check.detail


def test_packages(host: FakeHost) -> None:
    check = host.run()["packages"]
    assert check.status is Status.PASS
    assert "ceremony 0.1.0, 1 packages as locked (lock sha256 abababababababab)" in check.detail
    host.versions["typer"] = None
    check = host.run()["packages"]
    assert check.status is Status.FAIL
    assert check.detail == "missing: typer"
    assert "bundle" in check.hint


def test_a_package_other_than_the_locked_one_fails(host: FakeHost) -> None:
    host.versions["typer"] = "0.9"
    check = host.run()["packages"]
    assert check.status is Status.FAIL
    assert check.detail == "differs from the lock abababababababab: typer 0.9 (locked 1.0)"
    host.lock = Lock("ab" * 32, (Pin("typer", "1.0"), Pin("rich", "13.0")))
    host.versions["typer"] = "1.0"
    check = host.run()["packages"]
    assert check.detail == "differs from the lock abababababababab: rich missing (locked 13.0)"


def test_without_a_lock_the_packages_check_warns(host: FakeHost) -> None:
    host.lock = None
    check = host.run()["packages"]
    assert check.status is Status.WARN
    assert "lock" in check.detail


def test_this_installation_matches_its_own_lock() -> None:
    """The venv that runs the tests was installed from the locks (make test), so it passes."""
    check = pf.run_preflight(None)[-1]
    assert check.name == "packages"
    assert check.status is Status.PASS, check.detail


def test_the_real_dependency_list_comes_from_the_metadata() -> None:
    names = pf._dependencies()
    assert "shamir-mnemonic" in names
    assert "pytest" not in names


# --- the command ------------------------------------------------------------------------------------


@pytest.fixture
def fake_checks(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[Check]], None]:
    import ceremony.cli.preflight  # noqa: F401 - registers the command

    def use(checks: list[Check]) -> None:
        monkeypatch.setattr(
            pf, "run_preflight", lambda output_dir=None, machine=None: tuple(checks)
        )

    return use


GOOD = [Check("swap", Status.PASS, "no swap"), Check("terminal", Status.PASS, "a terminal")]


def test_cli_all_pass(cli: Any, fake_checks: Callable[[list[Check]], None]) -> None:
    fake_checks(GOOD)
    result = cli(["preflight"])
    assert result.code == 0, result.err
    assert "PASS" in result.out
    assert "no swap" in result.out


def test_cli_failure_exits_4_with_a_hint(cli: Any, fake_checks: Any) -> None:
    fake_checks([*GOOD, Check("default route", Status.FAIL, "via [red]eth0[/red]", "unplug it")])
    result = cli(["preflight"])
    assert result.code == 4
    assert "[red]eth0[/red]" in result.out  # untrusted text is printed literally
    assert "error: preflight: 1 failed" in result.err
    assert "hint:" in result.err


def test_cli_strict_turns_warnings_into_failure(cli: Any, fake_checks: Any) -> None:
    fake_checks([*GOOD, Check("swap", Status.WARN, "swap on disk", "swapoff -a")])
    assert cli(["preflight"]).code == 0
    result = cli(["preflight", "--strict"])
    assert result.code == 4
    assert "1 warned (--strict)" in result.err


def test_cli_json(cli: Any, fake_checks: Any) -> None:
    fake_checks([*GOOD, Check("swap", Status.WARN, "swap on disk", "swapoff -a")])
    result = cli(["preflight", "--json", "--strict"])
    assert result.code == 4
    data = json.loads(result.out)
    assert data["ok"] is False
    assert data["strict"] is True
    assert data["checks"][2] == {
        "name": "swap",
        "status": "warn",
        "detail": "swap on disk",
        "hint": "swapoff -a",
    }


def test_cli_passes_the_output_directory(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import ceremony.cli.preflight  # noqa: F401

    seen: list[Path | None] = []

    def record(output_dir: Path | None = None, machine: Machine | None = None) -> tuple[Check, ...]:
        seen.append(output_dir)
        return tuple(GOOD)

    monkeypatch.setattr(pf, "run_preflight", record)
    cli(["preflight", "--output-dir", str(tmp_path)])
    cli(["preflight"])
    assert seen == [tmp_path, Path()]


def test_cli_help_has_examples(cli: Any) -> None:
    import ceremony.cli.preflight  # noqa: F401

    result = cli(["preflight", "--help"])
    assert result.code == 0
    assert "Examples:" in result.out
    assert "ceremony preflight --json" in result.out
