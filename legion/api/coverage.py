"""Which API operation does what each web page does: every domain function a page calls
(found by legion/api/tests/test_coverage.py in the views' imports) is either mapped to
the operations that call it, or listed with the reason it has none.

A new service called from a page fails that test until it is declared here; a mapped
operation must exist in the OpenAPI document and its handler must call the service.
"""

# service (module.function) -> operations ("METHOD /api/v1/...") whose handler calls it.
API_OPERATIONS: dict[str, tuple[str, ...]] = {
    "legion.cases.services.case_transition": (
        "POST /api/v1/cases/{reference}/transitions",
        "POST /api/v1/applicant/case/withdrawal",
    ),
    "legion.cases.services.cases_bulk_transition": ("POST /api/v1/cases/bulk-transitions",),
    "legion.cases.services.case_assign": ("POST /api/v1/cases/{reference}/assignment",),
    "legion.cases.services.case_available_actions": (
        "GET /api/v1/cases/{reference}/actions",
        "GET /api/v1/applicant/case",
    ),
    "legion.cases.services.case_submit": ("POST /api/v1/cases/{reference}/submission",),
    "legion.cases.services.case_transfer": ("POST /api/v1/cases/{reference}/transfer",),
    "legion.cases.documents.document_upload": (
        "POST /api/v1/cases/{reference}/documents",
        "POST /api/v1/applicant/case/documents",
    ),
    "legion.cases.documents.document_remove": (
        "DELETE /api/v1/applicant/case/documents/{document_id}",
    ),
    "legion.cases.documents.document_verify": (
        "POST /api/v1/cases/{reference}/documents/{document_id}/verification",
    ),
    "legion.cases.documents.document_reject": (
        "POST /api/v1/cases/{reference}/documents/{document_id}/rejection",
    ),
    "legion.cases.documents.cases_bulk_verify_documents": (
        "POST /api/v1/cases/bulk/document-verifications",
    ),
    "legion.cases.travel.visa_issue": ("POST /api/v1/cases/{reference}/visa",),
    "legion.cases.travel.visa_refuse": ("POST /api/v1/cases/{reference}/visa/refusal",),
    "legion.cases.travel.instructions_issue": ("POST /api/v1/cases/{reference}/instructions",),
    "legion.interviews.services.interview_book": (
        "POST /api/v1/cases/{reference}/interview",
        "POST /api/v1/applicant/case/interview",
    ),
    "legion.interviews.services.interview_cancel": (
        "POST /api/v1/cases/{reference}/interview/cancellation",
        "POST /api/v1/applicant/case/interview/cancellation",
    ),
    "legion.interviews.services.assessment_sign": (
        "POST /api/v1/cases/{reference}/assessments/{kind}",
    ),
    "legion.interviews.selectors.open_slots": (
        "GET /api/v1/missions/{code}/slots",
        "GET /api/v1/applicant/case/slots",
    ),
    "legion.interviews.selectors.current_interview": ("GET /api/v1/applicant/case",),
    "legion.conversation.services.case_message_send": (
        "POST /api/v1/cases/{reference}/messages",
        "POST /api/v1/applicant/case/messages",
    ),
    "legion.conversation.services.case_messages_read": (
        "GET /api/v1/cases/{reference}/messages",
        "GET /api/v1/applicant/case/messages",
    ),
    "legion.conversation.services.case_note_add": ("POST /api/v1/cases/{reference}/notes",),
    "legion.conversation.services.case_notes_read": ("GET /api/v1/cases/{reference}/notes",),
    "legion.conversation.services.information_request_ask": (
        "POST /api/v1/cases/{reference}/information-requests",
    ),
    "legion.conversation.services.information_requests_open": (
        "GET /api/v1/cases/{reference}/information-requests",
        "GET /api/v1/applicant/case",
    ),
    "legion.cases.access.access_request": ("POST /api/v1/applicant/access-emails",),
    "legion.cases.access.access_redeem_code": ("POST /api/v1/applicant/sessions",),
    "legion.cases.access.access_redeem_link": ("POST /api/v1/applicant/sessions",),
    "legion.cases.intake.draft_update": ("PATCH /api/v1/applicant/case/answers",),
    "legion.cases.intake.draft_set_mission": ("POST /api/v1/applicant/case/mission",),
    "legion.cases.intake.draft_add_language": ("POST /api/v1/applicant/case/languages",),
    "legion.cases.intake.draft_remove_language": (
        "DELETE /api/v1/applicant/case/languages/{code}",
    ),
    "legion.cases.intake.draft_add_service_record": (
        "POST /api/v1/applicant/case/service-records",
    ),
    "legion.cases.intake.draft_remove_service_record": (
        "DELETE /api/v1/applicant/case/service-records/{record_id}",
    ),
    "legion.advisories.intake.draft_advisories": ("GET /api/v1/applicant/case/advisories",),
    "legion.advisories.intake.draft_acknowledge_advisories": (
        "POST /api/v1/applicant/case/advisory-acknowledgement",
    ),
    "legion.cases.intake.draft_missing": ("GET /api/v1/applicant/case",),
    "legion.cases.intake.draft_submit": ("POST /api/v1/applicant/case/submission",),
    "legion.audit.services.audit_case_view": (
        "GET /api/v1/cases/{reference}/documents/{document_id}/file",
    ),
    # The access policy: the case detail reads (and audits) its case through it.
    "legion.cases.policy.case_for": ("GET /api/v1/cases/{reference}",),
    "legion.cases.policy.cases_for": ("GET /api/v1/cases",),
    "legion.audit.services.audit_record": ("GET /api/v1/cases",),
    "legion.dashboard.access.statistics_scope": ("GET /api/v1/statistics",),
}

