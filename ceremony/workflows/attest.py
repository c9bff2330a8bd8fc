"""Witness signatures over the ceremony's close: the message, the signatures, and their check.

After closing, the kit holds `attest/ceremony-message.txt`: the exact bytes each signer signs on
their own device with `ssh-keygen -Y sign` (OpenSSH's SSHSIG format, namespace `NAMESPACE`), with
the ceremony id, the transcript head and the record's hash in it. The plan pins each signer's
OpenSSH Ed25519 public key, and the plan's hash is on every printed page, so a signature by a
listed key over this kit's message says who vouched for this head and this record; a forger who
rewrote the kit cannot make one.

Signatures are checked with the `sshsig` package (a small, typed port of ssh-keygen's own
verification, on `cryptography`; packaged in Debian): this module never parses the SSHSIG envelope
itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ceremony.errors import BadInput, NotVerified, Refused
from ceremony.files import write_atomic
from ceremony.model.hashwords import hash_words
from ceremony.model.plan import Signer
from ceremony.model.record import Record
from ceremony.planfile.plan import parse_plan
from ceremony.templates import read_template
from ceremony.workflows.inputs import decode_text, read_bounded

NAMESPACE = "ceremony-attestation"
"""The SSHSIG namespace: a signature made for git, or for any other purpose, never counts here."""
ATTEST_DIR = "attest"
MESSAGE_FILE = "ceremony-message.txt"
HOW_TO_FILE = "how-to-sign.txt"
SIGNATURES_DIR = "signatures"
MAX_SIGNATURE = 64 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def closing_message(record: Record, record_bytes: bytes) -> bytes:
    """The exact bytes a signer signs: rebuilt from the kit by the audit, never trusted from a file."""
    values = {
        "ceremony_name": record.ceremony_name,
        "ceremony_id": record.ceremony_id,
        "plan_sha256": record.plan_sha256,
        "head": record.transcript_head,
        "head_words": _words(record.transcript_head),
        "record_sha256": hashlib.sha256(record_bytes).hexdigest(),
    }
    return read_template("attest", "ceremony-message.txt").format(**values).encode("utf-8")


def write_message(kit: Path, signers: Sequence[Signer]) -> Path:
    """After closing: the message to sign and how each signer signs it, into `kit/attest/`."""
    record_bytes = (kit / "record.json").read_bytes()
    record = Record.from_json(decode_text(record_bytes, "record"))
    folder = kit / ATTEST_DIR
    folder.mkdir(mode=0o755, exist_ok=True)
    message = folder / MESSAGE_FILE
    write_atomic(message, closing_message(record, record_bytes), secret=False, overwrite=True)
    listed = "\n".join(f"  {s.name}: {s.key}" for s in signers) or (
        "  (none: the plan lists no signers, so the audit cannot name who signed)"
    )
    how = read_template("attest", "how-to-sign.txt").format(
        ceremony_id=record.ceremony_id,
        ceremony_name=record.ceremony_name,
        message=MESSAGE_FILE,
        head_words=_words(record.transcript_head),
        namespace=NAMESPACE,
        signers=listed,
    )
    write_atomic(folder / HOW_TO_FILE, how.encode("utf-8"), secret=False, overwrite=True)
    return message


def _words(head: str) -> str:
    return hash_words(bytes.fromhex(head)) if _HEX64.match(head) else ""


# -- checking one signature -----------------------------------------------------------------------


@dataclass(frozen=True)
class Signed:
    """A signature that verified: by whom, with which key."""

    signer: Signer
    fingerprint: str
    """The key's SHA256 fingerprint, as `ssh-keygen -lf` prints it."""


def key_fingerprint(line: str) -> str:
    """The SHA256:... form `ssh-keygen -l` prints, so a signer can compare it with their own key."""
    import sshsig

    return sshsig.PublicKey.from_openssh_str(line).sha256_str()


def verify_signature(
    message: bytes,
    armored: bytes,
    signers: Sequence[Signer],
    *,
    what: str = "this kit's closing message",
    source: str = f"{ATTEST_DIR}/{MESSAGE_FILE} of this kit",
) -> Signed:
    """Which listed signer made `armored` over `message`; raise NotVerified saying why not.

    Any exception from the verifier counts as a failure: a malformed file is not a signature."""
    import sshsig

    try:
        key = sshsig.check_signature(message, armored, NAMESPACE)
    except Exception:
        raise NotVerified(
            f"the signature does not verify over {what}: it signs another head, record, notice "
            "or namespace, or the file was damaged",
            f"the signer signs {source} with `ssh-keygen -Y sign -n {NAMESPACE}`",
        ) from None
    for signer in signers:
        try:
            listed = sshsig.PublicKey.from_openssh_str(signer.key)
        except (ValueError, NotImplementedError):
            continue
        if listed == key:
            return Signed(signer, key.sha256_str())
    raise NotVerified(
        f"the signature is by a key the plan does not list ({key.sha256_str()})",
        "only the keys pinned in the plan may sign; check the plan and who made this signature",
    )


