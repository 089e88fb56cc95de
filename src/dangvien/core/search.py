"""Finding people by name the way clerks type one (issue 23).

Every word typed must begin a word of the name, in any order: "nguyen hang", "hang nguyen"
and "ng th hang" all find Nguyễn Thị Hằng. Diacritics are optional (the match is made on
the folded name, `Person.name_search`), but they rank: a name whose words carry the marks
typed comes first, then names with the same letters and other marks, then names where a
typed word only begins a word: "lan" finds Lan first, then Lân and Lản, then Lanh and
Lành. Within a rank, the Vietnamese order of names.

On PostgreSQL each word is one regular expression that the trigram index on name_search
answers (core.lookups.WordPrefix); SQLite scans a commune's few thousand names."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db.models import Q

from dangvien.core.text import fold

MAX_WORDS = 6  # a longer query is a pasted sentence: its first words are enough


def name_words(query: str) -> list[str]:
    """The folded words of a query, longest first (the most selective LIKE leads)."""
    words = [w for w in fold(query).split(" ") if w]
    unique = list(dict.fromkeys(words))[:MAX_WORDS]
    return sorted(unique, key=len, reverse=True)


def name_filter(query: str, field: str = "name_search") -> Q:
    """Rows whose folded name (`field`, a lookup path such as "person__name_search") has a
    word beginning with each word of the query. An empty query matches nothing."""
    words = name_words(query)
    if not words:
        return Q(pk__in=[])
    q = Q()
    for w in words:
        q &= Q(**{f"{field}__word_prefix": w})
    return q


def _marked_words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).casefold().split()


def name_rank(query: str, full_name: str) -> int:
    """0: every word typed is a word of the name, marks and all; 1: every word is a word of
    the name without regard to marks; 2: some typed word only begins a word of the name."""
    typed = _marked_words(query)[:MAX_WORDS]
    if not typed:
        return 2
    marked = _marked_words(full_name)
    if all(w in marked for w in typed):
        return 0
    folded = set(fold(full_name).split(" "))
    if all(fold(w) in folded for w in typed):
        return 1
    return 2


def ranked(query: str, rows: Iterable[tuple[int, str]]) -> list[int]:
    """The ids of (id, full name) rows, already in the Vietnamese order, best match first
    (a stable sort: the order is kept within a rank)."""
    return [pk for pk, _name in sorted(rows, key=lambda row: name_rank(query, row[1]))]
