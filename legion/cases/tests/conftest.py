from legion.workspace.tests.conftest import client_of  # noqa: F401 (the staff browser fixture)
