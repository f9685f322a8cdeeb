"""The directory's own import kinds: enterprises (by credit code) and people (by ID number)."""

import functools
import unicodedata

from qinqing.core import importing, validators
from qinqing.core.crypto import lookup_hash
from qinqing.core.forms import EnterpriseForm, PersonForm
from qinqing.core.importing import Column, FormRows, ImportSpec
from qinqing.core.masking import mask_id_number, mask_phone
from qinqing.core.models import Enterprise, Person


class EnterpriseImportForm(importing.PrefetchedLookups, EnterpriseForm):
    """``EnterpriseForm``; an existing credit code is an update of that enterprise."""

    def validate_unique(self):
        pass


class PersonImportForm(importing.PrefetchedLookups, PersonForm):
    """``PersonForm``; an ID number already registered is an update of that person."""

    def clean_id_number(self):
        return validators.validate_id_number(self.cleaned_data["id_number"])


TRUE_WORDS = {"是", "y", "yes", "true", "1", "规上"}
FALSE_WORDS = {"", "否", "n", "no", "false", "0", "规下"}


def above_scale(text: str) -> str:
    word = unicodedata.normalize("NFKC", text).lower()
    if word in TRUE_WORDS:
        return "true"
    if word in FALSE_WORDS:
        return "false"
    raise ValueError(f"规上企业应填“是”或“否”，不能是“{text}”")


REGION_HELP = "必填。县（市、区）或乡镇（街道）的区划代码，如 330702 或 330702202"

ENTERPRISES = ImportSpec(
    kind="enterprises",
    label="企业",
    columns=(
        Column("企业名称", "name", required=True, help="必填"),
        Column(
            "统一社会信用代码",
            "credit_code",
            required=True,
            text=True,
            refuse_numbers=True,
            help="必填，18位。已登记的企业按本表内容更新",
        ),
        Column(
            "行业代码",
            "industry_code",
            required=True,
            text=True,
            help="必填。国民经济行业分类（GB/T 4754-2017）代码，2至4位数字，如 3011",
        ),
        Column("所属区划代码", "region", required=True, text=True, help=REGION_HELP),
        Column("用地面积（亩）", "land_area_mu", help="选填。数字，最多两位小数"),
        Column("从业人数", "employees", help="选填。整数"),
        Column(
            "规上企业",
            "above_scale",
            convert=above_scale,
            help="选填。填“是”或“否”，空白视为“否”",
        ),
        Column("地址", "address", help="选填"),
    ),
    handler=functools.partial(
        FormRows,
        form_class=EnterpriseImportForm,
        key_field="credit_code",
        key_label="统一社会信用代码",
        find_existing=lambda codes: Enterprise.objects.filter(credit_code__in=codes),
        change_perm="core.change_enterprise",
    ),
    permissions=("core.add_enterprise", "core.change_enterprise"),
)

PEOPLE = ImportSpec(
    kind="people",
    label="人员",
    columns=(
        Column("姓名", "name", required=True, help="必填"),
        Column(
            "身份证号",
            "id_number",
            required=True,
            text=True,
            refuse_numbers=True,
            mask=mask_id_number,
            help="必填，18位。该列须为“文本”格式，否则 Excel 会丢掉后几位。已登记的人员按本表更新",
        ),
        Column("手机号", "phone", text=True, mask=mask_phone, help="选填。11位手机号"),
        Column("所属区划代码", "region", required=True, text=True, help=REGION_HELP),
    ),
    handler=functools.partial(
        FormRows,
        form_class=PersonImportForm,
        key_field="id_number",
        key_label="身份证号",
        # ID numbers are stored encrypted: found by their keyed hash.
        find_existing=lambda numbers: Person.objects.filter(
            id_number_hash__in=[lookup_hash(n) for n in numbers]
        ),
        change_perm="core.change_person",
    ),
    permissions=("core.add_person", "core.change_person"),
)


def register() -> None:
    importing.register_import_kind(ENTERPRISES)
    importing.register_import_kind(PEOPLE)
