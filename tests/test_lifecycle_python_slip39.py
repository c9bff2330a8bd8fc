"""Interop of extended groups with python-slip39, both ways: it recovers a mix of old shares and
shares we added, and we extend a group it made (then it and the reference recover the mix).

python-slip39 pulls in many packages, so it lives in a virtual environment of its own (see
bench/README.md): SLIP39_VENV, or ../i18-side-venv beside the checkout. Skipped without it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest
import shamir_mnemonic

from ceremony.core.lifecycle import extend_group
from ceremony.core.words import parse_share
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.workflows.split import split_secret
from tests.helpers.paths import ROOT

SIDE = Path(os.environ.get("SLIP39_VENV", str(ROOT.parent / "i18-side-venv"))) / "bin" / "python"
pytestmark = pytest.mark.skipif(
    not SIDE.exists(), reason=f"python-slip39 is not installed in a side environment ({SIDE})"
)
RECOVER = """
import json, sys, slip39
mnemonics, passphrase = json.load(sys.stdin)
print(slip39.recover(mnemonics, passphrase.encode()).hex())
"""
CREATE = """
import json, sys, slip39
secret = bytes.fromhex(sys.argv[1])
details = slip39.create("interop", 2, {"a": (2, 3), "b": (2, 2)}, secret, extendable=True)
print(json.dumps({name: mnemonics for name, (_, mnemonics) in details.groups.items()}))
"""


def side(script: str, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [str(SIDE), "-c", script, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_python_slip39_recovers_old_and_new_shares_together() -> None:
    scheme = Scheme(2, (GroupSpec("a", 2, 3), GroupSpec("b", 3, 4)), 128, iteration_exponent=0)
    secret = Secret(secrets.token_bytes(16))
    split = split_secret(scheme, secret, b"")
    new = extend_group(split.groups[1][:3], range(4), [4, 5]).shares
    mix = [*new, split.groups[1][0], *split.groups[0][1:]]
    recovered = side(RECOVER, stdin=json.dumps([[s.mnemonic() for s in mix], ""]))
    assert recovered == secret.reveal().hex()


def test_we_extend_a_group_python_slip39_made() -> None:
    secret = secrets.token_bytes(16)
    groups = json.loads(side(CREATE, secret.hex()))
    typed = [parse_share(m) for m in groups["a"][:2]]
    new = extend_group(typed, range(3), [3]).shares
    mix = [new[0].mnemonic(), groups["a"][2], *groups["b"]]
    assert side(RECOVER, stdin=json.dumps([mix, ""])) == secret.hex()
    assert shamir_mnemonic.combine_mnemonics(mix) == secret
