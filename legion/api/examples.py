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
TALLY = {"key": "GB", "label": "United Kingdom", "count": 412, "incomplete": False, "shown": "412"}
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

APPLICANT_ANSWERS = {
    "given_name": "James",
    "surname": "Turner",
    "native_name": None,
    "date_of_birth": "1988-03-27",
    "sex": "M",
    "place_of_birth": "Aldershot",
    "nationality": "GB",
    "second_nationality": None,
    "passport_number": "123456789",
    "passport_country": "GB",
    "passport_expiry": "2031-05-01",
    "email": "james.turner@example.co.uk",
    "phone": "+44 7700 900123",
    "address_line_1": "12 Queens Avenue",
    "address_line_2": None,
    "address_town": "Aldershot",
    "address_postcode": "GU11 2LB",
    "address_country": "GB",
    "has_criminal_record": False,
    "language": "en",
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
    "BulkReferencesIn": {"references": ["LGN-7Q4M-X2KD", "LGN-2HFD-91QA"]},
    "ApplicantSessionOut": {
        "reference": "LGN-7Q4M-X2KD",
        "token": "lga_q1Xb2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ012345",
        "expires_at": "2022-03-02T09:44:05Z",
    },
    "DraftStartIn": {"mission": "lon", "language": "en"},
    "AccessEmailIn": {"reference": "LGN-7Q4M-X2KD", "email": "james.turner@example.co.uk"},
    "AccessIn": {"reference": "LGN-7Q4M-X2KD", "code": "K7QP-2XMD", "link": ""},
    "AcceptedOut": {"detail": "If the reference and address match, an e-mail is on its way."},
    "AnswersIn": {"surname": "Turner", "passport_expiry": "2031-05-01"},
    "MissionChoiceIn": {"mission": "ott"},
    "LanguageIn": {"code": "en", "level": "native"},
    "ServiceRecordIn": {
        "kind": "military",
        "country": "GB",
        "branch": "Army, Parachute Regiment",
        "start_year": 2006,
        "end_year": 2014,
        "specialty": "paratrooper",
        "rank": "Corporal",
        "deployments": "Afghanistan 2010",
        "licence_number": "",
    },
    "ApplicantCaseOut": {
        "reference": "LGN-7Q4M-X2KD",
        "state": "submitted",
        "state_label": "Submitted",
        "mission": "lon",
        "language": "en",
        "submitted_at": "2022-03-02T09:14:05Z",
        "answers": APPLICANT_ANSWERS,
        "languages": [{"code": "en", "level": "native"}],
        "service_records": [
            {
                "id": 5,
                "kind": "military",
                "country": "GB",
                "branch": "Army, Parachute Regiment",
                "start_year": 2006,
                "end_year": 2014,
            }
        ],
        "documents": [DOCUMENT],
        "missing": [],
        "information_requests": [],
        "interview": None,
        "actions": ["withdraw"],
    },
    "AdvisoryOut": {
        "nationality": "GB",
        "stance": "warned",
        "stance_label": "Warned: legal consequences possible",
        "title": "United Kingdom",
        "body": "The government advises against travel and says that joining may be an offence.",
        "language": "en",
        "version": 2,
        "source": "UK Foreign Secretary, 2022-03-01",
    },
    "AcknowledgementIn": {"language": "en"},
    "ApplicantBookingIn": {"slot_id": 12, "language": "en"},
    "WithdrawalIn": {"reason": "My plans have changed."},
    "CancellationIn": {"reason": "I cannot travel that day."},
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
        "total_incomplete": True,
        "by_state": [
            {
                "key": "in_review",
                "label": "In review",
                "count": 530,
                "incomplete": True,
                "shown": "530+",
            }
        ],
        "by_mission": [
            {
                "key": "lon",
                "label": "Embassy of Ukraine in London",
                "count": 412,
                "incomplete": False,
                "shown": "412",
            }
        ],
        "by_nationality": [
            TALLY,
            {"key": "IS", "label": "Iceland", "count": 0, "incomplete": True, "shown": "+"},
        ],
    },
}
