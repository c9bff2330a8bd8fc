"""Install ceremony from its offline bundle, after checking every byte of it.

Copied into the bundle as install.py by `make bundle`. Runs on the air-gapped machine with Python
and pip alone (standard library, plus pip's own copy of `packaging` when it is there).

    python3 install.py [--manifest-sha256 HEX] [--venv DIR] [--verify-only]

Checks, in order, before anything is created: MANIFEST.sha256 has the hash written down on the
source machine (with --manifest-sha256); it is a ceremony bundle manifest for this Python; every
file it lists is present with its SHA-256; no file is in the bundle that it does not list; the
wheel, project.txt and the manifest name one version; the lock pins every dependency ceremony's
wheel declares, within its range. Then: a new virtual environment, `pip install --no-index
--require-hashes`, and `ceremony --version`, whose lock hash must be the manifest's. Any failure
prints `error:` and `hint:` lines and leaves nothing installed (a venv it created is removed).

Exit codes: 0 installed (or verified), 1 the bundle differs or does not fit, 2 usage, 3 the
installation itself failed (nothing kept).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = "MANIFEST.sha256"
FORMAT = "ceremony-bundle/v1"
LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")
REBUILD = "make the bundle again on the source machine (make bundle) and copy the whole folder"


class Refused(Exception):
    def __init__(self, message: str, hint: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(
    bundle: Path, expected_sha256: str | None
) -> tuple[dict[str, str], dict[str, str]]:
    path = bundle / MANIFEST
    if not path.is_file():
        raise Refused(f"{MANIFEST} is missing from {bundle}", REBUILD)
    if expected_sha256 is not None and sha256(path) != expected_sha256.lower():
        raise Refused(
            f"{MANIFEST} has the SHA-256 {sha256(path)}, not the one given ({expected_sha256})",
            "compare with the hash written down when the bundle was made; if they differ, the "
            "bundle was changed on the way: " + REBUILD,
        )
    header: dict[str, str] = {}
    files: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# "):
            key, _, value = line[2:].partition(" ")
            header[key] = value
            continue
        match = LINE.match(line)
        if match is None or match[2].startswith("/") or ".." in match[2].split("/"):
            raise Refused(f"{MANIFEST} line {number} is not '<sha256>  <file>'", REBUILD)
        files[match[2]] = match[1]
    if not header.get(FORMAT, "").startswith("ceremony "):
        raise Refused(f"{MANIFEST} is not a ceremony bundle manifest ({FORMAT})", REBUILD)
    return header, files


def check_python(header: dict[str, str]) -> None:
    wanted = header.get("python", "").split(" ")[0]
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if wanted != here:
        raise Refused(
            f"this bundle is for Python {wanted or '?'}, and this is Python {here}",
            f"run install.py with python{wanted}, or make the bundle on a machine with "
            f"Python {here} (make bundle PYTHON=python{here})",
        )


def check_files(bundle: Path, files: dict[str, str]) -> None:
    for name, digest in sorted(files.items()):
        path = bundle / name
        if not path.is_file():
            raise Refused(f"{name} is listed in {MANIFEST} but missing from the bundle", REBUILD)
        found = sha256(path)
        if found != digest:
            raise Refused(
                f"{name} has the SHA-256 {found}, and {MANIFEST} lists {digest}: the file was "
                "changed",
                REBUILD,
            )
    present = {
        path.relative_to(bundle).as_posix()
        for path in bundle.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    extra = sorted(present - set(files) - {MANIFEST})
    if extra:
        raise Refused(
            f"{extra[0]} is in the bundle but not in {MANIFEST}"
            + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""),
            "remove what was added, or " + REBUILD,
        )


def own_wheel(bundle: Path, header: dict[str, str]) -> Path:
    version = header[FORMAT].split(" ")[1]
    wheels = sorted((bundle / "wheels").glob("ceremony-*.whl"))
    if len(wheels) != 1 or not (bundle / "project.txt").is_file():
        raise Refused("the bundle does not hold exactly one ceremony wheel", REBUILD)
    found = wheels[0].name.split("-")[1]
    pinned = (bundle / "project.txt").read_text(encoding="utf-8")
    if found != version or not pinned.startswith(f"ceremony=={version} "):
        raise Refused(
            f"{MANIFEST} is for ceremony {version}, but the bundle holds ceremony {found} "
            f"({wheels[0].name})",
            f"use the {MANIFEST} that came with this bundle, or " + REBUILD,
        )
    return wheels[0]


def lock_pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def check_lock(bundle: Path, wheel: Path, header: dict[str, str]) -> None:
    if header.get("lock") != sha256(bundle / "lock.txt"):
        raise Refused(f"{MANIFEST} names another lock than lock.txt", REBUILD)
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(name).decode("utf-8"))
    pins = lock_pins((bundle / "lock.txt").read_text(encoding="utf-8"))
    try:
        from pip._vendor.packaging.requirements import Requirement
    except ImportError:  # an unusual pip: check the names only
        Requirement = None
    for text in metadata.get_all("Requires-Dist") or []:
        if "extra ==" in text.replace("extra==", "extra =="):
            continue
        package = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", text)[0]).lower()  # type: ignore[index]
        hint = "the lock does not match pyproject.toml: run `make lock`, commit, then make bundle"
        if package not in pins:
            raise Refused(f"ceremony needs {text}, and lock.txt does not pin {package}", hint)
        if Requirement is not None and not Requirement(text).specifier.contains(
            pins[package], True
        ):
            raise Refused(
                f"ceremony needs {text}, and lock.txt pins {package}=={pins[package]}", hint
            )


def install(bundle: Path, venv: Path, lock_sha: str) -> str:
    if venv.exists():
        raise Refused(f"{venv} already exists", "give a new folder with --venv", code=2)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        python = venv / "bin" / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--isolated",
             "--disable-pip-version-check", "--find-links", str(bundle / "wheels"),
             "--only-binary", ":all:", "--require-hashes",
             "-r", str(bundle / "lock.txt"), "-r", str(bundle / "project.txt")],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        done = subprocess.run(
            [str(venv / "bin" / "ceremony"), "--version"],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(venv, ignore_errors=True)
        last = (exc.stderr or exc.stdout or "").strip().splitlines()
        raise Refused(
            f"the installation failed ({last[-1] if last else 'exit ' + str(exc.returncode)}); "
            f"{venv} was removed",
            "on Debian or Ubuntu, python3 -m venv needs the python3-venv package; otherwise run "
            "install.py --verify-only and report the message",
            code=3,
        ) from None
    if f"lock sha256 {lock_sha}" not in done.stdout:
        shutil.rmtree(venv, ignore_errors=True)
        raise Refused(
            f"the installed ceremony reports another lock: {done.stdout.strip()}", REBUILD, 3
        )
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify this bundle and install ceremony from it.")
    parser.add_argument("--manifest-sha256", help="the SHA-256 of MANIFEST.sha256 written down")
    parser.add_argument("--venv", type=Path, default=Path("ceremony-venv"), help="new venv folder")
    parser.add_argument("--verify-only", action="store_true", help="check, install nothing")
    parser.add_argument("--bundle", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        header, files = read_manifest(args.bundle, args.manifest_sha256)
        check_python(header)
        wheel = own_wheel(args.bundle, header)
        check_files(args.bundle, files)
        check_lock(args.bundle, wheel, header)
        if args.verify_only:
            print(f"verified: {len(files)} files match {MANIFEST} ({header[FORMAT]})")
            return 0
        version = install(args.bundle, args.venv.absolute(), header["lock"])
    except Refused as exc:
        sys.stderr.write(f"error: {exc.message}\nhint: {exc.hint}\n")
        return exc.code
    print(f"installed: {version}")
    print(f"run it as {args.venv.absolute() / 'bin' / 'ceremony'} (try: ... ceremony demo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
