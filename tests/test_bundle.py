"""The offline bundle (`make bundle`): install.py refuses any difference and installs nothing; a good
bundle installs in a fresh venv without network and runs the demo.

The bundle is made by `make bundle` (which `make test-slow` runs first, with network); these tests
only read it, from dist/bundle or $CEREMONY_BUNDLE, and skip saying so when it is absent.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

BUNDLE = Path(os.environ.get("CEREMONY_BUNDLE", ROOT / "dist" / "bundle"))
MANIFEST = "MANIFEST.sha256"


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not (BUNDLE / MANIFEST).is_file():
        pytest.skip(f"no bundle at {BUNDLE}: run `make bundle` (make test-slow does) first")
    return BUNDLE


@pytest.fixture
def copy(bundle: Path, tmp_path: Path) -> Path:
    """A copy of the bundle made of hard links (copies where tmp_path is on another file system,
    as in memory under `make test`): replace a file (never write into it) to change it."""
    target = tmp_path / "bundle"
    shutil.copytree(bundle, target, copy_function=_link_or_copy)
    return target


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def replace_file(path: Path, data: bytes) -> None:
    path.unlink()
    path.write_bytes(data)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def remanifest(bundle: Path, version: str | None = None) -> None:
    """Rewrite MANIFEST.sha256 consistently for what is in the folder now (as a forger would)."""
    text = (bundle / MANIFEST).read_text().splitlines()
    header = [line for line in text if line.startswith("# ")]
    header = [
        f"# lock {sha(bundle / 'lock.txt')}" if h.startswith("# lock ") else h for h in header
    ]
    if version:
        header[0] = f"# ceremony-bundle/v1 ceremony {version}"
    files = sorted(p for p in bundle.rglob("*") if p.is_file() and p.name != MANIFEST)
    lines = [f"{sha(p)}  {p.relative_to(bundle).as_posix()}" for p in files]
    replace_file(bundle / MANIFEST, ("\n".join(header + lines) + "\n").encode())


def install(bundle: Path, venv: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(bundle / "install.py"), "--venv", str(venv), *extra]
    return subprocess.run(command, capture_output=True, text=True, cwd=bundle.parent, timeout=600)


def refused(done: subprocess.CompletedProcess[str], venv: Path) -> tuple[str, str]:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    error, hint = done.stderr.splitlines()
    assert error.startswith("error: ")
    assert hint.startswith("hint: ")
    assert not venv.exists(), "nothing may be installed"
    return error[len("error: ") :], hint[len("hint: ") :]


def a_wheel(bundle: Path) -> Path:
    return next(p for p in sorted((bundle / "wheels").glob("*.whl")) if "reportlab" in p.name)


def test_the_bundle_holds_what_install_txt_says(bundle: Path) -> None:
    names = {p.name for p in bundle.iterdir()}
    assert names == {
        "INSTALL.txt", "install.py", MANIFEST, "lock.txt", "project.txt", "sbom.cdx.json", "wheels"
    }  # fmt: skip
    assert (bundle / "lock.txt").read_bytes() == (ROOT / "locks" / "run.txt").read_bytes()
    assert (bundle / "install.py").read_bytes() == (
        ROOT / "tools" / "bundle_install.py"
    ).read_bytes()
    wheels = sorted(p.name for p in (bundle / "wheels").iterdir())
    assert any(name.startswith("ceremony-") for name in wheels)
    assert any(name.startswith("reportlab-") for name in wheels)


def test_the_manifest_checks_with_sha256sum(bundle: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum here")
    done = subprocess.run(
        ["sha256sum", "--strict", "-c", MANIFEST], cwd=bundle, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sbom_lists_every_wheel_with_its_hash(bundle: Path) -> None:
    import json

    sbom = json.loads((bundle / "sbom.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    assert sbom["metadata"]["component"]["name"] == "ceremony"
    hashes = {
        h["content"]
        for component in sbom["components"]
        for ref in component.get("externalReferences", [])
        for h in ref.get("hashes", [])
    }
    for wheel in (bundle / "wheels").glob("*.whl"):
        if not wheel.name.startswith("ceremony-"):
            assert sha(wheel) in hashes, wheel.name


def test_verify_only_passes_on_the_bundle_as_made(bundle: Path, tmp_path: Path) -> None:
    done = install(bundle, tmp_path / "venv", "--verify-only")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("verified: ")
    assert not (tmp_path / "venv").exists()


def test_a_changed_wheel_is_refused(copy: Path, tmp_path: Path) -> None:
    wheel = a_wheel(copy)
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0x01
    replace_file(wheel, bytes(data))
    error, hint = refused(install(copy, tmp_path / "venv"), tmp_path / "venv")
    assert error.startswith(f"wheels/{wheel.name} has the SHA-256 ")
    assert error.endswith("the file was changed")
    assert "make bundle" in hint


def test_a_missing_wheel_is_refused(copy: Path, tmp_path: Path) -> None:
    wheel = a_wheel(copy)
    wheel.unlink()
    error, _ = refused(install(copy, tmp_path / "venv"), tmp_path / "venv")
    assert error == f"wheels/{wheel.name} is listed in {MANIFEST} but missing from the bundle"


def test_an_added_file_is_refused(copy: Path, tmp_path: Path) -> None:
    (copy / "wheels" / "evil-1.0-py3-none-any.whl").write_bytes(b"PK")
    error, hint = refused(install(copy, tmp_path / "venv"), tmp_path / "venv")
    assert error == f"wheels/evil-1.0-py3-none-any.whl is in the bundle but not in {MANIFEST}"
    assert hint.startswith("remove what was added")


def test_a_manifest_for_another_version_is_refused(copy: Path, tmp_path: Path) -> None:
    remanifest(copy, version="0.2.0")
    error, hint = refused(install(copy, tmp_path / "venv"), tmp_path / "venv")
    (own,) = (copy / "wheels").glob("ceremony-*.whl")
    assert (
        error
        == f"{MANIFEST} is for ceremony 0.2.0, but the bundle holds ceremony 0.1.0 ({own.name})"
    )
    assert hint.startswith(f"use the {MANIFEST} that came with this bundle")


def test_a_manifest_with_another_hash_than_written_down_is_refused(
    bundle: Path, tmp_path: Path
) -> None:
    error, hint = refused(
        install(bundle, tmp_path / "venv", "--manifest-sha256", "0" * 64), tmp_path / "venv"
    )
    assert error.startswith(
        f"{MANIFEST} has the SHA-256 {sha(bundle / MANIFEST)}, not the one given"
    )
    assert "written down" in hint


def test_a_lock_that_does_not_match_the_project_is_refused(copy: Path, tmp_path: Path) -> None:
    """A lock missing a dependency of ceremony's wheel, with a manifest forged to match it."""
    lock = (copy / "lock.txt").read_text()
    start = lock.index("\nsegno==")
    end = lock.index("\n", lock.index("# via", start))
    replace_file(copy / "lock.txt", (lock[:start] + lock[end:]).encode())
    remanifest(copy)
    error, hint = refused(install(copy, tmp_path / "venv"), tmp_path / "venv")
    assert error == "ceremony needs segno>=1.6, and lock.txt does not pin segno"
    assert hint.startswith("the lock does not match pyproject.toml: run `make lock`")


