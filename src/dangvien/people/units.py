"""Administrative units after 1 July 2025 (34 provinces, 3,321 communes and wards),
from the vietnam-provinces package."""

from __future__ import annotations

from functools import cache

from vietnam_provinces import Province, Ward


@cache
def provinces() -> list[tuple[int, str]]:
    return sorted(((int(p.code), p.name) for p in Province.iter_all()), key=lambda x: x[0])


@cache
def _wards() -> dict[int, tuple[int, str]]:
    return {int(w.code): (int(w.province_code), w.name) for w in Ward.iter_all()}


def wards_of(province_code: int) -> list[tuple[int, str]]:
    return sorted(
        ((code, name) for code, (prov, name) in _wards().items() if prov == province_code), key=lambda x: x[1]
    )


def province_name(code: int) -> str | None:
    return dict(provinces()).get(code)


def ward_name(code: int) -> str | None:
    found = _wards().get(code)
    return found[1] if found else None


def ward_in_province(ward_code: int, province_code: int) -> bool:
    found = _wards().get(ward_code)
    return found is not None and found[0] == province_code
