# expect: forbidden
# TCP connection to a real server the test runs on 127.0.0.1.
import socket
s = socket.create_connection(("127.0.0.1", int("__PORT__")), timeout=1)
s.sendall(b"PWNED")
