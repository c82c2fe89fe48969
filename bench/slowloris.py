#!/usr/bin/env python3
"""bench/slowloris.py: other clients' latency while one address holds
many slow connections (issue 13).

The attacker (127.0.0.1) keeps N connections open, each sending a request
head one byte a second and opening a new one a second after the server
closes it. Meanwhile a reader from another address (127.0.0.2), in its own
process, fetches PATH on a new connection every 20 ms. Prints the reader's p50/p99/max
latency and errors, and how many attacker connections the server held.

usage: slowloris.py URL [N=5000] [SECONDS=20] [PATH=/]
"""
import asyncio
import multiprocessing
import socket
import sys
import time
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
HOST, PORT = url.hostname, url.port
N = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
SECS = float(sys.argv[3]) if len(sys.argv) > 3 else 20
PATH = sys.argv[4] if len(sys.argv) > 4 else "/"
HEAD = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4000
stop = time.monotonic() + SECS
held = [0]
opened = [0]


async def slow_one():
    while time.monotonic() < stop:
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(
                HOST, PORT, local_addr=("127.0.0.1", 0)), 2)
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(1)
            continue
        opened[0] += 1
        held[0] += 1
        try:
            for b in HEAD:
                if time.monotonic() >= stop:
                    break
                w.write(bytes([b]))
                await w.drain()
                try:
                    d = await asyncio.wait_for(r.read(1), 1.0)
                    if not d:
                        break           # closed by the server
                except asyncio.TimeoutError:
                    pass
        except OSError:
            pass
        held[0] -= 1
        w.close()
        await asyncio.sleep(1)


async def attack():
    await asyncio.gather(*(slow_one() for _ in range(N)))


def reader(out, stop):
    lat, errs = [], 0
    req = ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" %
           PATH).encode()
    while time.monotonic() < stop - 1:
        t0 = time.monotonic()
        try:
            s = socket.socket()
            s.settimeout(5)
            s.bind(("127.0.0.2", 0))
            s.connect((HOST, PORT))
            s.sendall(req)
            data = b""
            while True:
                d = s.recv(65536)
                if not d:
                    break
                data += d
            s.close()
            if not data.startswith(b"HTTP/1.1 200"):
                errs += 1
            else:
                lat.append((time.monotonic() - t0) * 1000)
        except OSError:
            errs += 1
        time.sleep(0.02)
    out.put((lat, errs))


def main():
    # the reader is its own process: in a thread it would wait for the
    # attacker's event loop (one interpreter lock), and measure that
    out = multiprocessing.Queue()
    t = multiprocessing.Process(target=reader, args=(out, stop))
    samples = []

    async def run():
        task = asyncio.ensure_future(attack())
        await asyncio.sleep(min(3, SECS / 4))   # let the attack build up
        t.start()
        while not task.done():
            samples.append(held[0])
            await asyncio.sleep(0.5)
        await task
    asyncio.run(run())
    res = out.get()
    t.join()
    lat, errs = res
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(len(lat) * p))] if lat else -1
    print("slowloris: %d slow connections from 127.0.0.1 for %.0fs "
          "(%d opened, client side held at most %d)" %
          (N, SECS, opened[0], max(samples or [0])))
    print("reader 127.0.0.2 %s: %d ok, %d errors, p50 %.1f ms, p99 %.1f ms,"
          " max %.1f ms" % (PATH, len(lat), errs, pct(0.5), pct(0.99),
                            lat[-1] if lat else -1))


main()
