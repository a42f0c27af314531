"""The weekly PDF report: on demand from the command line and on the task worker."""

import json
import subprocess

import pytest
from django.core.management import call_command

from legion.dashboard.tests.test_dashboard_browser import counters
from legion.dashboard.weekly import weekly_reports_send
from legion.outbox.models import OutboxMessage
from legion.testing import factories as f

pytestmark = pytest.mark.django_db


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_command_writes_a_mission_report_with_its_figures(london, ottawa, tmp_path, capsys):
    counters([london, ottawa], days=10)
    out = tmp_path / "london.pdf"
    call_command("report", "weekly", "--mission", "lon", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    assert "Weekly report" in text and "Embassy of Ukraine in London" in text
    assert "Applications per day" in text and "United States" in text
    assert "Embassy of Ukraine in Ottawa" not in text  # one mission's report
    assert "london.pdf" in capsys.readouterr().out


def test_hq_report_covers_every_mission(london, ottawa, tmp_path):
    counters([london, ottawa], days=10)
    out = tmp_path / "hq.pdf"
    call_command("report", "weekly", "--out", str(out))
    text = pdf_text(out)
    assert "All missions (HQ)" in text
    assert "Embassy of Ukraine in Ottawa" in text and "Embassy of Ukraine in London" in text


def test_unknown_mission_or_date_is_refused_and_nothing_written(london, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    with pytest.raises(SystemExit) as exit_:
        call_command("report", "weekly", "--mission", "nowhere", "--out", str(out))
    assert exit_.value.code == 1
    assert "No mission with the code" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("report", "weekly", "--week-ending", "last friday", "--out", str(out))
    assert not out.exists()


def test_worker_mails_hq_and_each_mission_their_report(london, ottawa, consul, analyst):
    analyst.email = "analyst@legion.example"
    analyst.save()
    consul.email = "consul@legion.example"
    consul.save()
    f.MembershipFactory(user__email="", role="consular_officer", mission=ottawa)  # no e-mail
    counters([london, ottawa], days=10)
    assert weekly_reports_send() == 2
    messages = OutboxMessage.objects.filter(kind="weekly report").order_by("pk")
    assert messages.count() == 2
    attachments = [json.loads(m.payload)["attachments"][0] for m in messages]
    assert [a[0].split("-")[2] for a in attachments] == ["hq", "lon"]
    assert all(a[2] == "application/pdf" for a in attachments)
