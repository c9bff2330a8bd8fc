"""SECRET HANDLING. Dice rolls typed by a witness: reading them, the roll minimum, health tests.

In dice-only mode the rolls alone determine the master secret, so `DiceRolls` redacts its repr and
no message of this module quotes a roll of a set that passed. Messages about a set that failed may
name a face: those rolls are discarded.

Input form (see also `DiceRolls.dice_string`, the canonical form that is hashed):
- dice with 2 to 9 sides: one ASCII digit per roll; spaces, tabs and line breaks anywhere.
- dice with 10 to 100 sides: each roll a decimal number (leading zeros allowed, so percentile
  dice may be typed 05), separated by spaces, line breaks, or a comma with optional spaces.
  Two commas with no number between them are an error: a roll was probably forgotten.
A roll is 1 to the number of sides. A d10 face marked 0 is typed 10, percentile 00 is typed 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import NoReturn

from ceremony.errors import BadInput

MIN_SIDES = 2
MAX_SIDES = 100
DEFAULT_SIDES = 6
SINGLE_DIGIT_MAX_SIDES = 9
"""Dice with up to 9 sides are typed one digit per roll; larger dice need separators."""
SPACES = " \t\r\n"
"""ASCII spaces, tabs and line breaks; other blanks (a no-break space from a word processor) are
reported, because the witness cannot see what they are."""
MAX_INPUT_CHARS = 100_000
"""A dice file holds only rolls (256 bits are 100 d6 rolls); a file this large is the wrong one."""

ALPHA_EXPONENT = 20
"""SP 800-90B health-test false-alarm rate alpha = 2^-20 (about one in a million), per test."""
APT_STANDARD_WINDOW = 512
APT_STANDARD_WINDOW_BINARY = 1024
CHI_SQUARE_FAIL_BELOW = 0.001
"""Fair dice fail the chi-square test in about one set in a thousand (see `chi_square_test`)."""
CHI_SQUARE_MIN_EXPECTED = 2
"""The chi-square test runs when each face is expected at least this often (`chi_square_test`)."""

RETRY_HINT = (
    "roll again: discard these rolls and roll a fresh set; check that the dice are ordinary "
    "fair dice and that every roll is typed exactly once"
)


def check_sides(sides: int) -> int:
    """The number of sides, if it names a usable die."""
    if sides == 1:
        raise BadInput(
            "a die with 1 side always shows the same face and gives no randomness",
            "use --sides 6 for ordinary dice, or the number of faces of your dice (2 to 100)",
        )
    if not MIN_SIDES <= sides <= MAX_SIDES:
        raise BadInput(
            f"dice with {sides} sides are not supported",
            f"use --sides with the number of faces of your dice, {MIN_SIDES} to {MAX_SIDES} "
            "(6 for ordinary dice)",
        )
    return sides


def minimum_rolls(strength_bits: int, sides: int) -> int:
    """ceil(bits / log2(sides)), computed exactly: the fewest rolls n with sides^n >= 2^bits.

    A d6 needs 50 rolls for 128 bits and 100 for 256.
    """
    check_sides(sides)
    target = 1 << strength_bits
    rolls, reach = 0, 1
    while reach < target:
        rolls += 1
        reach *= sides
    return rolls


def roll_bits(count: int, sides: int) -> float:
    """Entropy of `count` rolls of a fair die, in bits."""
    return count * math.log2(sides)


@dataclass(frozen=True)
class DiceRolls:
    """Rolls of fair dice with `sides` faces, each 1 to `sides`, in the order rolled."""

    sides: int
    rolls: tuple[int, ...] = field(repr=False)

    def __post_init__(self) -> None:
        check_sides(self.sides)
        if not all(1 <= roll <= self.sides for roll in self.rolls):
            raise BadInput(
                f"a roll is outside 1 to {self.sides}",
                f"every roll of a d{self.sides} is a number from 1 to {self.sides}",
            )

    @classmethod
    def from_text(cls, text: str, sides: int = DEFAULT_SIDES) -> DiceRolls:
        """Read typed rolls (see the module docstring for the form); at least one roll."""
        rolls = parse_rolls(text, sides)
        if not rolls:
            raise BadInput(
                "no dice rolls were given",
                f"type the rolls of the d{sides}, each a number from 1 to {sides}",
            )
        return cls(sides=sides, rolls=rolls)

    @property
    def count(self) -> int:
        """How many rolls were typed."""
        return len(self.rolls)

    @property
    def bits(self) -> float:
        """The entropy these rolls carry at most, if the dice are fair."""
        return roll_bits(self.count, self.sides)

    def dice_string(self) -> bytes:
        """The canonical ASCII form that is hashed into the secret; anyone can retype it.

        Dice with up to 9 sides: one digit per roll, no separators (a d6: b"3516..."). Dice with
        10 or more sides: each roll in decimal without leading zeros, joined by single commas, with
        no spaces and no trailing comma (a d20: b"17,3,20,...").
        """
        if self.sides <= SINGLE_DIGIT_MAX_SIDES:
            return "".join(str(roll) for roll in self.rolls).encode("ascii")
        return ",".join(str(roll) for roll in self.rolls).encode("ascii")

    def __add__(self, other: DiceRolls) -> DiceRolls:
        if other.sides != self.sides:
            raise BadInput(
                f"rolls of a d{self.sides} and a d{other.sides} cannot be mixed",
                "use one kind of dice for the whole set",
            )
        return DiceRolls(sides=self.sides, rolls=self.rolls + other.rolls)

    def __repr__(self) -> str:
        return f"DiceRolls(<{self.count} rolls of a d{self.sides}, redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("dice rolls cannot be pickled")


def parse_rolls(text: str, sides: int = DEFAULT_SIDES) -> tuple[int, ...]:
    """The rolls in `text`, or BadInput naming the first character that is not a roll, by position.

    Empty text (or only spaces) gives no rolls; callers that need rolls say so.
    """
    check_sides(sides)
    if len(text) > MAX_INPUT_CHARS:
        raise BadInput(
            f"the dice input has {len(text)} characters; at most {MAX_INPUT_CHARS} are read",
            "a dice file holds only the rolls (100 rolls of a d6 give 256 bits): check that this "
            "is the right file",
        )
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    if sides <= SINGLE_DIGIT_MAX_SIDES:
        return _parse_digits(text, sides)
    return _parse_numbers(text, sides)


def _position(text: str, index: int) -> str:
    """'column C' for one-line input, 'line L, column C' otherwise (both counted from 1)."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    if "\n" not in text.rstrip("\r\n"):
        return f"column {column}"
    return f"line {line}, column {column}"


