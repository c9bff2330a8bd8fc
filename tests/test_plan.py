"""The ceremony plan: the example is valid, and every kind of bad input names its field and line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremony.errors import BadInput
from ceremony.model.paper import PaperSize
from ceremony.model.plan import EntropySource, PassphrasePolicy, Plan, RecoveryMode
from ceremony.model.scheme import SecretKind
from ceremony.paper.wording import template_path
from ceremony.planfile.plan import load_plan, parse_duration, parse_plan
from ceremony.planfile.positions import line_index
from tests.helpers.plans import MINIMAL


def parse(text: str) -> Plan:
    return parse_plan(text.encode(), source="plan.toml")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in the text")


def error_of(text: str) -> BadInput:
    with pytest.raises(BadInput) as caught:
        parse(text)
    assert caught.value.hint
    return caught.value


# --- valid plans ---------------------------------------------------------------------------------


def test_the_annotated_example_is_a_valid_plan() -> None:
    path = template_path("plan-example.toml")
    plan = load_plan(path)
    assert plan.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert plan.name == "Example Co treasury cold wallet"
    assert [g.name for g in plan.groups] == ["treasury", "directors", "escrow"]
    assert plan.scheme.summary() == (
        "2 of 3 groups needed: treasury=2of3, directors=2of3, escrow=1of1"
    )
    assert plan.entropy.source is EntropySource.CSPRNG_AND_DICE
    assert plan.recovery.delay_seconds == 72 * 3600
    assert plan.roles.witnesses == ("Wendy Example", "Walter Example")
    assert plan.paper_size is PaperSize.A4
    assert not plan.demo
    assert plan.warnings() == ()
    assert len(plan.hash_words.split()) == 12


def test_the_example_explains_every_field_it_sets() -> None:
    text = template_path("plan-example.toml").read_text()
    lines = text.splitlines()
    for path in line_index(text):
        if len(path) == 2 and isinstance(path[1], str):
            line = line_index(text)[path]
            assert lines[line - 2].lstrip().startswith("#") or path[0] == "groups", path


def test_minimal_plan_fills_the_defaults() -> None:
    plan = parse(MINIMAL)
    assert plan.secret.kind is SecretKind.SLIP39
    assert plan.secret.passphrase is PassphrasePolicy.NONE
    assert plan.secret.iteration_exponent == 1
    assert plan.secret.extendable is True
    assert plan.entropy.source is EntropySource.CSPRNG
    assert plan.entropy.dice_sides == 6
    assert plan.recovery.mode is RecoveryMode.EVIDENCED
    assert (plan.recovery.delay, plan.recovery.attacker_speedup) == ("72h", 10)
    assert plan.recovery.consent_card is False
    assert plan.roles.auditor is None
    assert plan.paper_size is PaperSize.A4
    assert plan.output_directory == "kit"
    assert plan.groups[0].holders[1].contact == ""
    assert plan.minimum_holders == 3
    assert plan.scheme.share_count == 4
    assert plan.scheme.groups[0].holders == ("Alice", "Bob", "Carol")
    assert "no auditor is named" in plan.warnings()


def test_to_dict_is_json_and_carries_the_hash() -> None:
    plan = parse(MINIMAL)
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["sha256"] == hashlib.sha256(MINIMAL.encode()).hexdigest()
    assert data["hash_words"] == plan.hash_words
    assert data["groups"][0]["holders"][0] == {"name": "Alice", "contact": "alice@example.org"}
    assert data["words_per_share"] == 20


def test_any_change_to_the_bytes_is_a_different_plan() -> None:
    assert parse(MINIMAL).sha256 != parse(MINIMAL + "\n").sha256
    assert parse(MINIMAL) != parse(MINIMAL + "# note\n")


def test_a_byte_order_mark_is_accepted_and_hashed() -> None:
    data = b"\xef\xbb\xbf" + MINIMAL.encode()
    plan = parse_plan(data)
    assert plan.sha256 == hashlib.sha256(data).hexdigest()


def test_holders_as_an_array_of_tables_are_accepted() -> None:
    text = MINIMAL.replace(
        'holders = [ { name = "Dan" } ]', '[[groups.holders]]\nname = "Dan"\ncontact = "x"'
    )
    plan = parse(text)
    assert plan.groups[1].holders[0].contact == "x"


def test_a_single_holder_who_can_recover_alone_is_warned_about() -> None:
    text = MINIMAL.replace("group_threshold = 2", "group_threshold = 1")
    assert "a single holder can recover the secret alone" in parse(text).warnings()


def test_demo_and_risky_choices_are_warned_about() -> None:
    text = (
        MINIMAL.replace('name = "Test ceremony"', 'name = "T"\ndemo = true')
        .replace("group_threshold = 2", 'group_threshold = 2\npassphrase = "prompt"')
        .replace(
            "[roles]", '[recovery]\nmode = "none"\n\n[entropy]\nsource = "dice-only"\n\n[roles]'
        )
    )
    warnings = " | ".join(parse(text).warnings())
    for phrase in ("DEMO", "passphrase is not in the shares", "dice-only", "no recovery delay"):
        assert phrase in warnings


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("72h", 259200), ("3d", 259200), ("1w 2d", 777600), ("90m", 5400), ("45s", 45), ("2H", 7200)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "72", "h", "3 days", "1.5h", "-1h", "72h!"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


# --- bad input: each error names the field and the line -----------------------------------------


def test_missing_section() -> None:
    text = MINIMAL.replace("[roles]", "[people]")
    error = error_of(text)
    assert f"line {line_of(text, '[people]')}: unknown key 'people'" in error.message
    text = MINIMAL.replace('[ceremony]\nname = "Test ceremony"\n', "")
    assert "the [ceremony] section is missing" in error_of(text).message


def test_missing_field_points_at_its_table() -> None:
    text = MINIMAL.replace("strength = 128\n", "")
    error = error_of(text)
    assert error.message == (
        f"plan.toml, line {line_of(text, '[secret]')}: secret.strength is missing"
    )


def test_missing_field_in_the_second_group() -> None:
    text = MINIMAL.replace("threshold = 1\n", "")
    error = error_of(text)
    assert f"line {line_of(text, '[[groups]]', 2)}: groups[2].threshold is missing" in error.message


def test_missing_holder_name() -> None:
    text = MINIMAL.replace('{ name = "Bob" }', '{ contact = "bob@example.org" }')
    error = error_of(text)
    assert f"line {line_of(text, 'bob@')}: groups[1].holders[2].name is missing" in error.message


def test_typo_in_a_key_is_caught_with_a_suggestion() -> None:
    text = MINIMAL.replace("\nthreshold = 2\n", "\ntreshold = 2\n")
    error = error_of(text)
    assert error.message == (
        f"plan.toml, line {line_of(text, 'treshold')}: unknown key 'groups[1].treshold'; "
        "did you mean 'threshold'?"
    )
    assert "threshold" in error.hint


@pytest.mark.parametrize(
    ("old", "new", "needle", "guess"),
    [
        ("[secret]", "[secrets]", "[secrets]", "secret"),
        ('{ name = "Bob" }', '{ nmae = "Bob" }', "nmae", "name"),
        ("strength = 128", "strength = 128\niteration_exponnent = 1", "exponnent", "iteration"),
        ("[roles]", '[roles]\nauditr = "Ursula"', "auditr", "auditor"),
    ],
)
def test_unknown_keys_anywhere(old: str, new: str, needle: str, guess: str) -> None:
    text = MINIMAL.replace(old, new)
    error = error_of(text)
    assert f"line {line_of(text, needle)}:" in error.message
    assert "unknown key" in error.message
    assert f"did you mean '{guess}" in error.message


def test_duplicate_holder_names_across_groups() -> None:
    text = MINIMAL.replace('{ name = "Dan" }', '{ name = " alice " }')
    error = error_of(text)
    assert f"line {line_of(text, 'alice ')}: holder 'alice'" in error.message
    assert "groups[1].holders[1].name" in error.message


def test_duplicate_holder_names_compare_unicode_forms() -> None:
    text = MINIMAL.replace('"Alice"', '"Zo\\u00eb"').replace('"Dan"', '"Zoe\\u0308"')
    assert "already named" in error_of(text).message


@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ("\nthreshold = 2", "\nthreshold = 4", "threshold = 4", "threshold 4 is above its 3"),
        ("\nthreshold = 2", "\nthreshold = 1", "threshold = 1", "a threshold of 1 with 3 members"),
        ("\nthreshold = 2", "\nthreshold = 0", "threshold = 0", "threshold must be at least 1"),
        ("group_threshold = 2", "group_threshold = 3", "group_threshold", "above the 2 groups"),
        ("group_threshold = 2", "group_threshold = 0", "group_threshold", "at least 1"),
        ("strength = 128", "strength = 100", "strength", "128 to 256 bits"),
        ("strength = 128", 'strength = 144\nkind = "bip39"', "strength", "no BIP-39 phrase"),
        ("strength = 128", "strength = 128\niteration_exponent = 16", "iteration_exp", "0 to 15"),
        ('{ name = "Dan" }', "", "holders = [  ]", "holders is empty"),
    ],
)
def test_impossible_schemes(old: str, new: str, needle: str, words: str) -> None:
    text = MINIMAL.replace(old, new, 1)
    error = error_of(text)
    assert f"line {line_of(text, needle)}:" in error.message, error.message
    assert words in error.message


def test_too_many_holders_and_groups() -> None:
    holders = ", ".join(f'{{ name = "H{i}" }}' for i in range(17))
    text = MINIMAL.replace('{ name = "Dan" }', holders)
    assert "17 holders; SLIP-39 allows at most 16" in error_of(text).message
    group = '[[groups]]\nname = "g{i}"\nthreshold = 1\nholders = [ {{ name = "P{i}" }} ]\n'
    text = MINIMAL + "".join(group.format(i=i) for i in range(15))
    error = error_of(text)
    assert "17 groups; SLIP-39 allows at most 16" in error.message
    seventeenth = line_of(text, 'name = "g14"') - 1
    assert f"line {seventeenth}:" in error.message


@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ("strength = 128", 'strength = "128"', "strength", "must be a whole number, not text"),
        ("strength = 128", "strength = true", "strength", "whole number, not true or false"),
        ("strength = 128", "strength = 128.0", "strength", "not a decimal number"),
        ('name = "Test ceremony"', "name = 7", "name = 7", "must be text in quotes"),
        ('name = "Test ceremony"', 'name = "T"\ndemo = "yes"', "demo", "true or false, not text"),
        (
            'holders = [ { name = "Dan" } ]',
            'holders = "Dan"',
            'holders = "Dan"',
            "a list of holders",
        ),
        ('{ name = "Dan" }', '"Dan"', '[ "Dan" ]', "must be a table, not text"),
        ('witnesses = ["Wendy"]', 'witnesses = "Wendy"', "witnesses", "must be a list"),
        (
            'witnesses = ["Wendy"]',
            "witnesses = [1]",
            "witnesses",
            "roles.witnesses[1] must be text",
        ),
        ('directory = "kit"', "directory = 2024-01-01", "directory", "not a date or time"),
        ("[ceremony]", 'paper = "A4"\n[ceremony]', 'paper = "A4"', "paper must be a table"),
    ],
)
def test_wrong_types(old: str, new: str, needle: str, words: str) -> None:
    text = MINIMAL.replace(old, new, 1)
    error = error_of(text)
    assert f"line {line_of(text, needle)}:" in error.message, error.message
    assert words in error.message


def test_groups_written_as_a_single_table() -> None:
    text = MINIMAL.split("[[groups]]")[0] + '[groups]\nname = "x"\n\n[roles]\nadministrator = "O"\n'
    text += '[output]\ndirectory = "k"\n'
    error = error_of(text)
    assert f"line {line_of(text, '[groups]')}: groups must be a list of tables" in error.message
    assert "[[groups]]" in error.hint


@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ('name = "board"', 'name = "Treasury"', "Treasury", "also the name of groups[1]"),
        ('name = "board"', 'name = "the board"', "the board", "not usable as a group name"),
        ('witnesses = ["Wendy"]', 'witnesses = ["Wendy", "wendy"]', "witnesses", "listed twice"),
        ("[roles]", '[paper]\nsize = "A5"\n[roles]', "A5", "not a known choice"),
        ("[roles]", "[entropy]\ndice_sides = 1\n[roles]", "dice_sides", "is not a die"),
        ("[roles]", '[entropy]\nsource = "dice"\n[roles]', "dice", "did you mean"),
        ("[roles]", '[recovery]\ndelay = "3 days"\n[roles]', "3 days", "is not a duration"),
        ("[roles]", "[recovery]\ndelay = 72\n[roles]", "delay", "must be text in quotes"),
        ("[roles]", '[recovery]\ndelay = "0h"\n[roles]', "0h", "more than zero"),
        ("[roles]", "[recovery]\nattacker_speedup = 0\n[roles]", "speedup", "outside 1 to"),
        ("[roles]", "[recovery]\nconsent_card = true\n[roles]", "consent", 'needs mode = "sealed"'),
        ('name = "Test ceremony"', 'name = "  "', 'name = "  "', "ceremony.name is empty"),
        ('"Bob"', '"Bob\\u202Eevil"', "Bob", "invisible control character (U+202E)"),
        ('"Bob"', '"""Bob\nSmith"""', "Bob", "control character (U+000A)"),
        ('name = "Test ceremony"', 'name = "' + "x" * 101 + '"', "xxx", "longer than 100"),
    ],
)
def test_bad_values(old: str, new: str, needle: str, words: str) -> None:
    text = MINIMAL.replace(old, new, 1)
    error = error_of(text)
    assert f"line {line_of(text, needle)}:" in error.message, error.message
    assert words in error.message


def test_sealed_lock_with_a_typed_passphrase_is_refused() -> None:
    text = MINIMAL.replace("group_threshold = 2", 'group_threshold = 2\npassphrase = "prompt"')
    text = text.replace("[roles]", '[recovery]\nmode = "sealed"\n[roles]')
    error = error_of(text)
    assert f"line {line_of(text, 'passphrase')}:" in error.message
    assert "sealed" in error.message


def test_sealed_lock_with_a_consent_card_is_valid() -> None:
    text = MINIMAL.replace("[roles]", '[recovery]\nmode = "sealed"\nconsent_card = true\n[roles]')
    assert parse(text).recovery.consent_card


def test_choices_ignore_case() -> None:
    text = MINIMAL.replace("[roles]", '[paper]\nsize = "letter"\n[roles]')
    assert parse(text).paper_size is PaperSize.LETTER


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[ceremony]\nname = "x\n', "line 2, column"),
        ("[ceremony]\nname = \n", "line 2, column 8: not valid TOML: invalid value"),
        ('[ceremony]\nname = "a"\nname = "b"\n', "line 3, column"),
        ("[ceremony\n", "line 1, column"),
        ('name = """never closed', "at the end: not valid TOML"),
    ],
)
def test_invalid_toml_reports_line_and_column(text: str, words: str) -> None:
    error = error_of(text)
    assert words in error.message
    assert error.message.startswith("plan.toml")


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_plans(text: str) -> None:
    error = error_of(text)
    assert "empty" in error.message or "no settings" in error.message
    assert "plan new" in error.hint


