"""Production settings: everything from the base, hardened for serving.

Use with DJANGO_SETTINGS_MODULE=qinqing.settings.production. QINQING_SECRET_KEY
and QINQING_FIELD_KEY must come from the environment.
"""

import os

os.environ.setdefault("QINQING_DEBUG", "0")

from qinqing.settings import *  # noqa: F403
from qinqing.settings import env_bool

DEBUG = False
if not os.environ.get("QINQING_SECRET_KEY"):
    raise RuntimeError("生产环境必须设置 QINQING_SECRET_KEY")
if not os.environ.get("QINQING_FIELD_KEY"):
    raise RuntimeError("生产环境必须设置 QINQING_FIELD_KEY（个人信息加密密钥）")

SECURE_SSL_REDIRECT = env_bool("QINQING_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("QINQING_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
