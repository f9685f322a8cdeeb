"""The "qinqing-json" serialization format: Django's JSON, with personal data
kept encrypted.

Django's JSON serializer writes what Python code sees, which for an
``EncryptedCharField`` is the plaintext; this one writes those fields as
ciphertext under the current field key (and lookup hashes under it too), and
decrypts them when loading (under the current or a previous key), so a backup
file is as safe as the database.
Registered in ``SERIALIZATION_MODULES``; used by ``manage.py backup`` and
``manage.py restore`` through ``dumpdata`` and ``loaddata``.
"""

import functools

from django.apps import apps
from django.core.serializers import json as django_json

from qinqing.core import crypto
from qinqing.core.fields import EncryptedCharField, LookupHashField


class Serializer(django_json.Serializer):
    """Writes encrypted fields and lookup hashes under the current key, so a
    backup taken during a key rotation needs only the new key."""

    def handle_field(self, obj, field):
        if isinstance(field, EncryptedCharField):
            value = field.value_from_object(obj)
            self._current[field.name] = crypto.encrypt(value) if value else value
        elif isinstance(field, LookupHashField):
            self._current[field.name] = _hash_under_current_key(obj, field)
        else:
            super().handle_field(obj, field)


def _hash_under_current_key(obj, field: LookupHashField) -> str:
    stored = field.value_from_object(obj)
    source = getattr(obj, field.source, None) if field.source else None
    if not stored or not source:
        return stored
    expected = crypto.lookup_hash(source)
    # A hash that is not lookup_hash of the source under any key is left as it is.
    return str(expected) if stored in expected.candidates else stored


@functools.cache
def _encrypted_field_names(model_label: str) -> frozenset[str]:
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return frozenset()  # Django's deserializer reports the unknown model
    return frozenset(f.name for f in model._meta.fields if isinstance(f, EncryptedCharField))


class Deserializer(django_json.Deserializer):
    def _handle_object(self, obj):
        fields = obj.get("fields", {})
        for name in _encrypted_field_names(obj.get("model", "")) & fields.keys():
            if fields[name]:
                fields[name] = crypto.decrypt(fields[name])
        yield from super()._handle_object(obj)
