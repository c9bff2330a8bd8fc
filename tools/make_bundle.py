"""`make bundle`: one folder to carry to the air-gapped machine.

    bundle/
      INSTALL.txt          what to type on the air-gapped machine
      install.py           verifies MANIFEST.sha256, then installs with --no-index --require-hashes
      MANIFEST.sha256      SHA-256 of every other file (sha256sum format), headed by what it is for
      lock.txt             the hashed runtime lock (locks/run.txt)
      project.txt          ceremony's own wheel, pinned by its hash
      sbom.cdx.json        CycloneDX SBOM of the wheels, for the auditor's file
      wheels/*.whl         ceremony's wheel and every locked wheel for this platform

Run with the project's virtual environment (it needs hatchling, from locks/build.txt, to build the
wheel without network access to a build backend) and the tools environment (cyclonedx-py).
Standard library only. Downloads come from pip's configured index, with hashes required.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: fixed, so the wheel and the SBOM are reproducible
TEXT = """\
ceremony {version}: offline installation bundle
================================================

For: {python} on {platform_tag}. Made by `make bundle` from a checkout of ceremony.

Before you carry this folder to the air-gapped machine, write down the SHA-256 of
MANIFEST.sha256 that `make bundle` printed:

    {manifest_hint}

On the air-gapped machine (Python {python_short} and pip only, no network):

    python3 install.py --manifest-sha256 <the hash you wrote down> --venv ~/ceremony-venv

install.py checks the manifest's hash, then every file's SHA-256 against MANIFEST.sha256, that
nothing is missing or added, that the bundle is for this Python and this version of ceremony, and
that the lock matches ceremony's dependencies. Any difference: it stops with `error:` and a
`hint:` and installs nothing. Otherwise it creates the virtual environment and installs with
`pip install --no-index --require-hashes`, then runs `ceremony --version`.

Without install.py (the same checks by hand):

    sha256sum -c MANIFEST.sha256
    python3 -m venv ~/ceremony-venv
    ~/ceremony-venv/bin/pip install --no-index --find-links wheels --only-binary :all: \\
        --require-hashes -r lock.txt -r project.txt

Then run:

    ~/ceremony-venv/bin/ceremony --version
    ~/ceremony-venv/bin/ceremony demo

sbom.cdx.json is a CycloneDX SBOM of every wheel in wheels/, for the auditor's file.
"""


def run(*command: str | Path, **kwargs: object) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[call-overload]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def project_version() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def platform_tag() -> str:
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def wheel_name_version(path: Path) -> tuple[str, str]:
    name, version = path.name.split("-")[:2]
    return re.sub(r"[-_.]+", "-", name).lower(), version


def build(out: Path, sbom_tool: Path, wheelhouse: Path) -> str:
    version = project_version()
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    pip = (sys.executable, "-m", "pip")
    run(*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", wheels, ROOT, env=env)
    (own,) = wheels.glob("ceremony-*.whl")
    download = (*pip, "download", "-q", "--no-deps", "--only-binary", ":all:", "--require-hashes",
                "-d", wheels, "-r", ROOT / "locks" / "run.txt")  # fmt: skip
    offline = subprocess.run(
        [str(part) for part in (*download, "--no-index", "--find-links", wheelhouse)],
        capture_output=True,
    )
    if offline.returncode != 0:  # not all in the local wheelhouse: use the configured index
        run(*download)
    shutil.copyfile(ROOT / "locks" / "run.txt", out / "lock.txt")
    (out / "project.txt").write_text(f"ceremony=={version} --hash=sha256:{sha256(own)}\n")
    shutil.copyfile(ROOT / "tools" / "bundle_install.py", out / "install.py")
    pinned = "".join(
        "{}=={} --hash=sha256:{}\n".format(*wheel_name_version(path), sha256(path))
        for path in sorted(wheels.glob("*.whl"))
        if path != own
    )
    run(sbom_tool, "requirements", "--pyproject", ROOT / "pyproject.toml", "--output-reproducible",
        "--of", "JSON", "-o", out / "sbom.cdx.json", "-", input=pinned.encode(),
        env={**env, "PYTHONWARNINGS": "ignore"})  # fmt: skip
    python = f"{platform.python_implementation()} {platform.python_version()}"
    python_short = ".".join(platform.python_version_tuple()[:2])
    lock_sha = sha256(out / "lock.txt")
    files = sorted(p for p in out.rglob("*") if p.is_file())
    (out / "INSTALL.txt").write_text(
        TEXT.format(
            version=version,
            python=python,
            python_short=python_short,
            platform_tag=platform_tag(),
            manifest_hint="(printed by make bundle; also: sha256sum MANIFEST.sha256)",
        )
    )
    files = sorted(p for p in out.rglob("*") if p.is_file())
    header = [
        f"# ceremony-bundle/v1 ceremony {version}",
        f"# python {python_short} {platform_tag()}",
        f"# lock {lock_sha}",
    ]
    lines = [f"{sha256(path)}  {path.relative_to(out).as_posix()}" for path in files]
    (out / "MANIFEST.sha256").write_text("\n".join(header + lines) + "\n")
    return sha256(out / "MANIFEST.sha256")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "bundle")
    parser.add_argument("--sbom-tool", type=Path, required=True, help="the cyclonedx-py program")
    parser.add_argument("--wheelhouse", type=Path, default=Path.home() / ".cache/ceremony/wheels")
    args = parser.parse_args()
    digest = build(args.out, args.sbom_tool, args.wheelhouse)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    count = len(list((args.out / "wheels").glob("*.whl")))
    print(f"bundle: {args.out} ({count} wheels, {size / 1e6:.1f} MB)")
    print(f"MANIFEST.sha256 SHA-256: {digest}")
    print("write this hash down; on the air-gapped machine see INSTALL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
