"""The Redis-backed task backend, selected by QINQING_TASK_BACKEND=rq, really delivers."""

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


SCRIPT = """
import django
django.setup()
from django.db import transaction
from qinqing.core.models import User
from qinqing.core.notifications.services import do_notify
user = User.objects.create_user("rq-test", password="x", role="staff")
with transaction.atomic():
    do_notify([user], "system", "经由 Redis 队列送达")
"""


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_a_notification_queued_on_redis_is_delivered_by_an_rq_worker(tmp_path):
    queue_db = 1 + uuid.uuid4().int % 14  # a Redis database of its own for this run
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qinqing.settings",
        "QINQING_VAR_DIR": str(tmp_path),
        "QINQING_DATABASE_URL": f"sqlite:///{tmp_path / 'rq.sqlite3'}",
        "QINQING_TASK_BACKEND": "rq",
        "QINQING_REDIS_URL": f"redis://127.0.0.1:6379/{queue_db}",
        "QINQING_NOTIFY_CHANNELS": "file",
    }
    assert manage("migrate", "-v0", env=env).returncode == 0
    queued = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert queued.returncode == 0, queued.stderr
    assert not (tmp_path / "notifications.log").exists()  # queued, not yet sent

    worker = manage("rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default", env=env)
    assert worker.returncode == 0, worker.stderr

    [line] = (tmp_path / "notifications.log").read_text().splitlines()
    assert json.loads(line)["title"] == "经由 Redis 队列送达"
