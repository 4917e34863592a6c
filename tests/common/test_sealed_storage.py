"""Uploaded files sealed at rest: what is on disk, what is read back, files in clear, key rotation."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from pishkhan.common import sealing
from pishkhan.common.sealed_storage import SealedFileSystemStorage
from pishkhan.licensing.models import ApplicationDocument
from tests.licensing.factories import PDF, add_documents, licensee, submit

KEY_A = "dGVzdC1vbmx5LXNlYWxpbmcta2V5LTMyLWJ5dGVzLSE="
KEY_B = sealing.key_new()
CONTENT = PDF + b"national ID 0012345678, mobile 09121234567"


def test_bytes_seal_to_noise_and_open_to_themselves():
    sealed = sealing.seal_bytes(CONTENT)
    assert sealed.startswith(sealing.FILE_MAGIC)
    assert b"0012345678" not in sealed
    assert sealing.unseal_bytes(sealed) == CONTENT
    assert sealing.seal_bytes(CONTENT) != sealed  # a fresh nonce each time


def test_altered_bytes_are_refused_not_misread():
    sealed = bytearray(sealing.seal_bytes(CONTENT))
    sealed[-1] ^= 1
    with pytest.raises(sealing.UnsealError):
        sealing.unseal_bytes(bytes(sealed))
    with pytest.raises(sealing.UnsealError):
        sealing.unseal_bytes(CONTENT)


def test_a_saved_file_is_sealed_on_disk_and_read_back_in_clear(tmp_path):
    storage = SealedFileSystemStorage(location=tmp_path)
    name = storage.save("doc.pdf", ContentFile(CONTENT))
    on_disk = (tmp_path / name).read_bytes()
    assert on_disk.startswith(sealing.FILE_MAGIC)
    assert b"09121234567" not in on_disk
    with storage.open(name) as file:
        assert file.read() == CONTENT
    assert storage.size(name) == len(CONTENT)
    with pytest.raises(ValueError, match="read only"):
        storage.open(name, "wb")


def test_a_file_stored_in_clear_is_still_read_and_the_command_seals_it(
    geo_loaded, settings, tmp_path, capsys
):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = licensee()
    application = submit(user)
    add_documents(application, user, kinds=["identity"])
    document = ApplicationDocument.objects.get(application=application)
    path = tmp_path / "media" / document.file.name
    path.write_bytes(CONTENT)  # as it was stored before files were sealed
    with document.file.open("rb") as file:
        assert file.read() == CONTENT

    call_command("sealing_files_seal", "--dry-run")
    assert "would seal 1" in capsys.readouterr().out
    assert path.read_bytes() == CONTENT
    call_command("sealing_files_seal")
    assert "sealed 1" in capsys.readouterr().out
    assert path.read_bytes().startswith(sealing.FILE_MAGIC)
    with document.file.open("rb") as file:
        assert file.read() == CONTENT
    call_command("sealing_files_seal")
    assert "sealed 0" in capsys.readouterr().out


def test_rotation_reseals_files_with_the_new_key_first(geo_loaded, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PISHKHAN_SEALING_KEYS = [KEY_A]
    user = licensee()
    application = submit(user)
    add_documents(application, user, kinds=["identity"])
    document = ApplicationDocument.objects.get(application=application)
    path = tmp_path / "media" / document.file.name
    under_a = path.read_bytes()

    settings.PISHKHAN_SEALING_KEYS = [KEY_B, KEY_A]
    call_command("sealing_files_seal")
    assert "sealed 1" in capsys.readouterr().out
    assert path.read_bytes() != under_a

    settings.PISHKHAN_SEALING_KEYS = [KEY_B]  # the old key dropped: the file still opens
    with document.file.open("rb") as file:
        assert file.read() == PDF


def test_a_file_no_configured_key_opens_fails_the_command(geo_loaded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PISHKHAN_SEALING_KEYS = [KEY_A]
    user = licensee()
    application = submit(user)
    add_documents(application, user, kinds=["identity"])
    settings.PISHKHAN_SEALING_KEYS = [KEY_B]
    with pytest.raises(CommandError, match="cannot be opened"):
        call_command("sealing_files_seal")
