"""A tiny SMTP server on loopback for the task tests and `make soak`: it accepts every
message and keeps it, with the time it arrived.

Just enough of RFC 5321 for smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), no
TLS and no authentication, in a thread of the caller's process. `stop()` then `start()`
again is a mail server that goes down and comes back on the same port; what it received
is kept across.
"""

import email
import email.policy
import socketserver
import threading
import time
from dataclasses import dataclass, field


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True  # the port a test held closed a moment ago
    daemon_threads = True


@dataclass
class Received:
    recipients: list[str]
    message: email.message.EmailMessage
    at: float = field(default_factory=time.time)  # when it was accepted (epoch seconds)


@dataclass
class Sink:
    port: int
    messages: list[Received] = field(default_factory=list)
    server: Server | None = None

    def start(self) -> "Sink":
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                recipients: list[str] = []
                while line := self.rfile.readline():
                    verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
                    if verb in {"EHLO", "HELO"}:
                        self.reply("250 sink")
                    elif verb == "MAIL":
                        recipients = []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        address = line.decode().split(":", 1)[1].strip().strip("<>")
                        recipients.append(address)
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        data = bytearray()
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        parsed = email.message_from_bytes(bytes(data), policy=email.policy.default)
                        sink.messages.append(Received(recipients, parsed))
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:  # RSET, NOOP and anything else
                        self.reply("250 OK")

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
