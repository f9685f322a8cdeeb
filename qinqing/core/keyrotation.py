"""Moving personal data from previous field keys to the current one.

Every model field that is an ``EncryptedCharField`` is found through the model
registry, so models of later modules are covered without being listed here.
Rows are visited in primary-key batches, each batch in its own transaction;
a row is rewritten with a conditional UPDATE (only if it still holds what was
read), so a concurrent edit — which writes under the current key anyway — wins,
and an interrupted run loses nothing: every row stays readable under the
current or a previous key, and a re-run skips the rows already moved.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction

from qinqing.core import crypto
from qinqing.core.audit import record_event
from qinqing.core.fields import EncryptedCharField, LookupHashField


@dataclass(frozen=True)
class EncryptedModel:
    """A model with encrypted columns and the lookup hashes derived from them."""

    model: type
    encrypted: tuple[EncryptedCharField, ...]
    hashes: tuple[LookupHashField, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)


def encrypted_models() -> list[EncryptedModel]:
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        # Local fields only: a multi-table child's inherited columns live in the parent's table.
        encrypted = tuple(
            f for f in meta.local_concrete_fields if isinstance(f, EncryptedCharField)
        )
        if encrypted:
            hashes = tuple(f for f in meta.local_concrete_fields if isinstance(f, LookupHashField))
            found.append(EncryptedModel(model, encrypted, hashes))
    return sorted(found, key=lambda m: m.label)


@dataclass
class ModelTally:
    """What one pass over a model found."""

    label: str
    verbose_name: str
    checked: int = 0
    rewritten: int = 0
    # Rows that could not be moved, and why; they keep needing a previous key.
    unreadable: list = field(default_factory=list)
    conflicting: list = field(default_factory=list)
    stale: list = field(default_factory=list)  # (check only) still under a previous key
    # Edited by someone else between read and write; the edit wrote under the current key.
    changed_meanwhile: list = field(default_factory=list)

    @property
    def left_behind(self) -> int:
        return len(self.unreadable) + len(self.conflicting) + len(self.stale)


@dataclass
class RotationResult:
    tallies: list[ModelTally]
    finished: bool  # every row was visited (not stopped after ``max_batches``)

    @property
    def rewritten(self) -> int:
        return sum(t.rewritten for t in self.tallies)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(spec: EncryptedModel) -> list[str]:
    meta = spec.model._meta
    return [meta.pk.column, *(f.column for f in spec.encrypted), *(f.column for f in spec.hashes)]


def _batches(spec: EncryptedModel, batch_size: int):
    """Yield lists of raw rows (pk, ciphertexts…, hashes…), in primary-key order.

    Raw SQL, because the ORM would decrypt the columns and we need the ciphertext
    to tell which key it is under.
    """
    meta = spec.model._meta
    pk, table = _quote(meta.pk.column), _quote(meta.db_table)
    select = ", ".join(_quote(c) for c in _columns(spec))
    first = f"SELECT {select} FROM {table} ORDER BY {pk} LIMIT %s"
    following = f"SELECT {select} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
    last = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(first, [batch_size])
            else:
                cursor.execute(following, [last, batch_size])
            rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _plan_row(spec: EncryptedModel, row) -> dict[str, str] | None:
    """The columns to rewrite so the row is under the current key ({} if it is already);
    None if the row is readable under no configured key.

    A hash that matches the plaintext under no key at all is left alone: it was
    not made by ``lookup_hash`` of that value, so we would not know how to remake it.
    """
    n = len(spec.encrypted)
    tokens, stored_hashes = row[1 : 1 + n], row[1 + n :]
    changes, plaintext = {}, {}
    for f, token in zip(spec.encrypted, tokens, strict=True):
        if token in (None, ""):
            plaintext[f.name] = token
            continue
        try:
            plaintext[f.name] = crypto.decrypt(token)
        except ImproperlyConfigured:
            return None
        if not crypto.is_under_current_key(token):
            changes[f.column] = crypto.reencrypt(token)
    for f, stored in zip(spec.hashes, stored_hashes, strict=True):
        source = plaintext.get(f.source)
        if not source:
            continue
        expected = crypto.lookup_hash(source)
        if stored != expected and stored in expected.previous:
            changes[f.column] = str(expected)
    return changes


def _rewrite(spec: EncryptedModel, row, changes: dict[str, str]) -> bool:
    """Conditional UPDATE: only if the row still holds what was read."""
    meta = spec.model._meta
    columns = _columns(spec)
    read = dict(zip(columns, row, strict=True))
    conditions, params = [f"{_quote(meta.pk.column)} = %s"], [read[meta.pk.column]]
    for column in columns[1:]:
        if read[column] is None:
            conditions.append(f"{_quote(column)} IS NULL")
        else:
            conditions.append(f"{_quote(column)} = %s")
            params.append(read[column])
    sql = "UPDATE {} SET {} WHERE {}".format(
        _quote(meta.db_table),
        ", ".join(f"{_quote(column)} = %s" for column in changes),
        " AND ".join(conditions),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*changes.values(), *params])
        return cursor.rowcount == 1


def _audit(tally: ModelTally, model: type, *, finished: bool) -> None:
    record_event(
        None,
        ContentType.objects.get_for_model(model),
        "rotate_field_key",
        key=crypto.configured_key_ids()[0],
        checked=tally.checked,
        rewritten=tally.rewritten,
        left_behind=tally.left_behind,
        finished=finished,
    )


def do_rotate_field_key(
    *,
    batch_size: int = 500,
    max_batches: int | None = None,
    progress: Callable[[ModelTally], None] | None = None,
) -> RotationResult:
    """Re-encrypt every encrypted column and recompute every lookup hash under
    the current key. Stops after ``max_batches`` batches if given (re-run to go on).

    Each model's pass is audited, also when it is interrupted.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    tallies, batches_done = [], 0
    for spec in encrypted_models():
        tally = ModelTally(spec.label, spec.verbose_name)
        tallies.append(tally)
        finished = False
        try:
            for rows in _batches(spec, batch_size):
                if max_batches is not None and batches_done >= max_batches:
                    break
                with transaction.atomic():
                    for row in rows:
                        _move_row(spec, row, tally)
                batches_done += 1
                if progress:
                    progress(tally)
            else:
                finished = True
        finally:
            with transaction.atomic():
                _audit(tally, spec.model, finished=finished)
        if not finished:
            return RotationResult(tallies, finished=False)
    return RotationResult(tallies, finished=True)


def _move_row(spec: EncryptedModel, row, tally: ModelTally) -> None:
    tally.checked += 1
    changes = _plan_row(spec, row)
    if changes is None:
        tally.unreadable.append(row[0])
        return
    if not changes:
        return
    try:
        with transaction.atomic():
            moved = _rewrite(spec, row, changes)
    except IntegrityError:
        # The same number was registered again, under the new key, while this row
        # still had the old hash: two rows for one value need a person to merge them.
        tally.conflicting.append(row[0])
        return
    if moved:
        tally.rewritten += 1
    else:
        tally.changed_meanwhile.append(row[0])


def rows_under_previous_keys(batch_size: int = 1000) -> list[ModelTally]:
    """Every model's rows that still need a previous key (or no key reads)."""
    tallies = []
    for spec in encrypted_models():
        tally = ModelTally(spec.label, spec.verbose_name)
        for rows in _batches(spec, batch_size):
            for row in rows:
                tally.checked += 1
                changes = _plan_row(spec, row)
                if changes is None:
                    tally.unreadable.append(row[0])
                elif changes:
                    tally.stale.append(row[0])
        tallies.append(tally)
    return tallies
