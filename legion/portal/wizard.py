"""The application as a sequence of question pages, and where each page leads next."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from legion.portal import forms


@dataclass(frozen=True)
class Question:
    slug: str
    section: str  # the section code of legion.cases.intake.SECTIONS
    title: str | Promise
    form_class: type | None = None  # None: a page with its own view
    url_name: str = "portal:apply_question"
    heading: str | Promise = ""  # the page's h1 when it differs from the title

    def url(self) -> str:
        if self.form_class is None:
            return reverse(self.url_name)
        return reverse(self.url_name, kwargs={"slug": self.slug})


QUESTIONS = (
    Question("mission", "mission", _("Embassy or consulate"), url_name="portal:apply_mission"),
    Question("name", "name", _("Your name"), forms.NameForm),
    Question("birth", "birth", _("Date of birth and sex"), forms.BirthForm),
    Question("nationality", "nationality", _("Nationality"), forms.NationalityForm),
    Question("passport", "passport", _("Passport"), forms.PassportForm),
    Question("contact", "contact", _("Contact details"), forms.ContactForm),
    Question(
        "address",
        "address",
        _("Home address"),
        forms.AddressForm,
        heading=_("What is your home address?"),
    ),
    Question(
        "languages", "languages", _("Languages you can work in"), url_name="portal:apply_languages"
    ),
    Question("experience", "experience", _("Experience"), url_name="portal:apply_experience"),
    Question("criminal-record", "criminal_record", _("Criminal record"), forms.CriminalRecordForm),
    Question("documents", "documents", _("Documents"), url_name="portal:apply_documents"),
    Question("advice", "advisory", _("Legal advice and risks"), url_name="portal:apply_advice"),
)
BY_SLUG = {q.slug: q for q in QUESTIONS}
BY_SECTION = {q.section: q for q in QUESTIONS}


def next_url(slug: str, *, back_to_check: bool = False) -> str:
    """Where a question page goes after it is answered: the next question, or back to
    "check your answers" when the applicant came from there to change one answer."""
    if back_to_check:
        return reverse("portal:apply_check")
    index = [q.slug for q in QUESTIONS].index(slug)
    if index + 1 < len(QUESTIONS):
        return QUESTIONS[index + 1].url()
    return reverse("portal:apply_check")


def previous_url(slug: str) -> str:
    index = [q.slug for q in QUESTIONS].index(slug)
    return QUESTIONS[index - 1].url() if index > 0 else reverse("portal:apply")
