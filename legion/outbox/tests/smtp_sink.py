"""A small SMTP server for tests: it records each message it accepted, and can hold
its final answer to DATA so a test can kill the sending worker in the middle of it."""

import socket
import socketserver
import threading
from email import message_from_bytes


class SmtpSink:
    def __init__(self, port: int) -> None:
        self.accepted: list = []  # email.message.Message, in the order the server said 250
        self.hold = threading.Event()  # set: hold the answer to DATA until released
        self.release = threading.Event()
        self.holding = threading.Event()  # set while a DATA answer is held
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def client_gone(self) -> bool:
                try:
                    peeked = self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                except BlockingIOError:
                    return False
                except OSError:
                    return True
                return peeked == b""

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                while line := self.rfile.readline():
                    verb = line.decode().strip().split(" ")[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 sink")
                    elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        if sink.hold.is_set():
                            sink.holding.set()
                            sink.release.wait(30)
                            if self.client_gone():
                                return  # gone before our 250: it handed us nothing
                        sink.accepted.append(message_from_bytes(data))
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "SmtpSink":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
