"""The evidenced delay: a chain of VDF segments, bound to its notice, resumable, and hard to fake."""

from __future__ import annotations

import _thread
import dataclasses
import hashlib
import os
import threading
import time
from pathlib import Path

import chiavdf
import pytest

from ceremony.core import vdf
from ceremony.core.vdf import Chain, ChainProver, Segment
from ceremony.errors import BadInput, NotVerified
from tests.helpers.child import handlers_installed

NOTICE = hashlib.sha256(b"recovery notice 1").digest()
OTHER_NOTICE = hashlib.sha256(b"recovery notice 2").digest()
TOTAL = 2500
SEGMENT = 1000  # three segments: 1000, 1000, 500


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def advanced(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def build(notice: bytes = NOTICE, total: int = TOTAL) -> Chain:
    return ChainProver(notice, total, segment_iterations=SEGMENT, on_segment=lambda s: None).run()


@pytest.fixture(scope="module")
def chain() -> Chain:
    return build()


def with_segment(chain: Chain, position: int, **changes: object) -> Chain:
    segments = list(chain.segments)
    segments[position - 1] = changed(segments[position - 1], **changes)
    return Chain(tuple(segments))


def changed(segment: Segment, **changes: object) -> Segment:
    return Segment.from_dict({**segment.to_dict(), **changes})


def flip(hex_text: str, byte: int, bit: int = 0) -> str:
    data = bytearray(bytes.fromhex(hex_text))
    data[byte] ^= 1 << bit
    return data.hex()


def test_a_chain_verifies_and_is_bound_to_its_notice(chain: Chain) -> None:
    assert [s.iterations for s in chain.segments] == [1000, 1000, 500]
    assert [s.index for s in chain.segments] == [1, 2, 3]
    assert chain.segments[0].start == vdf.GENERATOR.hex()
    assert chain.segments[1].start == chain.segments[0].output
    assert {s.challenge for s in chain.segments} == {NOTICE.hex()}
    vdf.verify_chain(chain, NOTICE, TOTAL)
    vdf.verify_chain(chain, NOTICE, TOTAL - 1)
    for segment in chain.segments:
        vdf.verify_segment(segment)


def test_json_round_trips(chain: Chain) -> None:
    assert Chain.from_json(chain.to_json()) == chain
    segment = chain.segments[1]
    assert Segment.from_json(segment.to_json()) == segment
    assert Segment.from_dict(segment.to_dict()) == segment


def test_the_chain_is_deterministic(chain: Chain) -> None:
    assert build() == chain


def test_the_start_form_is_chiavdfs_generator() -> None:
    discriminant = chiavdf.create_discriminant(NOTICE, vdf.DISCRIMINANT_BITS)
    assert chiavdf.bqfc_deserialize(discriminant, vdf.GENERATOR) == (b"\x00\x02", b"\x00\x01")


@pytest.mark.parametrize(
    ("position", "field", "byte", "expected"),
    [
        (2, "output", 40, "segment 2: its proof does not verify"),
        (2, "output", 99, "segment 2: its proof does not verify"),  # a byte chiavdf alone ignores
        (2, "output", 0, "segment 2: its proof does not verify"),
        (2, "proof", 40, "segment 2: its proof does not verify"),
        (3, "proof", 99, "segment 3: its proof does not verify"),
        (2, "start", 7, "segment 2: it does not continue from segment 1's output"),
        (1, "start", 50, "segment 1: it does not continue from the generator"),
        (1, "challenge", 3, "segment 1: it was computed for another recovery notice"),
    ],
)
def test_a_tampered_byte_is_caught_and_named(
    chain: Chain, position: int, field: str, byte: int, expected: str
) -> None:
    segment = chain.segments[position - 1]
    tampered = with_segment(chain, position, **{field: flip(getattr(segment, field), byte)})
    with pytest.raises(NotVerified, match=expected):
        vdf.verify_chain(tampered, NOTICE, TOTAL)


@pytest.mark.parametrize("bit", range(8))
def test_chiavdf_special_form_flags_do_not_fake_a_form(chain: Chain, bit: int) -> None:
    """chiavdf reads a form whose first byte flags "identity" or "generator" as that form and
    ignores the rest; the chain admits only canonical encodings."""
    for field in ("output", "proof"):
        segment = changed(
            chain.segments[1], **{field: flip(getattr(chain.segments[1], field), 0, bit)}
        )
        with pytest.raises(NotVerified, match="segment 2"):
            vdf.verify_segment(segment)
    first = dataclasses.replace(chain.segments[0], start=flip(vdf.GENERATOR.hex(), 0, bit))
    with pytest.raises(NotVerified, match="segment 1"):
        vdf.verify_segment(first)


def test_the_identity_form_is_never_accepted() -> None:
    identity = (b"\x04" + bytes(99)).hex()
    segment = Segment(1, NOTICE.hex(), 5, identity, identity, identity)
    assert chiavdf.verify_wesolowski(
        chiavdf.create_discriminant(NOTICE, 1024), *(bytes.fromhex(identity),) * 3, 5
    )  # chiavdf itself would accept this zero-work "proof"
    with pytest.raises(NotVerified, match="segment 1"):
        vdf.verify_segment(segment)


def test_a_truncated_proof_is_caught(chain: Chain) -> None:
    tampered = with_segment(chain, 2, proof=chain.segments[1].proof[:-2])
    with pytest.raises(NotVerified, match="segment 2: its proof is not 100 bytes"):
        vdf.verify_chain(tampered, NOTICE, TOTAL)


@pytest.mark.parametrize("garbage", ["zz" * 100, "AB" * 100, "", " " + "00" * 99 + " ", "0" * 199])
def test_garbage_hex_is_caught(chain: Chain, garbage: str) -> None:
    with pytest.raises(NotVerified, match="segment 2: its output is not 100 bytes"):
        vdf.verify_chain(with_segment(chain, 2, output=garbage), NOTICE, TOTAL)


def test_a_chain_for_another_notice_is_refused(chain: Chain) -> None:
    with pytest.raises(NotVerified, match="segment 1: it was computed for another recovery notice"):
        vdf.verify_chain(chain, OTHER_NOTICE, TOTAL)


def test_relabelling_another_notices_chain_does_not_help() -> None:
    foreign = build(OTHER_NOTICE)
    relabelled = Chain(
        tuple(dataclasses.replace(s, challenge=NOTICE.hex()) for s in foreign.segments)
    )
    with pytest.raises(NotVerified, match="segment 1: its proof does not verify"):
        vdf.verify_chain(relabelled, NOTICE, TOTAL)


def test_too_few_iterations_are_refused(chain: Chain) -> None:
    with pytest.raises(
        NotVerified, match=r"ends at segment 3 with 2500 iterations; .* requires 2501"
    ):
        vdf.verify_chain(chain, NOTICE, TOTAL + 1)
    with pytest.raises(NotVerified, match="ends at segment 2 with 2000"):
        vdf.verify_chain(Chain(chain.segments[:2]), NOTICE, TOTAL)


def test_a_claimed_iteration_count_must_match_the_proof(chain: Chain) -> None:
    with pytest.raises(NotVerified, match="segment 3: its proof does not verify"):
        vdf.verify_chain(with_segment(chain, 3, iterations=5000), NOTICE, TOTAL)
    for bad in (0, -1, 2**64):
        with pytest.raises(NotVerified, match="segment 3: its iteration count"):
            vdf.verify_chain(with_segment(chain, 3, iterations=bad), NOTICE, TOTAL)


def test_reordered_segments_are_refused(chain: Chain) -> None:
    s1, s2, s3 = chain.segments
    with pytest.raises(NotVerified, match="segment 1: it says it is segment 2"):
        vdf.verify_chain(Chain((s2, s1, s3)), NOTICE, TOTAL)
    renumbered = Chain(
        (
            dataclasses.replace(s2, index=1),
            dataclasses.replace(s1, index=2),
            s3,
        )
    )
    with pytest.raises(NotVerified, match="segment 1: it does not continue from the generator"):
        vdf.verify_chain(renumbered, NOTICE, TOTAL)


def test_a_missing_segment_is_named(chain: Chain) -> None:
    s1, _, s3 = chain.segments
    with pytest.raises(NotVerified, match="segment 2: it says it is segment 3"):
        vdf.verify_chain(Chain((s1, s3)), NOTICE, 1500)


def test_an_empty_chain_is_refused() -> None:
    with pytest.raises(NotVerified, match="empty"):
        vdf.verify_chain(Chain(), NOTICE, 1)


def test_any_exception_from_the_verifier_is_a_failure(
    chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> bool:
        raise RuntimeError("inside chiavdf")

    monkeypatch.setattr(chiavdf, "verify_wesolowski", explode)
    with pytest.raises(NotVerified, match="segment 1: its proof does not verify"):
        vdf.verify_chain(chain, NOTICE, TOTAL)


def test_progress_and_checkpoints_are_reported(chain: Chain) -> None:
    saved: list[Segment] = []
    progress = Recorder()
    result = ChainProver(
        NOTICE, TOTAL, segment_iterations=SEGMENT, on_segment=saved.append, progress=progress
    ).run()
    assert result == chain
    assert tuple(saved) == chain.segments
    assert progress.calls == [(0, TOTAL), (1000, TOTAL), (2000, TOTAL), (2500, TOTAL)]


def test_resume_after_ctrl_c_gives_the_same_chain(chain: Chain) -> None:
    saved: list[Segment] = []

    def save_then_interrupt(segment: Segment) -> None:
        saved.append(segment)
        if len(saved) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ChainProver(NOTICE, TOTAL, segment_iterations=SEGMENT, on_segment=save_then_interrupt).run()
    assert len(saved) == 2

    resumed: list[Segment] = []
    progress = Recorder()
    result = ChainProver(
        NOTICE, TOTAL, segment_iterations=SEGMENT, on_segment=resumed.append, progress=progress
    ).run(saved)
    assert result == chain
    assert [s.index for s in resumed] == [3]
    assert progress.calls[0] == (2000, TOTAL)


def test_a_corrupt_checkpoint_is_recomputed_from_the_last_good_one(chain: Chain) -> None:
    s1, s2, _ = chain.segments
    damaged = dataclasses.replace(s2, proof=flip(s2.proof, 30))
    assert vdf.good_prefix([s1, damaged], NOTICE) == Chain((s1,))
    recomputed: list[Segment] = []
    result = ChainProver(
        NOTICE, TOTAL, segment_iterations=SEGMENT, on_segment=recomputed.append
    ).run([s1, damaged])
    assert result == chain
    assert [s.index for s in recomputed] == [2, 3]


def test_a_finished_chain_resumes_to_itself(chain: Chain) -> None:
    calls: list[Segment] = []
    prover = ChainProver(NOTICE, TOTAL, segment_iterations=SEGMENT, on_segment=calls.append)
    assert prover.run(chain.segments) == chain
    assert calls == []


def test_another_notices_segments_are_not_resumed() -> None:
    foreign = build(OTHER_NOTICE)
    assert vdf.good_prefix(foreign.segments, NOTICE) == Chain()


def test_ctrl_c_stops_a_segment_in_progress() -> None:
    """A segment of 50 million iterations would take minutes; Ctrl-C must end it, worker included."""
    timer = threading.Timer(0.3, _thread.interrupt_main)
    started = time.monotonic()
    with handlers_installed():  # Ctrl-C is handled even when the test run ignores it (`make &`)
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                vdf.prove_segment(NOTICE, 50_000_000)
        finally:
            timer.cancel()
    assert time.monotonic() - started < 60
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []  # the prover process is gone too


@pytest.mark.parametrize(
    ("required", "expected"),
    [
        (1_000, 1_000),  # never more than the whole delay
        (60_000_000, 10_000_000),  # short delays: about a minute a segment
        (72 * 3600 * 170_000, 275_400_000),  # 72 h: 160 segments of 27 minutes
    ],
)
def test_segment_planning(required: int, expected: int) -> None:
    size = vdf.plan_segment_iterations(required, rate=10_000_000 / 60)
    assert size == pytest.approx(expected, rel=0.02)
    assert -(-required // size) <= vdf.MAX_SEGMENTS


def test_a_long_delay_gets_more_segments_not_longer_ones() -> None:
    """A 30-day delay: segments stop at MAX_SEGMENT_ITERATIONS (the prover's memory), so the
    chain has more than MAX_SEGMENTS of them."""
    required = 30 * 86400 * 170_000
    size = vdf.plan_segment_iterations(required, rate=10_000_000 / 60)
    assert size == vdf.MAX_SEGMENT_ITERATIONS
    assert -(-required // size) > vdf.MAX_SEGMENTS


@pytest.mark.parametrize(
    "data",
    [
        "[]",
        "{}",
        '{"version": "ceremony/v1/vdf", "index": "1"}',
        '{"version": "ceremony/v1/vdf", "index": true, "challenge": "", "iterations": 1,'
        ' "start": "", "output": "", "proof": ""}',
        "not json",
    ],
)
def test_malformed_segment_files_are_bad_input(data: str) -> None:
    with pytest.raises(BadInput):
        Segment.from_json(data)


def test_malformed_chain_files_are_bad_input() -> None:
    with pytest.raises(BadInput):
        Chain.from_json('{"version": "ceremony/v1/vdf", "segments": {}}')
    with pytest.raises(BadInput):
        Chain.from_json(b"\xff")


def test_a_challenge_must_be_a_notice_hash() -> None:
    with pytest.raises(BadInput):
        vdf.prove_segment(b"short", 10)
    with pytest.raises(BadInput):
        vdf.verify_chain(Chain(), NOTICE.hex().encode(), 1)


def test_no_segment_is_shorter_than_the_prover_can_prove() -> None:
    """Regression: a chain whose T is not a multiple of the segment size used to end with a
    7-iteration segment, whose chiavdf proof does not verify."""
    notice = hashlib.sha256(b"odd remainder").digest()
    kept: list[vdf.Segment] = []
    chain = vdf.ChainProver(
        notice, 2 * 400 + 7, segment_iterations=400, on_segment=kept.append
    ).run()
    assert [s.iterations for s in chain.segments] == [400, 407]
    vdf.verify_chain(chain, notice, 807)
    even = vdf.ChainProver(notice, 600, segment_iterations=300, on_segment=kept.append).run()
    assert [s.iterations for s in even.segments] == [300, 300]
    short = vdf.ChainProver(notice, 5, segment_iterations=400, on_segment=kept.append).run()
    assert [s.iterations for s in short.segments] == [vdf.MIN_SEGMENT_ITERATIONS]
    vdf.verify_chain(short, notice, 5)
    with pytest.raises(BadInput):
        vdf.prove_segment(notice, vdf.MIN_SEGMENT_ITERATIONS - 1)


def test_the_first_bad_segment_is_named_though_proofs_are_checked_side_by_side(
    chain: Chain,
) -> None:
    """Proofs are checked on several threads; the verdict names the first failure in chain
    order, a broken link before a bad proof further on, a bad proof before a broken link."""
    bad_proof_3 = with_segment(chain, 3, proof=flip(chain.segments[2].proof, 5))
    broken_link_2 = with_segment(bad_proof_3, 2, index=7)
    with pytest.raises(NotVerified, match="segment 2: it says it is segment 7"):
        vdf.verify_chain(broken_link_2, NOTICE, TOTAL)
    bad_proof_1 = with_segment(broken_link_2, 1, proof=flip(chain.segments[0].proof, 5))
    with pytest.raises(NotVerified, match="segment 1: its proof does not verify"):
        vdf.verify_chain(bad_proof_1, NOTICE, TOTAL)
    assert vdf.good_prefix(bad_proof_3.segments, NOTICE) == Chain(chain.segments[:2])


def test_a_started_check_gives_the_verdict_of_verify_chain(chain: Chain) -> None:
    vdf.start_verify_chain(chain, NOTICE, TOTAL).result()
    tampered = with_segment(chain, 2, proof=flip(chain.segments[1].proof, 40))
    pending = vdf.start_verify_chain(tampered, NOTICE, TOTAL)
    with pytest.raises(NotVerified, match="segment 2: its proof does not verify"):
        pending.result()
    with pytest.raises(NotVerified, match="requires 2501"):
        vdf.start_verify_chain(chain, NOTICE, TOTAL + 1).result()
    with pytest.raises(NotVerified, match="is empty"):
        vdf.start_verify_chain(Chain(), NOTICE, 1)


def test_a_cancelled_check_leaves_no_thread_behind(chain: Chain) -> None:
    pending = vdf.start_verify_chain(Chain(chain.segments * 1), NOTICE, TOTAL)
    pending.cancel()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        t.name.startswith("ceremony-vdf-verify") for t in threading.enumerate()
    ):
        time.sleep(0.01)
    assert not any(t.name.startswith("ceremony-vdf-verify") for t in threading.enumerate())
