"""Reading the inputs of scriptable commands: share lists, passphrase files, secret files.

Inputs are bounded in size and must be text; every failure names the problem and never echoes
secret content.
"""

from __future__ import annotations

from pathlib import Path

from ceremony.core.words import parse_share
from ceremony.errors import BadInput
from ceremony.files import MAX_INPUT_BYTES as MAX_INPUT_BYTES
from ceremony.files import read_bounded as read_bounded
from ceremony.model.passphrase import check_passphrase
from ceremony.model.scheme import SecretKind, check_strength
from ceremony.model.secret import Secret
from ceremony.model.share import Share


def decode_text(data: bytes, what: str) -> str:
    """Refuse input that is not UTF-8 text or that holds NUL bytes, naming what was expected, before
    it is parsed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(
            f"the {what} input is not text (it is not valid UTF-8)",
            f"give the {what} as plain text",
        ) from None
    if "\x00" in text:
        raise BadInput(
            f"the {what} input is not text (it holds NUL bytes)", f"give the {what} as plain text"
        )
    return text


def share_lines(text: str) -> list[tuple[int, str]]:
    """Non-empty, non-comment lines with their line numbers."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lines.append((number, stripped))
    return lines


def parse_shares(text: str, source: str = "input") -> list[Share]:
    """One share per line; a bad line is reported by its line number, and text with no share at all
    is refused."""
    lines = share_lines(text)
    if not lines:
        raise BadInput(
            f"no shares found in {source}",
            "give one share per line; blank lines and lines starting with # are ignored",
        )
    shares = []
    for number, line in lines:
        try:
            shares.append(parse_share(line))
        except BadInput as exc:
            raise BadInput(f"line {number}: {exc.message}", exc.hint) from None
    return shares


def read_shares(source: str | Path) -> list[Share]:
    """Read with a size bound from a file or standard input ("-"), so a huge input cannot fill
    memory."""
    name = "standard input" if str(source) == "-" else str(source)
    return parse_shares(decode_text(read_bounded(source, "shares"), "shares"), name)


def read_passphrase_file(path: Path | None) -> bytes:
    """The passphrase from a file (one trailing newline removed); b"" when no file is given."""
    if path is None:
        return b""
    raw = read_bounded(path, "passphrase")
    if raw.endswith(b"\r\n"):
        raw = raw[:-2]
    elif raw.endswith(b"\n"):
        raw = raw[:-1]
    if not raw:
        raise BadInput(
            f"the passphrase file {path} is empty",
            "to use no passphrase, leave out --passphrase-file; otherwise write it into the file",
        )
    return check_passphrase(raw)


def parse_secret_text(text: str, kind: SecretKind) -> Secret:
    """A secret given as hex, or (kind bip39) as a BIP-39 phrase."""
    cleaned = "".join(text.split())
    if kind is SecretKind.BIP39 and any(c.isalpha() for c in cleaned) and " " in text.strip():
        from ceremony.core.fingerprint import bip39_entropy

        return Secret(bip39_entropy(text), kind)
    if not cleaned:
        raise BadInput("the secret file is empty", "write the secret as hex into the file")
    try:
        value = bytes.fromhex(cleaned)
    except ValueError:
        raise BadInput(
            "the secret is not hexadecimal"
            + (" nor a BIP-39 phrase" if kind is SecretKind.BIP39 else ""),
            "write the secret as hex digits (0-9, a-f), 32 to 64 of them"
            + ("; or as BIP-39 words" if kind is SecretKind.BIP39 else ""),
        ) from None
    check_strength(len(value) * 8, kind)
    return Secret(value, kind)


def read_secret_file(path: Path, kind: SecretKind) -> Secret:
    """Read with a size bound and as text, so a binary or huge file is refused before it is
    parsed."""
    return parse_secret_text(decode_text(read_bounded(path, "secret"), "secret"), kind)
