"""The sections a plan and an amendment share: the people present, the paper, the output folder.

Names and contact details are printed on cards and signed, so they are checked before anything is
printed: no invisible characters, an e-mail address or a telephone number that looks like one, each
witness and signer once.
"""

from __future__ import annotations

import re

from ceremony.model.paper import PaperSize
from ceremony.model.plan import Roles, Signer
from ceremony.planfile.fields import TableReader, same_name
from ceremony.planfile.positions import Key, field_name

MAX_CONTACT = 200
"""The longest contact details: they are printed on the holder's card."""


class PeopleReader(TableReader):
    """Reads `[roles]`, `[paper]`, `[output]` and contact details, for every input file."""

    def roles(self, document: dict[str, object]) -> Roles:
        """Who is present; each role is a name or `{ name, contact }`, each witness once."""
        path: Key = ("roles",)
        table = self.table(document["roles"], path)
        self.keys(
            table, path, ("administrator", "witnesses", "auditor", "signers"), ("administrator",)
        )
        contacts: list[tuple[str, str]] = []
        administrator, reach = self.person(
            table["administrator"],
            (*path, "administrator"),
            what="the name of who runs the ceremony",
        )
        contacts.append((administrator, reach))
        raw = self.get(table, path, "witnesses", [])
        if not isinstance(raw, list):
            self.wrong_type((*path, "witnesses"), raw, "a list", 'witnesses = ["Name One"]')
        witnesses: list[str] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            witness, reach = self.person(item, (*path, "witnesses", i), what="a witness's name")
            if same_name(witness) in seen:
                self.fail(
                    (*path, "witnesses", i),
                    f"witness {witness!r} is listed twice",
                    "name each witness once",
                )
            seen.add(same_name(witness))
            witnesses.append(witness)
            contacts.append((witness, reach))
        auditor = None
        if "auditor" in table:
            value = table["auditor"]
            if isinstance(value, dict):
                auditor, reach = self.person(value, (*path, "auditor"), what="the auditor's name")
                contacts.append((auditor, reach))
            else:
                auditor = (
                    self.string(table, path, "auditor", what="the auditor's name", empty_ok=True)
                    or None
                )
        return Roles(
            administrator=administrator,
            witnesses=tuple(witnesses),
            auditor=auditor,
            contacts=tuple((name, reach) for name, reach in contacts if reach),
            signers=self.signers(table, path),
        )

    def person(self, value: object, path: Key, *, what: str) -> tuple[str, str]:
        """A role: a name in quotes, or `{ name = "...", contact = "..." }`."""
        if isinstance(value, dict):
            self.keys(value, path, ("name", "contact"), ("name",))
            name = self.string(value, path, "name", what=what)
            return name, self.contact(value, path)
        return self.text_value(value, path, what=what), ""

    def contact(self, table: dict[str, object], path: Key) -> str:
        """Optional contact details: free text, but an e-mail address or a telephone number
        written alone must look like one, so that a typo is caught before it is printed."""
        text = self.string(
            table,
            path,
            "contact",
            what="how to reach them",
            default="",
            limit=MAX_CONTACT,
            empty_ok=True,
        )
        problem = contact_problem(text)
        if problem:
            self.fail(
                (*path, "contact"),
                f"{field_name((*path, 'contact'))} {text!r} {problem}",
                "write an e-mail address (name@example.org), a telephone number with its "
                'country code ("+44 20 7946 0000"), or a short note ("via the law firm")',
            )
        return text

    def signers(self, table: dict[str, object], path: Key) -> tuple[Signer, ...]:
        """The public keys that may sign the closing message, each name and key once."""
        value = table.get("signers", [])
        example = '[{ name = "Wendy Example", key = "ssh-ed25519 AAAA... wendy@laptop" }]'
        if not isinstance(value, list):
            self.wrong_type((*path, "signers"), value, "a list of tables", f"signers = {example}")
        found: list[Signer] = []
        for i, item in enumerate(value):
            where: Key = (*path, "signers", i)
            if not isinstance(item, dict):
                self.wrong_type(where, item, "a table", example[1:-1])
            self.keys(item, where, ("name", "key"), ("name", "key"))
            name = self.string(item, where, "name", what="the signer's name")
            key = self.string(item, where, "key", what="an OpenSSH public key", limit=1000)
            problem = ed25519_key_problem(key)
            if problem:
                self.fail(
                    (*where, "key"),
                    f"{field_name((*where, 'key'))}: {problem}",
                    "paste the whole line of the signer's ~/.ssh/id_ed25519.pub "
                    "(ssh-ed25519 AAAA... comment)",
                )
            for other in found:
                if (
                    same_name(other.name) == same_name(name)
                    or other.key.split()[:2] == key.split()[:2]
                ):
                    self.fail(
                        where,
                        f"signer {name!r} repeats the name or key of {other.name!r}",
                        "list each signer once, each with their own key",
                    )
            found.append(Signer(name=name, key=key))
        return tuple(found)

    def paper_size(self, document: dict[str, object]) -> PaperSize:
        """The paper the kit is printed on; A4 when not said."""
        paper = self.table(document.get("paper", {}), ("paper",))
        self.keys(paper, ("paper",), ("size",))
        return self.choice(
            paper, ("paper",), "size", PaperSize, default="A4", spelled=lambda size: size.label
        )

    def output_directory(self, document: dict[str, object]) -> str:
        """Where the new kit goes, as written (a relative path is relative to where it is run)."""
        path: Key = ("output",)
        output = self.table(document["output"], path)
        self.keys(output, path, ("directory",), ("directory",))
        directory = self.string(
            output, path, "directory", what="a directory for the kit", limit=4096
        )
        if "\x00" in directory:
            self.fail((*path, "directory"), "output.directory contains a NUL", "retype the path")
        return directory


def ed25519_key_problem(line: str) -> str:
    """Why `line` is not an OpenSSH Ed25519 public key, or "" when it is one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    parts = line.split()
    if len(parts) < 2 or parts[0] != "ssh-ed25519":
        return "not an OpenSSH Ed25519 public key (it starts with ssh-ed25519)"
    try:
        key = load_ssh_public_key(f"{parts[0]} {parts[1]}".encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return "the key does not decode (a character was lost in copying?)"
    if not isinstance(key, Ed25519PublicKey):
        return "not an Ed25519 key"
    return ""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE_CHARS = re.compile(r"^[+\d][\d ().-]*$")


def contact_problem(text: str) -> str | None:
    """Why contact details cannot be right, or None: an address alone must be an e-mail address,
    digits alone a telephone number of 6 to 15 digits (E.164 allows 15)."""
    if not text:
        return None
    if "@" in text and " " not in text and not _EMAIL.match(text):
        return "is not an e-mail address"
    if _PHONE_CHARS.match(text):
        digits = sum(char.isdigit() for char in text)
        if not 6 <= digits <= 15:
            return f"has {digits} digits, not a telephone number (6 to 15 digits)"
    return None