def _shown(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def _bad_character(text: str, index: int, sides: int, reason: str, hint: str) -> BadInput:
    others = _count_bad_after(text, index, sides)
    more = f" (and {others} more bad characters)" if others else ""
    return BadInput(
        f"{_shown(text[index])} at {_position(text, index)} {reason}{more}",
        hint,
    )


def _count_bad_after(text: str, index: int, sides: int) -> int:
    if sides <= SINGLE_DIGIT_MAX_SIDES:
        allowed = {str(face) for face in range(1, sides + 1)}
        return sum(1 for ch in text[index + 1 :] if ch not in allowed and ch not in SPACES)
    return sum(1 for ch in text[index + 1 :] if not _is_ascii_digit(ch) and ch not in SPACES + ",")


def _is_ascii_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _parse_digits(text: str, sides: int) -> tuple[int, ...]:
    rolls: list[int] = []
    for index, char in enumerate(text):
        if char in SPACES:
            continue
        if _is_ascii_digit(char) and 1 <= int(char) <= sides:
            rolls.append(int(char))
            continue
        if _is_ascii_digit(char):
            reason = f"is not a roll of a d{sides} (1 to {sides})"
            hint = f"a d{sides} shows 1 to {sides}: check the roll and type it again"
            if char != "0":
                hint += f", or give --sides N if your dice have more than {sides} faces"
        elif char == ",":
            reason = f"is not a roll; rolls of a d{sides} are single digits"
            hint = "type one digit per roll; spaces and line breaks may separate them"
        else:
            reason = "is not a roll"
            hint = f"type each roll as a digit from 1 to {sides}; spaces and line breaks are fine"
        raise _bad_character(text, index, sides, reason, hint)
    return tuple(rolls)


def _parse_numbers(text: str, sides: int) -> tuple[int, ...]:
    rolls: list[int] = []
    index, length = 0, len(text)
    comma_at: int | None = None  # a comma seen since the last number
    while index < length:
        char = text[index]
        if char in SPACES:
            index += 1
        elif char == ",":
            if comma_at is not None or not rolls:
                raise BadInput(
                    f"',' at {_position(text, index)} has no roll before it",
                    "separate rolls with one comma, a space or a line break; was a roll left out?",
                )
            comma_at = index
            index += 1
        elif _is_ascii_digit(char):
            start = index
            while index < length and _is_ascii_digit(text[index]):
                index += 1
            digits = text[start:index].lstrip("0")
            if not digits or len(digits) > len(str(sides)) or int(digits) > sides:
                raise BadInput(
                    f"the number at {_position(text, start)} is not a roll of a d{sides} "
                    f"(1 to {sides})",
                    f"a d{sides} shows 1 to {sides}; type a face marked 0 as {sides}"
                    if sides in (10, 100)
                    else f"a d{sides} shows 1 to {sides}: check the roll and type it again",
                )
            rolls.append(int(digits))
            comma_at = None
        else:
            raise _bad_character(
                text,
                index,
                sides,
                "is not a roll",
                f"type each roll as a number from 1 to {sides}, separated by spaces, commas or "
                "line breaks",
            )
    return tuple(rolls)


def read_dice_file(path: Path, sides: int = DEFAULT_SIDES) -> DiceRolls:
    """Rolls from a text file, with every check of `DiceRolls.from_text` and a size limit.

    Health tests and the roll minimum are separate (`check_health`), because they need the strength.
    """
    check_sides(sides)
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_CHARS + 1)
    except FileNotFoundError:
        raise BadInput(
            f"dice file {path} does not exist", "check the path of the dice file"
        ) from None
    except IsADirectoryError:
        raise BadInput(
            f"dice file {path} is a directory", "give the path of the file with the rolls"
        ) from None
    except OSError as exc:
        raise BadInput(
            f"cannot read dice file {path}: {exc.strerror or type(exc).__name__}",
            "check the path and that the file is readable",
        ) from None
    if len(data) > MAX_INPUT_CHARS:
        raise BadInput(
            f"dice file {path} is larger than {MAX_INPUT_CHARS} bytes",
            "a dice file holds only the rolls (100 rolls of a d6 give 256 bits): check that this "
            "is the right file",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"dice file {path} is not text (byte {exc.start + 1} is not UTF-8)",
            "save the rolls as plain text, digits separated by spaces or line breaks",
        ) from None
    try:
        rolls = parse_rolls(text, sides)
    except BadInput as exc:
        raise BadInput(f"dice file {path}: {exc.message}", exc.hint) from None
    if not rolls:
        raise BadInput(
            f"dice file {path} has no rolls (it is empty)"
            if not text
            else f"dice file {path} has no rolls (only spaces and line breaks)",
            f"write the rolls into the file, as digits 1 to {sides}"
            if sides <= SINGLE_DIGIT_MAX_SIDES
            else f"write the rolls into the file, numbers 1 to {sides} separated by spaces",
        )
    return DiceRolls(sides=sides, rolls=rolls)


