"""The evidenced delay: a chain of verifiable-delay segments bound to one recovery notice.

Public data only: the notice is public, so is every segment; nothing here is secret. It lives in the
core because it is the one module that touches `chiavdf` (Wesolowski proofs in the class group of an
imaginary quadratic field; no trusted setup, nobody holds a trapdoor).

Construction (v1), fixed so that an auditor can re-check it with `chiavdf` alone:

- The challenge is the recovery notice's SHA-256 (32 bytes). The chain's group is the class group of
  the 1024-bit discriminant `create_discriminant(sha256(b"ceremony/v1/vdf/discriminant\\x00" +
  challenge), 1024)`: 1024 bits is what Chia uses, and the group exists only once the notice does, so
  no work can be done (or its order studied) before the notice is written.
- Segment 1 starts at the generator, the form (a=2, b=1), serialized as `GENERATOR`. Segment k+1
  starts at segment k's output: each next segment's input is derived from the previous output by
  identity, so no segment can be computed before the one before it.
- Each segment holds its iteration count t, its output y = start^(2^t) and a Wesolowski proof, all as
  chiavdf's 100-byte compressed forms in lower-case hex.

Why one group per chain rather than one per segment: deriving a discriminant costs 10-20 ms and
checking a proof about 7 ms (measured by bench/audit.py), so one group per chain spends the
verification budget on proofs alone.

How many segments (`MAX_SEGMENTS`, `MAX_SEGMENT_ITERATIONS`): a 72-hour chain must verify in under a
second on a 2-core machine. The proofs are checked on every core at once (`verify_chain`), about 8 ms
each on one core of this machine, so 240 segments take 0.85-1.04 s on 2 cores and 160 take about
0.6 s (bench/audit.py); 160 it is. Fewer, longer segments lose more work on a crash: at most one
segment, 27 minutes of a 72-hour delay (0.62%). Their memory is not the limit for a 72-hour chain:
chiavdf's prover keeps one form (about 290 bytes) every k*l iterations of the segment in progress,
and its k*l grows from 8-12 to 110-160 once a segment passes about 10 million iterations
(measured peak: 111 MB at 4 million, 47 MB at 12 million; bench/README.md), so a 72-hour segment
of about 275 million iterations needs about 0.6 GB. A segment is never longer than
`MAX_SEGMENT_ITERATIONS`, which bounds that memory for any delay: a longer delay gets more segments
(and takes longer to verify) rather than a prover that runs out of memory.
Security rests on the same assumption as Chia's: nobody can compute the order of the class group
of a fresh 1024-bit discriminant, here within the delay.

Checks insist on chiavdf's canonical encoding of every form: its decoder reads any first byte that
flags "identity" or "generator" as that form and ignores the other 99 bytes, and its verifier alone
accepts a few non-canonical encodings, so without this some bytes of a chain could change unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Protocol

from ceremony.errors import BadInput, Interrupted, NotVerified
from ceremony.model import strict_json

VDF_VERSION = "ceremony/v1/vdf"
DISCRIMINANT_BITS = 1024
FORM_BYTES = 100  # chiavdf's BQFC_FORM_SIZE: every compressed form is this long
CHALLENGE_BYTES = 32
GENERATOR = b"\x08" + bytes(FORM_BYTES - 1)  # chiavdf's encoding of the form (2, 1)
_SPECIAL_FORM_FLAGS = 0x0C  # chiavdf flags "identity" and "generator": the rest is not read
_DISCRIMINANT_DOMAIN = b"ceremony/v1/vdf/discriminant\x00"
_MAX_ITERATIONS = 2**63  # chiavdf counts in uint64; stay well inside it

MIN_SEGMENT_ITERATIONS = 300
"""chiavdf's prover returns proofs that do not verify for 264 iterations or fewer (measured across
many challenges with 1024-bit discriminants), so no segment is shorter than this."""
MAX_SEGMENTS = 160
"""Most segments a planned chain has while its segments stay within MAX_SEGMENT_ITERATIONS: a
72-hour chain verifies in about 0.6 s on 2 cores (about 8 ms a proof on one core)."""
MAX_SEGMENT_ITERATIONS = 300_000_000
"""Longest segment planned, whatever the delay: it bounds the prover's memory near 0.6 GB (about
30 minutes of work at 170,000 iterations/s); a longer delay gets more segments instead."""

DEFAULT_MAX_LOSS_SECONDS = 60.0
"""Work a crash or Ctrl-C may cost at most, for chains short enough to allow it (see below)."""

_HAS_AFFINITY = hasattr(os, "sched_getaffinity")

_HINT_RECOMPUTE = "run the wait again: it keeps the good segments and recomputes from the last one"


class Progress(Protocol):
    """Observer of long work: told how much is done after each step. The core never prints."""

    def advanced(self, done: int, total: int) -> None:
        """Called as the delay work goes on, so a terminal can show progress without the core
        printing anything."""


@dataclass(frozen=True)
class Segment:
    """One step of the delay: `iterations` squarings from `start` to `output`, with its proof."""

    index: int
    challenge: str
    iterations: int
    start: str
    output: str
    proof: str

    def to_dict(self) -> dict[str, object]:
        """The segment as its proof file stores it."""
        return {
            "version": VDF_VERSION,
            "index": self.index,
            "challenge": self.challenge,
            "iterations": self.iterations,
            "start": self.start,
            "output": self.output,
            "proof": self.proof,
        }

    @classmethod
    def from_dict(cls, data: object) -> Segment:
        """Read a segment's shape; whether it proves anything is `verify_segment`'s job."""
        if not isinstance(data, dict) or data.get("version") != VDF_VERSION:
            raise BadInput(
                f"not a {VDF_VERSION} delay segment",
                "use the segment files that `wait` wrote, unchanged",
            )
        fields: dict[str, type] = {
            "index": int,
            "challenge": str,
            "iterations": int,
            "start": str,
            "output": str,
            "proof": str,
        }
        for name, kind in fields.items():
            value = data.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise BadInput(
                    f"delay segment: {name!r} is missing or not a {kind.__name__}",
                    "use the segment files that `wait` wrote, unchanged",
                )
        return cls(
            index=data["index"],
            challenge=data["challenge"],
            iterations=data["iterations"],
            start=data["start"],
            output=data["output"],
            proof=data["proof"],
        )

    def to_json(self) -> str:
        """The segment's proof file text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Segment:
        """A segment from its proof file, read with the project's strict JSON rules."""
        return cls.from_dict(_load_json(text, "delay segment"))


