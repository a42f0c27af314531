"""Reads of cases. Every read of cases goes through cases_visible_to(actor)."""

from django.db.models import Q, QuerySet

from legion.cases.models import Case, Document
from legion.missions.actors import Actor
from legion.missions.models import Role


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    """The cases this actor may see at all: the one helper every view, API call and
    command uses, so that mission scoping cannot be forgotten in one place.

    - mission staff: cases of their missions;
    - HQ security: cases named in an identity review item (duplicates, watch list),
      and cases opened by breaking the glass, while the grant lasts;
    - applicants: their own case; the system: everything;
    - HQ analysts and administrators: none (aggregates and configuration only).
    """
    cases = Case.objects.all()
    if actor.is_system:
        return cases
    if actor.is_applicant:
        return cases.filter(pk=actor.applicant_case_id)
    if actor.user is None or not actor.user.is_active:
        return cases.none()
    scope = Q(mission_id__in=actor.mission_ids())
    if Role.HQ_SECURITY in actor.hq_roles():
        from legion.audit.break_glass import break_glass_cases_q
        from legion.identity.selectors import cases_under_review_q

        scope |= cases_under_review_q() | break_glass_cases_q(actor.user)
    return cases.filter(scope)


def case_for_actor(actor: Actor, reference: str, *, for_update: bool = False) -> Case:
    """One case by reference, within the actor's scope; raises Case.DoesNotExist otherwise
    (views turn that into 404, so out-of-scope cases are indistinguishable from absent ones)."""
    cases = cases_visible_to(actor)
    if for_update:
        cases = cases.select_for_update(of=("self",))
    return cases.select_related("applicant", "mission").get(reference=reference)


REQUIRED_DOCUMENT_KINDS = (Document.Kind.PASSPORT, Document.Kind.CRIMINAL_RECORD)
EXPERIENCE_DOCUMENT_KINDS = (Document.Kind.SERVICE_RECORD, Document.Kind.MEDICAL_LICENCE)


def case_documents_complete(*, case: Case) -> bool:
    """Passport, criminal-record certificate and proof of experience verified; none pending."""
    documents = list(case.documents.all())
    if any(d.status == Document.Status.PENDING for d in documents):
        return False
    verified = {d.kind for d in documents if d.status == Document.Status.VERIFIED}
    return all(kind in verified for kind in REQUIRED_DOCUMENT_KINDS) and any(
        kind in verified for kind in EXPERIENCE_DOCUMENT_KINDS
    )
