"""Clean medical insurance API: catalog, claims import, single-claim check, findings."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from qinqing.cases.schemas import CaseFieldsOut
from qinqing.core import access
from qinqing.core.api.schemas import RecordId, errors
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.medinsure import services
from qinqing.medinsure.filters import FindingFilter
from qinqing.medinsure.models import CatalogEntry, ClaimBatch, Clue, Finding, Institution

router = Router(tags=["清廉医保"])


def _need(request, perm):
    if not request.auth.has_perm(perm):
        raise Forbidden(perm)


class CatalogOut(Schema):
    item_code: str
    item_name: str
    kind: str
    price_cap: Decimal
    procurement_price: Decimal | None
    gender_limit: str
    min_age: int | None
    max_age: int | None
    care_limit: str
    max_qty_per_day: Decimal | None
    included_in: str
    days_supply_per_unit: Decimal | None
    valid_from: datetime.date
    valid_to: datetime.date | None


@router.get(
    "/medinsure/catalog",
    response={200: list[CatalogOut], **errors(403)},
    summary="医保目录（含各版本限制）",
)
@paginate
def catalog(request, item_code: str | None = None):
    """item_code：只看某项目的各个版本。"""
    _need(request, "medinsure.view_catalogentry")
    rows = access.visible(CatalogEntry, request.auth).order_by("item_code", "valid_from", "pk")
    if item_code:
        rows = rows.filter(item_code=item_code)
    return rows


class SettlementIn(Schema):
    settlement_id: str = Field(max_length=40, title="结算号")
    patient_id: str = Field(max_length=64, title="参保人标识（假名化）")
    gender: str = Field(max_length=1, title="性别 M/F")
    birth_date: str = Field(max_length=10, title="出生日期 YYYY-MM-DD")
    institution_code: str = Field(max_length=32, title="定点机构编码")
    visit_type: str = Field(max_length=12, title="inpatient / outpatient")
    admission_date: str = Field(max_length=10, title="入院（就诊）日期")
    discharge_date: str | None = Field(None, max_length=10, title="出院日期")
    diagnosis: str = Field(max_length=16, title="诊断（ICD-10）")
    total_amount: str = Field(max_length=16, title="医疗费总额（元）")
    fund_paid: str = Field(max_length=16, title="基金支付（元）")


class LineIn(Schema):
    line_id: str = Field(max_length=40)
    item_code: str = Field(max_length=32)
    service_date: str = Field(max_length=10)
    quantity: str = Field(max_length=18)
    unit_price: str = Field(max_length=16)
    amount: str = Field(max_length=16)


class ClaimIn(Schema):
    settlement: SettlementIn
    lines: list[LineIn] = Field(max_length=1000)


class FindingOut(Schema):
    rule_id: str
    rule_version: int
    settlement_id: str
    line_id: str | None
    vola_cont: str
    vola_evid: str
    vola_amt: Decimal
    sev_deg: str


class CheckOut(Schema):
    settlement_id: str
    findings: list[FindingOut]


@router.post(
    "/medinsure/check",
    response={200: CheckOut, **errors(403, 422)},
    summary="单笔结算事前/事中审核",
)
def check(request, payload: ClaimIn):
    """一笔结算及其明细，结合数据库中该参保人近一年的结算，返回疑点（国家事前事中接口字段）。"""
    _need(request, "medinsure.view_finding")
    settlement = payload.settlement.dict()
    lines = [
        {**line.dict(), "settlement_id": settlement["settlement_id"]} for line in payload.lines
    ]
    findings, problems = services.check_claim(settlement, lines)
    if problems:
        errors_by_field: dict[str, list[str]] = {}
        for p in problems:
            where = "settlement" if p["file"] == "结算" else f"lines[{p['row'] - 2}]"
            errors_by_field.setdefault(f"{where}.{p['column']}", []).append(p["message"])
        raise InvalidInput(errors_by_field)
    return {"settlement_id": settlement["settlement_id"], "findings": findings}


class FindingRowOut(FindingOut):
    id: int
    institution_code: str
    service_month: str
    status: str
    reason: str


@router.get(
    "/medinsure/findings",
    response={200: list[FindingRowOut], **errors(403)},
    summary="审核疑点（复核队列）",
)
@paginate
def findings(
    request,
    status: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    institution: str | None = None,
    month: str | None = None,
    selection: str | None = None,
):
    """与页面、导出的筛选相同。status：pending/confirmed/dismissed；
    selection：ranked/high_value/sample。"""
    _need(request, "medinsure.view_finding")
    return FindingFilter(request.GET, actor=request.auth).rows()


class ReviewIn(Schema):
    decision: str = Field(max_length=10, title="confirmed（确认违规）/ dismissed（排除）")
    reason: str = Field(max_length=2000, title="复核意见")


@router.post(
    "/medinsure/findings/{finding_id}/review",
    response={200: FindingRowOut, **errors(403, 404, 422)},
    summary="复核疑点",
)
def review(request, finding_id: RecordId, payload: ReviewIn):
    finding = access.access_object(request.auth, Finding, finding_id)
    return services.do_review_finding(
        request.auth, finding, decision=payload.decision, reason=payload.reason
    )


class BatchOut(Schema):
    id: int
    name: str
    status: str
    step: str
    progress: int
    settlements: int
    lines: int
    problems: int
    problem_sample: list[dict]
    error: str


@router.post(
    "/medinsure/imports",
    response={201: BatchOut, **errors(403, 422)},
    summary="导入结算清单（结算文件 + 明细文件，后台处理）",
)
def import_claims(
    request,
    settlements: File[UploadedFile],
    lines: File[UploadedFile],
    name: Form[str] = "",
):
    _need(request, "medinsure.add_claimbatch")
    folder = services.store_dir() / "uploads" / timezone.now().strftime("%Y%m%d%H%M%S%f")
    folder.mkdir(parents=True, exist_ok=True)
    saved = {}
    for key, upload in (("settlements", settlements), ("lines", lines)):
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".csv", ".xlsx", ".parquet"):
            raise InvalidInput({key: ["只支持 .csv、.xlsx、.parquet 文件"]})
        path = folder / f"{key}{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        saved[key] = path
    batch = services.do_start_claim_import(
        request.auth, name=name[:100], settlements=saved["settlements"], lines=saved["lines"]
    )
    return Status(201, batch)


@router.get(
    "/medinsure/imports/{batch_id}",
    response={200: BatchOut, **errors(403, 404)},
    summary="导入批次进度",
)
def import_status(request, batch_id: RecordId):
    return access.access_object(request.auth, ClaimBatch, batch_id)


class ClueOut(CaseFieldsOut):
    """A clue: its case's fields (the engine's one shape) and its own."""

    id: int
    institution_code: str
    institution: str
    amount: Decimal
    findings: list[int]

    @staticmethod
    def resolve_institution_code(clue):
        return clue.institution.code

    @staticmethod
    def resolve_institution(clue):
        return clue.institution.name

    @staticmethod
    def resolve_findings(clue):
        return sorted(f.pk for f in clue.findings.all())


@router.get("/medinsure/clues", response={200: list[ClueOut], **errors(403)}, summary="医保线索")
@paginate
def clues(request):
    _need(request, "medinsure.view_clue")
    return (
        access.visible(Clue, request.auth)
        .select_related("institution", "case__case_type", "case__state", "case__department")
        .prefetch_related("findings")
        .order_by("-pk")
    )


class ClueIn(Schema):
    institution_code: str = Field(max_length=32, title="机构编码")
    findings: list[int] = Field(max_length=500, title="已确认疑点的编号")


@router.post(
    "/medinsure/clues",
    response={201: ClueOut, **errors(403, 404, 422)},
    summary="已确认疑点形成线索（线索通报）",
)
def refer_clue(request, payload: ClueIn):
    _need(request, "medinsure.add_clue")
    institution = _institution(request, payload.institution_code)
    findings = list(access.visible(Finding, request.auth).filter(pk__in=payload.findings[:500]))
    clue = services.do_refer_clue(request.auth, institution, findings)
    return Status(201, clue)


def _institution(request, code: str):
    institution = access.visible(Institution, request.auth).filter(code=code).first()
    if institution is None:
        raise InvalidInput({"institution_code": ["没有该机构，或不在您负责的区划内"]})
    return institution
