"""core.choices.ChoiceLabels: `get_FOO_display()` reads a label from one dict per field
instead of translating every choice at each call, and still answers in the reader's
language, and with the value itself when it is not a choice."""

from __future__ import annotations

from django.utils import translation

from dangvien.core.choices import ChoiceLabels
from dangvien.orgs.models import Organization, OrgKind


def test_a_label_follows_the_language_it_is_read_in_after_the_dict_is_made():
    org = Organization(code="X", name="Chi bộ Thôn 1", kind=OrgKind.CELL)
    assert isinstance(org, ChoiceLabels)
    with translation.override("vi"):
        assert org.get_kind_display() == "Chi bộ"
    with translation.override("en"):
        assert org.get_kind_display() == "Cell"
    with translation.override("vi"):
        assert org.get_kind_display() == "Chi bộ"


def test_a_value_that_is_not_a_choice_is_shown_as_it_is_and_an_empty_one_as_empty():
    assert Organization(kind="khong-co").get_kind_display() == "khong-co"
    assert Organization(kind="").get_kind_display() == ""
    assert Organization(sector=None).get_sector_display() is None


def test_every_label_is_the_one_djangos_own_lookup_gives(settings):
    from django.db.models import Model

    for kind in [*OrgKind.values, "khac"]:
        org = Organization(kind=kind)
        assert org.get_kind_display() == Model._get_FIELD_display(org, Organization._meta.get_field("kind"))
