"""Ed25519 keys and signatures for approvals: whoever approves holds the private key, school.yml lists the public ones."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import InputError, OutputError

PREFIX = "ed25519:"
MAX_KEY_FILE = 64 * 1024


def signed_message(sha256: str) -> bytes:
    """What is signed: the release's SHA-256, with a fixed prefix so the signature means nothing elsewhere."""
    return b"policy-site release sha256:" + sha256.encode("ascii")


def public_key_text(key: Ed25519PublicKey) -> str:
    """'ed25519:<base64 of the 32 raw bytes>', one line to paste into school.yml."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """Read an 'ed25519:<base64>' public key; ValueError when it is not one."""
    if not text.startswith(PREFIX):
        raise ValueError("a public key should start with 'ed25519:'")
    try:
        raw = base64.b64decode(text[len(PREFIX):], validate=True)
    except binascii.Error:
        raise ValueError("the public key is not valid base64") from None
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def generate_key(out: Path, project: Path | None) -> str:
    """Write a new private key to `out` (PEM, mode 0600, never over an existing file); return its public key."""
    if project is not None and out.resolve().is_relative_to(project.resolve()):
        raise OutputError("a private key must not be kept in the project folder (it would be shared or committed)", out,
                          hint="write it to your own folder, e.g. --out ~/policy-signing-key.pem")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise OutputError("this file already exists; a key is never overwritten", out,
                          hint="choose another --out, or keep using the key you have") from None
    except OSError as exc:
        raise OutputError(f"cannot write the key: {exc.strerror}", out) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return public_key_text(key.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read a private key written by `policy-site keygen`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_FILE + 1)
        if len(data) > MAX_KEY_FILE:
            raise ValueError("the file is far too big to be a key")
        key = serialization.load_pem_private_key(data, password=None)
    except OSError as exc:
        raise InputError(f"cannot read the signing key: {exc.strerror}", path) from None
    except (ValueError, TypeError) as exc:
        raise InputError(f"this is not a signing key written by `policy-site keygen` ({exc})", path,
                          hint="create one with: policy-site keygen --out FILE") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("this key is not an Ed25519 key", path, hint="create one with: policy-site keygen --out FILE")
    return key


def sign_hash(key: Ed25519PrivateKey, sha256: str) -> str:
    return base64.b64encode(key.sign(signed_message(sha256))).decode("ascii")


def signature_valid(public_key: str, sha256: str, value: str) -> bool:
    """True when `value` is `public_key`'s signature of the release hash `sha256`."""
    try:
        parse_public_key(public_key).verify(base64.b64decode(value, validate=True), signed_message(sha256))
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return True
