"""The audit checks the sessions' proofs while it checks the kit: the verdict it reports is always
the one for the files as the `proofs` check reads them, even if they changed in between."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ceremony.core.vdf import Chain, ChainProver, Segment
from ceremony.errors import NotVerified
from ceremony.workflows.proof_prefetch import ChainPrefetch, saved_segments

NOTICE_BYTES = b'{"a notice": 1}\n'
NOTICE = hashlib.sha256(NOTICE_BYTES).digest()


def session(directory: Path) -> Chain:
    (directory / "proof").mkdir(parents=True)
    (directory / "notice.json").write_bytes(NOTICE_BYTES)

    def save(segment: Segment) -> None:
        (directory / "proof" / f"segment-{segment.index:04d}.json").write_text(segment.to_json())

    return ChainProver(NOTICE, 900, segment_iterations=300, on_segment=save).run()


def test_the_started_verdict_is_used_for_the_same_chain(tmp_path: Path) -> None:
    chain = session(tmp_path)
    prefetch = ChainPrefetch()
    prefetch.start(tmp_path)
    assert saved_segments(tmp_path) == chain
    prefetch.verify(tmp_path, chain, NOTICE)
    prefetch.cancel()


def test_the_chain_is_read_once_when_the_audit_starts(tmp_path: Path) -> None:
    chain = session(tmp_path)
    prefetch = ChainPrefetch()
    prefetch.start(tmp_path)
    (tmp_path / "proof" / "segment-0003.json").unlink()
    assert prefetch.segments(tmp_path) == chain
    assert ChainPrefetch().segments(tmp_path) == Chain(chain.segments[:2])
    prefetch.cancel()


def test_a_chain_changed_after_the_start_is_checked_again(tmp_path: Path) -> None:
    chain = session(tmp_path)
    prefetch = ChainPrefetch()
    prefetch.start(tmp_path)
    second = chain.segments[1].to_dict()
    second["proof"] = chain.segments[2].proof
    (tmp_path / "proof" / "segment-0002.json").write_text(Segment.from_dict(second).to_json())
    changed = saved_segments(tmp_path)
    assert isinstance(changed, Chain)
    assert changed != chain
    with pytest.raises(NotVerified, match="segment 2: its proof does not verify"):
        prefetch.verify(tmp_path, changed, NOTICE)
    prefetch.cancel()


def test_a_missing_segment_is_named_and_nothing_is_started(tmp_path: Path) -> None:
    session(tmp_path)
    (tmp_path / "proof" / "segment-0002.json").unlink()
    assert saved_segments(tmp_path) == (
        "segment 2 is missing: the proof folder goes from segment 1 to proof/segment-0003.json"
    )
    prefetch = ChainPrefetch()
    prefetch.start(tmp_path)
    assert not prefetch._pending


def test_a_started_prefetch_is_used_by_the_audit_and_not_started_twice(tmp_path: Path) -> None:
    chain = session(tmp_path)
    prefetch = ChainPrefetch.started([tmp_path, tmp_path])
    assert list(prefetch._pending) == [tmp_path]
    pending = prefetch._pending[tmp_path]
    prefetch.start(tmp_path)  # as the audit does for every session: already under way
    assert prefetch._pending[tmp_path] is pending
    with prefetch:
        prefetch.verify(tmp_path, chain, NOTICE)
    assert not prefetch._pending


def test_leaving_the_prefetch_drops_what_was_not_asked_for(tmp_path: Path) -> None:
    session(tmp_path)
    with ChainPrefetch.started([tmp_path]) as prefetch:
        assert prefetch._pending
    assert not prefetch._pending


def test_run_audit_hands_the_proofs_it_started_to_the_kit_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proofs `run_audit` starts are the ones the checks take: the same directories (a
    relative kit path made absolute for both), not started a second time."""
    import ceremony.workflows.audit as audit
    from ceremony.workflows.audit import AuditReport
    from ceremony.workflows.audit_run import AuditRequest, run_audit

    session(tmp_path / "kit" / "recovery" / "3F2A-9C1B")
    seen: list[tuple[Path, ChainPrefetch | None, list[Path]]] = []

    def audit_kit(kit: Path, **options: object) -> AuditReport:
        prefetch = options["prefetch"]
        assert isinstance(prefetch, ChainPrefetch)
        seen.append((kit, prefetch, list(prefetch._pending)))
        return AuditReport(str(kit), "", "", "", "", False, ())

    monkeypatch.setattr(audit, "audit_kit", audit_kit)
    monkeypatch.chdir(tmp_path)
    run_audit(AuditRequest(Path("kit")))
    [(kit, prefetch, pending)] = seen
    assert kit == tmp_path / "kit"
    assert pending == [tmp_path / "kit" / "recovery" / "3F2A-9C1B"]
    assert prefetch is not None
    assert not prefetch._pending  # dropped once the audit ended
