"""Ukrainian as CLDR writes it: "2 листопада 1994 р." (Django pads the day: "02")."""

from django.conf.locale.uk.formats import *  # noqa: F403

DATE_FORMAT = "j E Y р."  # 2 листопада 1994 р.
DATETIME_FORMAT = "j E Y р., H:i"  # 2 листопада 1994 р., 14:30
MONTH_DAY_FORMAT = "j E"  # 2 листопада
