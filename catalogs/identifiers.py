"""Kazakhstan's 12-digit identifiers: IIN (persons) and BIN (organisations).

Both end in a check digit computed the same way: weights 1..11 over the first eleven digits,
modulo 11; when that gives 10, a second pass with weights 3..11, 1, 2; a second 10 means the
number cannot be valid.
"""

from __future__ import annotations

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first11: str) -> int | None:
    """The check digit for eleven digits, or None when no digit can make them valid."""
    digits = [int(c) for c in first11]
    for weights in (_W1, _W2):
        value = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if value != 10:
            return value
    return None


def is_valid_12(number: str) -> bool:
    """True when ``number`` is twelve digits whose last one is the right check digit."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def complete(first11: str) -> str | None:
    """Append the check digit to eleven digits; None when that prefix can never be valid."""
    digit = check_digit(first11)
    return None if digit is None else first11 + str(digit)
