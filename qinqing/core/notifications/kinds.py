"""The kinds of notification, with the Chinese label users see and opt out by.

Each module registers the kinds it sends, once at import time, e.g.
``register_kind("case.overdue", "事项超期")``.
"""

KINDS: dict[str, str] = {}


def register_kind(code: str, label: str) -> str:
    """Add a kind (idempotent); returns the code so modules can keep it as a constant."""
    existing = KINDS.get(code)
    if existing is not None and existing != label:
        raise ValueError(f"notification kind {code!r} already registered as {existing!r}")
    KINDS[code] = label
    return code


def label_of(code: str) -> str:
    return KINDS.get(code, code)


IMPORT_FINISHED = register_kind("import.finished", "导入完成")
VISIT_FOLLOW_UP = register_kind("visit.follow_up", "走访跟进提醒")
SYSTEM = register_kind("system", "系统通知")
