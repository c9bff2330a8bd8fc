"""Checks that the kit can still be recovered at all, not only that its files are consistent.

A kit can be perfectly consistent and still lose the secret: a sealed secret whose record lacks the
lock's modulus, the remains of an aborted run that was cut short while its secret files were being
removed, a kit never read back. Each fails a named check here (a kit without its standalone
recovery program fails `files.recover.py`).
"""

from __future__ import annotations

import re

from ceremony.core.sealed import MODULUS_BITS, SEALED_VERSION
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.workflows.audit.common import _NO_RECORD, _fail, _Kit, _skip
from ceremony.workflows.audit.report import RECOVER_PY, AuditCheck, Status

SEALED_EVENT = "timelock_sealed"
READ_BACK_EVENT = "kit_read_back"
_ABORTED_NAME = re.compile(r"\.aborted-\d+$")


def _recoverable_checks(kit: _Kit) -> list[AuditCheck]:
    return [_complete(kit), _sealed_lock(kit), _read_back(kit)]


def _complete(kit: _Kit) -> AuditCheck:
    name = "kit.complete"
    if _ABORTED_NAME.search(kit.directory.name):
        return _fail(
            name,
            f"{kit.directory.name} is what an aborted ceremony left: its secret files were "
            "removed (or were being removed); it is evidence, not a kit",
        )
    summary = kit.transcript
    if summary is not None and summary.aborted:
        return _fail(
            name,
            "the transcript ends with an abort: this run's secret files were to be removed, so "
            "whatever is left is not a kit",
        )
    if kit.record is None:
        return _skip(name, _NO_RECORD)
    return AuditCheck(name, Status.PASS, "not the remains of an aborted run")


def _sealed_lock(kit: _Kit) -> AuditCheck:
    """A sealed secret needs N and T forever: without them no quorum can ever open it."""
    name = "kit.sealed-lock"
    record = kit.record
    if record is None:
        return _skip(name, _NO_RECORD)
    logged = [e for e in kit.events().entries if e.event == SEALED_EVENT]
    proved_sealed = bool(record.read_back.get("sealed"))
    lock = record.timelock
    says_sealed = lock is not None and lock.mode is TimeLockMode.SEALED
    if not (logged or proved_sealed or says_sealed):
        return AuditCheck(name, Status.PASS, "the secret is not sealed under a time lock")
    problems = []
    if lock is None or lock.mode is not TimeLockMode.SEALED:
        problems.append(
            "the record carries no sealed time lock"
            + (f" (timelock is {lock.mode!r})" if lock is not None else "")
        )
    else:
        try:
            modulus = int(lock.modulus_hex, 16)
        except ValueError:
            modulus = 0
        if modulus.bit_length() != MODULUS_BITS:
            problems.append(f"the record's modulus N is not a {MODULUS_BITS}-bit number")
        if lock.iterations < 1:
            problems.append("the record's squaring count T is missing")
        if lock.version != SEALED_VERSION:
            problems.append(f"the record's lock version is {lock.version!r}, not {SEALED_VERSION}")
    if problems:
        where = (
            f"transcript entry {logged[0].seq} says the secret was sealed"
            if logged
            else "the kit's read-back proof says the secret is sealed"
            if proved_sealed
            else "the record says the secret is sealed"
        )
        return _fail(
            name,
            f"{where}, but {'; '.join(problems)}: without N and T the secret can never be "
            "recovered from the shares",
        )
    assert lock is not None
    return AuditCheck(
        name, Status.PASS, f"sealed: N ({MODULUS_BITS} bits) and T = {lock.iterations} recorded"
    )


def _read_back(kit: _Kit) -> AuditCheck:
    """The record says the kit was recovered from its written files by both paths."""
    name = "kit.read-back"
    record = kit.record
    if record is None:
        return _skip(name, _NO_RECORD)
    proof = record.read_back
    if record.lineage is not None and proof.get("limited"):
        return _skip(name, f"a lifecycle kit read back in part: {proof['limited']}")
    if not proof:
        return _fail(
            name,
            "the record does not say that the kit was read back from its files and recovered "
            "(a kit from before the read-back proof, or an edited record)",
        )
    paths = [str(p) for p in proof.get("paths", [])]
    missing = [
        what for what in ("ceremony", RECOVER_PY) if not any(p.startswith(what) for p in paths)
    ]
    if missing:
        return _fail(name, f"the read-back proof does not name the path(s) {', '.join(missing)}")
    if proof.get("fingerprint") != record.fingerprint:
        return _fail(
            name,
            f"the read-back proof recovered fingerprint {proof.get('fingerprint')!r}, not the "
            f"record's {record.fingerprint}",
        )
    logged = [e for e in kit.events().entries if e.event == READ_BACK_EVENT]
    if kit.transcript is not None and (not logged or dict(logged[-1].data) != proof):
        return _fail(
            name,
            "the record's read-back proof is not the last one the transcript logged"
            if logged
            else "the transcript logs no read-back proof",
        )
    return AuditCheck(
        name,
        Status.PASS,
        f"recovered fingerprint {record.fingerprint} from the written files by "
        + " and ".join(p.split(" (")[0] for p in paths[:2]),
    )
