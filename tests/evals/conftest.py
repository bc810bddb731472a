"""The eval tests reuse the scripted Messages API stub of the backend tests."""

from tests.backends.stub_server import messages_stub  # noqa: F401 - the fixture, re-exported
