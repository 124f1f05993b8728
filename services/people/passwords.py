"""Password hashing with Argon2id (argon2-cffi): hash, verify, and say when a hash needs upgrading."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """The process-wide hasher with argon2-cffi's recommended parameters."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of a password (salted; never the password itself)."""
    return hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return hasher().check_needs_rehash(stored)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password")


def burn_time(password: str) -> None:
    """Verify against a throwaway hash so an unknown user costs as much time as a wrong password."""
    verify_password(_dummy_hash(), password)