def test_non_utf8_names_the_line() -> None:
    data = MINIMAL.replace("Bob", "B\x00b").encode().replace(b"B\x00b", b"B\xe9b")
    with pytest.raises(BadInput, match=r"line 13: the plan is not UTF-8"):
        parse_plan(data, source="plan.toml")


def test_unreadable_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read the plan"):
        load_plan(tmp_path / "missing.toml")
    with pytest.raises(BadInput, match="cannot read the plan"):
        load_plan(tmp_path)
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (1 << 20) + b"\n")
    with pytest.raises(BadInput, match="larger than"):
        load_plan(big)


# --- the line finder ------------------------------------------------------------------------------


def test_line_finder_is_not_fooled_by_strings_and_comments() -> None:
    text = """\
# [[groups]] in a comment
[ceremony]
name = "a [[groups]] # b = 'c'"
note = '''
[[groups]]
name = "fake"
'''

[[groups]]  # the real one
"name" = "one"
holders = [
  # a comment inside a list
  { name = "A, B", contact = "x]y" },

  { name = "C" },
]
"""
    index = line_index(text)
    assert index[("ceremony", "name")] == 3
    assert index[("ceremony", "note")] == 4
    assert index[("groups", 0)] == 9
    assert index[("groups", 0, "name")] == 10
    assert index[("groups", 0, "holders", 0, "contact")] == 13
    assert index[("groups", 0, "holders", 1)] == 15
    assert ("groups", 1) not in index


