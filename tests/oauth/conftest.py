"""Fixtures of the OAuth end-to-end tests: the authorization server, issuing JWTs or opaque
tokens, for one test (oauth_support.py has the helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

import pytest
from oauth_support import AuthorizationServer


@pytest.fixture
def jwt_provider(errlog: TextIO) -> Iterator[AuthorizationServer]:
    """The provider issuing JWT access tokens."""
    provider = AuthorizationServer("jwt", errlog)
    yield provider
    provider.close()


@pytest.fixture
def opaque_provider(errlog: TextIO) -> Iterator[AuthorizationServer]:
    """The provider issuing opaque access tokens, checked by introspection."""
    provider = AuthorizationServer("opaque", errlog)
    yield provider
    provider.close()
