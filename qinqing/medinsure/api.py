"""Clean medical insurance API: catalog, claims import, single-claim check, findings."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from qinqing.cases.schemas import CaseFieldsOut
from qinqing.core import access
from qinqing.core.api.schemas import IsoDate, RecordId, errors
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.medinsure import services
from qinqing.medinsure.filters import FindingFilter, InspectionFilter
from qinqing.medinsure.forms import InspectionForm
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


# --- institutions and inspections ---------------------------------------------------


class InstitutionOut(Schema):
    code: str = Field(title="机构编码")
    name: str = Field(title="机构名称")
    kind: str = Field(title="机构类型", description="hospital/clinic/pharmacy/dental")
    kind_label: str = Field(title="机构类型名称")
    level: str = Field(title="等级")
    region: str = Field(title="所属区划代码")
    region_name: str = Field(title="所属区划")
    agreement_status: str = Field(title="协议状态", description="active/suspended/terminated")
    department: str | None = Field(None, title="主管部门")

    @staticmethod
    def resolve_kind_label(institution):
        return institution.get_kind_display()

    @staticmethod
    def resolve_region(institution):
        return institution.region.code

    @staticmethod
    def resolve_region_name(institution):
        return institution.region.name

    @staticmethod
    def resolve_department(institution):
        return institution.department.name if institution.department_id else None


class InspectionOut(Schema):
    id: int
    institution_code: str = Field(title="机构编码")
    institution: str = Field(title="机构名称")
    kind: str = Field(title="类型", description="inspection 检查 / interview 约谈")
    kind_label: str
    planned_on: datetime.date = Field(title="计划日期")
    done_on: datetime.date | None = Field(None, title="实施日期（未实施为空）")
    notes: str = Field(title="检查（约谈）情况")
    rectification: CaseFieldsOut | None = Field(None, title="整改任务（事项）")

    @staticmethod
    def resolve_institution_code(inspection):
        return inspection.institution.code

    @staticmethod
    def resolve_institution(inspection):
        return inspection.institution.name

    @staticmethod
    def resolve_kind_label(inspection):
        return inspection.get_kind_display()


class InstitutionDetailOut(InstitutionOut):
    inspections: list[InspectionOut] = Field(title="检查与约谈（最近50次）")
    findings_pending: int = Field(title="待复核疑点数")
    findings_confirmed: int = Field(title="已确认疑点数")

    @staticmethod
    def resolve_inspections(institution):
        return institution.recent_inspections


def _institutions(request):
    return access.visible(Institution, request.auth).select_related("region", "department")


@router.get(
    "/medinsure/institutions",
    response={200: list[InstitutionOut], **errors(403)},
    summary="定点医药机构",
)
@paginate
def institutions(request, kind: str | None = None, region: str | None = None):
    """kind：hospital/clinic/pharmacy/dental；region：区划代码（县级含其乡镇）。"""
    _need(request, "medinsure.view_institution")
    rows = _institutions(request).order_by("code")
    if kind:
        rows = rows.filter(kind=kind)
    if region:
        rows = rows.filter(Q(region__code=region) | Q(region__parent__code=region))
    return rows


@router.get(
    "/medinsure/institutions/{code}",
    response={200: InstitutionDetailOut, **errors(403, 404)},
    summary="定点医药机构详情（含检查约谈、疑点数）",
)
def institution(request, code: str):
    """机构不存在与无权查看答复相同的 404。"""
    _need(request, "medinsure.view_institution")
    found = _institutions(request).filter(code=code).first()
    if found is None:
        raise Http404
    counts = (
        access.visible(Finding, request.auth)
        .filter(institution_code=found.code)
        .aggregate(
            pending=Count("pk", filter=Q(status="pending")),
            confirmed=Count("pk", filter=Q(status="confirmed")),
        )
    )
    found.findings_pending = counts["pending"]
    found.findings_confirmed = counts["confirmed"]
    found.recent_inspections = list(
        InspectionFilter({}, actor=request.auth).rows().filter(institution=found)[:50]
    )
    return found


@router.get(
    "/medinsure/inspections",
    response={200: list[InspectionOut], **errors(403)},
    summary="检查与约谈",
)
@paginate
def inspections(
    request,
    kind: str | None = None,
    state: str | None = None,
    institution: str | None = None,
    year: str | None = None,
):
    """与页面、导出的筛选相同。kind：inspection/interview；state：planned（计划中）/
    done（已实施）/rectifying（整改中）；institution：机构编码；year：计划年度。"""
    _need(request, "medinsure.view_inspection")
    return InspectionFilter(request.GET, actor=request.auth).rows()


class InspectionIn(Schema):
    institution_code: str = Field(max_length=32, title="机构编码")
    kind: str = Field(max_length=12, title="类型 inspection（检查）/ interview（约谈）")
    planned_on: IsoDate = Field(title="计划日期")
    done_on: IsoDate | None = Field(None, title="实施日期")
    notes: str = Field("", max_length=4000, title="检查（约谈）情况")
    rectification: str = Field("", max_length=500, title="整改要求（填写即下达整改任务）")
    deadline: IsoDate | None = Field(None, title="整改期限")


@router.post(
    "/medinsure/inspections",
    response={201: InspectionOut, **errors(403, 422)},
    summary="登记检查或约谈（可下达整改任务）",
)
def record_inspection(request, payload: InspectionIn):
    """与页面表单同一校验：下达整改任务须填写整改期限，期限不早于检查日期；
    机构不存在或不在本人负责区划内答复 422（institution_code）。"""
    _need(request, "medinsure.add_inspection")
    form = InspectionForm(
        {
            "institution": payload.institution_code,
            "kind": payload.kind,
            "planned_on": payload.planned_on,
            "done_on": payload.done_on,
            "notes": payload.notes,
            "rectification": payload.rectification,
            "deadline": payload.deadline,
        },
        institutions=access.visible(Institution, request.auth),
    )
    if not form.is_valid():
        error = InvalidInput.from_form(form)
        if "institution" in error.errors:
            error.errors["institution_code"] = error.errors.pop("institution")
        raise error
    data = form.cleaned_data
    inspection = services.do_record_inspection(
        request.auth,
        data["institution"],
        kind=data["kind"],
        planned_on=data["planned_on"],
        done_on=data["done_on"],
        notes=data["notes"],
        rectification=data["rectification"],
        deadline=data["deadline"],
    )
    return Status(201, inspection)


class ServiceRequestIn(Schema):
    topic: str = Field(
        max_length=20,
        title="办理事项",
        description="enrolment 参保登记 / transfer 转移接续 / remote 异地就医备案 / "
        "reimbursement 报销进度 / contribution 单位缴费 / maternity 生育津贴 / "
        "chronic 门诊慢特病 / voucher 医保电子凭证 / other 其他",
    )
    title: str = Field(max_length=100, title="简要说明")
    description: str = Field("", max_length=2000, title="详细情况")
    urgent: bool = Field(False, title="紧急")


class ServiceRequestOut(Schema):
    case_id: int
    number: str
    title: str
    state_label: str
    department: str | None
    due_at: datetime.datetime | None


@router.post(
    "/medinsure/requests",
    response={201: ServiceRequestOut, **errors(403, 422)},
    summary="参保企业省心办：提交事项（企业账号）",
)
def request_service(request, payload: ServiceRequestIn):
    """与页面同一校验；医保局签收、答复后，企业在事项页或 /cases 接口回访评价。"""
    case = services.do_request_service(
        request.auth, payload.title, payload.description, payload.topic, payload.urgent
    )
    return Status(
        201,
        {
            "case_id": case.pk,
            "number": case.number,
            "title": case.title,
            "state_label": case.state_label,
            "department": case.department.name if case.department_id else None,
            "due_at": case.due_at,
        },
    )