# ---------------------------------------------------------------------------------------------
# Health tests


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 - a test verdict, not a password
    FAIL = "fail"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class HealthVerdict:
    """One test's outcome and a plain explanation. A passing explanation never quotes the rolls."""

    test: str
    verdict: Verdict
    explanation: str


@dataclass(frozen=True)
class HealthReport:
    """The outcome of every health test on one set of rolls."""

    verdicts: tuple[HealthVerdict, ...]

    @property
    def passed(self) -> bool:
        """True when no test failed (a skipped test, too few rolls for it, is not a failure)."""
        return not self.failures

    @property
    def failures(self) -> tuple[HealthVerdict, ...]:
        """The failed tests, for the message that stops the ceremony."""
        return tuple(v for v in self.verdicts if v.verdict is Verdict.FAIL)

    def require_pass(self) -> HealthReport:
        """This report, or BadInput with the first failure's explanation and a roll-again hint."""
        if self.failures:
            first = self.failures[0]
            more = len(self.failures) - 1
            also = f" (and {more} more health test{'s' if more > 1 else ''} failed)" if more else ""
            raise BadInput(f"dice health test failed: {first.explanation}{also}", RETRY_HINT)
        return self


def repetition_cutoff(sides: int) -> int:
    """SP 800-90B 4.4.1: C = 1 + ceil(alpha_exponent / H), H = log2(sides) bits per fair roll.

    Computed exactly as 1 + the fewest m with sides^m >= 2^20, so a d6 fails at 9 identical rolls
    in a row, a coin at 21, a d20 at 6, a d100 at 5. A run of C identical rolls has probability
    sides^-(C-1) <= 2^-20 at any given place in fair rolls.
    """
    return 1 + minimum_rolls(ALPHA_EXPONENT, sides)