@dataclass(frozen=True)
class Chain:
    """The segments computed so far, in order."""

    segments: tuple[Segment, ...] = ()

    @property
    def total_iterations(self) -> int:
        """The sequential work the whole chain proves, to compare with the recorded delay."""
        return sum(segment.iterations for segment in self.segments)

    def extended(self, segment: Segment) -> Chain:
        """A new chain with one more segment; chains are values, never changed in place."""
        return Chain((*self.segments, segment))

    def to_dict(self) -> dict[str, object]:
        """The chain as its proof file stores it."""
        return {"version": VDF_VERSION, "segments": [s.to_dict() for s in self.segments]}

    @classmethod
    def from_dict(cls, data: object) -> Chain:
        """A chain from a proof file anyone could have edited: each segment is checked."""
        if (
            not isinstance(data, dict)
            or data.get("version") != VDF_VERSION
            or not isinstance(data.get("segments"), list)
        ):
            raise BadInput(
                f"not a {VDF_VERSION} delay proof chain",
                "use the chain that `wait` wrote, unchanged",
            )
        return cls(tuple(Segment.from_dict(item) for item in data["segments"]))

    def to_json(self) -> str:
        """The chain's proof file text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Chain:
        """A chain from its proof file, read with the project's strict JSON rules."""
        return cls.from_dict(_load_json(text, "delay proof chain"))


def _load_json(text: str | bytes, what: str) -> object:
    return strict_json.loads(text, f"the {what}", "use the file `wait` wrote, unchanged")


def _chiavdf() -> ModuleType:
    """chiavdf, imported on first use: only the time-lock commands and the audit of a recovery
    session need it, and every other command starts faster without it."""
    import chiavdf

    module: ModuleType = chiavdf
    return module


@lru_cache(maxsize=8)
def _discriminant(challenge: bytes) -> str:
    discriminant: str = _chiavdf().create_discriminant(
        _discriminant_seed(challenge), DISCRIMINANT_BITS
    )
    return discriminant


def _discriminant_seed(challenge: bytes) -> bytes:
    return hashlib.sha256(_DISCRIMINANT_DOMAIN + challenge).digest()


def _check_challenge(challenge: bytes) -> None:
    if not isinstance(challenge, bytes) or len(challenge) != CHALLENGE_BYTES:
        raise BadInput(
            f"a delay challenge is a {CHALLENGE_BYTES}-byte notice hash",
            "pass the SHA-256 digest of the recovery notice",
        )


