"""A static file server like `python3 -m http.server`, plus single byte ranges (RFC 9110):
Range: bytes=a-b -> 206 with Content-Range, ETag and Last-Modified, If-Match / If-Range honoured.
For bench/import-bench.sh RANGES=1. Prints "port N" once listening.
usage: range_http_server.py DIRECTORY"""
import http.server
import os
import re
import sys
from email.utils import formatdate

RANGE = re.compile(r"bytes=(\d+)-(\d+)$")


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # without it, the last segment of each range waits for the client's delayed ACK (40 ms)
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        m = RANGE.match(self.headers.get("Range", ""))
        if not m or not os.path.isfile(path):
            return super().do_GET()
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            etag = '"%x-%x"' % (st.st_mtime_ns, st.st_size)
            if self.headers.get("If-Match", etag) != etag:
                self.send_response(412)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, end = int(m.group(1)), min(int(m.group(2)), st.st_size - 1)
            if start > end:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % st.st_size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(st.st_mtime, usegmt=True))
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, st.st_size))
            self.send_header("Content-Length", str(end - start + 1))
            self.end_headers()
            self.wfile.flush()
            self.connection.sendfile(f, start, end - start + 1)


if __name__ == "__main__":
    directory = sys.argv[1]
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: Handler(*a, directory=directory, **k))
    print("port %d" % server.server_address[1], flush=True)
    server.serve_forever()
