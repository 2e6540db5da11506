"""Root conftest: registers the shared fixture modules (one module per real server kind)."""

pytest_plugins = [
    "tests.fixtures.media",
    "tests.fixtures.torchserve",
    "tests.fixtures.proxy",
    "tests.fixtures.browser",
    "tests.fixtures.c2pa_signing",
]
