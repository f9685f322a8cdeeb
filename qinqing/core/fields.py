"""Model fields for personal data encrypted at rest."""

from django.db import models

from qinqing.core import crypto


class EncryptedCharField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plaintext.

    Ciphertext is randomised, so the column can't be searched or made unique:
    pair it with a ``lookup_hash`` column (see ``Person``).
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