def test_line_finder_survives_nonsense() -> None:
    assert line_index("[a]\nb = 1\n= = =\n") == {("a",): 1, ("a", "b"): 2}


def test_windows_line_endings() -> None:
    text = MINIMAL.replace("\nthreshold = 2\n", "\ntreshold = 2\n").replace("\n", "\r\n")
    assert "line 10: unknown key 'groups[1].treshold'" in error_of(text).message
    assert parse(MINIMAL.replace("\n", "\r\n")).groups[0].threshold == 2


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(MINIMAL) - 1), st.integers(0, 8), st.text(max_size=3))
def test_any_edit_gives_a_plan_or_a_bad_input(start: int, length: int, insert: str) -> None:
    text = MINIMAL[:start] + insert + MINIMAL[start + length :]
    try:
        parse(text)
    except BadInput as error:
        hint = error.hint
    else:
        hint = "valid"
    assert hint


# --- contacts ------------------------------------------------------------------------------------


def test_roles_may_carry_contact_details() -> None:
    text = MINIMAL.replace(
        'administrator = "Olivia"\nwitnesses = ["Wendy"]',
        'administrator = { name = "Olivia", contact = "+44 20 7946 0000" }\n'
        'witnesses = [{ name = "Wendy", contact = "wendy@example.org" }, "Walter"]\n'
        'auditor = { name = "Ursula" }',
    )
    plan = parse(text)
    assert plan.roles.administrator == "Olivia"
    assert plan.roles.witnesses == ("Wendy", "Walter")
    assert plan.roles.auditor == "Ursula"
    assert plan.roles.contact("Olivia") == "+44 20 7946 0000"
    assert plan.roles.contact("Wendy") == "wendy@example.org"
    assert plan.roles.contact("Walter") == ""
    assert plan.roles.contact("Ursula") == ""


