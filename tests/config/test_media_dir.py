"""Uploaded files' directory: below the data directory unless ``PISHKHAN_MEDIA_DIR`` names another,
read (like every setting) by ``config/env.py`` alone."""

from pishkhan.config import env


def test_the_media_directory_defaults_to_the_data_directorys_and_follows_its_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("PISHKHAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PISHKHAN_MEDIA_DIR", raising=False)
    assert env.read().media_dir == (tmp_path / "data" / "media").resolve()
    monkeypatch.setenv("PISHKHAN_MEDIA_DIR", str(tmp_path / "uploads"))
    assert env.read().media_dir == (tmp_path / "uploads").resolve()


def test_inspection_photos_live_below_the_media_directory_outside_static_files(settings):
    photos = settings.PISHKHAN_INSPECTION_PHOTO_DIR
    assert photos.is_relative_to(settings.MEDIA_ROOT)
    assert not photos.is_relative_to(settings.STATIC_ROOT)
    assert not settings.MEDIA_URL or settings.MEDIA_URL in ("/", "")
