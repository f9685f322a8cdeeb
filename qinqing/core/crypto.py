"""Encryption at rest and keyed lookup hashes for personal data.

One master key (QINQING_FIELD_KEY, 32 random bytes in URL-safe base64) yields,
through HKDF, a Fernet key for encryption and a separate HMAC key for exact-match
lookup, so the hash column reveals nothing without the key.

During a key rotation the old master keys are listed in
QINQING_FIELD_KEY_PREVIOUS: values are encrypted and hashed under the current
key, and read — decrypted, or found by their hash — under any of them, so every
row stays readable while ``manage.py rotate_field_key`` moves rows across.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _decode_key(key: str, setting: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{setting} 不是有效的 base64 编码") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{setting} 应为32字节的随机密钥（base64）")
    return raw


def _current_master_key() -> bytes:
    key = settings.QINQING_FIELD_KEY
    if not key:
        path = settings.QINQING_FIELD_KEY_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generate_key())
            path.chmod(0o600)
        key = path.read_text().strip()
    return _decode_key(key, "QINQING_FIELD_KEY")


def _previous_master_keys() -> list[bytes]:
    listed = [k.strip() for k in settings.QINQING_FIELD_KEY_PREVIOUS.split(",") if k.strip()]
    return [_decode_key(key, "QINQING_FIELD_KEY_PREVIOUS") for key in listed]


@functools.cache
def _master_keys() -> tuple[bytes, ...]:
    """The current master key first, then the previous ones (without repeats)."""
    keys = [_current_master_key()]
    keys += [key for key in _previous_master_keys() if key not in keys]
    return tuple(keys)


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@functools.cache
def _fernets() -> tuple[Fernet, ...]:
    return tuple(
        Fernet(base64.urlsafe_b64encode(_derive(master, b"qinqing field encryption")))
        for master in _master_keys()
    )


@functools.cache
def _multi_fernet() -> MultiFernet:
    # MultiFernet encrypts with the first key and decrypts with any.
    return MultiFernet(_fernets())


@functools.cache
def _hash_keys() -> tuple[bytes, ...]:
    return tuple(_derive(master, b"qinqing lookup hash") for master in _master_keys())


def reset_keys() -> None:
    """Forget cached keys (tests that change the key call this)."""
    for cached in (_master_keys, _fernets, _multi_fernet, _hash_keys):
        cached.cache_clear()


@receiver(setting_changed)
def _forget_keys_when_settings_change(setting, **kwargs):
    if setting.startswith("QINQING_FIELD_KEY"):
        reset_keys()


def encrypt(plaintext: str) -> str:
    return _multi_fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _multi_fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "个人信息无法解密：QINQING_FIELD_KEY 与加密时使用的密钥不一致"
            "（轮换密钥期间，旧密钥应列在 QINQING_FIELD_KEY_PREVIOUS 中）"
        ) from exc


def is_under_current_key(token: str) -> bool:
    """Whether ``token`` was encrypted under the current key (not a previous one)."""
    try:
        _fernets()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same plaintext encrypted under the current key (read under any key)."""
    try:
        return _multi_fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("个人信息无法用任何已配置的密钥解密") from exc


class LookupHash(str):
    """A lookup hash under the current key that also carries the value's
    hashes under the previous keys.

    ``LookupHashField`` matches any of them, so ``filter(id_number_hash=lookup_hash(n))``
    still finds a row that the rotation has not reached yet.
    """

    previous: tuple[str, ...]

    def __new__(cls, current: str, previous=()):
        instance = super().__new__(cls, current)
        instance.previous = tuple(previous)
        return instance

    @property
    def candidates(self) -> tuple[str, ...]:
        return (str(self), *self.previous)


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def lookup_hash(value: str) -> LookupHash:
    """Keyed hash of a normalised value, for exact-match search and uniqueness."""
    current, *previous = (_hmac(key, value) for key in _hash_keys())
    return LookupHash(current, previous)


def configured_key_ids() -> list[str]:
    """Fingerprints of the current key, then the previous ones."""
    return [_derive(master, b"qinqing key id").hex()[:16] for master in _master_keys()]
