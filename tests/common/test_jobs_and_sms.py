"""The worker's schedule and the SMS backends."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from pishkhan.common.jobs import Job, Schedule
from pishkhan.common.sms import sms_send

CALLS: list[str] = []


def busy_twice(*, now):
    """A job with work for two rounds, then none."""
    CALLS.append("busy")
    return CALLS.count("busy") <= 2


def broken(*, now):
    CALLS.append("broken")
    raise RuntimeError("the job's own bug")


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()


def _job(name, every=60):
    return Job(name=name, path=f"tests.common.test_jobs_and_sms.{name}", every=dt.timedelta(seconds=every))


def test_a_job_with_work_runs_again_at_once_and_an_idle_one_waits_its_interval(db):
    schedule = Schedule([_job("busy_twice")])
    now = timezone.now()

    for _ in range(4):
        schedule.run_due(now)

    assert CALLS == ["busy", "busy", "busy"]  # the third round found nothing: it waits a minute
    assert not schedule.busy(now)
    schedule.run_due(now + dt.timedelta(seconds=61))
    assert CALLS.count("busy") == 4


def test_a_paced_job_with_work_still_waits_its_interval(db):
    paced = Job(
        name="busy",
        path="tests.common.test_jobs_and_sms.busy_twice",
        every=dt.timedelta(seconds=2),
        paced=True,
    )
    schedule = Schedule([paced])
    now = timezone.now()

    schedule.run_due(now)
    schedule.run_due(now)  # it had work, but is paced: not due again yet
    assert CALLS == ["busy"]
    assert not schedule.busy(now)
    schedule.run_due(now + dt.timedelta(seconds=2))
    assert CALLS == ["busy", "busy"]
    assert Job.of({"name": "k", "path": "p", "every": 2, "paced": True}).paced
    assert not Job.of({"name": "k", "path": "p", "every": 2}).paced


def test_a_failing_job_is_reported_and_does_not_stop_the_others(db):
    schedule = Schedule([_job("broken"), _job("busy_twice")])

    ran = schedule.run_due(timezone.now())

    assert [job.name for job, _ in ran] == ["broken", "busy_twice"]
    assert isinstance(ran[0][1], RuntimeError)
    assert CALLS == ["broken", "busy"]


def test_the_log_backend_appends_one_json_line_with_the_number_masked(settings, tmp_path):
    settings.PISHKHAN_SMS_BACKEND = "log"
    settings.PISHKHAN_DATA_DIR = tmp_path

    sms_send(to="09121234567", text="پیشخوان: انجام شد", key="k-1")
    sms_send(to="09351234567", text="دوم", key="k-2")

    lines = [json.loads(line) for line in (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["text"]) for line in lines] == [
        ("0912***4567", "پیشخوان: انجام شد"),
        ("0935***4567", "دوم"),
    ]
    assert "09121234567" not in (tmp_path / "sms.log").read_text(encoding="utf-8")


def test_a_backend_named_by_dotted_path_is_used(settings, capsys):
    settings.PISHKHAN_SMS_BACKEND = "pishkhan.common.sms.ConsoleBackend"

    sms_send(to="09121234567", text="hello", key="k-1")

    assert '"to": "0912***4567"' in capsys.readouterr().err


def test_the_log_backend_delivers_a_key_once_even_from_another_process(settings, tmp_path):
    from pishkhan.common.sms import LogFileBackend

    settings.PISHKHAN_SMS_BACKEND = "log"
    settings.PISHKHAN_DATA_DIR = tmp_path
    sms_send(to="09121234567", text="one", key="txn:1:received")

    # a second backend (as a restarted worker would make) reads the file and skips the key it holds
    LogFileBackend(tmp_path / "sms.log").send("09121234567", "one again", "txn:1:received")
    LogFileBackend(tmp_path / "sms.log").send("09121234567", "two", "txn:1:submitted")
    sms_send(to="09121234567", text="two again", key="txn:1:submitted")

    lines = [json.loads(line) for line in (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()]
    assert [(line["key"], line["text"]) for line in lines] == [
        ("txn:1:received", "one"),
        ("txn:1:submitted", "two"),
    ]