def signature_label(name: str) -> str:
    """A signer's name as a file name: `Wendy Example` is `wendy-example`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "signer"


# -- `ceremony attest KIT SIGFILE...` ---------------------------------------------------------------


@dataclass(frozen=True)
class Attested:
    signed: Signed
    path: Path
    new: bool
    """False when the kit already held this very signature."""


def attest(
    directory: Path,
    signature_files: Sequence[Path],
    plan_file: Path,
    *,
    record_file: Path | None = None,
) -> list[Attested]:
    """Check every signature first, then add them all to `directory/attest/signatures/`, or none.

    `directory` is a kit (signatures over its closing message) or a recovery session (over its
    notice or its close); `record_file` is the record of a session kept away from its kit."""
    directory = Path(directory)
    if (directory / "notice.json").is_file():
        return _attest_session(directory, signature_files, plan_file, record_file)
    record_path = directory / "record.json"
    if not record_path.is_file():
        raise BadInput(
            f"{directory} holds no record.json and no notice.json",
            "give the ceremony kit directory (after closing) or a recovery session directory",
        )
    record_bytes = read_bounded(record_path, "record")
    record = Record.from_json(decode_text(record_bytes, "record"))
    if not _HEX64.match(record.transcript_head):
        raise Refused(
            "this kit has no closed transcript, so there is no head to sign",
            "signatures are made after `ceremony run` closed the transcript",
        )
    signers = _pinned_signers(plan_file, record)
    message = closing_message(record, record_bytes)
    found = []
    for path, armored in _read_signatures(signature_files):
        try:
            signed = verify_signature(message, armored, signers)
        except NotVerified as exc:
            raise NotVerified(f"{path}: {exc.message}", exc.hint) from None
        found.append((f"{signature_label(signed.signer.name)}.sig", signed, armored))
    if not signature_files:
        write_message(directory, signers)
    return _store(directory, found)


def _attest_session(
    directory: Path, signature_files: Sequence[Path], plan_file: Path, record_file: Path | None
) -> list[Attested]:
    from ceremony.workflows.recovery.session import Session, session_record
    from ceremony.workflows.session_attest import (
        session_messages,
        verify_session_signature,
        write_session_messages,
    )

    session = Session.open(directory)
    record = session_record(session, record_file).record
    signers = _pinned_signers(plan_file, record)
    messages = session_messages(
        read_bounded(directory / "notice.json", "notice"), session.head, session.closed
    )
    found = []
    for path, armored in _read_signatures(signature_files):
        try:
            signed = verify_session_signature(messages, armored, signers)
        except NotVerified as exc:
            raise NotVerified(f"{path}: {exc.message}", exc.hint) from None
        name = f"{signed.event.value}-{signature_label(signed.signed.signer.name)}.sig"
        found.append((name, signed.signed, armored))
    write_session_messages(directory)
    return _store(directory, found)


def _pinned_signers(plan_file: Path, record: Record) -> tuple[Signer, ...]:
    plan = parse_plan(read_bounded(plan_file, "plan"), source=str(plan_file))
    if plan.sha256 != record.plan_sha256:
        raise NotVerified(
            f"the plan {plan_file} is not this ceremony's (its hash is not the record's)",
            "give the plan the ceremony ran: its hash words are on every printed page",
        )
    if not plan.roles.signers:
        raise Refused(
            "the plan lists no signers, so no signature can be checked",
            "list each signer's OpenSSH Ed25519 key in [roles] signers before the ceremony",
        )
    return plan.roles.signers


def _read_signatures(files: Sequence[Path]) -> list[tuple[Path, bytes]]:
    found = []
    for path in files:
        armored = read_bounded(path, "signature")
        if len(armored) > MAX_SIGNATURE:
            raise BadInput(f"{path} is too large for a signature", "give the .sig file")
        found.append((Path(path), armored))
    return found


def _store(directory: Path, found: Sequence[tuple[str, Signed, bytes]]) -> list[Attested]:
    folder = directory / ATTEST_DIR / SIGNATURES_DIR
    results = []
    for name, signed, armored in found:
        target = folder / name
        new = not (target.is_file() and target.read_bytes() == armored)
        results.append(Attested(signed, target, new))
    if found:
        folder.mkdir(mode=0o755, parents=True, exist_ok=True)
    for (_, _, armored), result in zip(found, results, strict=True):
        if result.new:  # a signer may sign again: a new signature over one message is as good
            write_atomic(result.path, armored, secret=False, overwrite=True)
    return results
