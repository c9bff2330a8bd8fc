"""The tests `make test` leaves to `make test-slow` (and CI runs both): whole ceremonies, whole
demos, pseudo-terminal sessions and property tests, each named here with why it is slow.

Measured with `pytest -n 2 --durations=80` over the whole suite (the figures in
docs/testing.md). A test file's own `@pytest.mark.slow` works too; this table keeps the choice
in one place. A key is a test file, or a test in it (without its parameters).
"""

from __future__ import annotations

WHOLE_CEREMONY = "runs whole guided ceremonies (every act, the paper, re-entry, read-back proof)"
KITS = "its fixtures make several whole ceremony kits"

SLOW: dict[str, str] = {
    "tests/test_bundle.py": "builds the offline bundle, installs it in a fresh venv, runs the demo",
    "tests/test_demo.py": "the whole demo: a ceremony and a time-locked recovery",
    "tests/test_reproducible.py": "two whole demo kits compared byte for byte",
    "tests/test_golden_pdfs.py": "the whole DEMO kit and the stress plan's documents, hashed",
    "tests/test_kit_matrix.py": "eight kits, each recovered by every documented path",
    "tests/test_paper_stress.py": "every document of the stress plan on two paper sizes",
    "tests/test_faults.py": "a whole ceremony killed at each crash point, then run again",
    "tests/test_recovery_pty.py": "recoveries driven in a pseudo-terminal",
    "tests/test_lifecycle_pty.py": "extend and reshare ceremonies driven in a pseudo-terminal",
    "tests/test_ceremony_pty.py": "the guided ceremony driven in a pseudo-terminal",
    "tests/test_dice_pty.py": "a ceremony with dice driven in a pseudo-terminal",
    "tests/test_leftovers.py": WHOLE_CEREMONY,
    "tests/test_ceremony_final.py": WHOLE_CEREMONY,
    "tests/test_ceremony_custody.py": WHOLE_CEREMONY,
    "tests/test_printable.py": WHOLE_CEREMONY,
    "tests/test_lifecycle_extend.py": WHOLE_CEREMONY,
    "tests/test_lifecycle_reshare.py": WHOLE_CEREMONY,
    "tests/test_lifecycle_python_slip39.py": WHOLE_CEREMONY,
    "tests/test_audit_recoverable.py": KITS,
    "tests/test_audit_anchors.py": KITS,
    "tests/test_audit_tampering.py": KITS,
    "tests/test_audit_pdfs.py": KITS,
    "tests/test_attest.py": KITS,
    "tests/test_lifecycle_audit.py": KITS,
    "tests/test_ceremony.py::test_ctrl_c_leaves_only_an_aborted_transcript": WHOLE_CEREMONY,
    "tests/test_ceremony.py::test_public_outputs_hold_no_secret": WHOLE_CEREMONY,
    "tests/test_plan.py::test_any_edit_gives_a_plan_or_a_bad_input": "a property test over edits",
    "tests/test_startup_imports.py::test_every_cli_module_imports_on_its_own": (
        "a fresh interpreter for every CLI module"
    ),
    "tests/test_runbook_pdf.py::test_runbooks_filled_before_sealing_are_stale": WHOLE_CEREMONY,
    "tests/test_runbook_pdf.py::test_render_runbooks_writes_refuses_and_checks": (
        "renders every runbook several times"
    ),
}


def slow_reason(nodeid: str) -> str | None:
    """Why the test `nodeid` is slow, or None."""
    path, _, name = nodeid.partition("::")
    return SLOW.get(path) or SLOW.get(f"{path}::{name.split('[')[0]}")
