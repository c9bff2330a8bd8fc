"""kill -9 at random moments of `ceremony run --answers`, then the next run: is anything secret
left, and does every transcript still check? Prints clean/total. Not a speed benchmark: a fault
measurement (item 10 of issue 13). Usage: python bench/kill9.py [RUNS]"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "tests" / "data" / "small-plan.toml"
CEREMONY = str(Path(sys.executable).with_name("ceremony"))
ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}


def secret_files(root: Path, keep: Path | None = None) -> list[Path]:
    return [
        p
        for p in root.rglob("*")
        if p.is_file()
        and (keep is None or keep not in p.parents)
        and ("holders" in p.parts or "consent" in p.parts or p.name.endswith(".partial"))
    ]


def transcripts_check(root: Path) -> bool:
    from ceremony.workflows.transcript import verify_transcript

    try:
        return all(
            verify_transcript(t).closed or verify_transcript(t).aborted
            for t in root.rglob("transcript.jsonl")
        )
    except Exception:
        return False


def finished(kit: Path) -> bool:
    from ceremony.workflows.transcript import verify_transcript

    try:
        return verify_transcript(kit / "transcript.jsonl").closed
    except Exception:
        return False


def one(duration: float) -> tuple[bool, bool, bool]:
    with tempfile.TemporaryDirectory(prefix="kill9-") as scratch:
        root = Path(scratch)
        answers = root / "answers.toml"
        answers.write_text("confirm = true\naccept_preflight_failures = true\n")
        kit = root / "kit"
        args = [CEREMONY, "run", str(PLAN), "--out", str(kit), "--answers", str(answers)]
        child = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
        )
        time.sleep(duration * secrets.randbelow(1000) / 1000)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        left_at_kill = bool(secret_files(root))
        if finished(kit):  # the run ended before the kill: a finished kit is never touched
            return left_at_kill, transcripts_check(root), True
        again = subprocess.run(
            [*args, "--destroy-leftovers"], capture_output=True, env=ENV, check=False
        )
        clean = again.returncode == 0 and not secret_files(root, keep=kit)
        return left_at_kill, clean and transcripts_check(root), False


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    with tempfile.TemporaryDirectory(prefix="kill9-time-") as scratch:
        answers = Path(scratch) / "answers.toml"
        answers.write_text("confirm = true\naccept_preflight_failures = true\n")
        started = time.monotonic()
        subprocess.run(
            [
                CEREMONY,
                "run",
                str(PLAN),
                "--out",
                str(Path(scratch) / "kit"),
                "--answers",
                str(answers),
            ],
            capture_output=True,
            env=ENV,
            check=True,
        )
        duration = time.monotonic() - started
    results = [one(duration) for _ in range(runs)]
    left = sum(1 for at_kill, _, done in results if at_kill and not done)
    clean = sum(1 for _, ok, _ in results if ok)
    done = sum(1 for _, _, done in results if done)
    print(f"one ceremony run takes {duration:.1f} s here; {runs} kills at random moments")
    print(f"the run had already finished (a whole kit, left alone): {done}/{runs}")
    print(f"secret files of an unfinished run on the media right after the kill: {left}/{runs}")
    print(
        f"clean after the next run (nothing secret left, every transcript checks): {clean}/{runs}"
    )


if __name__ == "__main__":
    main()
