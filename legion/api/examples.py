"""Examples shown in the interactive documentation (/api/v1/docs), one per shape.

They are attached to the OpenAPI document's component schemas by name, so that every
operation's request and answer has one. All people and references are invented.
"""

SUMMARY = {
    "reference": "LGN-7Q4M-X2KD",
    "state": "in_review",
    "state_label": "In review",
    "mission": "lon",
    "nationality": "GB",
    "applicant_name": "James Turner",
    "assigned_to": "lon.officer",
    "submitted_at": "2022-03-02T09:14:05Z",
    "updated_at": "2022-03-02T11:40:12Z",
}
ACTION = {
    "name": "schedule_interview",
    "label": "Schedule interview",
    "reason_required": False,
    "danger": False,
    "unmet": ["Not all required documents have been verified."],
    "service": "interview_book",
}
TALLY = {"key": "GB", "label": "United Kingdom", "count": 412, "shown": "412"}
DOCUMENT = {
    "id": 31,
    "kind": "passport",
    "kind_label": "Passport",
    "status": "rejected",
    "original_name": "passport-scan.pdf",
    "content_type": "application/pdf",
    "size": 482113,
    "uploaded_at": "2022-03-02T09:10:44Z",
    "reviewed_at": "2022-03-02T11:02:09Z",
    "rejection_reason": "The photo page is cut off at the bottom; please scan it whole.",
}
MESSAGE = {
    "id": 7,
    "sender": "mission",
    "author": "lon.officer",
    "body": "Please bring your discharge papers to the interview.",
    "document_id": None,
    "created_at": "2022-03-03T10:20:00Z",
}

EXAMPLES: dict[str, dict] = {
    "Error": {
        "detail": "This case is “Submitted”; “refer” is not possible from there.",
        "code": "wrong_state",
    },
    "ValidationErrorOut": {
        "detail": "The request is not valid.",
        "code": "invalid",
        "errors": [{"field": "action", "message": "String should have at least 1 character"}],
    },
    "TransitionIn": {"action": "refer", "reason": "No military or medical experience."},
    "AssignmentIn": {"assignee": "lon.officer"},
    "BulkTransitionIn": {
        "action": "start_review",
        "reason": "",
        "references": ["LGN-7Q4M-X2KD", "LGN-2HFD-91QA"],
    },
    "BulkTransitionOut": {
        "results": [
            {"reference": "LGN-7Q4M-X2KD", "ok": True, "detail": "ok"},
            {"reference": "LGN-2HFD-91QA", "ok": False, "detail": "No such case."},
        ]
    },
    "CaseSummary": SUMMARY,
    "CasePage": {
        "count": 1,
        "count_is_estimate": False,
        "page": 1,
        "page_size": 50,
        "results": [SUMMARY],
        "next": None,
    },
    "CaseDetail": {
        **SUMMARY,
        "held_from_state": "",
        "language": "en",
        # As the defence attaché sees it: no contact details, no passport.
        "sees": ["assessments", "documents", "eligibility", "identity", "interview"],
        "applicant": {
            "given_name": "James",
            "surname": "Turner",
            "native_name": "",
            "date_of_birth": "1988-03-27",
            "nationality": "GB",
            "second_nationality": "",
            "languages": [{"code": "en", "level": "native"}],
        },
        "contact": None,
        "passport": None,
        "documents": [
            {
                "id": 33,
                "kind": "service_record",
                "status": "verified",
                "uploaded_at": "2022-03-02T09:10:44Z",
            }
        ],
        "interview": {
            "starts_at": "2022-03-09T10:00:00Z",
            "ends_at": "2022-03-09T10:45:00Z",
            "location": "Interview room 2",
            "language": "en",
            "status": "booked",
        },
        "assessments": [],
        "events": [
            {
                "at": "2022-03-02T11:40:12Z",
                "kind": "transition",
                "action": "start_review",
                "from_state": "submitted",
                "to_state": "in_review",
                "actor": "lon.officer",
                "reason": "",
            }
        ],
        "actions": [ACTION],
        "assessments_offered": [],
    },
    "ActionOut": ACTION,
    "AssessmentOfferOut": {
        "kind": "military",
        "label": "Military suitability (defence attaché)",
        "unmet": [
            "The interview begins at 2022-03-08 10:00 (mission time); its assessments can be "
            "signed from then on."
        ],
    },
    "DocumentMeta": DOCUMENT,
    "DocumentRejectionIn": {"reason": DOCUMENT["rejection_reason"]},
    "MessageOut": MESSAGE,
    "MessageIn": {"body": MESSAGE["body"]},
    "NoteOut": {
        "id": 3,
        "author": "lon.consul",
        "body": "Called the applicant's former unit; service confirmed.",
        "created_at": "2022-03-03T14:05:00Z",
    },
    "NoteIn": {"body": "Called the applicant's former unit; service confirmed."},
    "InformationRequestOut": {
        "id": 4,
        "question": "Please upload your certificate of discharge.",
        "document_kind": "service_record",
        "due_on": "2022-03-09",
        "asked_at": "2022-03-03T10:20:00Z",
        "answered_at": None,
    },
    "InformationRequestIn": {
        "question": "Please upload your certificate of discharge.",
        "due_on": "2022-03-09",
        "document_kind": "service_record",
    },
    "BookingIn": {"slot_id": 12, "language": "en"},
    "ReasonIn": {"reason": "The applicant asked for another day."},
    "AssessmentIn": {
        "favourable": True,
        "notes": "Eight years in the Parachute Regiment; two deployments.",
        "suitability": "suitable",
        "recommended_role": "infantry instructor",
        "identity_confirmed": None,
        "language_ok": True,
    },
    "VisaIn": {
        "visa_type": "D",
        "visa_number": "UA-D-2022-004512",
        "valid_from": "2022-03-10",
        "valid_until": "2022-09-10",
    },
    "InstructionsIn": {
        "entry_point": "Krakovets border crossing (Poland–Ukraine)",
        "assembly_point": "Lviv, railway station, hall 2",
        "report_by": "2022-03-20",
        "documents_to_bring": ["passport", "visa", "service record"],
        "equipment": ["boots", "helmet", "body armour"],
        "contacts": "+380 44 000 0000, legion-contact@example.org",
        "notes": "An embassy representative meets you on the Polish side.",
    },
    "TransferIn": {"mission": "ott", "reason": "The applicant moved to Canada."},
    "TransferOut": {"reference": "LGN-7Q4M-X2KD", "mission": "ott"},
    "MissionOut": {
        "code": "lon",
        "name": "Embassy of Ukraine in London",
        "kind": "embassy",
        "country": "GB",
        "city": "London",
        "timezone": "Europe/London",
        "interview_languages": ["en", "uk"],
    },
    "SlotOut": {
        "id": 12,
        "starts_at": "2022-03-08T09:45:00Z",
        "ends_at": "2022-03-08T10:30:00Z",
        "location": "60 Holland Park, London, room 2",
        "capacity": 2,
        "booked": 1,
        "languages": ["en"],
        "is_cancelled": False,
    },
    "TallyOut": TALLY,
    "StatisticsOut": {
        "total": 1840,
        "by_state": [{"key": "in_review", "label": "In review", "count": 530, "shown": "530"}],
        "by_mission": [
            {"key": "lon", "label": "Embassy of Ukraine in London", "count": 412, "shown": "412"}
        ],
        "by_nationality": [TALLY, {"key": "IS", "label": "Iceland", "count": None, "shown": "<5"}],
    },
}