@pytest.mark.parametrize(
    ("contact", "problem"),
    [
        ("alice@example", "is not an e-mail address"),
        ("alice@@example.org", "is not an e-mail address"),
        ("+1 555", "has 4 digits, not a telephone number"),
        ("+1 555 0100 0100 0100 0100", "has 20 digits"),
    ],
)
def test_a_mistyped_contact_is_refused(contact: str, problem: str) -> None:
    text = MINIMAL.replace('contact = "alice@example.org"', f'contact = "{contact}"')
    error = error_of(text)
    assert problem in error.message
    assert "groups[1].holders[1].contact" in error.message
    assert f"line {line_of(text, contact)}" in error.message
    role = MINIMAL.replace(
        'administrator = "Olivia"', f'administrator = {{ name = "Olivia", contact = "{contact}" }}'
    )
    assert "roles.administrator.contact" in error_of(role).message


@pytest.mark.parametrize(
    "contact", ["alice@example.org", "+1 555 0100", "(020) 7946-0000", "via the law firm, desk 4"]
)
def test_ordinary_contacts_are_accepted(contact: str) -> None:
    plan = parse(MINIMAL.replace('contact = "alice@example.org"', f'contact = "{contact}"'))
    assert plan.groups[0].holders[0].contact == contact


def test_a_role_table_takes_only_name_and_contact() -> None:
    text = MINIMAL.replace(
        'administrator = "Olivia"', 'administrator = { name = "Olivia", phone = "1" }'
    )
    assert "unknown key 'roles.administrator.phone'" in error_of(text).message
