"""The TOTP second factor (RFC 6238, through pyotp): secrets, enrolment URIs and code checks."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "Wayhome"
CODE_DIGITS = 6
# A code from the step before or after the current one is accepted: phone clocks drift by
# some seconds, and a code typed at the end of its 30 s window arrives in the next.
DRIFT_STEPS = 1


def new_secret() -> str:
    """A random base32 secret of 160 bits, the size RFC 4226 recommends."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads (as text or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def code_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step a code is valid for around `at`, or None when it matches none."""
    code = code.replace(" ", "").strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
