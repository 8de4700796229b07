# expect: forbidden
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"PWNED", ("127.0.0.1", int("__PORT__")))
