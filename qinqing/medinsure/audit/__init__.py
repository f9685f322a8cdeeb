"""The claims audit engine (智能审核): pure Python over DuckDB, no database.

See ``engine.py`` for the entry points, ``rules.py`` for the rules and
``schema.py`` for the interchange columns (documented in
docs/modules/medinsure.md).
"""

from qinqing.medinsure.audit.engine import AuditEngine, audit_files
from qinqing.medinsure.audit.readers import AuditInputError
from qinqing.medinsure.audit.rules import CLEAR, DEFAULT_RULES, RULE_KEYS, SUSPECT, Rule

__all__ = [
    "CLEAR",
    "DEFAULT_RULES",
    "RULE_KEYS",
    "SUSPECT",
    "AuditEngine",
    "AuditInputError",
    "Rule",
    "audit_files",
]
