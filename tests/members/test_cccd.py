import datetime as dt

import pytest

from dangvien.people.cccd import CccdError, validate_cccd

BORN = dt.date(1990, 5, 17)


def test_a_valid_number_passes_and_is_normalized():
    assert validate_cccd(" 001 090 012345 ", sex="male", birth_date=BORN) == "001090012345"
    assert validate_cccd("079190000001", sex="female", birth_date=BORN) == "079190000001"
    assert validate_cccd("001305000001", sex="female", birth_date=dt.date(2005, 1, 1)) == "001305000001"


@pytest.mark.parametrize(
    ("number", "sex", "birth", "message"),
    [
        ("00109001234", "male", BORN, "đúng 12 chữ số (đang có 11)"),
        # One or two digits short: a number Excel shortened (every CCCD begins with 0).
        ("00109001234", "male", BORN, "Excel đã bỏ số 0 ở đầu"),
        ("1090012345", "male", BORN, "định dạng cột Số CCCD là Văn bản (Text)"),
        ("0010900123456", "male", BORN, "đúng 12 chữ số (đang có 13)"),
        ("123456789", "male", BORN, "CMND cũ"),
        ("00109001234a", "male", BORN, "chỉ gồm chữ số"),
        ("003090012345", "male", BORN, "Mã tỉnh “003”"),
        ("001091012345", "male", BORN, "không khớp năm sinh 1990"),
        ("001190012345", "male", BORN, "không khớp giới tính nam"),
        ("001090012345", "female", BORN, "không khớp giới tính nữ"),
        ("001090012345", "male", dt.date(2090, 1, 1), "không khớp giới tính nam sinh năm 2090"),
    ],
)
def test_each_failure_has_its_own_message(number, sex, birth, message):
    with pytest.raises(CccdError) as exc:
        validate_cccd(number, sex=sex, birth_date=birth)
    assert message in str(exc.value)


def test_a_number_too_short_or_too_long_for_excel_to_blame_gets_no_excel_hint():
    with pytest.raises(CccdError) as err:
        validate_cccd("0010900123456")
    assert "Excel" not in str(err.value)
