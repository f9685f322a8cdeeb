"""What a case list shows beside each case: the step its viewer would take next."""

from collections import defaultdict

from qinqing.cases import roles
from qinqing.cases.models import Case, Transition
from qinqing.core import access


def attach_next_steps(user, cases, *, restricted: bool = True) -> None:
    """Set ``case.next_step`` (a Transition, or None) on each case of a page.

    The cases carry ``case_type`` and ``department`` (select_related) and, when
    ``restricted``, come from ``access.visible(Case, user)``; otherwise (cases
    reached through another record, e.g. a problem) one query finds which of them
    the user may see. Then the whole page costs two or three queries, however many
    rows it has. The next step is the first one the viewer may take that needs no
    reason — 签收 before 退单 — or else the first one they may take.
    """
    cases = list(cases)
    seen = None
    if not restricted:
        ids = [case.pk for case in cases]
        seen = set(access.visible(Case, user).filter(pk__in=ids).values_list("pk", flat=True))
    workflow_ids = {case.case_type.workflow_id for case in cases}
    if not workflow_ids:
        return
    from_state = defaultdict(list)
    transitions = (
        Transition.objects.filter(workflow_id__in=workflow_ids)
        .prefetch_related("sources")
        .order_by("order", "pk")
    )
    for transition in transitions:
        for source in transition.sources.all():
            from_state[source.pk].append(transition)
    for case in cases:
        held = roles.case_roles(user, case, visible=seen is None or case.pk in seen)
        allowed = [t for t in from_state[case.state_id] if held & set(t.roles)]
        plain = [t for t in allowed if not t.requires_reason]
        case.next_step = (plain or allowed or [None])[0]
