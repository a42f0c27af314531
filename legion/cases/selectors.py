"""Reads about one case's documents. Which cases an actor may read at all is the access
policy's (legion.cases.policy.cases_for / case_for)."""

from legion.cases.models import Case, Document

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
