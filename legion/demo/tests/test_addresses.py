"""Demo home addresses: one style for every nationality of the demo mix, each address
one the portal accepts."""

import random

from legion.cases.intake import APPLICANT_FIELDS
from legion.demo.addresses import STYLES, address_random
from legion.demo.names import NATIONALITY_WEIGHTS


def test_every_demo_nationality_gets_a_valid_address_in_its_own_country():
    assert set(NATIONALITY_WEIGHTS) <= set(STYLES)
    rng = random.Random(5)
    for nationality in STYLES:
        for _ in range(20):
            fields = address_random(nationality, rng).as_fields()
            assert fields["address_country"] == nationality
            assert fields["address_line_1"] and fields["address_town"]
            assert "{" not in fields["address_line_1"] and "#" not in fields["address_postcode"]
            assert {k: APPLICANT_FIELDS[k](v) for k, v in fields.items()} == fields, fields


def test_the_same_seed_gives_the_same_addresses():
    first = [address_random("JP", random.Random(3)) for _ in range(3)]
    assert first == [address_random("JP", random.Random(3)) for _ in range(3)]
    assert address_random("JP", random.Random(3)).line_1.count("-") == 2  # 3-14-7 Asahigaoka
