"""A real SMTP server for the tests (aiosmtpd) on a free loopback port."""

import asyncio
import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self, messages: list, refusals: dict, slowness: dict):
        self.messages = messages
        self.refusals = refusals
        self.slowness = slowness

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "from": envelope.mail_from, "message": message})
        await asyncio.sleep(self.slowness.get("ack_seconds", 0))  # a server slow to acknowledge what it took
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """Collects every message it receives in ``messages``; can be stopped and started again.

    An address in ``refusals`` is refused at RCPT with that reply, as a real server refuses
    a mailbox that does not exist ("550 ...") or is busy for now ("450 ...").
    """

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[dict] = []
        self.refusals: dict[str, str] = {}
        self.slowness: dict[str, float] = {}
        self._controller = None

    def start(self) -> None:
        collector = _Collector(self.messages, self.refusals, self.slowness)
        self._controller = Controller(collector, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def body_of(self, index: int = -1) -> str:
        return self.messages[index]["message"].get_body(preferencelist=("plain",)).get_content()
