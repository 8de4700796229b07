# expect: forbidden
# TCP to a non-local address (TEST-NET-1, never routed); refused before any packet is sent.
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(1)
s.connect(("192.0.2.1", 80))
