"""The read-back proof: a kit is recovered from what was written, not from what is in memory.

After a kit is written (and again whenever its record changes) this module reads the kit back: the
words from the text of each holder PDF, `record.json`, `recover.py` and the consent file. From a
minimal quorum of those words it recovers the secret twice, by this tool's own code and by the kit's
`recover.py` in a separate `python3 -I -S` process (standard library only), and compares both with
the recorded fingerprint and commitment. For a sealed lock the tool knows P at the ceremony and gives
it to `recover.py` through a pipe, never a file; the kit's consent file, when there is one, is read
back and checked the same two ways. Any difference raises `NotRecoverable`.

SECRET HANDLING: the words and secrets read back live only in memory; errors name holders and
files, never words.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ceremony.core import fingerprint, slip39
from ceremony.core.verify import verify_shares
from ceremony.core.words import parse_share
from ceremony.errors import BadInput, CeremonyError, NotRecoverable
from ceremony.model.record import IssuedShare, Record
from ceremony.model.scheme import SecretKind
from ceremony.model.secret import Secret
from ceremony.model.share import Share
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.workflows.split import KitSplit, Sealed
from ceremony.workflows.transcript import Json

WORD_LINE = re.compile(r"^\s*(\d{1,2})\.\s+([a-z]+)\s*$")
CONSENT_FILE = Path("consent") / "consent.txt"
RECOVER_TIMEOUT = 600
TOOL = "ceremony"
STANDALONE = "recover.py"
"""Names of the two recovery paths, as the screen, the transcript and the record show them."""


@dataclass(frozen=True)
class KitProof:
    """What the read-back proved. Public: names, counts and the recorded identifiers only."""

    fingerprint: str
    commitment: str
    holder_pdfs: int
    quorum: tuple[str, ...]
    paths: tuple[str, ...]
    consent_file: bool
    sealed: bool = False

    def summary(self) -> str:
        """The sentence the witnesses read: which files were read back and which quorum recovered
        the fingerprint."""
        files = f"{self.holder_pdfs} holder PDFs, record.json" + (
            ", consent/consent.txt" if self.consent_file else ""
        )
        return (
            f"read back from the written kit ({files}): a quorum of {len(self.quorum)} shares "
            f"recovers fingerprint {self.fingerprint} by {', '.join(self.paths)}"
        )

    def to_data(self) -> dict[str, Json]:
        """The proof as transcript data: the fingerprint, the quorum and the paths that recovered
        it."""
        return {
            "fingerprint": self.fingerprint,
            "commitment": self.commitment,
            "holder_pdfs": self.holder_pdfs,
            "quorum": list(self.quorum),
            "paths": list(self.paths),
            "consent_file": self.consent_file,
            "sealed": self.sealed,
        }


def prove_kit(
    directory: Path,
    split: KitSplit,
    passphrase: bytes = b"",
    reader: CardReader | None = None,
    meanwhile: Callable[[KitProof], None] | None = None,
) -> KitProof:
    """Read the kit in `directory` back and recover its secret by every path; raise
    `NotRecoverable` (naming what differs) unless each gives the recorded fingerprint. `reader`:
    the holder PDFs it was given were read back while the kit was written. `meanwhile` is given
    the proof this returns if every path agrees, and runs while the kit's recover.py does (the
    caller may draw what depends on the proof; it must not write it before this returns)."""
    directory = Path(directory)
    record = read_record(directory)
    check_record(record, split)
    read = read_holder_shares(directory, record, read_ahead=reader.finish() if reader else None)
    quorum = minimal_quorum(record, read)
    shares = [share for _, share in quorum]
    sealed = isinstance(split, Sealed)
    key = split.sealed.consent.slip39_bytes() if isinstance(split, Sealed) else passphrase
    paths = [f"{TOOL} ({_tool_recover(record, shares, key, sealed)})"]
    program = directory / STANDALONE
    check_recover_py(program, record)
    consent_path = directory / CONSENT_FILE
    has_consent = _consent_present(consent_path, split)
    paths.append(f"{STANDALONE} (python3 -I, {'P' if sealed else 'passphrase'} through a pipe)")
    if has_consent:
        paths.append(f"the consent file, by {TOOL} and by {STANDALONE}")
    proof = KitProof(
        fingerprint=record.fingerprint,
        commitment=record.commitment,
        holder_pdfs=len(read),
        quorum=tuple(entry.holder for entry, _ in quorum),
        paths=tuple(paths),
        consent_file=has_consent,
        sealed=sealed,
    )
    found = run_recover_py(
        program,
        shares,
        key,
        kind=record.kind,
        sealed=sealed,
        meanwhile=None if meanwhile is None else lambda: meanwhile(proof),
    )
    _compare(record, found, "")
    if has_consent:
        _prove_consent(consent_path, record, shares, program)
    return proof


def _consent_present(path: Path, split: KitSplit) -> bool:
    """Whether the kit holds its consent file; one where none belongs, or none where one does,
    means the kit is not final."""
    present = path.exists()
    if isinstance(split, Sealed) and split.consent_card != present:
        raise NotRecoverable(
            "the kit's consent file is "
            + ("missing" if split.consent_card else "there although no consent card was asked for"),
            "the kit is not final: write it again",
        )
    if present and not isinstance(split, Sealed):
        raise NotRecoverable(
            "the kit holds a consent file but its secret is not sealed",
            "the kit is not final: write it again",
        )
    return present


def read_record(directory: Path) -> Record:
    """Read record.json back from the media as written; a record that does not read back means the
    kit is not final."""
    path = directory / "record.json"
    try:
        return Record.from_json(path.read_text(encoding="utf-8"), "the written record.json")
    except OSError as exc:
        raise NotRecoverable(
            f"the written record.json cannot be read back: {exc.strerror or exc}",
            "the kit is not final: check the kit media and write the kit again",
        ) from None
    except (CeremonyError, UnicodeDecodeError) as exc:
        raise NotRecoverable(
            f"the written record.json does not read back: {exc}",
            "the kit is not final: check the kit media and write the kit again",
        ) from None


def check_record(record: Record, split: KitSplit) -> None:
    """The record must carry the split's fingerprint, commitment and (sealed) the lock itself."""
    result = split.result
    if (record.fingerprint, record.commitment, record.identifier) != (
        result.fingerprint,
        result.commitment,
        result.identifier,
    ):
        raise NotRecoverable(
            "the written record's fingerprint or commitment is not the split's",
            "the kit is not final: write it again",
        )
    if isinstance(split, Sealed):
        lock = split.sealed.lock
        info = record.timelock
        if (
            info is None
            or info.mode is not TimeLockMode.SEALED
            or info.modulus_hex != f"{lock.modulus:x}"
            or info.iterations != lock.squarings
            or info.version != lock.version
        ):
            raise NotRecoverable(
                "the written record does not carry the sealed time lock (N, T, version)",
                "without them the secret can never be recovered; the kit is not final",
            )


