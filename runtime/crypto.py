"""Encryption at rest for the few fields that must never be readable in a store dump
(social security numbers, IBANs), with Fernet (AES-128-CBC + HMAC) from ``cryptography``."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

_PREFIX = "enc:"


class FieldCipher:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())
        # Its own key, derived from the field key, for blind indexes (see ``blind``).
        self._blind_key = hmac.digest(
            base64.urlsafe_b64decode(key.encode()), b"client360 blind index", "sha256"
        )

    def blind(self, value: str) -> str:
        """A keyed hash of ``value`` (HMAC-SHA256, hex, first 32 characters): lets a store find
        equal values (the same IBAN on two files) without holding them in clear. The same
        value always gives the same hash under one key; nobody without the key can compute it.
        """
        return hmac.new(self._blind_key, value.encode(), hashlib.sha256).hexdigest()[:32]

    def encrypt(self, value: str) -> str:
        if not value or value.startswith(_PREFIX):
            return value
        return _PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str) -> str:
        if not value.startswith(_PREFIX):
            return value
        try:
            return self._fernet.decrypt(value[len(_PREFIX) :].encode()).decode()
        except InvalidToken:
            raise ValueError("encrypted field does not match C360_FIELD_KEY") from None
