"""Benchmark: how long commands take to start, as whole processes, against same-work baselines.

- `ceremony --help` against `python -c "import typer"`: the help is typer's; the baseline is the
  least any typer program pays (the same interpreter, nothing else imported). Goal: at most 1.2x.
- `ceremony split --help` against `shamir create --help` (the reference implementation's command,
  installed with `shamir-mnemonic[cli]`): both print one command's help. Goal: at most 1.5x.
- `ceremony combine -` against `shamir recover`, both reading the same two shares (2 of 3, iteration
  exponent 1) from stdin and recovering the secret. `combine` also proves that the shares agree and
  computes the BIP-32 fingerprint and the commitment. Goal: at most 2x.
- `ceremony check-share --help` and `ceremony audit --help` against `ceremony --help`, for reference.

Each row also gives the ratio of CPU time (user + system, the kernel's accounting of the finished
process, from `wait4`), median of its own alternating pairs: on a loaded machine the wall-clock
ratio drifts with the other processes, CPU time much less.

Run: .venv/bin/python bench/startup.py [--quick]   (results in bench/results/startup.json)
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import subprocess

import shamir_mnemonic
from harness import BIN, PYTHON, Command, Row, load_average, process_pairs, report, spawn

SHAMIR = BIN / "shamir"
CEREMONY = BIN / "ceremony"


def shamir_cli_works() -> bool:
    try:
        import click  # noqa: F401  (the reference CLI's one extra dependency)
    except ImportError:
        return False
    return SHAMIR.exists()


def cpu_seconds(command: Command) -> float:
    """User plus system time of one run of `command` (and of the processes it waited for)."""
    code, usage = spawn(command, list(command.argv), subprocess.DEVNULL)
    if code not in command.ok_codes:
        raise SystemExit(f"{' '.join(command.argv)} exited {code}")
    return usage.ru_utime + usage.ru_stime


def cpu_ratios(work: Command, base: Command, times: int) -> list[float]:
    """CPU-time ratios of `times` alternating pairs, after one warm-up run of each."""
    cpu_seconds(work)
    cpu_seconds(base)
    ratios = []
    for index in range(times):
        if index % 2:
            b, w = cpu_seconds(base), cpu_seconds(work)
        else:
            w, b = cpu_seconds(work), cpu_seconds(base)
        ratios.append(w / b)
    return ratios


def rows(times: int) -> list[Row]:
    out: list[Row] = []

    def add(name: str, work: Command, base_name: str, base: Command, goal: str, most: float | None):
        value, baseline, ratios = process_pairs(work, base, times)
        cpu = cpu_ratios(work, base, times)
        out.append(
            Row(
                "startup",
                name,
                value,
                base_name,
                baseline,
                ratios,
                goal=goal,
                max_ratio=most,
                note=f"CPU time (user + sys) ratio, median of {times} pairs: "
                f"{statistics.median(cpu):.2f}x",
                extra={"cpu_ratios": cpu},
            )
        )

    add(
        "ceremony --help",
        Command([str(CEREMONY), "--help"]),
        'python -c "import typer"',
        Command([PYTHON, "-c", "import typer"]),
        "<= 1.2x",
        1.2,
    )
    shares = shamir_mnemonic.generate_mnemonics(1, [(2, 3)], secrets.token_bytes(32), b"", True, 1)
    two = ("\n".join(shares[0][:2]) + "\n").encode()
    if shamir_cli_works():
        add(
            "ceremony split --help",
            Command([str(CEREMONY), "split", "--help"]),
            "shamir create --help (reference CLI)",
            Command([str(SHAMIR), "create", "--help"]),
            "<= 1.5x",
            1.5,
        )
        add(
            "ceremony combine - (2 shares: proof, fingerprint)",
            Command([str(CEREMONY), "combine", "-"], stdin=two),
            "shamir recover (same 2 shares on stdin)",
            Command([str(SHAMIR), "recover"], stdin=two),
            "<= 2x",
            2.0,
        )
    else:
        print("the reference `shamir` command needs click: pip install 'shamir-mnemonic[cli]'")
    help_only = Command([str(CEREMONY), "--help"])
    for command in ("check-share", "audit"):
        add(
            f"ceremony {command} --help",
            Command([str(CEREMONY), command, "--help"]),
            "ceremony --help",
            help_only,
            "",
            None,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="7 pairs instead of 21")
    args = parser.parse_args()
    load = load_average()
    report("startup", rows(7 if args.quick else 21), load)


if __name__ == "__main__":
    main()
