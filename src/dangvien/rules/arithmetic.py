"""Pure arithmetic the rules need besides the calendar."""

from __future__ import annotations

from fractions import Fraction


def vote_passes(*, yes: int, denominator: int, threshold: Fraction) -> bool:
    """At least `threshold` of the denominator voted yes, in integers (no rounding):
    28 of 42 is exactly 2/3 and passes; 27 of 42 does not."""
    if denominator <= 0:
        return False
    return yes * threshold.denominator >= threshold.numerator * denominator


def votes_needed(*, denominator: int, threshold: Fraction) -> int:
    """The smallest number of yes votes that passes."""
    return -(-threshold.numerator * denominator // threshold.denominator)
