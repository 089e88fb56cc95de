"""Reading the rules: the value of a parameter on a date, for an organization, with the
text it comes from. One query loads the overrides (`RuleBook.load()`); every lookup
after that is in memory, so a check of ten parameters costs one query, not ten."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangvien.orgs.models import Organization
from dangvien.rules.models import RuleOverride
from dangvien.rules.packs import PACKS, PARAMS, Confidence, Pack, Value, pack_for, parse_value, value_text


@dataclass(frozen=True)
class Resolved:
    key: str
    value: Value
    source: str
    confidence: Confidence
    pack: Pack
    override: RuleOverride | None = None

    @property
    def text(self) -> str:
        return value_text(self.value)

    @property
    def cite(self) -> str:
        """What a message says the rule comes from."""
        if self.override is not None:
            return f"{self.source} (điều chỉnh từ {self.override.effective_from:%d/%m/%Y})"
        return self.source


class RuleBook:
    def __init__(self, overrides: list[RuleOverride]) -> None:
        self._by_key: dict[str, list[RuleOverride]] = {}
        for o in overrides:
            self._by_key.setdefault(o.key, []).append(o)

    @classmethod
    def load(cls) -> RuleBook:
        return cls(list(RuleOverride.objects.filter(revoked_at__isnull=True).select_related("province")))

    def get(self, key: str, *, on: dt.date, org: Organization | None = None) -> Resolved:
        """The value in force on `on` for `org`: an override for the org's province beats
        a global one; among overrides of the same reach, the latest start wins; without
        an override, the pack in force on `on`."""
        param = PARAMS[key]
        pack = pack_for(on)
        best: RuleOverride | None = None
        for o in self._by_key.get(key, ()):
            if o.effective_from > on:
                continue
            if o.province is not None and (org is None or not org.path.startswith(o.province.path)):
                continue
            rank = (o.province is not None, o.effective_from, o.pk)
            if best is None or rank > (best.province is not None, best.effective_from, best.pk):
                best = o
        if best is not None:
            return Resolved(
                key,
                parse_value(param, best.value),
                f"Điều chỉnh của quản trị viên: {best.reason}",
                "H",
                pack,
                best,
            )
        entry = pack.entries[key]
        return Resolved(key, entry.value, entry.source, entry.confidence, pack)

    def value(self, key: str, *, on: dt.date, org: Organization | None = None) -> Value:
        return self.get(key, on=on, org=org).value


def rule(key: str, *, on: dt.date, org: Organization | None = None) -> Resolved:
    """One lookup (one query). Checks that need several parameters use RuleBook.load()."""
    return RuleBook.load().get(key, on=on, org=org)


@dataclass
class ParamRow:
    key: str
    label: str
    unit: str
    per_pack: list[tuple[Pack, str, str, Confidence]]  # pack, value text, source, confidence
    overrides: list[RuleOverride]
    current: Resolved


def rules_overview(*, today: dt.date) -> list[ParamRow]:
    """Every parameter with its value, source and confidence in each pack, its overrides
    (revoked ones too: the history), and what is in force today for the whole system."""
    overrides = list(
        RuleOverride.objects.select_related("province", "created_by", "revoked_by").order_by(
            "key", "effective_from", "pk"
        )
    )
    book = RuleBook([o for o in overrides if o.revoked_at is None])
    rows = []
    for key, param in PARAMS.items():
        rows.append(
            ParamRow(
                key=key,
                label=param.label,
                unit=param.unit,
                per_pack=[
                    (p, value_text(p.entries[key].value), p.entries[key].source, p.entries[key].confidence)
                    for p in PACKS
                ],
                overrides=[o for o in overrides if o.key == key],
                current=book.get(key, on=today),
            )
        )
    return rows
