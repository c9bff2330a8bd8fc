"""The standalone `recover.py`, run as a subprocess in isolated mode with an empty environment.

Sources of the vectors: the SLIP-39 and BIP-39 files in ../shared/vectors (see PROVENANCE.md there);
RIPEMD-160 digests from the algorithm's published test values (Bosselaers' RIPEMD-160 page).
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import runpy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gmpy2
import pytest
from bip32 import BIP32
from mnemonic import Mnemonic
from shamir_mnemonic import shamir
from shamir_mnemonic.share import Share

from ceremony.core.slip39 import wordlist
from ceremony.workflows.standalone import recover_py_sha256, render_recover_py

VECTORS = Path(__file__).parents[1].parent / "shared" / "vectors"
PASSPHRASE = "TREZOR"


def _vectors(name: str) -> list[Any]:
    path = VECTORS / name
    if not path.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{path} is absent"))]
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        return [pytest.param(entry, id=entry[0]) for entry in data["english"]]
    return [pytest.param(entry, id=entry[0]) for entry in data]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kit") / "recover.py"
    path.write_bytes(render_recover_py().encode("utf-8"))
    return path


def run(
    program: Path,
    folder: Path,
    shares: list[str],
    *options: str,
    passphrase: str | bytes | None = PASSPHRASE,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run recover.py as an heir would: the shares in a file, the passphrase in another."""
    args = [sys.executable, "-I", str(program), *options]
    if passphrase is not None:
        data = passphrase.encode() if isinstance(passphrase, str) else passphrase
        (folder / "passphrase.txt").write_bytes(data + b"\n")
        args += ["--passphrase-file", "passphrase.txt"]
    if stdin is None:
        (folder / "shares.txt").write_text("\n".join(shares) + "\n", encoding="utf-8")
        args.append("shares.txt")
    return subprocess.run(
        args, cwd=folder, env={}, input=stdin or "", capture_output=True, text=True, timeout=120
    )


