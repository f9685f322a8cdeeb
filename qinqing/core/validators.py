"""Validators for the codes a county works with.

Each returns the normalised value or raises ``ValidationError`` with a message
in Chinese that says what is wrong. Full-width characters typed on a Chinese
keyboard are normalised (NFKC) before checking, never refused.
"""

import datetime
import re
import unicodedata

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

from qinqing.core.industry import DIVISION_SECTIONS


def normalise(value: str) -> str:
    """Full-width to half-width, and drop the separators people type."""
    value = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s\-－—_]", "", value)


# --- 身份证号, GB 11643-1999 -----------------------------------------------


def validate_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """Check a citizen ID number: 18 characters, a real birth date, ISO 7064 MOD 11-2.

    The area code is deliberately not checked against the list of codes in force
    at the birth year: numbers keep the code of the office that issued them, and a
    county created later still issues valid numbers to older residents.
    """
    number = normalise(value).upper()
    if not number:
        raise ValidationError("身份证号不能为空", code="required")
    if len(number) != 18:
        raise ValidationError(f"身份证号应为18位，实际为{len(number)}位", code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号前17位应为数字，最后一位为数字或X", code="format")
    if number[:2] not in _PROVINCES:
        raise ValidationError(
            f"身份证号前两位“{number[:2]}”不是有效的省级行政区划代码", code="area"
        )
    try:
        birth = ric.get_birth_date(number)
    except Exception:
        raise ValidationError(
            f"身份证号中的出生日期 {number[6:14]} 不是有效日期", code="birth_date"
        ) from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1890:
        raise ValidationError(
            f"身份证号中的出生日期 {birth:%Y-%m-%d} 不在合理范围内", code="birth_date"
        )
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise ValidationError(f"身份证号校验位错误，应为 {expected}", code="checksum")
    return number


_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
    "91",
}


def id_number_gender(number: str) -> str:
    """'M' or 'F' from the sequence code: odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def id_number_birth_date(number: str) -> datetime.date:
    return ric.get_birth_date(number)


# --- 统一社会信用代码, GB 32100-2015 -----------------------------------------

USCC_ALPHABET = uscc._alphabet  # 0-9 and A-Y without I, O, S, V, Z
# 登记管理部门代码: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游,
# 7 宗教, 8 工会, 9 市场监管(工商), A 中央军委改革和编制办公室, N 农业,
# Y 其他. python-stdnum requires the first eight characters to be digits, so
# it refuses codes issued by 农业 (N), 中央军委 (A) and others (Y); we check the
# standard's own rule instead and reuse only its check-character arithmetic.
USCC_DEPARTMENTS = set("123456789ANY")


def validate_uscc(value: str) -> str:
    code = normalise(value).upper()
    if not code:
        raise ValidationError("统一社会信用代码不能为空", code="required")
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，实际为{len(code)}位", code="length")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）",
            code="format",
        )
    if code[0] not in USCC_DEPARTMENTS:
        raise ValidationError(
            f"统一社会信用代码第1位登记管理部门代码“{code[0]}”无效", code="department"
        )
    if not code[2:8].isdigit():
        raise ValidationError("统一社会信用代码第3至8位应为行政区划码（数字）", code="region")
    expected = uscc.calc_check_digit(code)
    if code[17] != expected:
        raise ValidationError(f"统一社会信用代码校验位错误，应为 {expected}", code="checksum")
    return code


# --- 手机号 --------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> str:
    """Mainland mobile number; +86 / 0086, spaces and dashes are tolerated."""
    number = normalise(value)
    number = re.sub(r"[()（）]", "", number)
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) == 11 + len(prefix):
            number = number[len(prefix) :]
            break
    if not number:
        raise ValidationError("手机号不能为空", code="required")
    if not number.isdigit():
        raise ValidationError("手机号只能包含数字", code="format")
    if len(number) != 11:
        raise ValidationError(f"手机号应为11位，实际为{len(number)}位", code="length")
    if not _MOBILE.match(number):
        raise ValidationError("手机号号段无效，应以13至19开头", code="format")
    return number


# --- 行业代码, GB/T 4754-2017 -------------------------------------------------


def validate_industry_code(value: str) -> str:
    """A section letter is optional; the two-digit division must exist."""
    code = normalise(value).upper()
    if not code:
        raise ValidationError("行业代码不能为空", code="required")
    letter = code[0] if code[0].isalpha() else ""
    digits = code[1:] if letter else code
    if not digits.isdigit() or not 2 <= len(digits) <= 4:
        raise ValidationError("行业代码应为2至4位数字（可带门类字母，如 C3011）", code="format")
    section = DIVISION_SECTIONS.get(digits[:2])
    if section is None:
        raise ValidationError(f"行业代码大类“{digits[:2]}”不存在", code="division")
    if letter and letter != section:
        raise ValidationError(
            f"行业代码门类应为 {section}，大类 {digits[:2]} 不属于门类 {letter}", code="section"
        )
    return digits


# --- passwords ---------------------------------------------------------------


class KnownPasswordValidator:
    """Refuses passwords that are published: the demo accounts' shared password and its kin.

    The demo command writes its accounts' hashes directly, so demo data keeps
    working; any password a person chooses or an admin sets goes through here.
    """

    def _known(self) -> set[str]:
        from qinqing.core.demo.registry import DEMO_PASSWORD

        return {DEMO_PASSWORD, "qinqing", "qinqing123", "qinqing123456", "qingqing2026"}

    def validate(self, password: str, user=None) -> None:
        if password.strip().lower() in self._known():
            raise ValidationError(
                "该密码是公开的演示密码或常见密码，不能使用，请另设一个", code="password_known"
            )

    def get_help_text(self) -> str:
        return "不能使用演示密码等公开的密码"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, in Chinese (Django 5.2's own zh-Hans catalogue lacks this message)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符"
