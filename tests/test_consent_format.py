"""One consent format, everywhere: P as printed on the card (with or without the group spaces, any
case), the kit's consent.txt, and the card's three- and four-line forms open the sealed kit by
`ceremony recover unlock` and by recover.py alike; a P that does not match the check code is
refused before anything is opened."""

from __future__ import annotations

import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ceremony.model.passphrase import consent_check_code, normalise_consent, parse_consent_text
from ceremony.model.record import Record
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.paper.content import PaperSize
from ceremony.workflows.kit import write_split_kit
from ceremony.workflows.split import Sealed, make_split
from ceremony.workflows.timelock_policy import SEALED, calibrate
from tests.helpers.ceremony import card_words, pdf_text
from tests.helpers.cli import run_cli


@dataclass(frozen=True)
class SealedKit:
    directory: Path
    record: Record
    p: str
    shares: list[str]


@pytest.fixture(scope="module")
def sealed_kit(tmp_path_factory: pytest.TempPathFactory) -> SealedKit:
    scheme = Scheme(1, (GroupSpec("solo", 2, 3),), strength_bits=128)
    info = calibrate(SEALED, 2, 10.0, measure=lambda: 1000.0)
    split = make_split(
        scheme, Secret(secrets.token_bytes(16)), b"", timelock=info, consent_card=True
    )
    assert isinstance(split, Sealed)
    kit = tmp_path_factory.mktemp("sealed") / "kit"
    record, _ = write_split_kit(
        kit, split, name="Consent test", paper=PaperSize.A4, overwrite=False
    )
    shares = [" ".join(card_words(pdf)) for pdf in sorted((kit / "holders").iterdir())][:2]
    return SealedKit(kit, record, split.sealed.consent.reveal(), shares)


def grouped(p: str, sep: str = " ") -> str:
    return sep.join(p[i : i + 4] for i in range(0, 32, 4))


def forms(kit: SealedKit) -> dict[str, str]:
    p, cid = kit.p, kit.record.ceremony_id
    code = consent_check_code(p)
    return {
        "kit-consent-txt": (kit.directory / "consent" / "consent.txt").read_text(),
        "card-four-lines": f"ceremony-consent/v1\nceremony_id: {cid}\npassphrase: {grouped(p)}\ncheck_code: {code}\n",
        "card-three-lines": f"ceremony-consent/v1\nceremony_id: {cid}\npassphrase: {grouped(p)}\n",
        "p-as-printed": grouped(p) + "\n",
        "p-without-spaces": p + "\n",
        "p-upper-case-dashes": grouped(p.upper(), "-") + "\n",
    }


FORMS = [
    "kit-consent-txt",
    "card-four-lines",
    "card-three-lines",
    "p-as-printed",
    "p-without-spaces",
    "p-upper-case-dashes",
]


def recover_py(kit: SealedKit, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-S", str(kit.directory / "recover.py"), *args, "-"],
        input="\n".join(kit.shares) + "\n",
        capture_output=True,
        text=True,
        env={},
        timeout=120,
        check=False,
    )


def unlock(kit: SealedKit, tmp_path: Path, consent: Path) -> tuple[int, str, str]:
    tmp_path.mkdir(exist_ok=True)
    started = run_cli(
        [
            "recover",
            "start",
            "--record",
            str(kit.directory),
            "--requester",
            "Ana",
            "--reason",
            "t",
            "--session-dir",
            str(tmp_path / "session"),
        ]
    )
    assert started.code == 0, started.err
    shares = tmp_path / "shares.txt"
    shares.write_text("\n".join(kit.shares) + "\n")
    result = run_cli(
        [
            "recover",
            "unlock",
            str(tmp_path / "session"),
            "--record",
            str(kit.directory),
            "--consent-file",
            str(consent),
            "--shares-file",
            str(shares),
            "--reveal",
        ]
    )
    return result.code, result.out, result.err


@pytest.mark.parametrize("form", FORMS)
def test_every_form_opens_the_kit_by_every_path(
    form: str, sealed_kit: SealedKit, tmp_path: Path
) -> None:
    path = tmp_path / "consent.txt"
    path.write_text(forms(sealed_kit)[form])
    code, _out, err = unlock(sealed_kit, tmp_path, path)
    assert code == 0, err
    assert "verified: this IS the recorded secret" in err
    assert "solving" not in err
    for extra in ([], ["--sealed"]):
        done = recover_py(sealed_kit, "--passphrase-file", str(path), *extra)
        assert done.returncode == 0, done.stderr
        assert f"fingerprint: {sealed_kit.record.fingerprint}" in done.stdout
        assert f"commitment: {sealed_kit.record.commitment}" in done.stdout
        assert consent_check_code(sealed_kit.p) in done.stderr


def test_a_mistyped_p_is_refused_by_its_check_code_before_anything_opens(
    sealed_kit: SealedKit, tmp_path: Path
) -> None:
    p = sealed_kit.p
    typo = ("1" if p[5] != "1" else "2").join((p[:5], p[6:]))
    path = tmp_path / "consent.txt"
    path.write_text(forms(sealed_kit)["card-four-lines"].replace(grouped(p), grouped(typo)))
    code, out, err = unlock(sealed_kit, tmp_path, path)
    assert code == 4
    assert "does not match the check code" in err
    assert "nothing was decrypted" in err
    assert out == ""
    done = recover_py(sealed_kit, "--passphrase-file", str(path))
    assert done.returncode == 4
    assert "does not match its check code" in done.stderr
    assert done.stdout == ""
    # the three-line form has no check code: the record's check code refuses it all the same
    three = tmp_path / "three.txt"
    three.write_text(forms(sealed_kit)["card-three-lines"].replace(grouped(p), grouped(typo)))
    code, out, err = unlock(sealed_kit, tmp_path / "again", three)
    assert code == 4
    assert "does not match the check code" in err


def test_normalising_and_parsing() -> None:
    p = "0123456789abcdef0123456789abcdef"
    assert normalise_consent(grouped(p)) == p
    assert normalise_consent(grouped(p.upper(), "-")) == p
    with pytest.raises(Exception, match="32 characters"):
        normalise_consent(p[:-1])
    with pytest.raises(Exception, match="32 characters"):
        normalise_consent(p[:-1] + "o")  # a letter a wallet would read as another character
    assert parse_consent_text(grouped(p)) == (None, p, None)
    with pytest.raises(Exception, match="unknown line"):
        parse_consent_text(f"ceremony-consent/v1\nceremony_id: X\npassphrase: {p}\nnote: hi\n")


def test_the_card_says_how_to_type_p(sealed_kit: SealedKit) -> None:
    text = " ".join(pdf_text(sealed_kit.directory / "consent" / "consent-card.pdf").split())
    assert "do not matter" not in text
    assert "without the spaces" in text
    assert "lower case" in text
    assert grouped(sealed_kit.p, "  ")[:9] in text or grouped(sealed_kit.p)[:9] in text
    assert f"check_code: {consent_check_code(sealed_kit.p)}" in text
    assert "python3 recover.py --passphrase-file consent.txt" in text
    assert "ceremony recover unlock SESSION --consent-file consent.txt" in text
