"""``pishkhan licences_revoke_inactive``: the dry run per province (and each licence with -v 2), a real
campaign with a zero-day grace period concluded at once, and concluding a campaign by its number."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pishkhan.audit.models import AuditEntry
from pishkhan.licensing.models import Licence
from pishkhan.supervision.models import CampaignCase, InactivityCampaign

pytestmark = pytest.mark.usefixtures("sms_log")


def _run(*args) -> str:
    out = StringIO()
    call_command("licences_revoke_inactive", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_counts_per_province_and_changes_nothing(network):
    entries = AuditEntry.objects.count()

    printed = _run("--dry-run")

    lines = printed.splitlines()
    assert "Dry run: nothing changed." in lines[0]
    assert lines[2].split()[0] == "10"
    assert lines[2].split()[-3:] == ["1", "0", "1"]
    assert lines[3].split()[0] == "23"
    assert lines[3].split()[-3:] == ["1", "2", "3"]
    assert lines[4].split()[-3:] == ["2", "2", "4"]
    assert "L-" not in printed  # each licence only with -v 2
    assert AuditEntry.objects.count() == entries
    assert not InactivityCampaign.objects.exists()


def test_the_dry_run_lists_each_licence_with_its_evidence_at_verbosity_two(network):
    printed = _run("--dry-run", "-v", "2", "--idle-days", "0", "--province", "23")

    licence_lines = [line for line in printed.splitlines() if line.startswith("L-")]
    number = Licence.objects.get(office=network.never).number
    assert len(licence_lines) == 1
    assert licence_lines[0].startswith(f"{number}  {network.never.code}  23/2301  issued")
    assert "120 days idle  never_activated" in licence_lines[0]
    assert "last heartbeat 20" in licence_lines[0]  # its heartbeat of five days ago, as a date


def test_a_zero_day_campaign_revokes_the_dry_runs_licences_and_prints_the_report(network):
    printed = _run("--grace-days", "0")

    campaign = InactivityCampaign.objects.get()
    assert campaign.status == "closed"
    assert f"Campaign {campaign.number} started: 4 cases; notices served 4 (4 by SMS" in printed
    assert "4 licences revoked; 0 kept for activity, 0 kept on appeal." in printed
    assert set(CampaignCase.objects.values_list("outcome", flat=True)) == {"revoked"}


def test_a_campaign_with_a_grace_period_is_concluded_later_by_number(network):
    printed = _run("--grace-days", "7", "--province", "10")
    campaign = InactivityCampaign.objects.get()
    assert f"--conclude {campaign.number}" in printed
    assert campaign.cases.count() == 1

    with pytest.raises(CommandError, match="grace period"):
        _run("--conclude", campaign.number)
    with pytest.raises(CommandError, match="still open"):
        _run("--grace-days", "0")
    with pytest.raises(CommandError, match="IC-1405-001"):
        _run("--conclude", "bogus")
