"""Fixtures of the audit tests."""

import pytest


@pytest.fixture(autouse=True)
def checkpoint_file_of_its_own(settings, tmp_path):
    """Each test its own checkpoint file: the worker's job (run by other tests' ``run_once``) appends to
    the one of the shared test data directory, whose checkpoints name other tests' chains."""
    settings.PISHKHAN_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
