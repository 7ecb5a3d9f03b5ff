"""``send_email``'s sending: one plain-text message through an SMTP relay (host and port
configured), with the standard library's ``smtplib`` and ``email``.

The recipient, the subject and the sender are attacker text that ends up in the message's
headers: a CR or LF there would start a header of the attacker's (a ``Bcc:``, a second
message), so any control character in them is refused before anything is sent, and addresses
must be one plain ``local@domain.tld``. The body is bounded (``MAX_BODY_CHARS``) and the SMTP
conversation has a timeout.
"""

from __future__ import annotations

import re
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Dict, Optional

from .store import EMAIL, BusinessError

MAX_SUBJECT_CHARS = 200
MAX_BODY_CHARS = 100_000


def header_text(name: str, value: str, limit: int) -> str:
    """``value`` checked to be safe in a header: no control characters (CR, LF, NUL, ...)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise BusinessError(f"The {name} must not contain line breaks or control characters")
    if len(value) > limit:
        raise BusinessError(f"The {name} is longer than {limit} characters")
    return value


MAILBOX = re.compile(r'^[^\s@,;<>"()\[\]\\]+@[^\s@,;<>"()\[\]\\]+$')
"""One plain ``local@domain``, nothing to quote or escape in an envelope or a header."""


def address(name: str, value: str, *, public: bool = True) -> str:
    """``value`` checked as one plain address (``public``: with a dotted domain, as a
    customer's must be; the configured sender may be ``business@localhost``)."""
    value = header_text(name, value.strip(), 254)
    if not MAILBOX.match(value) or (public and not EMAIL.match(value)):
        raise BusinessError(f"Invalid {name} address: {value}")
    return value


@dataclass
class Mailer:
    """Where messages go: an SMTP relay at ``host``:``port``, from ``sender``."""

    host: Optional[str]
    port: int = 25
    sender: str = "business@localhost"
    timeout: float = 10.0

    def send(self, to: str, subject: str, body: str) -> Dict[str, Any]:
        """Sends one message; returns its Message-ID and recipient. A refused header, a
        missing relay or the relay's refusal is a ``BusinessError``."""
        if not self.host:
            raise BusinessError("No SMTP server is configured (--smtp-host)")
        recipient = address("recipient", to)
        subject = header_text("subject", subject, MAX_SUBJECT_CHARS)
        if len(body) > MAX_BODY_CHARS:
            raise BusinessError(f"The body is longer than {MAX_BODY_CHARS} characters")
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message_id = f"<{uuid.uuid4()}@{self.sender.rpartition('@')[2]}>"
        message["Message-ID"] = message_id
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                refused = smtp.send_message(message, from_addr=self.sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused:
            raise BusinessError(f"The SMTP server refused the recipient {recipient}") from None
        except (smtplib.SMTPException, OSError) as e:
            raise BusinessError(f"Sending failed: {type(e).__name__}: {e}") from None
        if refused:
            raise BusinessError(f"The SMTP server refused the recipient {recipient}")
        return {"sent": True, "to": recipient, "subject": subject, "message_id": message_id}
