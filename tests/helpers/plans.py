"""Plan texts tests write to disk."""

from __future__ import annotations

MINIMAL = """\
[ceremony]
name = "Test ceremony"

[secret]
strength = 128
group_threshold = 2

[[groups]]
name = "treasury"
threshold = 2
holders = [
    { name = "Alice", contact = "alice@example.org" },
    { name = "Bob" },
    { name = "Carol", contact = "" },
]

[[groups]]
name = "board"
threshold = 1
holders = [ { name = "Dan" } ]

[roles]
administrator = "Olivia"
witnesses = ["Wendy"]

[output]
directory = "kit"
"""
