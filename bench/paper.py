"""Benchmark: rendering holder kits and the public record.

Measures seconds per holder kit (33-word share, A4 and Letter), seconds for a small record, and the
largest scheme SLIP-39 allows (16 groups of 16: 256 holder kits plus a 256-row record) from start
to finish, with page counts. Target for the largest scheme: under 20 s on a 2-core machine.
The content is specimen content (fake words), rendered exactly as a ceremony renders it.

Run: .venv/bin/python bench/paper.py   (results in bench/results/paper.json)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import statistics
import time
from pathlib import Path

import pypdf

from ceremony.core.slip39 import wordlist
from ceremony.paper.content import PaperSize
from ceremony.paper.fonts import register
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.record import render_record
from ceremony.paper.specimen import SpecimenGroup, specimen_kits, specimen_record

RESULTS = Path(__file__).parent / "results"
RUNS = 20
TARGET_LARGEST_S = 20.0
SMALL = (
    SpecimenGroup("treasury", 3, 5),
    SpecimenGroup("family", 2, 3),
    SpecimenGroup("notary", 1, 1),
)
LARGEST = tuple(SpecimenGroup(f"group-{index:02d}", 9, 16) for index in range(16))


def pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def per_kit(size: PaperSize) -> tuple[float, int]:
    kits = specimen_kits(wordlist(), SMALL, 2, words=33)
    times = []
    for run in range(RUNS):
        kit = kits[run % len(kits)]
        start = time.perf_counter()
        pdf = render_holder_kit(kit, size)
        times.append(time.perf_counter() - start)
    return statistics.median(times), pages(pdf)


def small_record(size: PaperSize) -> tuple[float, int]:
    kits = specimen_kits(wordlist(), SMALL, 2, words=33)
    hashes = [hashlib.sha256(kit.card.holder.encode()).hexdigest() for kit in kits]
    sheet = specimen_record(kits, hashes, wordlist(), groups=SMALL)
    times = []
    for _ in range(RUNS // 4):
        start = time.perf_counter()
        pdf = render_record(sheet, size)
        times.append(time.perf_counter() - start)
    return statistics.median(times), pages(pdf)


def largest(size: PaperSize) -> dict[str, float | int]:
    start = time.perf_counter()
    kits = specimen_kits(wordlist(), LARGEST, 9, words=33)
    pdfs = [render_holder_kit(kit, size) for kit in kits]
    kits_done = time.perf_counter()
    hashes = [hashlib.sha256(pdf).hexdigest() for pdf in pdfs]
    sheet = specimen_record(kits, hashes, wordlist(), groups=LARGEST)
    record = render_record(sheet, size)
    done = time.perf_counter()
    return {
        "kits": len(pdfs),
        "kits_s": kits_done - start,
        "record_s": done - kits_done,
        "total_s": done - start,
        "kit_pages": pages(pdfs[0]),
        "record_pages": pages(record),
        "kit_bytes": len(pdfs[0]),
        "record_bytes": len(record),
    }


def main() -> None:
    start = time.perf_counter()
    register()
    fonts_s = time.perf_counter() - start
    results: dict[str, object] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "runs": RUNS,
        "share_words": 33,
        "font_registration_s": fonts_s,
        "target_largest_s": TARGET_LARGEST_S,
    }
    rows = [("font registration, once per process", fonts_s, "")]
    for size in PaperSize:
        kit_s, kit_pages = per_kit(size)
        record_s, record_pages = small_record(size)
        big = largest(size)
        results[str(size)] = {
            "holder_kit_s": kit_s,
            "holder_kit_pages": kit_pages,
            "record_9_rows_s": record_s,
            "record_9_rows_pages": record_pages,
            "largest": big,
        }
        rows.extend(
            [
                (f"{size}: one holder kit (median)", kit_s, f"{kit_pages} pages"),
                (f"{size}: record, 9 shares (median)", record_s, f"{record_pages} pages"),
                (
                    f"{size}: 256 holder kits",
                    float(big["kits_s"]),
                    f"{big['kit_pages']} pages each",
                ),
                (
                    f"{size}: record, 256 shares",
                    float(big["record_s"]),
                    f"{big['record_pages']} pages",
                ),
                (
                    f"{size}: largest scheme, total",
                    float(big["total_s"]),
                    f"target < {TARGET_LARGEST_S:.0f} s",
                ),
            ]
        )
    print(f"{'what':<44} {'seconds':>10}  note")
    for name, seconds, note in rows:
        print(f"{name:<44} {seconds:>10.3f}  {note}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "paper.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
