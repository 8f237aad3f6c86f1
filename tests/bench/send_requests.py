#!/usr/bin/env python3
"""send_requests.py: sends lines FIRST .. FIRST+COUNT-1 of a make_requests.cpp request file
(one raw HTTP/1.1 request per line, CRLF written as a lone CR) over one keep-alive
connection, one at a time, reading each answer; reconnects when the server closes. For
instructions.sh, where the server runs under callgrind and only the work per request
matters, not its rate. Exits 1 when an answer is not HTTP.
Usage: send_requests.py PORT FILE FIRST COUNT"""
import socket
import sys

port, path, first, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(path, newline="\n") as f:
    lines = f.read().split("\n")[first:first + count]


def connect():
    return socket.create_connection(("127.0.0.1", port))


def read_answer(sock, buf):
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 "):
        sys.exit(f"not an HTTP answer: {head[:80]!r}")
    length = 0
    close = False
    for h in head.split(b"\r\n")[1:]:
        name, _, value = h.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        if name.strip().lower() == b"connection" and value.strip().lower() == b"close":
            close = True
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return close, rest[length:]


sock = connect()
buf = b""
for line in lines:
    sock.sendall(line.replace("\r", "\r\n").encode())
    close, buf = read_answer(sock, buf)
    if close is None or close:
        sock.close()
        sock = connect()
        buf = b""
sock.close()
