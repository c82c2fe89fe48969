#!/usr/bin/env python3
"""The demo's fixture server: plays the seven invented outlets of the demo
beat on one local address, so `make demo` fetches their feeds and photos
over real HTTP through newsdesk's fetch path.

    python3 demo/serve.py [--listen 127.0.0.1] [--port 8089] [--port-file F]

Serves demo/feeds/ at /feeds/ and demo/photos/ at /photos/, nothing else,
with the types outlets send (RSS, Atom, RDF, JSON Feed, JPEG, PNG) and
Last-Modified / If-Modified-Since, so a second fetch is a 304. Listens on
127.0.0.1 only unless told otherwise; requests are not logged. The port is
fixed (8089) because the photo URLs in the demo feeds name it (see
DEMO_SERVER in demo/make_feeds.py).
"""
import argparse
import http.server
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOTS = {"/feeds/": os.path.join(HERE, "feeds"),
         "/photos/": os.path.join(HERE, "photos")}
TYPES = {".xml": "application/rss+xml; charset=utf-8",
         ".atom": "application/atom+xml; charset=utf-8",
         ".rdf": "application/rdf+xml; charset=utf-8",
         ".json": "application/feed+json; charset=utf-8",
         ".jpg": "image/jpeg", ".png": "image/png"}


class Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, root in ROOTS.items():
            name = path[len(prefix):]
            if path.startswith(prefix) and name and "/" not in name and \
                    not name.startswith("."):
                return os.path.join(root, name)
        return os.path.join(HERE, "nonexistent", "x")

    def guess_type(self, path):
        ext = os.path.splitext(path)[1]
        if ext == ".xml" and "windows-1256" in open(path, "rb").read(100).decode("latin-1"):
            return "application/rss+xml"    # the charset is in the prolog
        return TYPES.get(ext, "application/octet-stream")

    def list_directory(self, path):
        self.send_error(404)

    def log_message(self, fmt, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass   # a client hanging up is not news


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8089)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    try:
        srv = Server((a.listen, a.port), Handler)
    except OSError as e:
        sys.exit("demo/serve.py: cannot listen on %s:%d: %s" % (a.listen, a.port, e.strerror))
    # Ends with the script that started it, however that one ends.
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        srv.shutdown()
    threading.Thread(target=watch, daemon=True).start()
    if a.port_file:
        with open(a.port_file, "w") as f:
            f.write("%d\n" % srv.server_address[1])
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
