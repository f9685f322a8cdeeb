"""Encryption at rest and keyed lookup hashes for personal data.

One master key (QINQING_FIELD_KEY, 32 random bytes in URL-safe base64) yields,
through HKDF, a Fernet key for encryption and a separate HMAC key for exact-match
lookup, so the hash column reveals nothing without the key.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _master_key() -> bytes:
    key = settings.QINQING_FIELD_KEY
    if not key:
        path = settings.QINQING_FIELD_KEY_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generate_key())
            path.chmod(0o600)
        key = path.read_text().strip()
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except ValueError as exc:
        raise ImproperlyConfigured("QINQING_FIELD_KEY 不是有效的 base64 编码") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("QINQING_FIELD_KEY 应为32字节的随机密钥（base64）")
    return raw


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(_master_key())


@functools.cache
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"qinqing field encryption")))


@functools.cache
def _hash_key() -> bytes:
    return _derive(b"qinqing lookup hash")


def reset_keys() -> None:
    """Forget cached keys (tests that change the key call this)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "个人信息无法解密：QINQING_FIELD_KEY 与加密时使用的密钥不一致"
        ) from exc


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value, for exact-match search and uniqueness."""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()
