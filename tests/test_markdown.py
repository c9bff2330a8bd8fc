"""The runbook Markdown parser (markdown-it-py underneath): inline marks as styled pieces, and the
CommonMark rules the runbooks rely on."""

from __future__ import annotations

from ceremony.markdown import inline, parse, plain_text
from ceremony.model.runbook import Piece, Steps


def test_inline_marks_become_pieces_of_one_style() -> None:
    assert inline("run **`ceremony audit`** then *check* `KIT` \\*twice\\*") == [
        Piece("run ", "plain"),
        Piece("ceremony audit", "code"),
        Piece(" then ", "plain"),
        Piece("check", "soft"),
        Piece(" ", "plain"),
        Piece("KIT", "code"),
        Piece(" *twice*", "plain"),
    ]


def test_text_prints_as_written() -> None:
    """No links, entities, raw HTML or stray emphasis: a fact is printed as it was typed."""
    for text in ("2 * 3 = 6", "[a](b)", "A &amp; B", "<b>x</b>", "snake_case_name", "______"):
        assert plain_text(text) == text


def test_steps_keep_their_own_numbers_and_who_acts() -> None:
    runbook = parse(
        "t", "# T\n\n## Act 2: Do\n\n3. **Witness**: Look.\n   *Check:* It is\n   there.\n"
    )
    (block,) = runbook.sections[0].blocks
    assert isinstance(block, Steps)
    (step,) = block.steps
    assert (step.id, step.who, step.text, step.check) == ("2.3", "Witness", "Look.", "It is there.")


def test_a_directive_names_the_table_that_follows_it() -> None:
    runbook = parse("t", "# T\n\n## S\n\n<!-- table: holders -->\n\n| A |\n|---|\n| x |\n")
    (table,) = runbook.sections[0].blocks
    assert getattr(table, "kind", None) == "holders"