def test_a_lock_pinning_outside_the_range_is_refused(copy: Path, tmp_path: Path) -> None:
    lock = (copy / "lock.txt").read_text()
    replace_file(
        copy / "lock.txt", lock.replace("\nreportlab==5.1.0 ", "\nreportlab==3.0 ").encode()
    )
    remanifest(copy)
    error, _ = refused(install(copy, tmp_path / "venv"), tmp_path / "venv")
    assert error == "ceremony needs reportlab>=4.0, and lock.txt pins reportlab==3.0"


def test_a_bundle_for_another_python_is_refused(copy: Path, tmp_path: Path) -> None:
    text = (copy / MANIFEST).read_text()
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    replace_file(copy / MANIFEST, text.replace(f"# python {here} ", "# python 3.99 ").encode())
    error, _ = refused(install(copy, tmp_path / "venv"), tmp_path / "venv")
    assert error == f"this bundle is for Python 3.99, and this is Python {here}"


@pytest.mark.slow
def test_the_bundle_installs_offline_and_runs_the_demo(bundle: Path, tmp_path: Path) -> None:
    """A fresh venv, no network (`unshare -n` where the machine allows it, as make test does for
    all of pytest), the manifest hash as written down; then `ceremony demo` and its audit."""
    venv = tmp_path / "venv"
    offline = ["unshare", "-n"] if subprocess.run(["unshare", "-n", "true"]).returncode == 0 else []
    command = [
        *offline, sys.executable, str(bundle / "install.py"),
        "--manifest-sha256", sha(bundle / MANIFEST), "--venv", str(venv),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    lock = sha(ROOT / "locks" / "run.txt")
    assert done.stdout.startswith(f"installed: ceremony 0.1.0 (lock sha256 {lock}; ")
    ceremony = str(venv / "bin" / "ceremony")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    demo = subprocess.run(
        [*offline, ceremony, "demo", "--out", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stdout + demo.stderr
    audit = subprocess.run(
        [*offline, ceremony, "audit", str(tmp_path / "demo-kit"), "--json"],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    import json

    report = json.loads(audit.stdout)
    checks = {c["name"]: c["status"] for c in report["checks"]}
    assert checks["files.record.pdf"] == "pass"
    assert [s for n, s in checks.items() if n.endswith("notice-pdf")] == ["pass"]
    preflight = subprocess.run(
        [ceremony, "preflight", "--json"], capture_output=True, text=True, env=env
    )
    packages = [c for c in json.loads(preflight.stdout)["checks"] if c["name"] == "packages"]
    assert packages[0]["status"] == "pass", packages
