"""The tests `make test` leaves to `make test-slow` (and CI runs both): whole ceremonies, lifecycle
ceremonies and demos, fixtures that make several whole kits, pseudo-terminal sessions, processes
racing for a lock, a property test over plan edits; each named here with why it is slow.

Measured with `pytest -n 2 --durations=60` (the figures in docs/testing.md). A test file's own
`@pytest.mark.slow` works too; this table keeps the choice in one place. A key is a test file, a
test in it (every parameter), or one parametrised case (`test_x[id]`, exactly as pytest names it:
the other cases stay in the fast set). tests/test_test_sets.py proves that every key names a test.

Since issue 18 (`make test` under 60 s) the fast set also leaves here what repeats, at greater cost,
what a quicker fast test of the same area already proves: property tests with many examples,
further cases of a parametrised test that spawns processes (one case stays fast), a second
sealed kit, a whole ceremony for two fields of its record.
"""

from __future__ import annotations

import pytest

COLLECTED: pytest.StashKey[frozenset[str]] = pytest.StashKey()
"""Every test id the session collected, before `-m` deselected any (set by tests/conftest.py)."""

WHOLE_CEREMONY = "runs whole guided ceremonies (every act, the paper, re-entry, read-back proof)"
KITS = "its fixtures make several whole ceremony kits"
LIFECYCLE = "extends or reshares a kit made by a whole ceremony (a whole lifecycle ceremony each)"
RECOVER_PY_VECTORS = (
    "a fresh `python -I recover.py` process for each official vector (the core's own vector"
    " tests, tests/test_vectors.py, stay in the fast set)"
)
GUIDED_PTY = "a whole guided ceremony in a pseudo-terminal (a real process), signalled mid-way"
PROPERTY = "a property test over many generated examples"
MORE_CASES = (
    "further cases of a test that runs a real process or proof for each; one case stays in the"
    " fast set"
)

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
    # issue 18: what the fast set already proves more cheaply (each figure: the test's CPU time,
    # its child processes included, in one fast run at a load average of 5)
    "tests/test_build_info.py::test_the_record_and_transcript_carry_version_and_lock": (
        WHOLE_CEREMONY + "; 2.5 s for two fields (test_split_kit proves a split kit's record)"
    ),
    "tests/test_paper_accel.py": "two whole kits rendered, with and without the accelerators",
    "tests/test_paper_record.py::test_largest_scheme_spans_pages_cleanly": (
        "a 256-share record rendered and every page read back (1.1 s)"
    ),
    "tests/test_paper_holder.py::test_words_appear_on_no_other_page_of_any_kit": (
        "reads every page of every kit back (each card's own words stay in the fast set:"
        " test_every_word_is_on_its_card_in_order)"
    ),
    "tests/test_rs1024.py::test_up_to_three_changed_words_are_always_detected": PROPERTY,
    "tests/test_rs1024.py::test_polymod_is_the_spec_function": PROPERTY,
    "tests/test_rs1024.py::test_polymod_from_zero_is_linear": PROPERTY,
    "tests/test_verify.py::test_proof_agrees_with_enumeration_on_honest_sets": PROPERTY,
    "tests/test_verify.py::test_proof_agrees_with_enumeration_on_altered_sets": PROPERTY,
    "tests/test_repair.py::test_up_to_three_erasures_are_restored_exactly": PROPERTY,
    "tests/test_repair.py::test_two_wrong_words_are_never_silently_accepted": PROPERTY,
    "tests/test_repair.py::test_one_wrong_word_and_one_erasure": PROPERTY,
    "tests/test_repair.py::test_candidates_are_well_formed": PROPERTY,
    "tests/test_startup_imports.py::test_audit_of_a_kit_without_time_lock_loads_no_vdf": (
        "writes a kit, then audits it in a fresh interpreter (1.4 s)"
    ),
    "tests/test_startup_imports.py::test_repair_and_check_share_load_neither_paper_nor_time_lock": (
        "a fresh interpreter for each of several commands (0.9 s)"
    ),
    "tests/test_split_kit.py::test_no_consent_card_writes_none_and_says_so": (
        "a second sealed kit (a 2048-bit modulus and its puzzle solved by recover.py)"
    ),
    "tests/test_split_kit.py::test_sealed_record_without_its_lock_is_not_recoverable": (
        "a third sealed kit (a 2048-bit modulus and its puzzle solved by recover.py)"
    ),
    "tests/test_recover_standalone.py::test_recover_py_runs_on_old_python": (
        "recover.py under Python 3.6 and 3.7 (when present), a process each"
    ),
    "tests/test_recover_standalone.py::test_sealed_time_lock[extendable]": MORE_CASES,
    "tests/test_consent_format.py::test_every_form_opens_the_kit_by_every_path[card-four-lines]": (
        MORE_CASES
    ),
    "tests/test_consent_format.py::test_every_form_opens_the_kit_by_every_path[card-three-lines]": (
        MORE_CASES
    ),
    "tests/test_consent_format.py::test_every_form_opens_the_kit_by_every_path[p-without-spaces]": (
        MORE_CASES
    ),
    "tests/test_consent_format.py::test_every_form_opens_the_kit_by_every_path[p-upper-case-dashes]": (
        MORE_CASES
    ),
    "tests/test_signals.py::test_a_command_at_its_prompt_has_core_dumps_off[run]": MORE_CASES,
    "tests/test_signals.py::test_a_command_at_its_prompt_has_core_dumps_off[check-share]": (
        MORE_CASES
    ),
    "tests/test_listing.py::test_the_listing_types_back_to_the_exact_program[letter]": MORE_CASES,
    "tests/test_listing.py::test_short_enough_to_retype[letter]": MORE_CASES,
    "tests/test_signals.py::test_a_command_at_its_prompt_has_core_dumps_off[combine]": MORE_CASES,
    "tests/test_signals.py::test_a_command_at_its_prompt_is_not_dumpable[combine]": MORE_CASES,
    "tests/test_signals.py::test_a_signal_at_a_prompt_exits_130_without_traceback[SIGHUP]": (
        MORE_CASES
    ),
    "tests/test_sealed_split.py::test_recover_py_matches_a_sealed_bip39_fingerprint": (
        "another sealed kit (a 2048-bit modulus, its puzzle solved by recover.py); the sealed"
        " split's own test stays in the fast set"
    ),
    "tests/test_recovery_cli.py::test_wrong_passphrase_is_not_the_recorded_secret": (
        "a whole time-locked recovery through the CLI; tests/test_recovery.py's test of the same"
        " refusal stays in the fast set"
    ),
    "tests/test_recovery_cli.py::test_record_that_does_not_match_the_shares": (
        "a whole time-locked recovery through the CLI; tests/test_recovery.py's test of the same"
        " refusal stays in the fast set"
    ),
    **{
        f"tests/test_bad_input_corpus.py::test_a_damaged_segment_is_redone_not_a_crash[wait-{label}]": (
            MORE_CASES + " (a delay computed again)"
        )
        for label in (
            "a segment has 1e999",
            "a segment has a duplicate key",
            "a segment is a directory",
            "a segment nested deep",
        )
    },
}


def slow_reason(nodeid: str) -> str | None:
    """Why the test `nodeid` is slow, or None."""
    path, _, name = nodeid.partition("::")
    return SLOW.get(path) or SLOW.get(nodeid) or SLOW.get(f"{path}::{name.split('[')[0]}")
