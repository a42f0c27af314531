"""An applicant going through the portal with the Django test client, page by page."""

import datetime as dt

from django.utils import timezone

from legion.testing import files


def post_ok(client, url, data, **kwargs):
    """Post a form that must be accepted (a redirect); fail loudly with the page if not."""
    response = client.post(url, data, **kwargs)
    assert response.status_code == 302, (url, response.status_code, _errors(response))
    return response


def _errors(response) -> str:
    text = response.content.decode()
    start = text.find('class="error-summary"')
    return text[start : start + 800] if start >= 0 else text[:400]


def start_application(client, mission_code="lon"):
    key = client.get("/apply/where/").context["form"].initial["start_key"]
    post_ok(client, "/apply/where/", {"mission": mission_code, "start_key": key})
    return key


def answer_everything(client, *, nationality="GB", email="james@example.org"):
    """Every question page of a paratrooper's application, documents included."""
    expiry = timezone.localdate() + dt.timedelta(days=900)
    post_ok(client, "/apply/name/", {"given_name": "James", "surname": "Turner"})
    post_ok(
        client,
        "/apply/birth/",
        {
            "date_of_birth_0": "12",
            "date_of_birth_1": "4",
            "date_of_birth_2": "1988",
            "sex": "M",
            "place_of_birth": "Aldershot",
        },
    )
    post_ok(client, "/apply/nationality/", {"nationality": nationality})
    post_ok(
        client,
        "/apply/passport/",
        {
            "passport_number": "512345678",
            "passport_country": nationality,
            "passport_expiry_0": str(expiry.day),
            "passport_expiry_1": str(expiry.month),
            "passport_expiry_2": str(expiry.year),
        },
    )
    post_ok(client, "/apply/contact/", {"email": email, "phone": "", "language": "en"})
    post_ok(
        client,
        "/apply/address/",
        {
            "address_line_1": "14 Wellington Road",
            "address_town": "Aldershot",
            "address_postcode": "GU11 1AB",
            "address_country": nationality,
        },
    )
    post_ok(client, "/apply/languages/", {"code": "en", "level": "native", "continue": "1"})
    post_ok(
        client,
        "/apply/experience/add/",
        {
            "kind": "military",
            "country": nationality,
            "branch": "Army, Parachute Regiment",
            "start_year": "2006",
            "end_year": "2014",
            "deployments": "Afghanistan 2010",
        },
    )
    post_ok(client, "/apply/criminal-record/", {"has_criminal_record": "no"})
    for kind, upload in (
        ("passport", files.pdf()),
        ("criminal_record", files.pdf(name="record.pdf", extra=b"record")),
        ("service_record", files.jpeg(name="discharge.jpg", with_gps=True)),
    ):
        post_ok(client, "/apply/documents/", {"kind": kind, "file": upload, "upload": "1"})
    post_ok(client, "/apply/advice/", {"confirm": "on"})
