"""Well-formed SLIP-39 shares (as word indices) built from arbitrary or seeded data."""

from __future__ import annotations

import hashlib

from ceremony.core import rs1024


def build_share(data: list[int]) -> list[int]:
    """A well-formed share from arbitrary data words: padding cleared, threshold <= count."""
    data = list(data)
    length = len(data) + 3
    padding = (10 * (length - 7)) % 16
    data[4] &= (1 << (10 - padding)) - 1
    group_count = ((data[2] & 0x3) << 2) | (data[3] >> 8)
    group_threshold = min((data[2] >> 2) & 0xF, group_count)
    data[2] = (data[2] & ~(0xF << 2)) | (group_threshold << 2)
    return data + list(rs1024.create_checksum(data, rs1024.is_extendable(data)))


def make_share(length: int, seed: str) -> list[int]:
    """A deterministic well-formed share for tests that need a fixed one."""
    stream = hashlib.shake_256(seed.encode()).digest(2 * length)
    data = [int.from_bytes(stream[2 * i : 2 * i + 2], "big") % 1024 for i in range(length - 3)]
    return build_share(data)
