"""Relay standard input and output to a TCP connection (an ssh ProxyCommand).

  python3 tcp_relay.py HOST PORT

Run by ssh-proxy inside the lab's network namespace; exits when either side
closes.
"""

import os
import selectors
import socket
import sys

CHUNK = 65536


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    conn = socket.create_connection((host, port), timeout=10)
    conn.settimeout(None)
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    sel = selectors.DefaultSelector()
    sel.register(stdin, selectors.EVENT_READ)
    sel.register(conn, selectors.EVENT_READ)
    open_sides = 2
    while open_sides:
        for key, _events in sel.select():
            if key.fileobj == stdin:
                data = os.read(stdin, CHUNK)
                if data:
                    conn.sendall(data)
                else:
                    sel.unregister(stdin)
                    conn.shutdown(socket.SHUT_WR)
                    open_sides -= 1
            else:
                data = conn.recv(CHUNK)
                if not data:
                    return 0
                view = memoryview(data)
                while view:
                    view = view[os.write(stdout, view) :]
    return 0


if __name__ == "__main__":
    sys.exit(main())
