"""Which advisory an applicant sees, in which language, and recording that they read it."""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from legion.advisories.models import Acknowledgement, Advisory, Stance


@dataclass(frozen=True)
class AdvisoryView:
    """An advisory as shown to one applicant: the stance and the text in their language."""

    advisory: Advisory | None
    nationality: str
    stance: str
    title: str
    body: str
    language: str
    version: int
    source: str
    reviewed_on: object

    @property
    def stance_label(self) -> str:
        return str(Stance(self.stance).label)

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(f"{self.title}\n\n{self.body}".encode()).hexdigest()


def _text_for(advisory: Advisory, language: str) -> tuple[str, str, str]:
    texts = {t.language: t for t in advisory.texts.all()}
    for code in (language, language.split("-")[0], "en"):
        if code in texts:
            return texts[code].title, texts[code].body, code
    text = next(iter(texts.values()), None)
    if text is None:
        return "", "", language
    return text.title, text.body, text.language


def advisory_for_nationality(*, nationality: str, language: str) -> AdvisoryView:
    """The advisory for this nationality in this language; "no position recorded" if none."""
    advisory = (
        Advisory.objects.filter(nationality=nationality).prefetch_related("texts").first()
        if nationality
        else None
    )
    return _nationality_view(advisory, nationality=nationality, language=language)


def _nationality_view(
    advisory: Advisory | None, *, nationality: str, language: str
) -> AdvisoryView:
    if advisory is None:
        return AdvisoryView(
            advisory=None,
            nationality=nationality,
            stance=Stance.NO_POSITION,
            title=_("No position recorded"),
            body=_(
                "We have no record of your government's position on its citizens joining "
                "the legion. That does not mean it is permitted: check the law of your "
                "country before you travel, and ask a lawyer if you are unsure."
            ),
            language=language,
            version=0,
            source="",
            reviewed_on=None,
        )
    title, body, used_language = _text_for(advisory, language)
    return AdvisoryView(
        advisory=advisory,
        nationality=nationality,
        stance=advisory.stance,
        title=title,
        body=body,
        language=used_language,
        version=advisory.version,
        source=advisory.source,
        reviewed_on=advisory.reviewed_on,
    )


def risk_notice(*, language: str) -> AdvisoryView | None:
    """The notice shown to every applicant, if one is configured."""
    advisory = Advisory.objects.filter(nationality="").prefetch_related("texts").first()
    return _notice_view(advisory, language=language)


def _notice_view(advisory: Advisory | None, *, language: str) -> AdvisoryView | None:
    if advisory is None:
        return None
    title, body, used_language = _text_for(advisory, language)
    return AdvisoryView(
        advisory=advisory,
        nationality="",
        stance=advisory.stance,
        title=title,
        body=body,
        language=used_language,
        version=advisory.version,
        source=advisory.source,
        reviewed_on=advisory.reviewed_on,
    )


def advisories_for_case(case) -> list[AdvisoryView]:
    """What the applicant of this case must acknowledge: their nationality's advisory
    and the risk notice."""
    nationality = case.applicant.nationality.code or ""
    # One read for both (the notice is the advisory without a nationality), kept on
    # the case for the rest of the request: a case page asks three times.
    key = (nationality, case.language)
    memo = case.__dict__.setdefault("_advisories_for_case", {})
    if key not in memo:
        wanted = {nationality, ""}
        found = {
            a.nationality.code or "": a
            for a in Advisory.objects.filter(nationality__in=wanted).prefetch_related("texts")
        }
        views = [
            _nationality_view(
                found.get(nationality) if nationality else None,
                nationality=nationality,
                language=case.language,
            )
        ]
        if notice := _notice_view(found.get(""), language=case.language):
            views.append(notice)
        memo[key] = views
    return list(memo[key])


def case_acknowledge_advisories(*, case, taken_by=None) -> list[Acknowledgement]:
    """Record that the applicant read the advisories shown to them, text and version;
    `taken_by` is the staff member who read them out, for an application taken by staff."""
    acknowledgements = []
    for view in advisories_for_case(case):
        acknowledgements.append(
            Acknowledgement.objects.create(
                case=case,
                advisory=view.advisory,
                nationality=view.nationality,
                stance=view.stance,
                advisory_version=view.version,
                language=view.language,
                text=f"{view.title}\n\n{view.body}",
                text_sha256=view.text_sha256,
                taken_by=taken_by,
            )
        )
    return acknowledgements


def case_has_current_acknowledgements(*, case) -> bool:
    """True when every advisory the applicant must see was acknowledged in its current
    version. A changed text or a changed nationality needs a new acknowledgement."""
    acknowledged = {
        (a.nationality.code or "", a.advisory_version)
        for a in case.acknowledgements.all()  # prefetched by pages that show them
    }
    return all((v.nationality, v.version) in acknowledged for v in advisories_for_case(case))


def advisory_acknowledged(case) -> bool:
    """The guard of the case lifecycle (submission, booking, the eligibility rule)."""
    return case_has_current_acknowledgements(case=case)


def advisory_version_bump(*, advisory: Advisory) -> int:
    """The text or the stance of an advisory changed: give it a new version, so every
    applicant who acknowledged the old one must read and acknowledge it again."""
    from django.db.models import F

    Advisory.objects.filter(pk=advisory.pk).update(version=F("version") + 1)
    advisory.refresh_from_db(fields=["version"])
    return advisory.version