# service -> why no API operation calls it.
NO_API: dict[str, str] = {
    # Pieces of a page, not actions: the API answers data, codes and states instead.
    "legion.cases.languages.language_name": "display: the API answers language codes",
    "legion.cases.access.token_lifetime": "display: the page says how long a link lasts",
    "legion.cases.access.access_link_check": "the page's 'continue?' step before a link is "
    "used; POST /applicant/sessions uses the link at once",
    "legion.cases.access.access_email_send": "the portal e-mails a link to continue a draft "
    "later; an API client keeps its token, or asks POST /applicant/access-emails",
    "legion.cases.eligibility.active_rules": "the public 'who can apply' page",
    "legion.identity.passports.passport_comparison": "not yet: the passport MRZ comparison "
    "is shown on the case page only",
    "legion.cases.eligibility.evaluate_case": "not yet: the eligibility explanation is shown "
    "on the case and status pages only",
    "legion.cases.eligibility.working_languages": "display: the list of languages offered",
    "legion.cases.intake.draft_check": "the wizard checks a page it could not fully read; "
    "PATCH /applicant/case/answers checks every answer it is sent",
    "legion.cases.instructions.assembly_point_visible": "display rule of the status page",
    "legion.cases.instructions.instructions_defaults": "fills the instructions form",
    "legion.cases.instructions.instructions_html": "renders the instructions page",
    "legion.cases.instructions.instructions_pdf": "not yet: the PDF is downloaded from the "
    "portal and the workspace (the applicant also receives it by e-mail)",
    "legion.cases.instructions.instructions_pdf_filename": "names the PDF download",
    "legion.interviews.services.assessment_refusal": "tells the page why a form is not "
    "offered; the API answers the service's refusal (409) instead",
    "legion.interviews.services.assessments_offered": "which assessment forms the page shows",
    "legion.advisories.services.advisory_for_nationality": "the public advisory page; the "
    "applicant reads theirs with GET /applicant/case/advisories",
    "legion.advisories.services.risk_notice": "the public advisory page; included in "
    "GET /applicant/case/advisories",
    "legion.reports.services.waiting_times": "display: typical waiting times on the status page",
    "legion.reports.services.humanise_duration": "display: a duration in words",
    "legion.outbox.selectors.outbox_messages_of_case": "delivery state of e-mails, for staff "
    "on the case page",
    "legion.conversation.services.case_message_attachment": "not yet: the applicant opens a "
    "message's file in the portal",
    "legion.cases.appeals.appeal_lodge": "not yet: the applicant appeals from the status page",
    "legion.cases.appeals.appeal_may_lodge": "display: whether the status page offers an appeal",
    "legion.cases.appeals.appeal_deadline": "display: the last day to appeal",
    "legion.cases.appeals.appeal_decide": "not yet: staff decide an appeal on the case page",
    # Deliberately web-only.
    "legion.cases.break_glass.break_glass_open": "deliberately web-only: HQ staff state a "
    "reason in person, signed in with a second factor; no integration token opens cases "
    "outside its scope",
    "legion.audit.break_glass.grants_of": "the break-the-glass pages",
    "legion.audit.break_glass.grants_for_mission_staff": "the break-the-glass report",
    "legion.audit.services.audit_export": "audits the reports page's CSV export",
    "legion.assisted.services.application_take": "not yet in the API: an integration brings "
    "applications in with `legion import applications` (the same checks)",
    "legion.assisted.services.answers_read": "reads the assisted-intake form",
    "legion.assisted.services.may_take_applications": "whether the page shows the intake link",
    "legion.identity.decisions.duplicate_confirm": "not yet: HQ security decides review "
    "items in the workspace",
    "legion.identity.decisions.duplicate_dismiss": "not yet: as duplicate_confirm",
    "legion.identity.decisions.watchlist_hit_confirm": "not yet: as duplicate_confirm",
    "legion.identity.decisions.watchlist_hit_dismiss": "not yet: as duplicate_confirm",
    "legion.identity.people.review_values": "the review page's side-by-side values",
    "legion.identity.selectors.review_items": "the review queue page",
    "legion.identity.selectors.cases_under_review_q": "a filter inside the access selector",
    "legion.cases.policy.missions_for": "the workspace's navigation: the missions the user "
    "works at; GET /missions lists every mission",
    "legion.cases.policy.mission_for": "the workspace's queue and calendar of one mission",
    "legion.cases.policy.case_assignees": "the assignment menu's officers; the API takes a "
    "username (POST /cases/{reference}/assignment)",
    "legion.exports.services.case_export_request": "deliberately a page: an export of "
    "personal data follows a re-authentication with password and code, which a token "
    "cannot give; integrations page through GET /cases",
    "legion.exports.services.case_export_for": "the export's status page",
    "legion.exports.services.case_export_open": "the export's download (page only, as above)",
    "legion.exports.services.export_access": "the export page lists the columns",
    "legion.exports.columns.columns_for": "the export page lists the columns",
    "legion.cases.letters.travel_letter_check": "the border guard's public check of a "
    "travel letter's QR code, a page by design (no account, no token)",
    "legion.cases.letters.letter_code_normalise": "part of the travel-letter check page",
    "legion.cases.letters.letter_code_display": "part of the travel-letter check page",
    "legion.audit.context.client_ip": "the check page's rate limit (the API has its own)",
    "legion.ratelimit.rate_limit_hit": "the check page's rate limit (the API has its own)",
    "legion.dashboard.selectors.statistics_read": "the dashboard's filtered figures and "
    "charts; GET /statistics answers the totals by state, mission and nationality",
    "legion.dashboard.privacy.incomplete_note": "display: the dashboard's note on groups "
    "under the threshold (the API says `incomplete`)",
    "legion.dashboard.service_levels.breaches_by_mission": "not yet: the dashboard's "
    "service-level breaches per mission (aggregates) are a page only",
    "legion.interviews.slots.slot_create": "not yet: slots are opened in the workspace "
    "calendar or the admin; the API lists them",
    "legion.interviews.slots.slot_series_open": "not yet: as slot_create",
    "legion.interviews.slots.slot_cancel": "not yet: as slot_create",
    "legion.interviews.slots.interviews_bulk_book": "not yet: book case by case with "
    "POST /cases/{reference}/interview",
}
