"""Travel instructions as the applicant receives them: a page partial (workspace and
portal), an e-mail and a PDF (WeasyPrint), always in the case's language.

The assembly point is confidential. It appears only while the case holds an issued
visa (`assembly_point_visible`); otherwise every rendering leaves it out.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from legion.cases.models import Case, TravelInstructions, VisaDecision
from legion.cases.notifications import applicant_email_queue
from legion.cases.states import VISA_GRANTED_STATES

logger = logging.getLogger(__name__)

PARTIAL_TEMPLATE = "cases/instructions/_instructions.html"
PDF_TEMPLATE = "cases/instructions/pdf.html"
EMAIL_TEMPLATE = "cases/instructions/email"
PDF_STYLESHEET = Path(__file__).parent / "pdf" / "instructions.css"

# Checklist items are stored by key and translated when rendered; anything else staff
# type is stored and shown as written.
DOCUMENTS_TO_BRING = {
    "passport": _("Your passport with the visa in it"),
    "instructions": _("A printed copy of these instructions"),
    "service_record": _("Proof of your military or law-enforcement service"),
    "medical_licence": _("Your medical licence"),
    "criminal_record": _("Your criminal record certificate"),
    "medical_records": _("Your medical records and vaccination certificate"),
    "driving_licence": _("Your driving licence"),
    "photos": _("Four passport photos"),
}
EQUIPMENT = {
    "military_clothing": _("Military clothing (field uniform)"),
    "helmet": _("Helmet"),
    "body_armour": _("Body armour (plate carrier with plates)"),
    "boots": _("Broken-in combat boots"),
    "first_aid_kit": _("Individual first-aid kit with a tourniquet"),
    "sleeping_bag": _("Sleeping bag"),
    "thermal_underwear": _("Thermal underwear"),
    "gloves": _("Gloves"),
    "eye_protection": _("Eye protection"),
    "hearing_protection": _("Hearing protection"),
    "head_torch": _("Head torch with spare batteries"),
    "backpack": _("Backpack (60 litres or more)"),
    "power_bank": _("Power bank"),
    "hygiene_kit": _("Personal hygiene kit"),
}
DEFAULT_DOCUMENTS = ["passport", "instructions", "service_record", "criminal_record"]
DEFAULT_EQUIPMENT = [
    "military_clothing",
    "helmet",
    "body_armour",
    "boots",
    "first_aid_kit",
    "sleeping_bag",
]


def instructions_defaults(case: Case) -> dict[str, Any]:
    """What the instructions form starts from: the mission's entry point, assembly
    point and contacts in the applicant's language (English where a text has no
    translation yet), and the usual checklists."""
    mission = case.mission
    with translation.override(case.language):
        return {
            "entry_point": mission.default_entry_point,
            "assembly_point": mission.default_assembly_point,
            "contacts": mission.default_contacts,
            "documents_to_bring": list(DEFAULT_DOCUMENTS),
            "equipment": list(DEFAULT_EQUIPMENT),
        }


def assembly_point_visible(case: Case) -> bool:
    """True only while the case holds an issued visa; the assembly point exists for the
    applicant from then on, and never before (nor while the case is on hold)."""
    return case.state in VISA_GRANTED_STATES and issued_visa(case) is not None


def issued_visa(case: Case) -> VisaDecision | None:
    """The case's issued visa, if any; from the case's loaded visa when a page loaded it."""
    relation = Case.visa.related
    if relation.is_cached(case):
        visa = relation.get_cached_value(case)
        return visa if visa is not None and visa.decision == VisaDecision.Decision.ISSUED else None
    return VisaDecision.objects.filter(case=case, decision=VisaDecision.Decision.ISSUED).first()


def _labels(items: list[str], known: dict[str, Any]) -> list[str]:
    return [str(known[item]) if item in known else item for item in items]


def instructions_context(instructions: TravelInstructions) -> dict[str, Any]:
    """What the instructions templates show. Labels are lazy: translate them by
    rendering in the language wanted (see `instructions_html`)."""
    case = instructions.case
    visa = issued_visa(case)
    return {
        "heading_level": 2,
        "subheading_level": 3,
        "instructions": instructions,
        "case": case,
        "applicant": case.applicant,
        "mission": case.mission,
        "visa": visa,
        "show_assembly_point": case.state in VISA_GRANTED_STATES and visa is not None,
        "documents": [
            DOCUMENTS_TO_BRING.get(item, item) for item in instructions.documents_to_bring
        ],
        "equipment": [EQUIPMENT.get(item, item) for item in instructions.equipment],
    }


def instructions_html(
    instructions: TravelInstructions, *, language: str | None = None, heading_level: int = 2
) -> str:
    """The instructions as an HTML fragment in `language` (default: the case's), titled
    with a heading of `heading_level` (1 where the fragment is the page's main content)."""
    levels = {"heading_level": heading_level, "subheading_level": heading_level + 1}
    context = instructions_context(instructions) | levels
    with translation.override(language or instructions.case.language):
        return render_to_string(PARTIAL_TEMPLATE, context)


def _letter_context(instructions: TravelInstructions) -> dict[str, Any]:
    """The travel letter's page of the PDF: its code, printed and as a QR code."""
    import segno

    from legion.cases.letters import (
        VERIFY_PATH,
        letter_code_display,
        letter_verify_url,
        travel_letter_issue,
    )

    letter = travel_letter_issue(instructions=instructions)
    return {
        "letter": letter,
        "letter_code": letter_code_display(letter.code),
        "letter_qr": segno.make(letter_verify_url(letter.code), error="m").svg_data_uri(border=0),
        "verify_page": settings.SITE_URL.rstrip("/") + VERIFY_PATH,
    }


def instructions_pdf(instructions: TravelInstructions, *, language: str | None = None) -> bytes:
    """The instructions as a PDF, in `language` (default: the case's), with the travel
    letter on a page of its own while the case can travel on it."""
    from weasyprint import CSS, HTML

    language = language or instructions.case.language
    context = {**instructions_context(instructions), "language": language}
    if context["show_assembly_point"]:
        context |= _letter_context(instructions)
    with translation.override(language):
        html = render_to_string(PDF_TEMPLATE, context)
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_STYLESHEET))])


def instructions_pdf_filename(instructions: TravelInstructions) -> str:
    return f"travel-instructions-{instructions.case.reference}.pdf"


def instructions_email_queue(*, instructions: TravelInstructions) -> bool:
    """Put the travel instructions e-mail, with the PDF attached, in the outbox (in the
    caller's transaction, the one that issues them). Queues nothing, and returns False,
    if the case holds no issued visa."""
    case = instructions.case
    if not assembly_point_visible(case):
        logger.warning("Travel instructions of %s not sent: no issued visa", case.reference)
        return False
    context = instructions_context(instructions)
    # The assembly point travels only in the attachment, not in the message body that
    # phones show on locked screens.
    context["show_assembly_point"] = False
    queued = applicant_email_queue(
        case=case,
        template=EMAIL_TEMPLATE,
        kind="travel instructions",
        context=context,
        attachments=[
            (
                instructions_pdf_filename(instructions),
                instructions_pdf(instructions),
                "application/pdf",
            )
        ],
    )
    return queued is not None
