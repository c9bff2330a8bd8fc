"""The tests `make test` leaves to `make test-slow` (and CI runs both): whole ceremonies, lifecycle
ceremonies and demos, fixtures that make several whole kits, pseudo-terminal sessions, processes
racing for a lock, a property test over plan edits; each named here with why it is slow.

Measured with `pytest -n 2 --durations=60` (the figures in docs/testing.md). A test file's own `@pytest.mark.slow` works too; this table keeps the choice
in one place. A key is a test file, or a test in it (without its parameters).
"""

from __future__ import annotations

WHOLE_CEREMONY = "runs whole guided ceremonies (every act, the paper, re-entry, read-back proof)"
KITS = "its fixtures make several whole ceremony kits"
LIFECYCLE = "extends or reshares a kit made by a whole ceremony (a whole lifecycle ceremony each)"
RECOVER_PY_VECTORS = (
    "a fresh `python -I recover.py` process for each official vector (the core's own vector"
    " tests, tests/test_vectors.py, stay in the fast set)"
)
GUIDED_PTY = "a whole guided ceremony in a pseudo-terminal (a real process), signalled mid-way"

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
    "tests/test_audit.py": KITS + " (small, DEMO and sealed, with recovery sessions)",
    "tests/test_audit_cli.py": KITS + " (small, DEMO with a session, and another)",
    "tests/test_combine_record.py": KITS + " (DEMO with a session, small, and another)",
    "tests/test_recover_standalone.py::test_official_slip39_vectors": RECOVER_PY_VECTORS,
    "tests/test_recover_standalone.py::test_bip39_vectors": RECOVER_PY_VECTORS,
    "tests/test_audit_recoverable.py": KITS,
    "tests/test_audit_anchors.py": KITS,
    "tests/test_audit_tampering.py": KITS,
    "tests/test_audit_pdfs.py": KITS,
    "tests/test_attest.py": KITS,
    "tests/test_lifecycle_audit.py": KITS,
    "tests/test_printed_commands.py": (
        "its kits are two whole ceremonies and two splits, every PDF read back; each printed"
        " command then runs against a copy (the runbook commands render every runbook)"
    ),
    "tests/test_lifecycle_readback.py": LIFECYCLE + ", its new cards read back",
    "tests/test_lifecycle_cli.py::test_extend_from_an_answers_file": LIFECYCLE,
    "tests/test_lifecycle_cli.py::test_extend_without_a_terminal_or_answers_is_refused": LIFECYCLE,
    "tests/test_lifecycle_cli.py::test_each_command_refuses_the_other_kind": LIFECYCLE,
    "tests/test_lifecycle_cli.py::test_an_amendment_for_another_record_exits_4": LIFECYCLE,
    "tests/test_lifecycle_cli.py::test_a_member_beyond_sixteen_is_refused_by_the_parser": LIFECYCLE,
    "tests/test_lifecycle_cli.py::test_a_misspelt_kind_is_named_with_its_line": LIFECYCLE,
    "tests/test_ceremony.py::test_scripted_ceremony_leaves_a_complete_kit": WHOLE_CEREMONY,
    "tests/test_ceremony.py::test_cli_run_with_answers": WHOLE_CEREMONY,
    "tests/test_ceremony.py::test_the_kits_recover_py_recovers_the_recorded_secret": WHOLE_CEREMONY,
    "tests/test_sealed_split.py::test_sealed_ceremony_records_the_lock_and_writes_a_consent_card": (
        WHOLE_CEREMONY
    ),
    "tests/test_calibration_shown.py::test_a_busy_ceremony_warns_records_every_sample_and_prints_the_spread": (
        WHOLE_CEREMONY
    ),
    "tests/test_passphrase_strength.py::test_scripted_run_warns_and_keeps_the_passphrase_out_of_the_kit": (
        WHOLE_CEREMONY
    ),
    "tests/test_passphrase_strength.py::test_guided_run_asks_again_after_a_weak_passphrase": (
        WHOLE_CEREMONY
    ),
    "tests/test_signals.py::test_a_signal_during_the_ceremony_removes_every_secret_file": GUIDED_PTY,
    "tests/test_signals.py::test_closing_the_terminal_removes_every_secret_file": GUIDED_PTY,
    "tests/test_locks.py::test_a_second_unlock_wait_or_cancel_is_refused_while_one_unlock_runs": (
        "a time-locked kit, then real unlock processes in pseudo-terminals racing for its lock"
    ),
    "tests/test_locks.py::test_a_second_ceremony_into_the_same_kit_is_refused": (
        "two real ceremony processes in pseudo-terminals racing for one kit"
    ),
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
    "tests/test_runbook_pdf.py::test_command_renders_refuses_and_checks": (
        "renders every runbook several times"
    ),
    "tests/test_runbook_pdf.py::test_same_record_same_bytes": (
        "renders every runbook twice on each paper size"
    ),
}


def slow_reason(nodeid: str) -> str | None:
    """Why the test `nodeid` is slow, or None."""
    path, _, name = nodeid.partition("::")
    return SLOW.get(path) or SLOW.get(f"{path}::{name.split('[')[0]}")
