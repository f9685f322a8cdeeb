"""Synthetic but valid personal and enterprise codes, for demo data and tests.

Every number made here passes the same validators as real input: right check
characters, real birth dates. None belongs to a real person or enterprise
except by chance.
"""

import datetime
import random
import string

from stdnum.cn import ric, uscc


def make_id_number(area: str, birth: datetime.date, sequence: int) -> str:
    """An 18-character ID number; odd ``sequence`` for a man, even for a woman."""
    body = f"{area}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _organisation_code(body: str) -> str:
    """GB 11714: eight characters and their check character (weights 3 7 9 10 5 8 4 2)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(area: str, serial: int, department: str = "9", kind: str = "1") -> str:
    """A unified social credit code (GB 32100) for region ``area``."""
    organisation = _organisation_code(f"{serial % 10**8:08d}")
    body = f"{department}{kind}{area}{organisation}"
    if "X" in organisation:  # X is outside the USCC alphabet; use the next serial
        return make_credit_code(area, serial + 1, department, kind)
    return body + uscc.calc_check_digit(body + "0")


def make_mobile(rng: random.Random) -> str:
    prefix = rng.choice(["130", "135", "138", "139", "150", "158", "177", "180", "186", "199"])
    return prefix + "".join(rng.choices(string.digits, k=8))


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海燕波宁浩宇欣怡晨阳"


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