def prove_segment(
    challenge: bytes, iterations: int, *, index: int = 1, start: bytes = GENERATOR
) -> Segment:
    """Compute one segment. Blocks for the whole segment; Ctrl-C stops it within a fraction of a
    second (KeyboardInterrupt propagates) and the partial work is lost."""
    _check_challenge(challenge)
    if not MIN_SEGMENT_ITERATIONS <= iterations < _MAX_ITERATIONS:
        raise BadInput(
            f"a delay segment needs at least {MIN_SEGMENT_ITERATIONS} iterations",
            "pass a larger count: chiavdf cannot prove shorter segments",
        )
    if len(start) != FORM_BYTES:
        raise BadInput("a segment starts at a 100-byte form", "start at GENERATOR or an output")
    raw = _prove(_discriminant_seed(challenge), start, iterations)
    return Segment(
        index=index,
        challenge=challenge.hex(),
        iterations=iterations,
        start=start.hex(),
        output=raw[:FORM_BYTES].hex(),
        proof=raw[FORM_BYTES:].hex(),
    )


_PROVER = """
import ctypes, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills this process
signal.signal(signal.SIGHUP, signal.SIG_IGN)
try:
    ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL: never outlive the parent
except (OSError, AttributeError):
    pass
import chiavdf
seed, start, iterations = sys.stdin.read().split()
out = chiavdf.prove(bytes.fromhex(seed), bytes.fromhex(start), int(sys.argv[1]), int(iterations), "")
sys.stdout.buffer.write(out)
"""


