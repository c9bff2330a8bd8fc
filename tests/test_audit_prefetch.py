"""The audit checks the sessions' proofs while it checks the kit: the verdict it reports is always
the one for the files as the `proofs` check reads them, even if they changed in between."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ceremony.core.vdf import Chain, ChainProver, Segment
from ceremony.errors import NotVerified
from ceremony.workflows.audit.session_checks import ChainPrefetch, saved_segments

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
