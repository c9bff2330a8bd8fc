"""Witness signatures: real `ssh-keygen -Y sign` signatures with throwaway keys made here, added with
`ceremony attest`, verified by the audit against the keys the plan pins, and every forgery of
issue 16 that involves them: signatures removed, a signature by an unlisted key, a signature over
another head, and a forged kit whose signatures cannot follow it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ceremony.errors import NotVerified, Refused
from ceremony.planfile.plan import parse_plan
from ceremony.workflows.attest import (
    MESSAGE_FILE,
    NAMESPACE,
    attest,
    closing_message,
)
from ceremony.workflows.audit import Status, Verdict, audit_kit
from tests.helpers.audit import problems, rewrite_kit
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.cli import run_cli
from tests.helpers.kits import make_kit, read_record

SSH_KEYGEN = shutil.which("ssh-keygen")
pytestmark = pytest.mark.skipif(SSH_KEYGEN is None, reason="ssh-keygen is not installed")


def keypair(folder: Path, name: str) -> tuple[Path, str]:
    """A throwaway Ed25519 key without a passphrase; returns the private key and the .pub line."""
    key = folder / name
    subprocess.run(
        [str(SSH_KEYGEN), "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@test", "-f", str(key)],
        check=True,
    )
    return key, key.with_suffix(".pub").read_text().strip()


def sign(key: Path, message: Path, out: Path, namespace: str = NAMESPACE) -> Path:
    """What a witness runs on their own device: `ssh-keygen -Y sign -n NAMESPACE -f KEY FILE`."""
    copy = out.parent / f"{out.stem}-{message.name}"
    shutil.copy(message, copy)
    subprocess.run(
        [str(SSH_KEYGEN), "-Y", "sign", "-n", namespace, "-f", str(key), str(copy)],
        check=True,
        capture_output=True,
    )
    copy.with_name(copy.name + ".sig").rename(out)
    return out


def plan_with_signers(folder: Path, signers: dict[str, str]) -> Path:
    listed = ", ".join(f'{{ name = "{n}", key = "{k}" }}' for n, k in signers.items())
    text = SMALL_PLAN.read_text().replace(
        'witnesses = ["Wim"]\n', f'witnesses = ["Wim"]\nsigners = [ {listed} ]\n'
    )
    path = folder / "plan.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def signed_kit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    """A kit from a plan pinning two witnesses' keys, signed by both; and a stranger's key."""
    folder = tmp_path_factory.mktemp("attest")
    keys = {}
    lines = {}
    for name in ("wim", "wanda", "stranger"):
        keys[name], lines[name] = keypair(folder, name)
    plan = plan_with_signers(folder, {"Wim": lines["wim"], "Wanda Witness": lines["wanda"]})
    kit = folder / "kit"
    make_kit(kit, plan)
    return kit, plan, keys


@pytest.fixture
def kit(signed_kit: tuple[Path, Path, dict[str, Path]], tmp_path: Path) -> Path:
    copy = tmp_path / "kit"
    shutil.copytree(signed_kit[0], copy)
    return copy


def message(kit: Path) -> Path:
    return kit / "attest" / MESSAGE_FILE


def test_the_plan_pins_ed25519_keys_and_refuses_anything_else(
    signed_kit: tuple[Path, Path, dict[str, Path]],
) -> None:
    plan = parse_plan(signed_kit[1].read_bytes())
    assert [s.name for s in plan.roles.signers] == ["Wim", "Wanda Witness"]
    from ceremony.errors import BadInput

    bad = signed_kit[1].read_text().replace("ssh-ed25519 AAAA", "ssh-ed25519 ZZZZ", 1)
    with pytest.raises(BadInput, match="does not decode"):
        parse_plan(bad.encode())
    rsa = signed_kit[1].read_text().replace("ssh-ed25519", "ssh-rsa", 1)
    with pytest.raises(BadInput, match="not an OpenSSH Ed25519 public key"):
        parse_plan(rsa.encode())


def test_closing_shows_the_message_to_sign(tmp_path: Path) -> None:
    from ceremony.planfile.plan import load_plan
    from ceremony.workflows.ceremony import Ceremony
    from tests.helpers.kits import Keeper

    _, line = keypair(tmp_path, "wim")
    shown: list[tuple[str, list[tuple[str, str]]]] = []

    class Watcher(Keeper):
        def show_facts(self, title: str, facts: object) -> None:
            shown.append((title, list(facts)))  # type: ignore[call-overload]

    kit = tmp_path / "kit"
    plan = load_plan(plan_with_signers(tmp_path, {"Wim": line}))
    Ceremony(plan, Watcher(), kit, preflight=lambda _: ()).run()
    (closed,) = [facts for title, facts in shown if title == "Transcript closed"]
    assert ("to sign", str(kit / "attest" / MESSAGE_FILE)) in closed


def test_after_closing_the_kit_holds_the_message_and_how_to_sign_it(kit: Path) -> None:
    record = read_record(kit)
    text = message(kit).read_text()
    assert message(kit).read_bytes() == closing_message(record, (kit / "record.json").read_bytes())
    assert f"ceremony id: {record.ceremony_id}\n" in text
    assert f"transcript head sha256: {record.transcript_head}\n" in text
    how = (kit / "attest" / "how-to-sign.txt").read_text()
    assert f"ssh-keygen -Y sign -n {NAMESPACE} -f ~/.ssh/id_ed25519 {MESSAGE_FILE}" in how
    assert "Wanda Witness: ssh-ed25519 " in how


def test_signatures_anchor_the_audit_and_name_who_signed(
    kit: Path, signed_kit: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    _, plan, keys = signed_kit
    before = audit_kit(kit, plan_file=plan)
    assert before.verdict is Verdict.UNANCHORED
    assert before.check("anchor.signatures").status is Status.SKIPPED
    wim = sign(keys["wim"], message(kit), tmp_path / "wim.sig")
    wanda = sign(keys["wanda"], message(kit), tmp_path / "wanda.sig")
    result = run_cli(["attest", str(kit), str(wim), str(wanda), "--plan", str(plan)])
    assert result.code == 0, result.err
    assert "signed by Wim (SHA256:" in result.err
    assert "signed by Wanda Witness (SHA256:" in result.err
    report = audit_kit(kit, plan_file=plan)
    assert report.verdict is Verdict.ANCHORED, (problems(report), report.unanchored)
    check = report.check("anchor.signature.wanda-witness")
    assert check.status is Status.PASS
    assert check.detail.startswith("signed by Wanda Witness (SHA256:")
    # without the plan nothing pins the keys: reported, never counted
    alone = audit_kit(kit)
    assert alone.verdict is Verdict.UNANCHORED
    assert alone.check("anchor.signature.wim").status is Status.SKIPPED
    # the same signature again is not an error
    again = run_cli(["attest", str(kit), str(wim), "--plan", str(plan)])
    assert again.code == 0
    assert "already in the kit" in again.err


def test_signatures_removed(
    kit: Path, signed_kit: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    _, plan, keys = signed_kit
    attest(kit, [sign(keys["wim"], message(kit), tmp_path / "wim.sig")], plan)
    assert audit_kit(kit, plan_file=plan).verdict is Verdict.ANCHORED
    shutil.rmtree(kit / "attest" / "signatures")
    report = audit_kit(kit, plan_file=plan)
    assert report.verdict is Verdict.UNANCHORED
    assert "were they removed" in report.check("anchor.signatures").detail
    assert "attest/signatures/wim.sig (the plan lists Wim as a signer)" in report.not_found


def test_a_signature_by_an_unlisted_key(
    kit: Path, signed_kit: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    _, plan, keys = signed_kit
    stranger = sign(keys["stranger"], message(kit), tmp_path / "stranger.sig")
    with pytest.raises(NotVerified, match="by a key the plan does not list"):
        attest(kit, [stranger], plan)
    assert not (kit / "attest" / "signatures").exists()  # nothing was added
    (kit / "attest" / "signatures").mkdir()
    shutil.copy(stranger, kit / "attest" / "signatures" / "wim.sig")
    report = audit_kit(kit, plan_file=plan)
    check = report.check("anchor.signature.wim")
    assert check.status is Status.FAIL
    assert check.detail.startswith("the signature is by a key the plan does not list (SHA256:")
    assert report.verdict is Verdict.FAILED
    # without the plan (the anchor that pins the keys) it is only unanchored
    assert audit_kit(kit).verdict is Verdict.UNANCHORED


def test_a_signature_over_another_head(
    kit: Path, signed_kit: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    _, plan, keys = signed_kit
    other = tmp_path / "other" / MESSAGE_FILE
    other.parent.mkdir()
    other.write_bytes(message(kit).read_bytes().replace(b"head sha256: ", b"head sha256: 0"))
    wrong = sign(keys["wim"], other, tmp_path / "wim.sig")
    with pytest.raises(NotVerified, match="does not verify over this kit's closing message"):
        attest(kit, [wrong], plan)
    git = sign(keys["wim"], message(kit), tmp_path / "git.sig", namespace="git")
    with pytest.raises(NotVerified, match="does not verify"):
        attest(kit, [git], plan)
    (kit / "attest" / "signatures").mkdir()
    shutil.copy(wrong, kit / "attest" / "signatures" / "wim.sig")
    check = audit_kit(kit, plan_file=plan).check("anchor.signature.wim")
    assert check.status is Status.FAIL
    assert "it signs another head, record, notice or namespace" in check.detail
    assert audit_kit(kit).verdict is Verdict.UNANCHORED


def test_a_forged_kit_keeps_signatures_that_no_longer_verify(
    kit: Path, signed_kit: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    """The forger rewrites record and transcript consistently; the real witnesses' signatures
    cannot follow, and removing them leaves the audit only unanchored."""
    import dataclasses

    _, plan, keys = signed_kit
    attest(kit, [sign(keys["wim"], message(kit), tmp_path / "wim.sig")], plan)

    def other_bag(record):  # type: ignore[no-untyped-def]
        shares = list(record.shares)
        shares[0] = dataclasses.replace(shares[0], bag_serial="BAG-FORGED")
        return dataclasses.replace(record, shares=tuple(shares))

    rewrite_kit(kit, other_bag)
    caught = audit_kit(kit, plan_file=plan)
    assert {c.name for c in caught.failures} == {"anchor.signature.wim"}
    shutil.rmtree(kit / "attest" / "signatures")
    hidden = audit_kit(kit, plan_file=plan)
    assert hidden.passed, problems(hidden)
    assert hidden.verdict is Verdict.UNANCHORED


def test_attest_refuses_a_plan_of_another_ceremony_or_without_signers(
    kit: Path, signed_kit: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    _, plan, keys = signed_kit
    wim = sign(keys["wim"], message(kit), tmp_path / "wim.sig")
    other = tmp_path / "other.toml"
    other.write_text(plan.read_text() + "\n")
    with pytest.raises(NotVerified, match="is not this ceremony's"):
        attest(kit, [wim], other)
    result = run_cli(["attest", str(kit), str(wim), "--plan", str(SMALL_PLAN)])
    assert result.code == 4
    assert result.err.startswith("error: the plan ")
    assert "\nhint: " in result.err
    plain = tmp_path / "plain"
    make_kit(plain)
    with pytest.raises(Refused, match="lists no signers"):
        attest(plain, [wim], SMALL_PLAN)


# -- recovery sessions: a stakeholder signs the notice, a witness the close ------------------------


@pytest.fixture(scope="module")
def signed_session(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, dict[str, Path]]:
    """A time-locked kit whose plan pins a witness's and a stakeholder's keys, with one closed
    recovery session."""
    from tests.helpers.kits import DEMO_PLAN, write_session

    folder = tmp_path_factory.mktemp("session-attest")
    keys, lines = {}, {}
    for name in ("wendy", "stella", "stranger"):
        keys[name], lines[name] = keypair(folder, name)
    listed = (
        f'{{ name = "Wendy Witness", key = "{lines["wendy"]}" }}, '
        f'{{ name = "Stella Stakeholder", key = "{lines["stella"]}" }}'
    )
    plan = folder / "plan.toml"
    plan.write_text(
        DEMO_PLAN.read_text().replace(
            'witnesses = ["Wendy Witness", "Walter Witness"]\n',
            f'witnesses = ["Wendy Witness", "Walter Witness"]\nsigners = [ {listed} ]\n',
        )
    )
    kit = folder / "kit"
    make_kit(kit, plan, seed=b"signed session")
    write_session(kit)
    return kit, plan, keys


@pytest.fixture
def session_kit(signed_session: tuple[Path, Path, dict[str, Path]], tmp_path: Path) -> Path:
    copy = tmp_path / "kit"
    shutil.copytree(signed_session[0], copy)
    return copy


def the_session(kit: Path) -> Path:
    (session,) = (kit / "recovery").iterdir()
    return session


def sign_everything(kit: Path, plan: Path, keys: dict[str, Path], folder: Path) -> None:
    """The witness signs the ceremony's close and the session's close; the stakeholder the notice."""
    session = the_session(kit)
    written = run_cli(["attest", str(session), "--plan", str(plan)])
    assert written.code == 0, written.err
    notice = sign(keys["stella"], session / "attest" / "notice-message.txt", folder / "n.sig")
    close = sign(keys["wendy"], session / "attest" / "close-message.txt", folder / "c.sig")
    added = run_cli(["attest", str(session), str(notice), str(close), "--plan", str(plan)])
    assert added.code == 0, added.err
    assert "signed by Stella Stakeholder (SHA256:" in added.err
    ceremony = sign(keys["wendy"], message(kit), folder / "w.sig")
    assert run_cli(["attest", str(kit), str(ceremony), "--plan", str(plan)]).code == 0


def test_signatures_alone_anchor_a_kit_and_its_recovery(
    session_kit: Path, signed_session: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    _, plan, keys = signed_session
    assert audit_kit(session_kit, plan_file=plan).verdict is Verdict.UNANCHORED
    sign_everything(session_kit, plan, keys, tmp_path)
    report = audit_kit(session_kit, plan_file=plan)
    assert report.verdict is Verdict.ANCHORED, (problems(report), report.unanchored)
    label = the_session(session_kit).name
    assert report.check(f"session.{label}.signature.notice-stella-stakeholder").detail.endswith(
        "a key the plan pins, signed that they received this notice"
    )
    assert report.check(f"session.{label}.signature.close-wendy-witness").status is Status.PASS


def test_a_session_cut_or_reissued_after_signing_fails(
    session_kit: Path, signed_session: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    from tests.helpers.audit import rechain

    _, plan, keys = signed_session
    sign_everything(session_kit, plan, keys, tmp_path)
    session = the_session(session_kit)
    rechain(session / "transcript.jsonl", lambda entries: entries[:-3])  # cut after delay_done
    report = audit_kit(session_kit, plan_file=plan)
    label = session.name
    close = report.check(f"session.{label}.signature.close-wendy-witness")
    assert close.status is Status.FAIL
    assert "does not verify over this session's notice or close" in close.detail
    assert report.check(f"session.{label}.signature.notice-stella-stakeholder").status is (
        Status.PASS
    )
    assert report.verdict is Verdict.FAILED


def test_a_session_signature_by_an_unlisted_key(
    session_kit: Path, signed_session: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    _, plan, keys = signed_session
    session = the_session(session_kit)
    assert run_cli(["attest", str(session), "--plan", str(plan)]).code == 0
    stranger = sign(keys["stranger"], session / "attest" / "notice-message.txt", tmp_path / "x.sig")
    refused = run_cli(["attest", str(session), str(stranger), "--plan", str(plan)])
    assert refused.code == 4
    assert "by a key the plan does not list" in refused.err
