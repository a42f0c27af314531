"""British English, as a GOV.UK-style service writes it: "2 November 1994", 24-hour
times ("14:30"), Monday first. Django's "en" is American ("Nov. 2, 1994")."""

DATE_FORMAT = "j F Y"  # 2 November 1994
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 2 November 1994, 14:30
YEAR_MONTH_FORMAT = "F Y"  # November 1994
MONTH_DAY_FORMAT = "j F"  # 2 November
SHORT_DATE_FORMAT = "j/n/Y"  # 2/11/1994
SHORT_DATETIME_FORMAT = "j/n/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
