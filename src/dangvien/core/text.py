"""Vietnamese text: search keys without diacritics, the Vietnamese alphabetical order,
and header matching for imports."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def _fold_slow(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


# Every precomposed Latin letter with marks (Vietnamese uses those of U+00C0–U+1EFF) mapped
# to its ASCII letter once, so that folding a name is one str.translate instead of a
# decomposition and a test of each character (an import folds three cells a row).
_FOLD_TABLE = {
    code: folded
    for code in range(0x00C0, 0x1F00)
    if (folded := _fold_slow(chr(code))).isascii() and len(folded) == 1 and folded != chr(code)
}


def fold(text: str) -> str:
    """Lower-case, without diacritics, single-spaced: "Nguyễn  Văn ĐẠT" -> "nguyen van dat"."""
    quick = text.translate(_FOLD_TABLE)
    if not quick.isascii():  # marks written apart, other scripts: the general way
        return _fold_slow(text)
    return " ".join(quick.split()).lower()


def header_key(text: str) -> str:
    """Headers match without regard to case, diacritics or spacing."""
    return fold(text).replace(" ", "").replace("*", "")


def clean_name(text: str) -> str:
    """A person's name as stored: NFC, single spaces, no leading or trailing space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


# The Vietnamese alphabet in dictionary order; f j w z only appear in foreign names.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_CODE = {letter: f"{index + 10:02d}" for index, letter in enumerate(_ALPHABET)}
# Tones in the order a Vietnamese list is read in (issue 23): ngang, huyền, sắc, hỏi, ngã,
# nặng. (Some dictionaries put sắc after ngã; the committees' lists do not.) Changing
# this order changes every stored Person.sort_key: see people/migrations/0004.
_TONE_MARKS = {"\u0300": "1", "\u0301": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_BASE_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn


def _split_letter(ch: str) -> tuple[str, str]:
    """One precomposed letter -> (base letter of the alphabet, tone digit)."""
    if ch in "đĐ":
        return "đ", "0"
    parts = unicodedata.normalize("NFD", ch.lower())
    base = parts[0]
    tone = "0"
    for mark in parts[1:]:
        if mark in _TONE_MARKS:
            tone = _TONE_MARKS[mark]
        elif mark in _BASE_MARKS:
            if base == "a":
                base = "ă" if mark == "\u0306" else "â"
            elif base == "o":
                base = "ô" if mark == "\u0302" else "ơ"
            elif base == "u" and mark == "\u031b":
                base = "ư"
            elif base == "e" and mark == "\u0302":
                base = "ê"
    return base, tone


# Each character's (letter code or None, tone digit), worked out once: names use a few
# hundred characters, and an import keys tens of thousands of names.
_CHAR_KEY: dict[str, tuple[str | None, str]] = {}


def _char_key(ch: str) -> tuple[str | None, str]:
    found = _CHAR_KEY.get(ch)
    if found is None:
        base, tone = _split_letter(ch)
        found = _CHAR_KEY[ch] = (_LETTER_CODE.get(base), tone)
    return found


def _primary(words: list[str]) -> tuple[str, str]:
    primary, tones = [], []
    for word in words:
        p, t = _word_key(word)
        primary.append(p)
        tones.append(t)
    return "".join(primary), "".join(tones)


@lru_cache(maxsize=1 << 14)  # a few thousand syllables make every Vietnamese name
def _word_key(word: str) -> tuple[str, str]:
    """One word's letter codes (then the word separator) and tone digits."""
    primary, tones = [], []
    for ch in unicodedata.normalize("NFC", word):
        code, tone = _char_key(ch)
        if code is None:
            continue  # digits, punctuation: not part of the order
        primary.append(code)
        tones.append(tone)
    primary.append("01")  # word separator sorts before any letter
    return "".join(primary), "".join(tones)


@lru_cache(maxsize=1 << 16)  # names repeat: a commune's file has many Nguyễn Thị Hương
def vietnamese_sort_key(full_name: str) -> str:
    """A key whose plain byte order is the Vietnamese order of names: by given name (the
    last word), then the family and middle names, letters first, tones second.

    Only digits are used, so every database collation (C, en_US, SQLite's BINARY)
    orders the keys the same way.
    """
    words = clean_name(full_name).split(" ")
    if not words or words == [""]:
        return ""
    given_p, given_t = _primary(words[-1:])
    rest_p, rest_t = _primary(words[:-1])
    return (given_p + "00" + rest_p + "00" + given_t + rest_t)[:250]


_NUMBER = re.compile(r"(\d+)")


def natural_sort_key(text: str) -> str:
    """Order for names of organizations: Vietnamese letters, and numbers by value
    ("Thôn 2" before "Thôn 10"; "Công an" before "Cơ quan")."""
    parts: list[str] = []
    tones: list[str] = []
    for i, piece in enumerate(_NUMBER.split(unicodedata.normalize("NFC", text))):
        if i % 2:  # a number
            parts.append("02" + piece.lstrip("0").zfill(12))
            continue
        for ch in piece:
            if ch.isspace():
                parts.append("01")
                continue
            base, tone = _split_letter(ch)
            code = _LETTER_CODE.get(base)
            if code is not None:
                parts.append(code)
                tones.append(tone)
    return "".join(parts) + "00" + "".join(tones)


def vn_int(value: int) -> str:
    """5000 → "5.000": the Vietnamese thousands separator."""
    return f"{value:,}".replace(",", ".")


def vn_pct(value: object, *, sign: bool = True) -> str:
    """Decimal("83.63") → "83,63%"; None → "—"."""
    if value is None:
        return "—"
    text = f"{float(value):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")  # type: ignore[arg-type]
    return text + ("%" if sign else "")
