"""What the platform writes is readable by its owner only: the data directory, the SQLite database and
its -wal/-shm files, sms.log, uploaded documents and inspection photos, audit checkpoints."""

import os
import stat
import subprocess
import sys

from django.core.files.base import ContentFile

from pishkhan.supervision.models.inspections import _photo_storage


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def _pishkhan(*args, data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(DJANGO_SETTINGS_MODULE="pishkhan.config.settings.test", PISHKHAN_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "pishkhan", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_database_sms_log_and_checkpoints_are_the_owners_alone(tmp_path):
    data_dir = tmp_path / "data"
    before = os.umask(0o022)  # as a shell leaves it: the platform must not rely on the caller's umask
    try:
        assert _pishkhan("migrate", "--no-input", data_dir=data_dir).returncode == 0
        send = (
            "from pishkhan.common.sms import sms_send; "
            "sms_send(to='09121234567', text='hello', key='permissions-test')"
        )
        assert _pishkhan("shell", "-c", send, data_dir=data_dir).returncode == 0
        record = "from pishkhan.audit.services import audit_record; audit_record(actor=None, action='test.x')"
        assert _pishkhan("shell", "-c", record, data_dir=data_dir).returncode == 0
        assert _pishkhan("audit_checkpoint", data_dir=data_dir).returncode == 0
    finally:
        os.umask(before)

    assert _mode(data_dir) == 0o700
    written = [p for p in data_dir.iterdir() if p.is_file()]
    assert {"pishkhan.sqlite3", "sms.log", "audit-checkpoints.jsonl"} <= {p.name for p in written}
    assert {p.name: _mode(p) for p in written if _mode(p) & 0o077} == {}


def test_a_database_made_readable_before_is_closed_up_at_start(tmp_path):
    data_dir = tmp_path / "data"
    assert _pishkhan("migrate", "--no-input", data_dir=data_dir).returncode == 0
    database = data_dir / "pishkhan.sqlite3"
    database.chmod(0o644)
    data_dir.chmod(0o755)

    assert _pishkhan("check", data_dir=data_dir).returncode == 0

    assert _mode(database) == 0o600
    assert _mode(data_dir) == 0o700


def test_uploads_and_inspection_photos_are_the_owners_alone(settings, tmp_path):
    from django.core.files.storage import FileSystemStorage

    settings.MEDIA_ROOT = tmp_path / "media"
    documents = FileSystemStorage()  # as licence documents are stored: Django's settings decide the modes
    name = documents.save("applications/2026/doc.pdf", ContentFile(b"%PDF-1.4"))
    settings.PISHKHAN_INSPECTION_PHOTO_DIR = tmp_path / "photos"
    photos = _photo_storage()
    photo = photos.save("2026-12/photo.jpg", ContentFile(b"\xff\xd8\xff"))

    assert _mode(tmp_path / "media" / name) == 0o600
    assert _mode((tmp_path / "media" / name).parent) == 0o700
    assert _mode(tmp_path / "photos" / photo) == 0o600
    assert _mode((tmp_path / "photos" / photo).parent) == 0o700