def proportion_window(strength_bits: int, sides: int) -> int:
    """The adaptive-proportion window: min(SP 800-90B window, rolls required for the strength).

    SP 800-90B 4.4.2 uses W = 1024 for binary samples and 512 otherwise, for noise sources that
    give millions of samples. A ceremony gets 50 to a few hundred rolls, so a standard window would
    never fill and the test would never run. We keep the standard's procedure and cutoff formula,
    and shrink the window to the number of rolls the strength needs, so that at least one full
    window is always tested (a d6 at 128 bits: W = 50; at 256 bits: W = 100).
    """
    standard = APT_STANDARD_WINDOW_BINARY if sides == 2 else APT_STANDARD_WINDOW
    return min(standard, minimum_rolls(strength_bits, sides))


@cache
def proportion_cutoff(window: int, sides: int) -> int:
    """SP 800-90B 4.4.2: C = 1 + CRITBINOM(W, 2^-H, 1 - alpha), with 2^-H = 1/sides for fair dice.

    CRITBINOM(W, p, 1 - alpha) is the least k with P(X <= k) >= 1 - alpha for X ~ Binomial(W, p),
    so C is the least c with P(X >= c) <= alpha = 2^-20. Computed in exact integers:
    P(X >= c) * sides^W = sum over j >= c of comb(W, j) * (sides - 1)^(W - j).
    For a d6: W = 50 gives C = 24, W = 100 gives C = 37.
    """
    total = sides**window
    tail = 0
    for count in range(window, -1, -1):
        tail_with_count = tail + math.comb(window, count) * (sides - 1) ** (window - count)
        if tail_with_count << ALPHA_EXPONENT > total:
            return count + 1
        tail = tail_with_count
    return 0  # unreachable: P(X >= 0) = 1 > alpha


def repetition_count_test(rolls: DiceRolls) -> HealthVerdict:
    """SP 800-90B 4.4.1: fail when one face comes up C or more times in a row (a stuck source)."""
    cutoff = repetition_cutoff(rolls.sides)
    run, previous = 0, 0
    for roll in rolls.rolls:
        run = run + 1 if roll == previous else 1
        previous = roll
        if run >= cutoff:
            return HealthVerdict(
                "repetition count",
                Verdict.FAIL,
                f"the face {roll} came up {cutoff} times in a row; fair dice almost never do "
                "that (the chance of such a run at any one place is below one in a million)",
            )
    return HealthVerdict(
        "repetition count",
        Verdict.PASS,
        f"no face came up {cutoff} times in a row",
    )


def adaptive_proportion_test(rolls: DiceRolls, strength_bits: int) -> HealthVerdict:
    """SP 800-90B 4.4.2 over consecutive windows (see `proportion_window`): fail when the first
    roll of a window comes up C or more times within it (a source that favours one face).

    A trailing partial window is held to the full window's cutoff, so it fails only on a stronger
    bias. Both tests here only ever change from pass to fail as rolls are added, so the interactive
    entry can stop at the first failure.
    """
    window = proportion_window(strength_bits, rolls.sides)
    cutoff = proportion_cutoff(window, rolls.sides)
    for start in range(0, rolls.count, window):
        chunk = rolls.rolls[start : start + window]
        first = chunk[0]
        if chunk.count(first) >= cutoff:
            return HealthVerdict(
                "adaptive proportion",
                Verdict.FAIL,
                f"the face {first} came up {chunk.count(first)} times in {len(chunk)} rolls "
                f"(from roll {start + 1}); fair dice stay below {cutoff} in all but one window in "
                "a million",
            )
    return HealthVerdict(
        "adaptive proportion",
        Verdict.PASS,
        f"no face took over a window of {window} rolls (limit {cutoff - 1})",
    )


