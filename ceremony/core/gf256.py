"""Arithmetic in GF(2^8) with the Rijndael polynomial x^8 + x^4 + x^3 + x + 1, as SLIP-39 uses it.

Byte strings are treated as vectors of field elements; multiplying a vector by a scalar is one
`bytes.translate` with a precomputed table, so interpolating 32-byte values costs a few C calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

_POLY = 0x11B


def _tables() -> tuple[list[int], list[int]]:
    exp = [0] * 510
    log = [0] * 256
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        # multiply by the generator 3 = x + 1
        value ^= (value << 1) ^ (_POLY if value & 0x80 else 0)
    for power in range(255, 510):
        exp[power] = exp[power - 255]
    return exp, log


EXP, LOG = _tables()


def mul(a: int, b: int) -> int:
    """Multiplication in GF(256) by logarithm tables: the field the share values are split in."""
    if a == 0 or b == 0:
        return 0
    return EXP[LOG[a] + LOG[b]]


def div(a: int, b: int) -> int:
    """Division in GF(256); dividing by zero is a bug in the caller, so it raises."""
    if b == 0:
        raise ZeroDivisionError("division by zero in GF(256)")
    if a == 0:
        return 0
    return EXP[LOG[a] - LOG[b] + 255]


@cache
def _scale_table(c: int) -> bytes:
    return bytes(mul(c, b) for b in range(256))


def scale(vector: bytes, c: int) -> bytes:
    """Every byte of `vector` times `c`, in one pass (a translation table per constant)."""
    return vector.translate(_scale_table(c))


def add(a: bytes, b: bytes) -> bytes:
    """Addition in GF(256) is XOR, of equal-length byte strings."""
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def lagrange_weights(xs: Sequence[int], x: int) -> list[int]:
    """The Lagrange basis values l_i(x) for the distinct points `xs`."""
    weights = []
    for i, xi in enumerate(xs):
        numerator, denominator = 1, 1
        for j, xj in enumerate(xs):
            if i != j:
                numerator = mul(numerator, x ^ xj)
                denominator = mul(denominator, xi ^ xj)
        weights.append(div(numerator, denominator))
    return weights


def interpolate(points: Sequence[tuple[int, bytes]], x: int) -> bytes:
    """The value at `x` of the unique polynomial of degree < len(points) through `points`."""
    for xi, yi in points:
        if xi == x:
            return yi
    xs = [p[0] for p in points]
    weights = lagrange_weights(xs, x)
    total = bytes(len(points[0][1]))
    for weight, (_, yi) in zip(weights, points, strict=True):
        total = add(total, scale(yi, weight))
    return total
