"""Schemathesis over the whole OpenAPI schema, in-process through Django's WSGI app.

For an admin (who may do almost everything) and a resident (who may do almost
nothing), every operation gets schema-valid requests and schema-violating ones.
Every answer must be one the schema documents (status code, content type and
body), never a server error, and a request that violates the schema must be
refused. Bounded and derandomized: the same cases every run, in well under a
minute.
"""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from qinqing.cases.services import do_open_case
from qinqing.core.models import ApiToken, Site
from qinqing.core.services import do_record_visit
from qinqing.enterprise.models import ServiceSession
from qinqing.investment.services import do_create_project, do_post_task
from qinqing.workspace import services as workspace
from qinqing.workspace.models import Campaign as WorkspaceCampaign

SCHEMA_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 4}


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, minus the connection closing at the end of each request.

    Closing would end the test's transaction on PostgreSQL; Django's own test
    client leaves the connection open the same way.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def county(users, regions, enterprise, person):
    """A record of each kind, and their ids: the fuzzer's own ids would all be 404s."""
    zhuma = regions["zhuma"]
    # Registered by staff for the resident (who files only where they live, 百步).
    case = do_open_case(
        users["staff"],
        case_type="general",
        title="路灯不亮",
        region=zhuma,
        requester=users["resident"],
    )
    visit = do_record_visit(
        users["admin"],
        {"enterprise": enterprise.pk, "visited_at": timezone.now(), "notes": "了解用工需求"},
    )
    session = ServiceSession.objects.create(
        title="税务辅导",
        topic="tax",
        venue="服务站",
        capacity=5,
        region=zhuma,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        created_by=users["staff"],
    )
    project = do_create_project(
        users["staff"],
        {
            "name": "竹马智能制造项目",
            "investor": enterprise.pk,
            "total_investment": 10000,
            "industry_code": "3011",
            "town": zhuma.code,
            "officer": users["staff"].pk,
        },
    )
    task = do_post_task(
        users["staff"],
        title="征地政策处理",
        goals="按期完成",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        project=project,
        leader=users["leader"],
        town=zhuma,
    )
    site = Site.objects.create(name="竹马共享空间", kind="space", region=zhuma)
    campaign = WorkspaceCampaign.objects.create(
        name="竹马招募",
        region=zhuma,
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    team = {"name": "茶园团队", "leader_name": "方", "members": 2, "project": "露营"}
    application = workspace.do_apply(
        users["admin"], campaign, {**team, "industry": "文旅", "funding_stage": "seed"}
    )
    [hot] = workspace.do_add_workstations(
        users["admin"], site, {"kind": "hot", "count": 1, "capacity": 2, "area_m2": 0}
    )
    booking = workspace.do_book_day(users["admin"], application.team, hot, timezone.localdate())
    ids = {
        "campaign_id": campaign.pk,
        "application_id": application.pk,
        "booking_id": booking.pk,
        "case_id": case.pk,
        "project_id": project.pk,
        "milestone_id": project.milestones.get(kind="signing").pk,
        "task_id": task.pk,
        "enterprise_id": enterprise.pk,
        "person_id": person.pk,
        "visit_id": visit.pk,
        "session_id": session.pk,
    }
    return users, ids


def _can_be_violated(operation) -> bool:
    """Whether a request to ``operation`` can break its schema at all (besides the token)."""
    raw = operation.definition.raw
    if "requestBody" in raw:
        return True
    bare = {"title", "type", "description"}
    return any(
        parameter["schema"].get("type") != "string" or set(parameter["schema"]) - bare
        for parameter in raw.get("parameters", [])
    )


def _fuzz(
    operation, mode: GenerationMode, headers: dict, failures: list[str], path_parameters=None
) -> None:
    checks = SCHEMA_CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
    strategy = operation.as_strategy(
        generation_mode=mode, headers=headers, path_parameters=path_parameters
    )

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except FailureGroup as group:
            failures.append(f"{operation.label} ({mode.value}): {group.message}")

    run()


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "resident"])
def test_every_operation_answers_what_the_schema_documents_and_never_a_server_error(
    county, role, wsgi_app
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    users, ids = county
    _, key = ApiToken.issue(users[role], "schemathesis")
    headers = {"Authorization": f"Bearer {key}"}
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        _fuzz(operation, GenerationMode.POSITIVE, headers, failures)
        if _can_be_violated(operation):
            _fuzz(operation, GenerationMode.NEGATIVE, headers, failures)
        existing = {name: ids[name] for name in ids if f"{{{name}}}" in operation.path}
        if existing:
            _fuzz(operation, GenerationMode.POSITIVE, headers, failures, existing)

    assert not failures, "\n\n".join(failures)
