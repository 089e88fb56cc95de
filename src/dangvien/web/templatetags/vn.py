from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from dangvien.core.text import vn_pct
from dangvien.members.models import ACTIVE_STATUSES

register = template.Library()


@register.filter
def vn_number(value: object) -> str:
    """5000 -> 5.000"""
    try:
        return f"{int(value):,}".replace(",", ".")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""


@register.filter
def vn_percent(part: object, whole: object) -> str:
    """{{ part|vn_percent:whole }} -> 83,63% (half-up, two decimals)."""
    try:
        p, w = Decimal(str(part)), Decimal(str(whole))
    except ArithmeticError:
        return ""
    if w == 0:
        return "—"
    return vn_pct((p * 100 / w).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@register.filter
def pct(value: object) -> str:
    """{{ row.percent|pct }}: a percent already computed (Decimal 83.63) -> 83,63%."""
    return vn_pct(value)


@register.filter
def fraction_pct(value: object) -> str:
    """{{ 0.5|fraction_pct }} -> 50,00%."""
    try:
        return vn_pct((Decimal(str(value)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    except ArithmeticError:
        return "—"


@register.filter
def share(part: object, whole: object) -> int:
    """Width of a bar, 0..100."""
    try:
        return round(100 * float(part) / float(whole)) if float(whole) else 0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


@register.filter
def status_class(status: str) -> str:
    return status if status in ACTIVE_STATUSES else "ended"


@register.filter
def get_item(mapping: object, key: str) -> object:
    """{{ row.counts|get_item:kind }}: a dict entry by a variable key."""
    return mapping.get(key) if isinstance(mapping, dict) else None