def _prove(seed: bytes, start: bytes, iterations: int) -> bytes:
    """Run chiavdf's prover in a child process, so that Ctrl-C, SIGTERM or SIGHUP stop it at once
    and cleanly: the child is killed and nothing native is left running in this process.

    (In a thread, stopping chiavdf early through its "shutdown file" left the native prover's
    threads behind, and the interpreter's exit then died with SIGABRT; and the shutdown file's
    temporary folder outlived every killed process.) The work is public: nothing secret crosses.
    """
    child = subprocess.Popen(
        [sys.executable, "-I", "-c", _PROVER, str(DISCRIMINANT_BITS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    request = f"{seed.hex()} {start.hex()} {iterations}\n".encode()
    try:
        result = _wait_for(child, request)
    except BaseException:
        child.kill()
        child.wait()
        raise
    if child.returncode != 0 or len(result) != 2 * FORM_BYTES:
        raise Interrupted(
            "the delay computation stopped before the segment was finished",
            _HINT_RECOMPUTE,
        )
    return result


def _wait_for(child: subprocess.Popen[bytes], request: bytes) -> bytes:
    """The prover's answer, waking every 0.2 s so that an interruption is acted on at once."""
    try:
        return child.communicate(request, timeout=0.2)[0]
    except subprocess.TimeoutExpired:
        pass
    while True:
        try:
            return child.communicate(timeout=0.2)[0]
        except subprocess.TimeoutExpired:
            continue


def verify_segment(segment: Segment) -> None:
    """Check one segment's proof on its own; raise NotVerified naming it on any failure."""
    _verify(segment, f"segment {segment.index}")


def _verify(segment: Segment, where: str) -> None:
    challenge = _unhex(segment.challenge, CHALLENGE_BYTES, where, "challenge")
    start = _unhex(segment.start, FORM_BYTES, where, "start")
    output = _unhex(segment.output, FORM_BYTES, where, "output")
    proof = _unhex(segment.proof, FORM_BYTES, where, "proof")
    iterations = segment.iterations
    if not isinstance(iterations, int) or not 1 <= iterations < _MAX_ITERATIONS:
        raise NotVerified(f"{where}: its iteration count is not valid", _HINT_RECOMPUTE)
    try:
        discriminant = _discriminant(challenge)
        # chiavdf reads any first byte with the "identity" or "generator" flag as that form and
        # ignores the rest, and its verifier accepts some non-canonical encodings: insist on the
        # one canonical encoding of every form, so that no byte of a segment can change unnoticed.
        canonical = all(_canonical(discriminant, form) for form in (output, proof)) and (
            start == GENERATOR or _canonical(discriminant, start)
        )
        valid = canonical and _chiavdf().verify_wesolowski(
            discriminant, start, output, proof, iterations
        )
    except Exception:  # any failure inside the verifier counts as "does not verify"
        valid = False
    if not valid:
        raise NotVerified(f"{where}: its proof does not verify", _HINT_RECOMPUTE)


def _canonical(discriminant: str, form: bytes) -> bool:
    if form[0] & _SPECIAL_FORM_FLAGS:
        return False  # the identity never occurs and the generator only as segment 1's start
    _chiavdf().bqfc_deserialize(discriminant, form, True)  # raises unless canonical
    return True


def _unhex(text: str, size: int, where: str, name: str) -> bytes:
    try:
        data = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError:
        data = b""
    if len(data) != size or text != data.hex():
        raise NotVerified(
            f"{where}: its {name} is not {size} bytes of lower-case hex", _HINT_RECOMPUTE
        )
    return data


def verify_chain(chain: Chain, notice_hash: bytes, required_iterations: int) -> None:
    """Raise NotVerified unless `chain` proves `required_iterations` of sequential work on this notice.

    Checks, naming the first bad segment: numbering, that every segment is for this notice, that
    segment 1 starts at the generator and each next one at the previous output, every proof (any
    exception from chiavdf counts as failure), and finally the total. The proofs are checked
    side by side on every core (`_ProofChecks`); the verdict is the same as one by one.
    """
    start_verify_chain(chain, notice_hash, required_iterations).result()


def start_verify_chain(
    chain: Chain, notice_hash: bytes, required_iterations: int
) -> PendingVerdict:
    """`verify_chain`, started: the proofs are checked on every core while the caller goes on
    (the audit re-renders PDFs meanwhile); `result()` waits and raises what `verify_chain` would.
    A chain that is empty, or a challenge that is not a notice hash, is refused at once."""
    _check_challenge(notice_hash)
    if not chain.segments:
        raise NotVerified("the delay proof chain is empty", _HINT_RECOMPUTE)
    linked, broken = _linked_prefix(chain.segments, notice_hash)
    return PendingVerdict(chain, required_iterations, broken, _ProofChecks(chain.segments[:linked]))


@dataclass(frozen=True)
class PendingVerdict:
    """A chain whose proofs are being checked (`start_verify_chain`)."""

    chain: Chain
    required_iterations: int
    broken: NotVerified | None
    checks: _ProofChecks

    def result(self) -> None:
        """Wait for every proof; raise NotVerified naming the first bad segment, as
        `verify_chain` does."""
        failures = self.checks.failures()
        if failures:
            raise failures[0][1]
        if self.broken is not None:
            raise self.broken
        total = self.chain.total_iterations
        if total < self.required_iterations:
            raise NotVerified(
                f"the delay proof chain ends at segment {len(self.chain.segments)} with {total}"
                f" iterations; this notice requires {self.required_iterations}",
                "run the wait again to finish the delay",
            )

    def cancel(self) -> None:
        """Drop the checks not yet started (the caller stopped, or will not ask for the result)."""
        self.checks.cancel()


def _linked_prefix(
    segments: Sequence[Segment], notice_hash: bytes
) -> tuple[int, NotVerified | None]:
    """How many segments link up from the generator (cheap checks, in order), and why the next
    one does not."""
    expected_start = GENERATOR.hex()
    for position, segment in enumerate(segments, start=1):
        try:
            _check_link(segment, position, notice_hash, expected_start)
        except NotVerified as exc:
            return position - 1, exc
        expected_start = segment.output
    return len(segments), None


class _ProofChecks:
    """Every segment's proof (the first segment at position 1) checked on as many threads as
    there are cores, from the moment this is made: chiavdf releases the GIL while it verifies."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self._segments = tuple(segments)
        workers = min(len(segments), len(os.sched_getaffinity(0)) if _HAS_AFFINITY else 1)
        self._pool: ThreadPoolExecutor | None = None
        self._futures: list[Future[tuple[int, NotVerified] | None]] = []
        if workers > 1:
            if self._segments:  # derive the group once, not once per thread
                _discriminant(_unhex(self._segments[0].challenge, CHALLENGE_BYTES, "", "challenge"))
            self._pool = ThreadPoolExecutor(workers, thread_name_prefix="ceremony-vdf-verify")
            items = enumerate(self._segments, start=1)
            self._futures = [self._pool.submit(_proof_failure, item) for item in items]

    def failures(self) -> list[tuple[int, NotVerified]]:
        """The failures in chain order, once every proof is checked."""
        if self._pool is None:
            found = map(_proof_failure, enumerate(self._segments, start=1))
            return [failure for failure in found if failure is not None]
        try:
            results = [future.result() for future in self._futures]
            return [failure for failure in results if failure is not None]
        finally:  # on Ctrl-C, drop the checks not yet started instead of waiting for them
            self._pool.shutdown(wait=True, cancel_futures=True)

    def cancel(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _proof_failures(segments: Sequence[Segment]) -> list[tuple[int, NotVerified]]:
    return _ProofChecks(segments).failures()


def _proof_failure(item: tuple[int, Segment]) -> tuple[int, NotVerified] | None:
    position, segment = item
    try:
        _verify(segment, f"segment {position}")
    except NotVerified as exc:
        return position, exc
    return None


def _check_link(segment: Segment, position: int, notice_hash: bytes, expected_start: str) -> None:
    where = f"segment {position}"
    if segment.index != position:
        raise NotVerified(
            f"{where}: it says it is segment {segment.index}; segments are missing or out of order",
            "use the chain as `wait` wrote it, all segments in order",
        )
    if segment.challenge != notice_hash.hex():
        raise NotVerified(
            f"{where}: it was computed for another recovery notice",
            "check that the session's notice and proofs belong together",
        )
    if segment.start != expected_start:
        raise NotVerified(
            f"{where}: it does not continue from "
            + ("the generator" if position == 1 else f"segment {position - 1}'s output"),
            _HINT_RECOMPUTE,
        )


def good_prefix(existing: Sequence[Segment], notice_hash: bytes) -> Chain:
    """The longest run of existing segments that links up and verifies: where a resume starts."""
    _check_challenge(notice_hash)
    linked, _ = _linked_prefix(existing, notice_hash)
    failures = _proof_failures(existing[:linked])
    good = failures[0][0] - 1 if failures else linked
    return Chain(tuple(existing[:good]))


def plan_segment_iterations(
    required_iterations: int,
    *,
    rate: float,
    max_loss_seconds: float = DEFAULT_MAX_LOSS_SECONDS,
    max_segments: int = MAX_SEGMENTS,
) -> int:
    """Iterations per segment: about `max_loss_seconds` of work at `rate`, unless that would make
    more than `max_segments` segments, which would slow verification down; never more than
    MAX_SEGMENT_ITERATIONS, which bounds the prover's memory.

    With the defaults at 170,000 iterations/s, a chain of up to 8 hours uses one-minute segments; a
    72-hour chain uses 160 segments of 27 minutes, so a crash costs at most 0.62% of the work and
    the chain verifies in about 0.6 s on 2 cores; a 30-day delay gets segments of 300 million
    iterations (about 0.6 GB of prover memory) and more of them.
    """
    if required_iterations < 1 or rate <= 0 or max_loss_seconds <= 0 or max_segments < 1:
        raise BadInput(
            "cannot plan delay segments from these values",
            "pass a positive work, rate and segment limit",
        )
    by_loss = max(1, int(rate * max_loss_seconds))
    by_count = math.ceil(required_iterations / max_segments)
    planned = min(required_iterations, max(by_loss, by_count), MAX_SEGMENT_ITERATIONS)
    return max(MIN_SEGMENT_ITERATIONS, planned)


def _segment_length(planned: int, remaining: int) -> int:
    """The next segment's length: as planned, but never below the prover's minimum; a short
    remainder is folded into the last segment so that the chain ends at or just past T."""
    planned = max(planned, MIN_SEGMENT_ITERATIONS)
    if remaining <= planned:
        return max(remaining, MIN_SEGMENT_ITERATIONS)
    if remaining - planned < MIN_SEGMENT_ITERATIONS:
        return remaining
    return planned


class ChainProver:
    """Computes a notice's chain segment after segment until it holds `required_iterations`.

    After each segment it calls `on_segment(segment)` (the caller writes it atomically, so a crash
    or Ctrl-C loses at most the segment in progress) and then `progress.advanced(done, total)`.
    """

    def __init__(
        self,
        notice_hash: bytes,
        required_iterations: int,
        *,
        segment_iterations: int,
        on_segment: Callable[[Segment], None],
        progress: Progress | None = None,
    ) -> None:
        _check_challenge(notice_hash)
        if required_iterations < 1 or segment_iterations < 1:
            raise BadInput("a delay needs a positive amount of work", "pass positive counts")
        self.notice_hash = notice_hash
        self.required_iterations = required_iterations
        self.segment_iterations = segment_iterations
        self._on_segment = on_segment
        self._progress = progress

    def run(self, existing: Sequence[Segment] = ()) -> Chain:
        """Resume from `existing` (its longest good prefix; a damaged segment and any after it are
        recomputed, reported again through `on_segment` under the same index) and finish the chain.

        The returned chain is the truth: saved segments beyond its length are stale.
        """
        chain = good_prefix(existing, self.notice_hash)
        done, total = chain.total_iterations, self.required_iterations
        self._report(done, total)
        while done < total:
            start = bytes.fromhex(chain.segments[-1].output) if chain.segments else GENERATOR
            segment = prove_segment(
                self.notice_hash,
                _segment_length(self.segment_iterations, total - done),
                index=len(chain.segments) + 1,
                start=start,
            )
            self._on_segment(segment)
            chain = chain.extended(segment)
            done += segment.iterations
            self._report(done, total)
        return chain

    def _report(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.advanced(min(done, total), total)
