"""Masking of personal data wherever it is shown, exported or logged."""

import logging
import re


def mask_id_number(value: str | None) -> str:
    """330421199001011234 → 330421********1234 (first 6 and last 4 kept)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_any(value: str) -> str:
    """Mask a personal value of either kind (used by the audit trail)."""
    if len(value) == 18:
        return mask_id_number(value)
    return mask_phone(value)


# The one home of the patterns that find personal numbers in free text (logs,
# the audit trail). An ID number: six digits of region, a birth date in
# 1800–2099, three digits and a check character. The date keeps an all-digit
# credit code or order number from being taken for one. A mobile number may be
# written in groups: 138 1234 5678, 138-1234-5678.
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"(\d{3}[\dXx])(?![0-9A-Za-z])"
)
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Mask every ID or mobile number that appears in free text."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _PHONE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def mask_json(value):
    """``mask_text`` on every string inside a JSON-like value (dicts, lists), keys too."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_json(key): mask_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json(item) for item in value]
    return value


class PersonalDataLogFilter(logging.Filter):
    """Masks ID and phone numbers in log records, and adds the request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        from qinqing.core.middleware import current_request_id

        record.request_id = current_request_id() or "-"
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # A traceback can quote a value (an IntegrityError's DETAIL, say): mask it too.
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
