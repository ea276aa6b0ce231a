"""A real SMTP server for tests: aiosmtpd on loopback, on a port of its own.

The ``smtp_server`` and ``mail_app`` fixtures (in ``tests/conftest.py``) use it.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

FACILITATORS = "facilitators@partnership.example"


@dataclass
class Mailbox:
    """What the test SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    # Each message as it came over the wire, before parsing.
    raw: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    # Addresses the server refuses at RCPT TO, with its reply (say "550 5.1.1 No such mailbox").
    refuse: dict[str, str] = field(default_factory=dict)
    # The server's reply to every message once sent (say "554 5.7.1 Message rejected"), if it refuses them.
    refuse_message: str | None = None
    # The server's reply to every sender (say "553 5.7.1 Sender address rejected"), if it refuses them.
    refuse_sender: str | None = None
    # Called once, as the next message's data arrives and before the server replies: something that
    # happens while the sender waits on the mail server.
    while_receiving: Callable[[], None] | None = None

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        """Take the sender, unless the server is told to refuse it."""
        if self.refuse_sender is not None:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        """Take the address, unless it is one the server is told to refuse."""
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        """Keep the message, unless the server is told to refuse it."""
        if (meanwhile := self.while_receiving) is not None:
            self.while_receiving = None
            meanwhile()
        if self.refuse_message is not None:
            return self.refuse_message
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.raw.append(envelope.original_content or envelope.content)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class _BoundController(Controller):
    """aiosmtpd's Controller, listening on a socket the test bound already."""

    def __init__(self, handler: Mailbox, sock: socket.socket, smtputf8: bool = True, **smtp_parameters: Any) -> None:
        host, port = sock.getsockname()
        super().__init__(handler, hostname=host, port=port, enable_SMTPUTF8=smtputf8, **smtp_parameters)
        self.sock = sock

    def _create_server(self):  # type: ignore[no-untyped-def]
        return self.loop.create_server(self._factory_invoker, sock=self.sock, ssl=self.ssl_context)


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1, on a port of its own, that can be started and stopped.

    The port is chosen by the system (bind to port 0) and held from the start: until the
    server starts, connections to it are refused (the mail server is down) and no other
    test, in this process or another, can take the port.
    """

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        # Whether the server takes addresses with letters other than a to z (SMTPUTF8), as
        # aiosmtpd does unless told not to; many mail servers do not.
        self.smtputf8 = True
        # The largest message the server takes, in bytes (None: aiosmtpd's 32 MiB). It says so to
        # EHLO (SIZE), and refuses a larger one when the sender's line gives its size: "552".
        self.size_limit: int | None = None
        # The password the server takes to sign in (any user name), over plain SMTP (loopback);
        # None: it offers no sign-in.
        self.password: str | None = None
        self.controller: Controller | None = None
        self.sock: socket.socket | None = self._bind(0)
        self.port: int = self.sock.getsockname()[1]

    @staticmethod
    def _bind(port: int) -> socket.socket:
        # IPPROTO_TCP named, as asyncio names it: only then does asyncio switch Nagle's algorithm
        # off for each connection (TCP_NODELAY), as for a server it binds itself. Without it, each
        # line of a reply after the first (EHLO's are five) waited for the client's delayed ACK:
        # 40 ms an email.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        return sock

    def start(self) -> None:
        """Listen."""
        sock = self.sock or self._bind(self.port)
        self.sock = None  # the server owns it now, and closes it when it stops
        parameters: dict[str, Any] = {} if self.size_limit is None else {"data_size_limit": self.size_limit}
        if self.password is not None:
            password = self.password.encode()

            def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                return AuthResult(success=isinstance(data, LoginPassword) and data.password == password, handled=False)

            parameters.update(authenticator=authenticator, auth_require_tls=False)
        self.controller = _BoundController(self.mailbox, sock, self.smtputf8, **parameters)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def only_message(server: SmtpServer) -> EmailMessage:
    """The one message the server received."""
    assert len(server.mailbox.messages) == 1
    return server.mailbox.messages[0]


# A detail in a list of details, "Label: value", its label one or two words ("How soon: …").
_DETAIL_LINE = re.compile(r"^[A-Z][A-Za-z']*(?: [A-Za-z']+)?: \S")
_HEADING_MAX = 40


def calendar_part(message: EmailMessage) -> EmailMessage | None:
    """A session email's calendar, as sent: the text/calendar alternative to its text (with the
    method in its content type), or None when it has none. The same file is attached as an
    application/ics file (``app.emails``), checked here to be the same bytes."""
    found = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    files = [part for part in message.iter_attachments() if part.get_content_type() == "application/ics"]
    if not found:
        assert not files, "a calendar file attached without its calendar part"
        return None
    (part,) = found
    assert part.get_content_disposition() is None, "the calendar is an alternative, not an attachment"
    (attached,) = files
    assert attached.get_filename() == "space-to-think-session.ics"
    assert attached.get_payload(decode=True) == part.get_payload(decode=True)
    assert isinstance(part, EmailMessage)
    return part


def broken_paragraphs(body: str, signature: str) -> list[str]:
    """The lines of a plain-text email body that break a paragraph in two (empty when none).

    Each paragraph is one line, with a blank line between paragraphs: the reader's mail program
    wraps it to their screen, where a hard line break inside a sentence leaves a stub line
    ("contact children's" / "social care now"). Within a block of lines with no blank line
    between them, a line may be followed by another only if it is a detail ("Date: …"), ends
    with a colon (its value or link comes next), follows such a colon line, is a list item ("- …")
    followed by another, or is a short heading
    (the block's first line, no end punctuation) above a paragraph starting with a capital letter.
    The signature (the partnership's lines ending every email) is left out."""
    text = body.strip("\n")
    if signature.strip() and text.endswith(signature.strip()):
        text = text[: -len(signature.strip())]
    problems = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        for number, line in enumerate(lines[:-1]):
            after = lines[number + 1]
            if _DETAIL_LINE.match(line) or line.endswith(":"):
                continue
            if line.startswith("- ") and after.startswith("- "):
                continue  # a list's items, one a line (under a line ending with a colon)
            if number > 0 and lines[number - 1].endswith(":"):
                continue  # the value of the line above (a link or a place), then another line
            heading = (
                number == 0
                and len(line) <= _HEADING_MAX
                and line[:1].isupper()
                and line[-1:].isalnum()
                and after[:1].isupper()
            )
            if not heading:
                problems.append(f"{line!r} / {after!r}")
    return problems