def chi_square_test(rolls: DiceRolls) -> HealthVerdict:
    """Pearson's chi-square goodness of fit of the face counts to a fair die; fail when p < 0.001.

    X^2 = sum over faces of (observed - expected)^2 / expected, with sides - 1 degrees of freedom;
    p = Q((sides - 1) / 2, X^2 / 2), the regularized upper incomplete gamma function. It catches
    what the two SP 800-90B tests miss in short sequences: a die that avoids some faces or favours
    others without long runs (1 2 3 1 2 3 ...). The chi-square distribution is an approximation
    that is poor when faces are expected only a few times, so the test runs only when every face
    is expected at least `CHI_SQUARE_MIN_EXPECTED` times. Measured on 20 000 sets of CSPRNG rolls
    each, fair dice then fail at 0.0008 (d6, 50 rolls), 0.0006 (d6, 100), 0.0011 (d8, 43),
    0.0013 (d10, 39), 0.0015 (d12, 72), 0.0019 (d20, 40), 0.0017 (d100, 200): at most about one
    set in 500. Below it the rate drifts (d100 with 20 rolls: 0.0056). A d6 at 128 bits expects each
    face 8.3 times; a d20 at 128 bits (30 rolls) expects 1.5, so the test is skipped and says how
    many rolls it would need.
    """
    sides, count = rolls.sides, rolls.count
    needed = CHI_SQUARE_MIN_EXPECTED * sides
    if count < needed:
        return HealthVerdict(
            "chi-square",
            Verdict.SKIPPED,
            f"judging how evenly the faces of a d{sides} come up takes at least {needed} rolls",
        )
    expected = count / sides
    observed = [rolls.rolls.count(face) for face in range(1, sides + 1)]
    statistic = sum((o - expected) ** 2 for o in observed) / expected
    p_value = chi_square_p_value(statistic, sides - 1)
    if p_value < CHI_SQUARE_FAIL_BELOW:
        worst = max(range(sides), key=lambda i: abs(observed[i] - expected))
        return HealthVerdict(
            "chi-square",
            Verdict.FAIL,
            f"the faces came up too unevenly (face {worst + 1}: {observed[worst]} times in "
            f"{count} rolls, about {expected:.1f} expected); fair dice are this uneven less than "
            f"once in a thousand tries (p = {p_value:.1g})",
        )
    return HealthVerdict(
        "chi-square",
        Verdict.PASS,
        "the faces came up about as evenly as fair dice do",
    )


def chi_square_p_value(statistic: float, degrees: int) -> float:
    """P(chi-square with `degrees` degrees of freedom >= statistic)."""
    return regularized_upper_gamma(degrees / 2, statistic / 2)


def regularized_upper_gamma(a: float, x: float) -> float:
    """Q(a, x) = Gamma(a, x) / Gamma(a), to about 1e-14.

    Below x = a + 1 the power series of the lower function P converges fast and Q = 1 - P; above it
    the continued fraction for Q does (evaluated with the modified Lentz method).
    """
    if a <= 0:
        raise ValueError("a must be positive")
    if x <= 0:
        return 1.0
    log_prefix = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        denominator = a
        for _ in range(10_000):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    fraction = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = d if abs(d) > tiny else tiny
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        d = 1 / d
        step = d * c
        fraction *= step
        if abs(step - 1) < 1e-16:
            break
    return min(1.0, fraction * math.exp(log_prefix))


def assess(rolls: DiceRolls, strength_bits: int) -> HealthReport:
    """Run every health test; the verdicts, passing or not (for a live display)."""
    return HealthReport(
        (
            repetition_count_test(rolls),
            adaptive_proportion_test(rolls, strength_bits),
            chi_square_test(rolls),
        )
    )


def check_enough(rolls: DiceRolls, strength_bits: int) -> None:
    """BadInput unless the rolls carry at least `strength_bits` bits of a fair die's entropy."""
    needed = minimum_rolls(strength_bits, rolls.sides)
    missing = needed - rolls.count
    if missing > 0:
        raise BadInput(
            f"{rolls.count} rolls of a d{rolls.sides} give {rolls.bits:.1f} bits; "
            f"{strength_bits} bits need at least {needed} rolls",
            f"roll {missing} more time{'s' if missing > 1 else ''} and add the rolls",
        )


def check_health(rolls: DiceRolls, strength_bits: int) -> HealthReport:
    """The health report of usable rolls: enough of them, and every test passed.

    Raises BadInput otherwise, with the failure in plain words and a hint to roll again.
    """
    check_enough(rolls, strength_bits)
    return assess(rolls, strength_bits).require_pass()
