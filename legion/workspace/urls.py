from django.urls import path

from legion.workspace.views import calendar, case, decisions, documents, home, intake, queue

app_name = "workspace"
urlpatterns = [
    path("login/", home.LoginView.as_view(), name="login"),
    path("logout/", home.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("m/<slug:mission>/queue/", queue.queue, name="queue"),
    path("m/<slug:mission>/queue/bulk/", queue.queue_bulk, name="queue_bulk"),
    path("m/<slug:mission>/calendar/", calendar.calendar, name="calendar"),
    path("m/<slug:mission>/take/", intake.application_take_view, name="application_take"),
    path(
        "m/<slug:mission>/slots/<int:slot_id>/cancel/",
        calendar.calendar_slot_cancel,
        name="slot_cancel",
    ),
    path("c/<str:reference>/", case.case_detail, name="case"),
    path("c/<str:reference>/action/", case.case_action, name="case_action"),
    path("c/<str:reference>/assign/", case.case_assign_view, name="case_assign"),
    path("c/<str:reference>/notes/", case.case_note_add_view, name="case_note_add"),
    path("c/<str:reference>/messages/", case.case_message_send_view, name="case_message_send"),
    path("c/<str:reference>/ask/", case.information_request_view, name="information_request"),
    path("c/<str:reference>/appeal/", case.appeal_decide_view, name="appeal_decide"),
    path("c/<str:reference>/transfer/", case.case_transfer_view, name="case_transfer"),
    path("c/<str:reference>/interview/book/", case.case_book_interview, name="interview_book"),
    path(
        "c/<str:reference>/documents/<int:document_id>/",
        documents.document_detail,
        name="document",
    ),
    path(
        "c/<str:reference>/documents/<int:document_id>/file/",
        documents.document_file,
        name="document_file",
    ),
    path(
        "c/<str:reference>/documents/<int:document_id>/verify/",
        documents.document_verify_view,
        name="document_verify",
    ),
    path(
        "c/<str:reference>/documents/<int:document_id>/reject/",
        documents.document_reject_view,
        name="document_reject",
    ),
    path("c/<str:reference>/assessment/<slug:kind>/", decisions.assessment, name="assessment"),
    path("c/<str:reference>/visa/", decisions.visa, name="visa"),
    path("c/<str:reference>/instructions/", decisions.instructions, name="instructions"),
    path(
        "c/<str:reference>/instructions.pdf",
        decisions.instructions_pdf_view,
        name="instructions_pdf",
    ),
]
