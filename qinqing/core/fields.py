"""Model fields for personal data encrypted at rest."""

from django.db import models
from django.db.models.lookups import Exact, In

from qinqing.core import crypto


class EncryptedCharField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plaintext.

    Ciphertext is randomised, so the column can't be searched or made unique:
    pair it with a ``LookupHashField`` (see ``Person``).
    """

    description = "加密存储的文本"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            return None  # a lookup on ciphertext would silently match nothing
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(max_length=64, **kwargs)


class LookupHashField(models.CharField):
    """The keyed hash (``crypto.lookup_hash``) of the encrypted field named ``source``.

    Filtering by a ``crypto.LookupHash`` matches its hash under the current key
    or any previous one, so exact search keeps working during a key rotation.
    ``source`` tells the rotation which plaintext the hash is recomputed from.
    """

    description = "加密字段的查找哈希"

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs


@LookupHashField.register_lookup
class AnyKeyExact(Exact):
    def __init__(self, lhs, rhs):
        self.previous_hashes = getattr(rhs, "previous", ())
        super().__init__(lhs, str(rhs) if isinstance(rhs, crypto.LookupHash) else rhs)

    def as_sql(self, compiler, connection):
        if self.previous_hashes:
            candidates = In(self.lhs, [self.rhs, *self.previous_hashes])
            return candidates.as_sql(compiler, connection)
        return super().as_sql(compiler, connection)


@LookupHashField.register_lookup
class AnyKeyIn(In):
    def __init__(self, lhs, rhs):
        if not hasattr(rhs, "resolve_expression"):  # a list of values, not a subquery
            rhs = [c for value in rhs for c in getattr(value, "candidates", (value,))]
        super().__init__(lhs, rhs)
