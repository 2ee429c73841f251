"""nanofaas_client's ``token`` against a live control plane with NANOFAAS_AUTH=apikey (keys from a
bootstrap file): the key goes out as ``Authorization: Bearer``, 401/403 become typed errors, and
NANOFAAS_TOKEN is the default."""

from __future__ import annotations

import os
import secrets
import tempfile
import unittest
import uuid
from pathlib import Path
from unittest import mock

from nanofaas_client import ForbiddenError, NanofaasClient, UnauthenticatedError

from .support import ControlPlane


def _key() -> str:
    return "nfk_" + secrets.token_urlsafe(32)


ADMIN = _key()
READER = _key()


def setUpModule() -> None:
    global control_plane, keys_dir
    keys_dir = tempfile.TemporaryDirectory()
    keys = Path(keys_dir.name) / "keys.yaml"
    keys.write_text(
        "keys:\n"
        f"  - {{name: admin, key: {ADMIN}, scopes: [admin]}}\n"
        f"  - {{name: reader, key: {READER}, scopes: [functions:read]}}\n",
        "utf-8",
    )
    try:
        control_plane = ControlPlane({"NANOFAAS_AUTH": "apikey", "NANOFAAS_API_KEYS_FILE": str(keys)})
    except BaseException:
        keys_dir.cleanup()
        raise


def tearDownModule() -> None:
    control_plane.stop()
    keys_dir.cleanup()


class TokenTest(unittest.TestCase):
    def test_without_a_token_the_api_answers_unauthenticated(self) -> None:
        with self.assertRaises(UnauthenticatedError) as caught:
            NanofaasClient(control_plane.url, token="").list_functions()
        self.assertEqual((caught.exception.status, caught.exception.code), (401, "UNAUTHENTICATED"))

    def test_a_wrong_token_is_unauthenticated(self) -> None:
        with self.assertRaises(UnauthenticatedError) as caught:
            NanofaasClient(control_plane.url, token=_key()).list_functions()
        self.assertEqual(caught.exception.message, "Invalid API key")

    def test_the_admin_key_registers_and_invokes(self) -> None:
        client = NanofaasClient(control_plane.url, token=ADMIN)
        name = f"echo-{uuid.uuid4().hex[:8]}"
        client.register_function({"name": name, "executionMode": "LOCAL"})
        self.assertEqual(client.invoke(name, {"n": 1})["status"], "success")
        self.assertIn(name, [f["name"] for f in client.list_functions()])

    def test_a_key_lacking_the_scope_is_forbidden_and_names_it(self) -> None:
        reader = NanofaasClient(control_plane.url, token=READER)
        self.assertIsInstance(reader.list_functions(), list)
        with self.assertRaises(ForbiddenError) as caught:
            reader.register_function({"name": "nope", "executionMode": "LOCAL"})
        self.assertEqual((caught.exception.status, caught.exception.scope), (403, "functions:write"))

    def test_nanofaas_token_is_the_default(self) -> None:
        with mock.patch.dict(os.environ, {"NANOFAAS_TOKEN": READER}):
            self.assertIsInstance(NanofaasClient(control_plane.url).list_functions(), list)
        with mock.patch.dict(os.environ, {"NANOFAAS_TOKEN": READER}), self.assertRaises(UnauthenticatedError):
            NanofaasClient(control_plane.url, token="").list_functions()

    def test_a_token_with_spaces_is_refused_before_sending(self) -> None:
        with self.assertRaises(ValueError):
            NanofaasClient("http://127.0.0.1:9", token="nfk_a b")


if __name__ == "__main__":
    unittest.main()
