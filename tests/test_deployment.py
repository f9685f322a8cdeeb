"""Production settings, logging and request ids: what an operator relies on."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from qinqing.core.masking import PersonalDataLogFilter

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "qinqing.settings.production", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        QINQING_SECRET_KEY="x" * 20 + Fernet.generate_key().decode(),
        QINQING_FIELD_KEY=Fernet.generate_key().decode(),
        QINQING_ALLOWED_HOSTS="qinqing.example.gov.cn",
        QINQING_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_the_personal_data_key(tmp_path):
    result = run_manage(
        "check",
        QINQING_SECRET_KEY="x" * 60,
        QINQING_FIELD_KEY="",
        QINQING_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "QINQING_FIELD_KEY" in result.stderr


def test_log_lines_never_carry_a_full_id_or_phone_number():
    record = logging.LogRecord(
        "qinqing",
        logging.INFO,
        __file__,
        1,
        "查询 %s 的手机 %s",
        ("11010519491231002X", "13812345678"),
        None,
    )
    PersonalDataLogFilter().filter(record)
    message = record.getMessage()
    assert message == "查询 110105********002X 的手机 138****5678"


def test_every_response_carries_a_request_id_and_keeps_a_sane_incoming_one(client):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-abc-123")
    assert response["X-Request-ID"] == "proxy-abc-123"

    generated = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert len(generated["X-Request-ID"]) == 32


def test_the_login_page_is_in_chinese_and_loads_no_external_assets(client):
    html = client.get("/accounts/login/").content.decode()
    assert "登录" in html
    assert "http://" not in html and "https://" not in html


def test_tracebacks_in_the_log_are_masked_too():
    try:
        raise ValueError("duplicate key (id_number)=(11010519491231002X)")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "qinqing", logging.ERROR, __file__, 1, "导入失败", (), sys.exc_info()
        )
    PersonalDataLogFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "110105********002X" in text
    assert "11010519491231002X" not in text
