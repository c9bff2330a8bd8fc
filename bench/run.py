"""Run every benchmark in this folder; each prints its table and writes bench/results/NAME.json.

Ratios are measured against baselines in the same run; nothing here is a pass/fail test.
Run: .venv/bin/python bench/run.py [NAME ...]   (NAME: verify, repair, paper, timelock, audit, lifecycle)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ("verify", "repair", "paper", "timelock", "audit", "lifecycle")


def main(names: list[str]) -> int:
    chosen = names or [n for n in ORDER if (HERE / f"{n}.py").exists()]
    failed = []
    for name in chosen:
        print(f"\n=== bench/{name}.py ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
