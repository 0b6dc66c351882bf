#!/usr/bin/env python3
"""A local webhook receiver for the walkthrough and the end-to-end runs.

    scripts/webhook-receiver.py DIR

Listens on a free loopback port (written to DIR/port once listening) and answers every POST with 200, after
writing the delivery as DIR/N.sig (its Milestones-Signature header) and DIR/N.body (its exact body), N counting
from 1 in the order received. A marketplace's real receiver verifies the signature the same way the walkthrough
does (README, "Receiving events"); this one only records.
"""
import http.server
import os
import sys
import threading

folder = sys.argv[1]
lock = threading.Lock()
count = 0


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count += 1
            n = count
        with open(os.path.join(folder, f"{n}.body.tmp"), "wb") as f:
            f.write(body)
        with open(os.path.join(folder, f"{n}.sig"), "w") as f:
            f.write(self.headers.get("Milestones-Signature", ""))
        os.rename(os.path.join(folder, f"{n}.body.tmp"), os.path.join(folder, f"{n}.body"))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
with open(os.path.join(folder, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
server.serve_forever()