def printed(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    return dict(line.split(": ", 1) for line in result.stdout.splitlines())


def commitment(kind: str, secret: bytes) -> str:
    return hashlib.sha256(
        b"ceremony/v1/commitment\x00" + kind.encode() + b"\x00" + secret
    ).hexdigest()


def assert_clean_failure(result: subprocess.CompletedProcess[str], mnemonics: list[str]) -> None:
    """Failed with a message and a hint, no traceback, nothing on stdout, no word past the fourth."""
    assert result.returncode in (3, 4), result.stderr
    assert result.stdout == ""
    assert "error: " in result.stderr
    assert "hint: " in result.stderr
    assert "Traceback" not in result.stderr
    stderr = result.stderr
    for mnemonic in mnemonics:
        stderr = stderr.replace(" ".join(mnemonic.split()[:4]), "")
    for mnemonic in mnemonics:
        words = mnemonic.split()
        for i in range(4, len(words) - 1):
            assert " ".join(words[i : i + 2]) not in stderr


@pytest.mark.parametrize("vector", _vectors("slip39-vectors.json"))
def test_official_slip39_vectors(program: Path, tmp_path: Path, vector: list[Any]) -> None:
    _, mnemonics, secret_hex, xprv = vector
    result = run(program, tmp_path, mnemonics)
    if not secret_hex:
        assert_clean_failure(result, mnemonics)
        return
    out = printed(result)
    assert out["master secret"] == secret_hex
    assert out["fingerprint"] == BIP32.from_xpriv(xprv).get_fingerprint().hex()
    assert out["commitment"] == commitment("slip39", bytes.fromhex(secret_hex))


def _counter_bytes(seed: bytes) -> Iterator[bytes]:
    counter = 0
    while True:
        yield hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        counter += 1


@pytest.fixture
def fixed_randomness(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the reference package's share generation deterministic."""
    stream = _counter_bytes(b"recover.py tests")

    def random_bytes(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += next(stream)
        return out[:n]

    monkeypatch.setattr(shamir, "RANDOM_BYTES", random_bytes)


def _share_set(secret: bytes, groups: list[tuple[int, int]], group_threshold: int = 1) -> list[str]:
    sets = shamir.generate_mnemonics(
        group_threshold, groups, secret, PASSPHRASE.encode(), iteration_exponent=0
    )
    return [mnemonic for group in sets for mnemonic in group]


@pytest.mark.usefixtures("fixed_randomness")
@pytest.mark.parametrize("vector", _vectors("bip39-vectors.json"))
def test_bip39_vectors(program: Path, tmp_path: Path, vector: list[str]) -> None:
    entropy_hex, phrase, _, xprv = vector
    shares = _share_set(bytes.fromhex(entropy_hex), [(2, 3)])
    out = printed(run(program, tmp_path, shares[1:], "--kind", "bip39"))
    assert out["master secret"] == entropy_hex
    assert out["bip39 phrase"] == phrase
    assert out["fingerprint"] == BIP32.from_xpriv(xprv).get_fingerprint().hex()
    assert out["commitment"] == commitment("bip39", bytes.fromhex(entropy_hex))


def _prime(seed: bytes) -> int:
    return int(gmpy2.next_prime(int.from_bytes(hashlib.sha512(seed).digest() * 2, "big")))


@pytest.mark.parametrize("extendable", [True, False], ids=["extendable", "classic"])
def test_sealed_time_lock(program: Path, tmp_path: Path, extendable: bool) -> None:
    modulus, squarings = _prime(b"p") * _prime(b"q"), 1000
    ems = shamir.EncryptedMasterSecret(1234, extendable, 0, hashlib.sha256(b"ems").digest()[:16])
    m0 = ems.decrypt(b"")
    nb = modulus.to_bytes(256, "big")
    x = int.from_bytes(hashlib.shake_256(b"ceremony/v1/sealed/x\x00" + nb + m0).digest(288), "big")
    y = pow(x % modulus, 2**squarings, modulus)
    sealed = hashlib.sha256(b"ceremony/v1/sealed/passphrase\x00" + y.to_bytes(256, "big"))
    passphrase = sealed.hexdigest()[:32]
    secret = ems.decrypt(passphrase.encode())
    shares = [share.mnemonic() for share in shamir.split_ems(1, [(2, 3)], ems)[0]]

    result = run(
        program,
        tmp_path,
        shares[:2],
        "--timelock-n",
        format(modulus, "x"),
        "--timelock-t",
        str(squarings),
        passphrase=None,
    )
    out = printed(result)
    assert out["time-lock passphrase"] == passphrase
    assert out["master secret"] == secret.hex()
    assert out["fingerprint"] == BIP32.from_seed(secret).get_fingerprint().hex()
    assert "time lock: solved" in result.stderr


@pytest.mark.usefixtures("fixed_randomness")
def test_extra_shares_are_used_and_checked(program: Path, tmp_path: Path) -> None:
    secret = bytes(range(16))
    shares = _share_set(secret, [(2, 3)])
    assert printed(run(program, tmp_path, shares))["master secret"] == secret.hex()

    third = Share.from_mnemonic(shares[2])
    forged = Share(**{**third.__dict__, "value": bytes(16)}).mnemonic()
    result = run(program, tmp_path, [*shares[:2], forged])
    assert_clean_failure(result, [*shares[:2], forged])
    assert result.returncode == 4
    assert "do not fit together" in result.stderr


@pytest.mark.usefixtures("fixed_randomness")
def test_what_is_missing_is_said_per_group(program: Path, tmp_path: Path) -> None:
    shares = _share_set(bytes(16), [(2, 3), (3, 5), (1, 1)], group_threshold=2)
    result = run(program, tmp_path, shares[:2] + shares[3:5])
    assert_clean_failure(result, shares)
    prefix = " ".join(shares[3].split()[:3])
    assert (
        "hint: 1 more complete group needed (1 of 2 so far): "
        f"group 2 (shares starting '{prefix}') needs 1 more share; "
        "or give the shares of another of the 3 groups\n"
    ) in result.stderr


@pytest.mark.usefixtures("fixed_randomness")
@pytest.mark.parametrize(
    ("mistake", "code", "says"),
    [
        ("unknown word", 3, "word 7 is not a SLIP-39 word"),
        ("missing word", 3, "has 19 words"),
        ("swapped words", 3, "checksum does not match"),
        ("same share twice", 3, "repeats line 1"),
        ("other set", 3, "different share set"),
        ("too few", 3, "1 more share"),
        ("non-ascii passphrase", 3, "printable ASCII"),
        ("no such file", 3, "cannot read"),
    ],
)
def test_mistakes_get_an_error_and_a_hint(
    program: Path, tmp_path: Path, mistake: str, code: int, says: str
) -> None:
    shares = _share_set(bytes(16), [(2, 3)])
    words = shares[1].split()
    given, options = [shares[0], shares[1]], []
    passphrase: str | None = PASSPHRASE
    if mistake == "unknown word":
        given[1] = " ".join([*words[:6], "zzzz", *words[7:]])
    elif mistake == "missing word":
        given[1] = " ".join(words[:-1])
    elif mistake == "swapped words":
        given[1] = " ".join([*words[:5], words[6], words[5], *words[7:]])
    elif mistake == "same share twice":
        given[1] = shares[0]
    elif mistake == "other set":
        given[1] = _share_set(bytes(16), [(2, 3)])[1]
    elif mistake == "too few":
        given = given[:1]
    elif mistake == "non-ascii passphrase":
        passphrase = "TRÉZOR"
    else:
        options = ["--passphrase-file", "absent.txt"]
        passphrase = None
    result = run(program, tmp_path, given, *options, passphrase=passphrase)
    assert_clean_failure(result, [*shares, *given])
    assert result.returncode == code
    assert says in result.stderr
    assert "zzzz" not in result.stderr


@pytest.mark.usefixtures("fixed_randomness")
def test_four_letters_comments_and_piped_input(program: Path, tmp_path: Path) -> None:
    secret = bytes(range(32))
    shares = _share_set(secret, [(2, 3)])
    short = " ".join(word[:4].upper() for word in shares[2].split())
    text = f"# the shares of the kit\n\n{shares[0]}   # Alice\n\n{short}\n"
    out = printed(run(program, tmp_path, [], stdin=text))
    assert out["master secret"] == secret.hex()


@pytest.mark.usefixtures("fixed_randomness")
def test_typed_shares_are_checked_one_by_one(program: Path, tmp_path: Path) -> None:
    import pexpect

    secret = bytes(range(16))
    shares = _share_set(secret, [(2, 3)])
    (tmp_path / "passphrase.txt").write_text(PASSPHRASE, encoding="utf-8")
    child = pexpect.spawn(
        sys.executable,
        ["-I", str(program), "--passphrase-file", "passphrase.txt"],
        cwd=str(tmp_path),
        env={},
        encoding="utf-8",
        timeout=30,
    )
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect_exact("share 1 (hidden): ")
    child.sendline(" ".join(shares[0].split()[:-1]))
    child.expect_exact("has 19 words")
    child.expect_exact("share 1 (hidden): ")
    child.sendline(shares[0])
    child.expect_exact("still needed: the group needs 1 more share")
    child.expect_exact("share 2 (hidden): ")
    child.sendline(shares[0])
    child.expect_exact("repeats share 1")
    child.expect_exact("share 2 (hidden): ")
    child.sendline(shares[2])
    child.expect_exact(f"master secret: {secret.hex()}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # typed at a terminal, the shares are never echoed (getpass, like a password)
    assert " ".join(shares[2].split()[4:8]) not in screen.getvalue()


def test_usage_errors_exit_2(program: Path, tmp_path: Path) -> None:
    result = run(program, tmp_path, [], "--timelock-n", "ff", passphrase=None)
    assert result.returncode == 2
    assert "--timelock-t" in result.stderr
    share = "duckling enlarge academic academic agency result length solution fridge kidney"
    result = run(program, tmp_path, [], *share.split(), passphrase=None)
    assert result.returncode == 2
    assert "result length" not in result.stderr


def test_a_damaged_word_list_is_detected(tmp_path: Path) -> None:
    text = render_recover_py().replace("\nacademic acid", "\nacademia acid", 1)
    (tmp_path / "recover.py").write_text(text, encoding="utf-8")
    (tmp_path / "shares.txt").write_text("", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-I", "recover.py", "shares.txt"],
        cwd=tmp_path,
        env={},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 4
    assert "SLIP-39 word list in this program is damaged" in result.stderr


def test_embedded_word_lists_and_ripemd160(program: Path) -> None:
    namespace = runpy.run_path(str(program), run_name="recover")
    assert namespace["SLIP39_WORDS"] == list(wordlist())
    assert namespace["BIP39_WORDS"] == list(Mnemonic("english").wordlist)
    ripemd160 = namespace["ripemd160"]
    published = {
        b"": "9c1185a5c5e9fc54612808977ee8f548b2258d31",
        b"a": "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe",
        b"abc": "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc",
        b"message digest": "5d0689ef49d2fae572b881b123a85ffa21595f36",
        b"abcdefghijklmnopqrstuvwxyz": "f71c27109c692c1b56bbdceb5b9d2865b3708dbc",
        b"1234567890" * 8: "9b752e45573d4b39f4dbd3323cab82bf63326bfb",
    }
    for message, digest in published.items():
        assert ripemd160(message).hex() == digest


def test_only_the_standard_library_and_python_3_6_syntax() -> None:
    text = render_recover_py()
    tree = ast.parse(text, feature_version=(3, 6))
    imported = set()
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            # `try: import gmpy2 / except ImportError`: optional speed-up, never required
            handlers = [h.type for h in node.handlers]
            if any(isinstance(h, ast.Name) and h.id == "ImportError" for h in handlers):
                optional |= {
                    alias.name for n in node.body if isinstance(n, ast.Import) for alias in n.names
                }
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.module is not None
            imported.add(node.module.split(".")[0])
    assert imported
    assert optional == {"gmpy2"}
    assert imported - optional <= sys.stdlib_module_names, imported - sys.stdlib_module_names
    negative_powers = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "pow"
        and len(node.args) == 3
        and isinstance(node.args[1], ast.UnaryOp)
    ]
    assert not negative_powers, "pow(x, -1, p) needs Python 3.8"


OLD_PYTHONS = ["3.6", "3.7"]


@pytest.mark.parametrize("version", OLD_PYTHONS)
def test_recover_py_runs_on_old_python(version: str, program: Path, tmp_path: Path) -> None:
    """An heir may find an old Python 3: recover.py runs on 3.6 and 3.7 (when installed here)."""
    candidates = [
        *sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}")),
        *filter(None, [shutil.which(f"python{version}")]),
    ]
    runs = [
        str(c)
        for c in candidates
        if subprocess.run([str(c), "-c", "pass"], capture_output=True, check=False).returncode == 0
    ]
    if not runs:
        pytest.skip(f"no working python{version} on this machine")
    interpreter = runs[0]
    secret = bytes(range(16))
    shares = _share_set(secret, [(2, 3)])
    (tmp_path / "shares.txt").write_text("\n".join(shares[:2]) + "\n")
    (tmp_path / "pass.txt").write_text(PASSPHRASE)
    done = subprocess.run(
        [interpreter, "-I", str(program), "--passphrase-file", "pass.txt", "shares.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"master secret: {secret.hex()}" in done.stdout
    assert "fingerprint: " in done.stdout


def test_rendering_is_deterministic_and_hashed_like_sha256sum(tmp_path: Path) -> None:
    text = render_recover_py()
    assert render_recover_py() == text
    assert "@@" not in text
    path = tmp_path / "recover.py"
    path.write_bytes(text.encode("utf-8"))
    assert recover_py_sha256(text) == hashlib.sha256(path.read_bytes()).hexdigest()
    sha256sum = shutil.which("sha256sum")
    if sha256sum is None:
        pytest.skip("sha256sum is not installed")
    listed = subprocess.run([sha256sum, str(path)], capture_output=True, text=True, check=True)
    assert listed.stdout.split()[0] == recover_py_sha256(text)