def words_from_pdf(data: bytes, holder: str) -> tuple[str, ...]:
    """The share words as printed on the first page of a holder PDF (its bytes as read back from
    the media), read from its text by PDFium, the PDF engine of Chromium (a few milliseconds a
    card, where a pure-Python reader takes tens)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
        try:
            text = document[0].get_textpage().get_text_range()
        finally:
            document.close()
    except (pdfium.PdfiumError, ValueError, IndexError) as exc:
        raise NotRecoverable(
            f"{holder}'s holder PDF cannot be read back ({type(exc).__name__})",
            "the kit is not final: check the kit media and write the kit again",
        ) from None
    numbered = [match.groups() for match in map(WORD_LINE.match, text.splitlines()) if match]
    if [int(number) for number, _ in numbered] != list(range(1, len(numbered) + 1)):
        raise NotRecoverable(
            f"the words on {holder}'s share card are not numbered 1 to {len(numbered)}",
            "the kit is not final: this is a bug in the paper layout; do not print it",
        )
    return tuple(word for _, word in numbered)


class CardReader:
    """Reads each holder PDF back from the media in a thread of its own while the next is drawn.

    PDFium's C code runs without Python's lock, so with a second core the reading costs almost
    no time. One thread only: PDFium must not be entered from two threads at once, and nothing
    else in ceremony calls it until `finish` has joined the thread. The words are kept under the
    SHA-256 of the bytes they were read from, so the proof uses them only for a file that holds
    those very bytes (any card not read here is read by the proof itself, which reports what is
    wrong). SECRET: the words stay in memory until `close` forgets them.
    """

    def __init__(self) -> None:
        self._paths: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._words: dict[str, tuple[str, ...]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="card-reader", daemon=True)
        self._thread.start()

    def submit(self, path: Path) -> None:
        """Read this written holder PDF back (from the disk, not from memory)."""
        self._paths.put(path)

    def _run(self) -> None:
        while not self._stop.is_set() and (path := self._paths.get()) is not None:
            try:
                data = path.read_bytes()
                words = words_from_pdf(data, "")
            except Exception:  # noqa: S112 (the proof reads this card again and says why)
                continue
            self._words[hashlib.sha256(data).hexdigest()] = words

    def finish(self) -> dict[str, tuple[str, ...]]:
        """Wait for every submitted card; the words read, by the SHA-256 of their file."""
        self._paths.put(None)
        self._thread.join()
        return self._words

    def close(self) -> None:
        """Stop reading (what is queued is dropped) and forget every word read."""
        self._stop.set()
        self._paths.put(None)
        self._thread.join()
        self._words.clear()


@contextlib.contextmanager
def reading_ahead() -> Iterator[CardReader]:
    """A `CardReader` for one kit, stopped and emptied however the block ends."""
    reader = CardReader()
    try:
        yield reader
    finally:
        reader.close()


def read_holder_shares(
    directory: Path,
    record: Record,
    entries: Sequence[IssuedShare] | None = None,
    read_ahead: dict[str, tuple[str, ...]] | None = None,
) -> list[tuple[IssuedShare, Share]]:
    """Every holder PDF of the record (or of `entries`), its hash checked and its words parsed
    into the share whose commitment the record holds (words already read by a `CardReader` from
    a file with the same SHA-256 are taken from `read_ahead`)."""
    from ceremony.workflows.kit import holder_filename

    shares = []
    for entry in record.shares if entries is None else entries:
        path = directory / "holders" / holder_filename(entry)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NotRecoverable(
                f"{entry.holder}'s holder PDF cannot be read back: {exc.strerror or exc}",
                "the kit is not final: check the kit media and write the kit again",
            ) from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry.holder_pdf_sha256:
            raise NotRecoverable(
                f"{entry.holder}'s holder PDF is not the one the record names",
                "the kit is not final: write it again",
            )
        words = (read_ahead or {}).get(digest) or words_from_pdf(data, entry.holder)
        try:
            share = parse_share(" ".join(words))
        except BadInput:
            raise NotRecoverable(
                f"the words printed on {entry.holder}'s share card are not a valid share",
                "the kit is not final: this is a bug; do not print it",
            ) from None
        if share.commitment() != entry.commitment:
            raise NotRecoverable(
                f"the words printed on {entry.holder}'s share card are not the issued share",
                "the kit is not final: this is a bug; do not print it",
            )
        shares.append((entry, share))
    return shares


def minimal_quorum(
    record: Record, read: Sequence[tuple[IssuedShare, Share]]
) -> list[tuple[IssuedShare, Share]]:
    """The first `threshold` members of the first `group_threshold` groups."""
    chosen: list[tuple[IssuedShare, Share]] = []
    for number, group in enumerate(record.groups[: record.group_threshold], start=1):
        members = [pair for pair in read if pair[0].group_number == number]
        chosen.extend(members[: group.threshold])
    return chosen


def _tool_recover(record: Record, shares: Sequence[Share], key: bytes, sealed: bool) -> str:
    proof = verify_shares(shares)
    if proof.ems is None:
        raise NotRecoverable(
            "the shares read back from the holder PDFs do not make a quorum",
            "the kit is not final: this is a bug; do not print it",
        )
    reference = slip39.recover_ems(shares)
    if reference.ciphertext != proof.ems.ciphertext:
        raise NotRecoverable(
            "the reference SLIP-39 code and the consistency proof disagree on the read-back shares",
            "the kit is not final: this is a bug; do not print it",
        )
    secret = Secret(proof.ems.decrypt(key), record.kind)
    # Under a sealed lock P only unlocks the shares: a BIP-39 wallet passphrase stays empty.
    found = {
        "fingerprint": fingerprint.master_fingerprint(secret, b"" if sealed else key),
        "commitment": fingerprint.commitment(secret),
    }
    _compare(record, found, f"by {TOOL}")
    return "SLIP-39 reference and algebraic proof agree"


def _compare(record: Record, found: dict[str, str], how: str) -> None:
    for name in ("fingerprint", "commitment"):
        if found.get(name) != getattr(record, name):
            where = f" {how}" if how else ""
            raise NotRecoverable(
                f"the kit read back{where} gives {name} {found.get(name) or '(none)'}, "
                f"not the recorded {getattr(record, name)}",
                "the kit is not final: do not print or hand out any of it",
            )


def check_recover_py(program: Path, record: Record) -> None:
    """Refuse a kit whose recover.py is missing or is not the one the record names by hash."""
    try:
        digest = hashlib.sha256(program.read_bytes()).hexdigest()
    except OSError:
        raise NotRecoverable(
            "the kit has no readable recover.py",
            "the kit is not final: write it again",
        ) from None
    if digest != record.recover_py_sha256:
        raise NotRecoverable(
            "the kit's recover.py is not the one the record names",
            "the kit is not final: write it again",
        )


def run_recover_py(
    program: Path,
    shares: Sequence[Share],
    passphrase: bytes,
    *,
    kind: SecretKind,
    sealed: bool,
    passphrase_file: Path | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[str, str]:
    """Run the kit's recover.py as a separate standard-library-only process: shares on stdin, the
    passphrase through a pipe (or the kit's own `passphrase_file`); `meanwhile` runs here while
    it does. Returns its labelled output lines (SECRET: they include the master secret)."""
    args = [sys.executable, "-I", "-S", str(program)]
    if kind is SecretKind.BIP39:
        args += ["--kind", "bip39"]
    if sealed:
        args.append("--sealed")
    fds: tuple[int, ...] = ()
    read_end = -1
    if passphrase_file is None:
        read_end, write_end = os.pipe()
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(passphrase)
        args += ["--passphrase-file", f"/dev/fd/{read_end}"]
        fds = (read_end,)
    else:
        args += ["--passphrase-file", str(passphrase_file)]
    text = "".join(share.mnemonic() + "\n" for share in shares)
    try:
        done = _run([*args, "-"], text.encode(), fds, meanwhile)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NotRecoverable(
            f"the kit's recover.py could not be run ({type(exc).__name__})",
            "the kit is not final: check that python3 runs on this machine",
        ) from None
    finally:
        if read_end >= 0:
            os.close(read_end)
    if done.returncode != 0:
        errors = [
            line
            for line in done.stderr.decode("utf-8", "replace").splitlines()
            if line.startswith("error:")
        ]
        raise NotRecoverable(
            f"the kit's recover.py failed (exit {done.returncode}): "
            + (errors[0].removeprefix("error: ") if errors else "no error message"),
            "the kit is not final: do not print or hand out any of it",
        )
    found = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(": ")
        found[name.strip()] = value.strip()
    return found


def _run(
    args: list[str], data: bytes, fds: tuple[int, ...], meanwhile: Callable[[], None] | None
) -> subprocess.CompletedProcess[bytes]:
    """`subprocess.run` with its output captured; with `meanwhile`, the process is fed and read
    by a thread while `meanwhile` runs here, and killed if `meanwhile` fails or is interrupted."""
    if meanwhile is None:
        return subprocess.run(
            args,
            input=data,
            capture_output=True,
            pass_fds=fds,
            timeout=RECOVER_TIMEOUT,
            check=False,
        )
    pipe = subprocess.PIPE
    with subprocess.Popen(args, stdin=pipe, stdout=pipe, stderr=pipe, pass_fds=fds) as process:
        answers: list[tuple[bytes, bytes]] = []
        failures: list[BaseException] = []

        def talk() -> None:
            try:
                answers.append(process.communicate(data, timeout=RECOVER_TIMEOUT))
            except BaseException as exc:  # raised again below, in this thread
                failures.append(exc)

        thread = threading.Thread(target=talk, name="recover-py", daemon=True)
        thread.start()
        try:
            meanwhile()
        except BaseException:
            process.kill()
            raise
        finally:
            thread.join()
        if failures:
            process.kill()
            raise failures[0]
        out, err = answers[0]
        return subprocess.CompletedProcess(args, process.returncode, out, err)


def _prove_consent(path: Path, record: Record, shares: Sequence[Share], program: Path) -> None:
    from ceremony.workflows.recovery.consent import read_consent

    try:
        consent = read_consent(path, record)
    except CeremonyError as exc:
        raise NotRecoverable(
            f"the kit's consent file does not read back: {exc.message}",
            "the kit is not final: write it again",
        ) from None
    _tool_recover(record, shares, consent.passphrase.slip39_bytes(), sealed=True)
    found = run_recover_py(
        program, shares, b"", kind=record.kind, sealed=True, passphrase_file=path
    )
    _compare(record, found, f"by {STANDALONE} from the consent file")


# -- lifecycle kits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleProof:
    """What the read-back of a lifecycle kit proved (public, as `KitProof`)."""

    fingerprint: str
    commitment: str
    holder_pdfs: int
    quorum: tuple[str, ...]
    paths: tuple[str, ...]
    old_cards: int
    """Shares of the quorum read from the predecessor kits' holder PDFs (the rest are new)."""
    limited: str = ""
    """Why the fingerprint was not compared ('' when it was, by both paths)."""

    def summary(self) -> str:
        """The sentence the witnesses read; a limited proof says plainly what it could not show."""
        read = f"read back from the written kit ({self.holder_pdfs} new holder PDFs, record.json)"
        if self.limited:
            return f"{read}: every new card's words are its issued share; {self.limited}"
        count = len(self.quorum)
        mixed = f" ({self.old_cards} old, {count - self.old_cards} new)" if self.old_cards else ""
        return (
            f"{read}: a quorum of {count} cards{mixed} recovers fingerprint "
            f"{self.fingerprint} by {', '.join(self.paths)}"
        )

    def to_data(self) -> dict[str, Json]:
        """The proof as transcript data; a limited proof records no fingerprint or commitment it did
        not rebuild."""
        return {
            "fingerprint": "" if self.limited else self.fingerprint,
            "commitment": "" if self.limited else self.commitment,
            "holder_pdfs": self.holder_pdfs,
            "quorum": list(self.quorum),
            "paths": list(self.paths),
            "old_cards": self.old_cards,
            "limited": self.limited,
            "consent_file": False,
            "sealed": False,
        }


def prove_lifecycle_kit(
    directory: Path,
    expected: Record,
    fresh: Sequence[IssuedShare],
    sources: Sequence[Path],
) -> LifecycleProof:
    """Read a lifecycle kit back: its record must be `expected` in fingerprint, commitment and
    identifier, and each new holder PDF must hold its issued share. A quorum is then formed from
    the new cards read back and, for an extension, the old cards' holder PDFs found in the
    predecessor kits `sources` (each checked against the hash the record names), mixing old and
    new shares within the changed group; it is recovered by this tool and by the kit's recover.py
    (`python3 -I -S`). A secret that needs a passphrase or P, which no lifecycle ceremony asks
    for, or a quorum of cards no longer on this machine, limits the proof to the cards' words,
    and the proof says so."""
    record = read_record(Path(directory))
    if (record.fingerprint, record.commitment, record.identifier) != (
        expected.fingerprint,
        expected.commitment,
        expected.identifier,
    ):
        raise NotRecoverable(
            "the written record's fingerprint, commitment or identifier is not the ceremony's",
            "the kit is not final: write it again",
        )
    new = read_holder_shares(Path(directory), record, fresh)
    program = Path(directory) / STANDALONE
    check_recover_py(program, record)
    paths: tuple[str, ...] = ()
    quorum = mixed_quorum(record, new, _old_cards(record, fresh, sources))
    limited = _limit(record, quorum)
    if not limited:
        shares = [share for _, share in quorum]
        paths = (f"{TOOL} ({_tool_recover(record, shares, b'', False)})",)
        found = run_recover_py(program, shares, b"", kind=record.kind, sealed=False)
        _compare(record, found, f"by {STANDALONE}")
        paths += (f"{STANDALONE} (python3 -I -S)",)
    new_commitments = {entry.commitment for entry in fresh}
    return LifecycleProof(
        fingerprint=record.fingerprint,
        commitment=record.commitment,
        holder_pdfs=len(new),
        quorum=tuple(entry.holder for entry, _ in quorum),
        paths=paths,
        old_cards=sum(1 for entry, _ in quorum if entry.commitment not in new_commitments),
        limited=limited,
    )


def _limit(record: Record, quorum: Sequence[tuple[IssuedShare, Share]]) -> str:
    if record.timelock is not None and record.timelock.mode is TimeLockMode.SEALED:
        return "the fingerprint was not compared: the shares open only with P (the time lock)"
    if record.passphrase:
        return "the fingerprint was not compared: the shares need the passphrase"
    if not quorum:
        return (
            "the fingerprint was not compared: no quorum of written cards is on this machine "
            "(the predecessor kits' holder PDFs are gone)"
        )
    return ""


def _old_cards(
    record: Record, fresh: Sequence[IssuedShare], sources: Sequence[Path]
) -> list[tuple[IssuedShare, Share]]:
    """The old cards of `record` whose holder PDFs are still in one of the kits `sources`,
    unchanged (the hash the record names), read back as the new ones are."""
    from ceremony.workflows.kit import holder_filename

    new = {entry.commitment for entry in fresh}
    found = []
    for entry in record.shares:
        if entry.commitment in new or not entry.holder_pdf_sha256:
            continue
        for source in sources:
            path = Path(source) / "holders" / holder_filename(entry)
            try:
                same = hashlib.sha256(path.read_bytes()).hexdigest() == entry.holder_pdf_sha256
            except OSError:
                continue
            if same:
                found.extend(read_holder_shares(Path(source), record, [entry]))
                break
    return found


def mixed_quorum(
    record: Record,
    new: Sequence[tuple[IssuedShare, Share]],
    old: Sequence[tuple[IssuedShare, Share]],
) -> list[tuple[IssuedShare, Share]]:
    """A minimal quorum with as many new cards as it can hold and, in a group that has both, old
    and new cards together; empty when the cards at hand make none."""
    chosen: list[tuple[IssuedShare, Share]] = []
    groups = 0
    numbered = list(enumerate(record.groups, start=1))
    with_new = {entry.group_number for entry, _ in new}
    for number, group in sorted(numbered, key=lambda item: item[0] not in with_new):
        fresh = [pair for pair in new if pair[0].group_number == number]
        kept = [pair for pair in old if pair[0].group_number == number]
        if len(fresh) + len(kept) < group.threshold:
            continue
        take_new = min(len(fresh), group.threshold - 1 if kept else group.threshold)
        take_new = max(take_new, group.threshold - len(kept))
        chosen.extend(fresh[:take_new] + kept[: group.threshold - take_new])
        groups += 1
        if groups == record.group_threshold:
            return chosen
    return []
