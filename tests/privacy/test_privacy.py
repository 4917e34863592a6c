"""The retention policy applied (through each owning domain) and the subject access export."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.licensing.models import ApplicationDocument
from pishkhan.licensing.services import application_withdraw
from pishkhan.notifications.models import Message, MessageStatus
from pishkhan.privacy import registry
from pishkhan.privacy.models import RetentionRule
from pishkhan.privacy.services import privacy_purge, retention_rule_set, subject_export
from pishkhan.privacy.tasks import retention_purge
from pishkhan.supervision.models import Complaint
from pishkhan.supervision.services.complaints import complaint_close, complaint_review, complaint_submit
from pishkhan.transactions.models import CounterTransaction, Heartbeat
from pishkhan.transactions.services.heartbeats import heartbeat_record
from tests.licensing.factories import add_documents, applicant_draft, licensee, submit
from tests.offices.factories import national_id
from tests.transactions.conftest import counter  # noqa: F401 - the counter's fixture
from tests.transactions.factories import CITIZEN, MOBILE, make_transaction

OFFICER = "privacy officer"
COMPLAINANT = "09127654321"


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _closed_complaint(office, *, closed_days_ago: int) -> Complaint:
    complaint = complaint_submit(
        office_code=office.code, category="conduct", description="برخورد نامناسب", mobile=COMPLAINANT
    )
    complaint_review(complaint=complaint, actor=OFFICER)
    complaint_close(complaint=complaint, reason="تذکر داده شد", outcome="upheld", actor=OFFICER)
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=_ago(closed_days_ago))  # time passes
    return complaint


@pytest.fixture
def held(counter, settings, tmp_path):  # noqa: F811
    """Personal data past its period and within it, of every kind the policy names."""
    settings.MEDIA_ROOT = tmp_path / "media"
    office = counter["office"]
    old, recent = make_transaction(office), make_transaction(office)
    CounterTransaction.objects.filter(pk=old.pk).update(received_at=_ago(40))
    heartbeat_record(office=office, terminal_id="T1", software_version="1.0", at=_ago(100))
    heartbeat_record(office=office, terminal_id="T1", software_version="1.0", at=_ago(1))
    old_complaint = _closed_complaint(office, closed_days_ago=100)
    recent_complaint = _closed_complaint(office, closed_days_ago=10)
    user = licensee()
    withdrawn = submit(user, 1)
    add_documents(withdrawn, user)
    application_withdraw(application=withdrawn, actor=user)
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(withdrawn_at=_ago(200))
    pending = submit(user, 2, applicant=applicant_draft(1))
    # The complaints' first messages: one went long ago, the other is still to go.
    sent, waiting = Message.objects.order_by("pk")[:2]
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT, sent_at=_ago(100), text="…")
    add_documents(pending, user)
    return {
        "office": office,
        "old": old,
        "recent": recent,
        "old_complaint": old_complaint,
        "recent_complaint": recent_complaint,
        "withdrawn": withdrawn,
        "pending": pending,
        "sent": sent,
        "waiting": waiting,
    }


def _counts(lines) -> dict[str, int | None]:
    return {line.kind: line.count for line in lines}


@pytest.mark.django_db
def test_every_rule_of_the_policy_names_a_kind_and_each_purger_has_a_rule():
    kinds = set(RetentionRule.objects.values_list("kind", flat=True))
    assert set(registry.PURGERS) == kinds


def test_a_dry_run_counts_what_is_past_its_period_and_changes_nothing(held):
    entries = AuditEntry.objects.count()
    counts = _counts(privacy_purge(actor=OFFICER, dry_run=True))
    assert counts["transactions.mobile"] == 1
    assert counts["transactions.heartbeats"] == 1
    assert counts["supervision.complaint_mobile"] == 1
    assert counts["licensing.ended_application_documents"] == len(held["withdrawn"].documents.all())
    assert counts["supervision.inspection_photos"] == 0
    assert counts["notifications.sms"] == 1
    assert AuditEntry.objects.count() == entries
    assert CounterTransaction.objects.get(pk=held["old"].pk).mobile_sealed


def test_the_purge_erases_what_is_past_its_period_through_each_domain_and_audits_it(held):
    documents = list(ApplicationDocument.objects.filter(application=held["withdrawn"]))
    files = [document.file.path for document in documents]
    assert documents
    assert all(Path(path).read_bytes() for path in files)
    kept_files = [d.file.path for d in ApplicationDocument.objects.filter(application=held["pending"])]

    counts = _counts(privacy_purge(actor=OFFICER))

    assert counts["licensing.ended_application_documents"] == len(documents)
    old = CounterTransaction.objects.get(pk=held["old"].pk)
    assert old.mobile_sealed == ""
    assert old.mobile_masked  # the mask stays
    assert CounterTransaction.objects.get(pk=held["recent"].pk).mobile_sealed
    assert Heartbeat.objects.count() == 1
    old_complaint = Complaint.objects.get(pk=held["old_complaint"].pk)
    erased = (old_complaint.mobile_masked, old_complaint.mobile_sealed, old_complaint.mobile_key)
    assert erased == ("", "", "")
    assert old_complaint.description  # the complaint itself stays
    assert Complaint.objects.get(pk=held["recent_complaint"].pk).mobile_key
    redacted = Message.objects.get(pk=held["sent"].pk)
    assert (redacted.mobile_masked, redacted.params, redacted.text) == ("", {}, "")
    assert redacted.key == held["sent"].key  # never sent again
    assert Message.objects.get(pk=held["waiting"].pk).mobile_masked
    assert not ApplicationDocument.objects.filter(application=held["withdrawn"]).exists()
    assert not any(stat_exists(path) for path in files)
    assert all(stat_exists(path) for path in kept_files)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "transactions.mobiles_purged",
        "transactions.heartbeats_purged",
        "supervision.complaint_mobiles_purged",
        "licensing.documents_purged",
        "notifications.messages_redacted",
        "privacy.purged",
    } <= actions
    summary = AuditEntry.objects.filter(action="privacy.purged").get()
    assert summary.after["transactions.mobile"] == 1
    assert audit_chain_verify().intact
    # Applied again, nothing is left to purge.
    assert not any(_counts(privacy_purge(actor=OFFICER)).values())


def stat_exists(path: str) -> bool:
    return Path(path).is_file()


def test_the_daily_job_applies_the_policy(held):
    assert retention_purge(now=timezone.now()) >= 4
    assert retention_purge(now=timezone.now()) == 0


def test_the_command_prints_each_kind_and_a_dry_run_changes_nothing(held, capsys):
    call_command("privacy_purge", "--dry-run")
    out = capsys.readouterr().out
    assert "transactions.mobile: would purge 1 (kept 30 days" in out
    assert "notifications.sms: would purge 1 (kept 90 days" in out
    assert CounterTransaction.objects.get(pk=held["old"].pk).mobile_sealed
    call_command("privacy_purge")
    assert "transactions.mobile: purged 1" in capsys.readouterr().out
    assert CounterTransaction.objects.get(pk=held["old"].pk).mobile_sealed == ""


def test_a_longer_period_keeps_the_data_and_the_change_is_audited(held):
    rule = retention_rule_set(actor=OFFICER, kind="transactions.mobile", days=60, reason="رای کمیسیون")
    assert rule.days == 60
    entry = AuditEntry.objects.filter(action="privacy.retention_changed").get()
    assert (entry.before["days"], entry.after["days"]) == (30, 60)
    assert _counts(privacy_purge(actor=OFFICER))["transactions.mobile"] == 0
    with pytest.raises(ValidationError):
        retention_rule_set(actor=OFFICER, kind="transactions.mobile", days=5000, reason="x")
    with pytest.raises(ValidationError):
        retention_rule_set(actor=OFFICER, kind="transactions.mobile", days=10, reason=" ")
    with pytest.raises(NotFoundError):
        retention_rule_set(actor=OFFICER, kind="nothing", days=10, reason="x")


def test_the_export_gathers_everything_about_a_national_id_and_audits_it_masked(held):
    applicant = applicant_draft(1).national_id
    export = subject_export(actor=OFFICER, national_id=CITIZEN, mobile=COMPLAINANT, reason="SAR-1405-7")
    sections = export["sections"]
    assert {row["tracking_code"] for row in sections["counter_transactions"]} == {
        held["old"].tracking_code,
        held["recent"].tracking_code,
    }
    assert {row["number"] for row in sections["complaints"]} == {
        held["old_complaint"].number,
        held["recent_complaint"].number,
    }
    assert sections["licence_applications"] == []
    entry = AuditEntry.objects.filter(action="privacy.subject_exported").get()
    assert CITIZEN not in json.dumps(entry.after)
    assert COMPLAINANT not in json.dumps(entry.after)
    assert entry.after["national_id"].startswith(CITIZEN[:3])
    assert entry.after["items"]["counter_transactions"] == 2
    assert entry.reason == "SAR-1405-7"
    assert export["audit_entry"] == entry.seq

    theirs = subject_export(actor=OFFICER, national_id=applicant)["sections"]
    assert {row["number"] for row in theirs["licence_applications"]} == {
        held["withdrawn"].number,
        held["pending"].number,
    }
    assert theirs["counter_transactions"] == []
    operator = held["office"].operator
    runs = subject_export(actor=OFFICER, national_id=operator.national_id)["sections"]["office_operator"]
    assert [row["office"] for row in runs] == [held["office"].code]


def test_the_export_refuses_an_invalid_national_id_and_stores_nothing(held):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        subject_export(actor=OFFICER, national_id="1234567890")
    with pytest.raises(ValidationError):
        subject_export(actor=OFFICER, national_id=national_id(5), mobile="12")
    assert AuditEntry.objects.count() == entries


def test_the_export_command_writes_an_owner_only_file(held, tmp_path, capsys):
    out = tmp_path / "sar.json"
    call_command("privacy_export", CITIZEN, "--mobile", MOBILE, "--out", str(out))
    data = json.loads(out.read_text())
    assert data["national_id"] == CITIZEN
    assert len(data["sections"]["counter_transactions"]) == 2
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with pytest.raises(CommandError, match="exists"):
        call_command("privacy_export", CITIZEN, "--out", str(out))
    with pytest.raises(CommandError, match="national ID"):
        call_command("privacy_export", "12345")


# --- the privacy officer's pages -------------------------------------------------------------------


def test_the_regulator_sees_the_policy_and_others_may_not(held, client):
    from tests.licensing.factories import directorate, regulator

    client.force_login(directorate())
    assert client.get("/privacy/").status_code == 403
    client.force_login(regulator())
    page = client.get("/privacy/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-kind="transactions.mobile"' in body
    assert 'id="subject-form"' in body
    client.logout()
    assert client.get("/privacy/").status_code == 302  # to sign in


def _persian(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_the_export_page_shows_a_persons_data_and_audits_it(held, client):
    from tests.licensing.factories import regulator

    officer = regulator()
    client.force_login(officer)
    form = {"national_id": CITIZEN, "mobile": COMPLAINANT, "reason": "SAR-9", "format": "page"}
    page = client.post("/privacy/export/", form)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    body = page.content.decode()
    assert 'id="counter_transactions"' in body
    assert _persian(held["old"].tracking_code) in body  # shown in Persian digits
    assert _persian(held["old_complaint"].number) in body
    entry = AuditEntry.objects.filter(action="privacy.subject_exported").get()
    assert entry.actor_id == officer.pk
    assert CITIZEN not in json.dumps(entry.after)

    download = client.post("/privacy/export/", form | {"format": "json"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert len(json.loads(download.content)["sections"]["counter_transactions"]) == 2


def test_the_export_form_refuses_an_invalid_id_or_a_missing_reference(held, client):
    from tests.licensing.factories import regulator

    client.force_login(regulator())
    entries = AuditEntry.objects.count()
    bad = client.post("/privacy/export/", {"national_id": "1234567890", "reason": "SAR-9"})
    assert bad.status_code == 422
    assert 'id="id_national_id_error"' in bad.content.decode()
    missing = client.post("/privacy/export/", {"national_id": CITIZEN, "reason": ""})
    assert missing.status_code == 422
    assert AuditEntry.objects.count() == entries
    assert client.get("/privacy/export/").status_code == 405


@pytest.mark.django_db
def test_the_retention_command_prints_and_changes_the_policy(capsys):
    call_command("privacy_retention_set")
    assert "supervision.complaint_mobile: 90 days after: The complaint is closed" in capsys.readouterr().out
    call_command("privacy_retention_set", "supervision.complaint_mobile", "120", "--reason", "decision 12")
    assert RetentionRule.objects.get(kind="supervision.complaint_mobile").days == 120
    with pytest.raises(CommandError, match="reason"):
        call_command("privacy_retention_set", "supervision.complaint_mobile", "30")


def test_inspection_photos_past_their_years_go_with_their_files_and_the_inspection_stays(
    held, settings, tmp_path
):
    from pishkhan.supervision.models import Inspection, InspectionPhoto
    from pishkhan.supervision.services import Answer, inspection_conduct, inspection_plan
    from tests.accounts.factories import UserFactory
    from tests.licensing.factories import as_principal, directorate
    from tests.supervision.inspection_factories import photo

    settings.PISHKHAN_INSPECTION_PHOTO_DIR = tmp_path / "photos"
    inspector = UserFactory(role="inspector", jurisdiction_code="23", username="insp-privacy")
    inspection = inspection_plan(
        office_code=held["office"].code,
        planned_for=timezone.localdate() + dt.timedelta(days=1),
        inspector=inspector.username,
        actor=as_principal(directorate("23")),
    )
    inspection_conduct(
        inspection=inspection,
        actor=as_principal(inspector),
        answers={"signboard": Answer("pass")},
        photos=[("signboard", photo())],
    )
    old = InspectionPhoto.objects.get()
    path = Path(old.file.path)
    assert path.is_file()
    assert _counts(privacy_purge(actor=OFFICER))["supervision.inspection_photos"] == 0
    InspectionPhoto.objects.filter(pk=old.pk).update(uploaded_at=_ago(6 * 365))  # years pass

    assert _counts(privacy_purge(actor=OFFICER))["supervision.inspection_photos"] == 1
    assert not InspectionPhoto.objects.exists()
    assert not path.exists()
    assert Inspection.objects.filter(pk=inspection.pk).exists()
    assert AuditEntry.objects.filter(action="supervision.inspection_photos_purged").count() == 1
