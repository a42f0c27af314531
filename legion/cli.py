"""The `legion` command: every Django management command with Legion's settings.

legion migrate | legion demo | legion runserver | legion worker | ...
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["legion", *sys.argv[1:]])


if __name__ == "__main__":
    main()
