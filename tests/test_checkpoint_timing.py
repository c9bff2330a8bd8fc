"""The sealed solve checkpoints by the clock (about every 30 s, whatever the machine's speed) and
when interrupted; calibration samples the rate several times and uses the fastest."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from ceremony.core import calibration
from ceremony.core.calibration import RateSamples, sample_rates
from ceremony.core.sealed import PuzzleCheckpoint, PuzzleSolver, SealedLock, seal
from ceremony.workflows import recovery as rec
from ceremony.workflows.timelock_policy import SEALED, busy_warning, calibrate
from tests.helpers.child import CEREMONY, ENV, default_signals, needs_command, wait_for
from tests.helpers.recovery import Kit, make_kit, start

M0 = bytes(range(16))


class Ticks:
    """A clock that advances `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a running process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lock(squarings: int) -> SealedLock:
    return seal(M0, squarings)[0]


def test_checkpoints_come_by_the_clock_not_by_a_count() -> None:
    saved: list[PuzzleCheckpoint] = []
    solver = PuzzleSolver(
        lock(4000),
        M0,
        chunk=100,
        checkpoint_seconds=30.0,
        clock=Ticks(10.0),  # each chunk "takes" 10 s: a checkpoint every third or fourth chunk
        on_checkpoint=saved.append,
    )
    solver.solve()
    done = [c.done for c in saved]
    assert done[-1] == 4000
    gaps = [b - a for a, b in itertools.pairwise([0, *done[:-1]])]
    assert all(200 <= gap <= 400 for gap in gaps), done


def test_a_slow_machine_still_checkpoints_every_30_seconds() -> None:
    saved: list[PuzzleCheckpoint] = []
    solver = PuzzleSolver(
        lock(1000),
        M0,
        chunk=100,
        clock=Ticks(31.0),
        on_checkpoint=saved.append,
    )
    solver.solve()
    assert [c.done for c in saved] == [100 * n for n in range(1, 11)]


class Interrupt:
    def __init__(self, after: int) -> None:
        self.after = after

    def advanced(self, done: int, total: int) -> None:
        if done >= self.after:
            raise KeyboardInterrupt


def test_an_interruption_saves_a_checkpoint_at_once() -> None:
    saved: list[PuzzleCheckpoint] = []
    the_lock = lock(3000)
    solver = PuzzleSolver(
        the_lock, M0, chunk=100, on_checkpoint=saved.append, progress=Interrupt(1700)
    )
    with pytest.raises(KeyboardInterrupt):
        solver.solve()
    assert [c.done for c in saved] == [1700]  # no time-based checkpoint yet: the interruption's
    again = PuzzleSolver(the_lock, M0, chunk=100)
    again.check(saved[0])  # whole, with the existing MAC
    resumed = again.solve(saved[0])
    assert resumed == PuzzleSolver(the_lock, M0, chunk=1000).solve()


# -- calibration --------------------------------------------------------------------------------


def test_a_slow_sample_cannot_shorten_t() -> None:
    """Injected clock: the second of three samples takes three times as long (a busy moment)."""
    durations = iter([1.0, 3.0, 1.0])

    class Clock:
        now = 0.0
        started = True

        def __call__(self) -> float:
            if self.started:
                self.started = False
                return self.now
            self.now += next(durations)
            self.started = True
            return self.now

    clock = Clock()

    def one() -> float:
        return calibration.measure_squaring_rate(squarings=1000, repeats=1, clock=clock)

    samples = sample_rates(one, seconds=0, min_samples=3, clock=lambda: 0.0)
    assert samples.rates == (1000.0, 1000.0 / 3, 1000.0)
    busy = calibrate(SEALED, 3600, 10, samples=samples)
    quiet = calibrate(SEALED, 3600, 10, samples=RateSamples((1000.0,)))
    assert busy.iterations == quiet.iterations == 3_600_000
    assert samples.busy()
    assert "differ by 67%" in busy_warning(samples)
    assert "the fastest of 3 samples; they spread 66.7%" in busy.description


def test_sampling_lasts_a_few_seconds_and_at_least_three_samples() -> None:
    now = [0.0]

    def half_a_second() -> float:
        now[0] += 0.5
        return 100.0

    samples = sample_rates(half_a_second, seconds=3.0, clock=lambda: now[0])
    assert len(samples.rates) == 6  # 3 s of half-second samples
    assert samples.spread == 0.0
    assert not samples.busy()
    assert json.dumps(samples.to_transcript()) == json.dumps(
        {"samples": ["100.000"] * len(samples.rates), "spread": "0.0000"}
    )


# -- a real sealed solve, interrupted -----------------------------------------------------------


@needs_command
@pytest.mark.slow
def test_ctrl_c_in_a_sealed_solve_keeps_the_work_done(tmp_path: Path) -> None:
    """Measured: the checkpoint written on Ctrl-C holds the squarings done until then."""
    kit: Kit = make_kit(tmp_path, mode="sealed", work=30_000_000, seed=b"timed")
    session = start(kit, b"timed", session_dir=tmp_path / "session")
    shares = tmp_path / "shares.txt"
    shares.write_text("".join(s.mnemonic() + "\n" for s in kit.quorum()))
    args = [CEREMONY, "recover", "unlock", str(session.path), "--record", str(kit.record_path)]
    args += ["--shares-file", str(shares), "--output", str(tmp_path / "secret.txt")]
    child = subprocess.Popen(
        args, stderr=subprocess.PIPE, text=True, env=ENV, preexec_fn=default_signals
    )
    assert child.stderr is not None
    line = child.stderr.readline()
    while line and "solving the time lock" not in line:
        line = child.stderr.readline()
    # CPU time, not wall time: on a loaded machine 3 s of wall time may not reach the squarings
    started = cpu_seconds(child.pid)
    assert wait_for(lambda: cpu_seconds(child.pid) - started >= 3.0, timeout=180)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    saved = rec.checkpoint_progress(rec.Session.open(session.path))
    assert saved is not None
    assert saved > 0
    assert f"{saved:,} of 30,000,000 squarings" in err
    # what must be re-entered to resume, and why, in the hint
    hint = " ".join(err.split())
    assert "have a quorum type their shares again (any quorum)" in hint
    assert "never writes that value to disk" in hint
    assert wait_for(lambda: not list(tmp_path.glob(".secret.txt*")))
