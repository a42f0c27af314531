"""Public pages for applicants. No personal data ever appears in these URLs."""

from django.urls import include, path

from legion.portal.views import account, apply, pages, verify

app_name = "portal"
urlpatterns = [
    path("", pages.start, name="start"),
    path("how-it-works/", pages.steps, name="steps"),
    path("advice/", pages.advice_index, name="advice_index"),
    path("advice/<str:country>/", pages.advice_country, name="advice_country"),
    path("other-ways-to-help/", pages.other_ways, name="other_ways"),
    path("privacy/", pages.privacy, name="privacy"),
    path("session-ended/", pages.session_ended, name="session_ended"),
    path("signed-out/", pages.signed_out, name="signed_out"),
    path("language/", include("django.conf.urls.i18n")),
    # A travel letter, checked at the border without logging in.
    path("verify/", verify.letter_check_form, name="letter_check_form"),
    path("verify/<str:code>/", verify.letter_check, name="letter_check"),
    # The application form.
    path("apply/", apply.apply_home, name="apply"),
    path("apply/where/", apply.apply_mission, name="apply_mission"),
    path("apply/languages/", apply.apply_languages, name="apply_languages"),
    path("apply/languages/remove/", apply.apply_language_remove, name="apply_language_remove"),
    path("apply/experience/", apply.apply_experience, name="apply_experience"),
    path("apply/experience/add/", apply.apply_experience_add, name="apply_experience_add"),
    path("apply/experience/remove/", apply.apply_experience_remove, name="apply_experience_remove"),
    path("apply/documents/", apply.documents, {"wizard": True}, name="apply_documents"),
    path("apply/documents/remove/", apply.document_delete, name="apply_document_remove"),
    path("apply/advice/", apply.apply_advice, name="apply_advice"),
    path("apply/check/", apply.apply_check, name="apply_check"),
    path("apply/sent/", apply.apply_sent, name="apply_sent"),
    path("apply/save/", apply.apply_save, name="apply_save"),
    path("apply/<slug:slug>/", apply.apply_question, name="apply_question"),
    # Getting back in, and the applicant's case after sending it.
    path("return/", account.access_request_view, name="access_request"),
    path("return/sent/", account.access_sent, name="access_sent"),
    path("return/code/", account.access_code, name="access_code"),
    path("return/link/<str:token>/", account.access_link, name="access_link"),
    path("sign-out/", account.sign_out, name="sign_out"),
    path("my-application/", account.status, name="status"),
    path("my-application/documents/", apply.documents, {"wizard": False}, name="status_documents"),
    path("my-application/interview/", account.interview_book_view, name="interview_book"),
    path(
        "my-application/interview/cancel/", account.interview_cancel_view, name="interview_cancel"
    ),
    path("my-application/withdraw/", account.withdraw, name="withdraw"),
    path("my-application/messages/", account.messages_view, name="messages"),
    path(
        "my-application/messages/<int:message_id>/document/",
        account.message_attachment,
        name="message_attachment",
    ),
    path(
        "my-application/travel-instructions/",
        account.travel_instructions,
        name="travel_instructions",
    ),
    path(
        "my-application/travel-instructions.pdf",
        account.travel_instructions_pdf,
        name="travel_instructions_pdf",
    ),
]
