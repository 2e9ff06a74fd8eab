"""Encryption at rest for the few fields that must never be readable in a store dump
(social security numbers, IBANs), with Fernet (AES-128-CBC + HMAC) from ``cryptography``."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

_PREFIX = "enc:"


class FieldCipher:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

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
