"""The review queue (疑点复核) and the claim batches with their audit runs."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import filtered, query_string
from qinqing.medinsure import services
from qinqing.medinsure.audit.rules import DEFAULT_RULES
from qinqing.medinsure.filters import SELECTIONS, BatchFilter, FindingFilter
from qinqing.medinsure.models import (
    AuditRun,
    Finding,
    Institution,
    JobStatus,
    ReviewStatus,
    Severity,
)

PAGE_ROWS = 200
FINDING_HEADERS = ["规则", "规则版本", "结算号", "明细号", "机构编码", "月份", "违规内容",
                   "违规依据明细", "涉及金额", "违规程度", "复核状态", "复核意见"]  # fmt: skip


@login_required
@permission_required("medinsure.view_finding", raise_exception=True)
def finding_list(request):
    _filters, rows, status = filtered(request, FindingFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(
            "审核疑点",
            FINDING_HEADERS,
            (
                [
                    f.rule_id,
                    f.rule_version,
                    f.settlement_id,
                    f.line_id,
                    f.institution_code,
                    f.service_month,
                    f.vola_cont,
                    f.vola_evid,
                    float(f.vola_amt),
                    f.sev_deg,
                    f.get_status_display(),
                    f.reason,
                ]
                for f in rows.iterator()
            ),
        )
    names = {r.key: r.name for r in DEFAULT_RULES}
    shown = list(rows[:PAGE_ROWS])
    for finding in shown:
        finding.rule_name = names.get(finding.rule_id, finding.rule_id)
    return render(
        request,
        "medinsure/findings.html",
        {
            "findings": shown,
            "total": rows.count() if status == 200 else 0,
            "filters": query_string(request),
            "rules": [(r.key, r.name) for r in DEFAULT_RULES],
            "statuses": ReviewStatus.choices,
            "severities": Severity.choices,
            "selections": SELECTIONS,
            "page_rows": PAGE_ROWS,
        },
        status=status,
    )


@login_required
@require_POST
def finding_review(request, pk):
    finding = access.access_object(request.user, Finding, pk)
    try:
        services.do_review_finding(
            request.user,
            finding,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except Forbidden:
        messages.error(request, "您没有复核疑点的权限")
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(
            request,
            f"疑点 {finding.settlement_id} {finding.line_id} 已{finding.get_status_display()}",
        )
    return redirect(request.POST.get("next") or "medinsure-findings")


@login_required
@permission_required("medinsure.view_claimbatch", raise_exception=True)
def batch_list(request):
    _filters, batches, status = filtered(request, BatchFilter)
    runs = list(access.visible(AuditRun, request.user)[:10])
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(
            "结算清单导入批次",
            ["批次", "状态", "结算数", "明细数", "数据问题", "导入人", "导入时间"],
            (
                [
                    b.name,
                    b.get_status_display(),
                    b.settlements,
                    b.lines,
                    b.problems,
                    str(b.created_by),
                    timezone.localtime(b.created_at).replace(tzinfo=None),
                ]
                for b in batches
            ),
        )
    busy = any(b.status in (JobStatus.QUEUED, JobStatus.RUNNING) for b in batches[:10]) or any(
        r.status in (JobStatus.QUEUED, JobStatus.RUNNING) for r in runs
    )
    return render(
        request,
        "medinsure/batches.html",
        {
            "batches": batches[:100],
            "runs": runs,
            "busy": busy,
            "filters": query_string(request),
            "rules": services.rules_in_force(),
        },
        status=status,
    )


def _save_upload(upload: UploadedFile, folder: Path, name: str) -> Path:
    suffix = Path(upload.name or "").suffix.lower()
    path = folder / f"{name}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@login_required
@require_POST
def batch_upload(request):
    settlements = request.FILES.get("settlements")
    lines = request.FILES.get("lines")
    if settlements is None or lines is None:
        messages.error(request, "请同时选择结算文件和费用明细文件")
        return redirect("medinsure-batches")
    folder = services.store_dir() / "uploads" / timezone.now().strftime("%Y%m%d%H%M%S%f")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        batch = services.do_start_claim_import(
            request.user,
            name=request.POST.get("name", "") or Path(settlements.name).stem,
            settlements=_save_upload(settlements, folder, "settlements"),
            lines=_save_upload(lines, folder, "lines"),
        )
    except Forbidden:
        messages.error(request, "您没有导入结算清单的权限")
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"已提交导入“{batch.name}”，正在后台处理")
    return redirect("medinsure-batches")


@login_required
@require_POST
def audit_start(request):
    try:
        run = services.do_start_audit(request.user)
    except Forbidden:
        messages.error(request, "您没有发起审核的权限")
    else:
        messages.success(request, f"已发起{run}，正在后台审核全部已导入的结算")
    return redirect("medinsure-batches")


@login_required
@require_POST
def clue_refer(request):
    code = request.POST.get("institution", "")
    institution = access.visible(Institution, request.user).filter(code=code).first()
    if institution is None:
        messages.error(request, "没有该机构，或不在您负责的区划内")
        return redirect("medinsure-findings")
    findings = access.visible(Finding, request.user).filter(
        institution_code=code, status=ReviewStatus.CONFIRMED, clue__isnull=True
    )
    try:
        clue = services.do_refer_clue(request.user, institution, findings)
    except Forbidden:
        messages.error(request, "您没有形成线索的权限")
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"已形成线索 {clue.case.number}，请在办件中通报主管部门")
        return redirect("case-detail", clue.case_id)
    return redirect(f"{reverse('medinsure-findings')}?institution={code}&status=confirmed")
