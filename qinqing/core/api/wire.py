"""What every API request and answer goes through, whichever router serves it.

- ``LocalTimeJSONEncoder`` / ``JSONRenderer``: every datetime leaves as ISO 8601
  in Beijing time (``2026-03-02T09:30:00.123+08:00``), never UTC ``Z`` or naive.
- ``Parser``: a query or form parameter given twice is refused (not silently
  the last one), and NUL characters are refused anywhere in the query, a form
  or a JSON body — PostgreSQL cannot store or compare text containing them.
- ``Pagination``: ``limit`` and ``offset`` bounded, so a huge offset is a 422
  rather than a database overflow.
"""

import datetime
import json
from typing import Any

from django.conf import settings
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser as NinjaParser
from ninja.renderers import JSONRenderer as NinjaJSONRenderer
from ninja.responses import NinjaJSONEncoder

NUL = "\x00"
NUL_ERROR = "nul_character"
NUL_MESSAGE = "不能包含空字符（\\0）"
REPEATED_ERROR = "repeated_parameter"
# Far beyond any list the county keeps, far below the 64-bit OFFSET databases accept.
MAX_OFFSET = 1_000_000_000


def local_time(value: datetime.datetime) -> datetime.datetime:
    """``value`` in the project's time zone; a naive value is taken to be local already."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


class LocalTimeJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            o = local_time(o)
        return super().default(o)


class JSONRenderer(NinjaJSONRenderer):
    encoder_class = LocalTimeJSONEncoder


def _nul_locations(value: Any, loc: tuple = ()) -> list[tuple]:
    """Where NUL characters hide in parsed JSON: in a string, or in an object's key."""
    if isinstance(value, str):
        return [loc] if NUL in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += [(*loc, key)] if NUL in str(key) else _nul_locations(item, (*loc, key))
        return found
    if isinstance(value, list):
        return [place for i, item in enumerate(value) for place in _nul_locations(item, (*loc, i))]
    return []


def _refuse_nul(locations: list[tuple]) -> None:
    if locations:
        raise ValidationError(
            [{"loc": place or ("__all__",), "type": NUL_ERROR, "msg": ""} for place in locations]
        )


def _text(value: Any) -> str:
    """A query or form value, or an uploaded file's name."""
    return value if isinstance(value, str) else str(getattr(value, "name", ""))


class Parser(NinjaParser):
    def parse_querydict(self, data, list_fields, request):
        _refuse_nul(
            [
                (key,)
                for key, values in data.lists()
                if NUL in key or any(NUL in _text(value) for value in values)
            ]
        )
        repeated = [
            key for key, values in data.lists() if key not in list_fields and len(values) > 1
        ]
        if repeated:
            raise ValidationError([{"loc": (key,), "type": REPEATED_ERROR} for key in repeated])
        return super().parse_querydict(data, list_fields, request)

    def parse_body(self, request):
        # Ninja turns any exception here into a 400; base.py answers this one as the 422 it is.
        data = json.loads(request.body)
        _refuse_nul(_nul_locations(data))
        return data


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
            title="每页条数",
            description=f"1至{settings.NINJA_PAGINATION_MAX_LIMIT}",
        )
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, title="跳过条数", description="从第几条之后开始"
        )
