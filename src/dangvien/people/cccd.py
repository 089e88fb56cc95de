"""Citizen ID (căn cước công dân): 12 digits — province of birth registration (3),
sex and century (1), year of birth (2), sequence (6). Thông tư 07/2016/TT-BCA,
59/2021/TT-BCA. Provinces are the 63 before the 2025 mergers (RULES.md)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}


class CccdError(ValueError):
    """The message is written for the user, in their language."""


def sex_century_digit(sex: str, birth_year: int) -> int:
    century_index = (birth_year - 1900) // 100  # 1900-1999 -> 0, 2000-2099 -> 1, ...
    return century_index * 2 + (1 if sex == "female" else 0)


def validate_cccd(value: str, *, sex: str | None = None, birth_date: dt.date | None = None) -> str:
    """Returns the normalized number or raises CccdError saying exactly what is wrong."""
    number = value.strip().replace(" ", "").replace(".", "")
    if not number.isdigit():
        raise CccdError(_("Số CCCD chỉ gồm chữ số"))
    if len(number) == 9:
        raise CccdError(_("Số có 9 chữ số là CMND cũ, không phải CCCD: ghi vào ô “Số CMND cũ”"))
    if len(number) in (10, 11):
        # Every CCCD begins with its province's code, 001 to 096: a number one or two
        # digits short is almost always one that Excel took for a number and shortened.
        raise CccdError(
            _(
                "Số CCCD phải có đúng 12 chữ số (đang có {n}). Có thể Excel đã bỏ số 0 ở đầu vì coi ô là số: "
                "định dạng cột Số CCCD là Văn bản (Text) rồi gõ lại đủ 12 chữ số, bắt đầu bằng 0"
            ).format(n=len(number))
        )
    if len(number) != 12:
        raise CccdError(_("Số CCCD phải có đúng 12 chữ số (đang có {n})").format(n=len(number)))
    if number[:3] not in PROVINCE_CODES:
        raise CccdError(_("Mã tỉnh “{code}” ở 3 chữ số đầu của CCCD không tồn tại").format(code=number[:3]))
    if birth_date is not None:
        if number[4:6] != f"{birth_date.year % 100:02d}":
            raise CccdError(
                _("Chữ số thứ 5–6 của CCCD ({digits}) không khớp năm sinh {year}").format(
                    digits=number[4:6], year=birth_date.year
                )
            )
        if sex in ("male", "female"):
            expected = sex_century_digit(sex, birth_date.year)
            if int(number[3]) != expected:
                wrong = (
                    _("Chữ số thứ 4 của CCCD ({digit}) không khớp giới tính nữ sinh năm {year} (phải là {n})")
                    if sex == "female"
                    else _(
                        "Chữ số thứ 4 của CCCD ({digit}) không khớp giới tính nam sinh năm {year} "
                        "(phải là {n})"
                    )
                )
                raise CccdError(wrong.format(digit=number[3], year=birth_date.year, n=expected))
    return number
