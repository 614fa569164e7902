#!/usr/bin/python3
"""browser.py REPORT.HTML WORD...: loads a report in real headless Chromium
(through chromedriver's WebDriver protocol, stdlib only) from file:// and
checks what a reader would see:

- the page loads with no console errors;
- every figure (inline SVG) has a non-zero rendered size, and there is at
  least one figure;
- no request leaves the file (Chromium's network log holds only the
  report's own URL);
- chromium --print-to-pdf writes a PDF whose text (pdftotext) contains
  every WORD (operation names, the MPI library).

Prints what it found; exits 1 on the first check that fails."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM = os.environ.get("MPIMARK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("MPIMARK_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-extensions", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    def __init__(self, profile):
        self.port = free_port()
        self.proc = subprocess.Popen([CHROMEDRIVER, "--port=%d" % self.port],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        else:
            fail("chromedriver did not start")
        caps = {"browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM,
                                       "args": FLAGS + ["--user-data-dir=" + profile,
                                                        "--window-size=1200,900"]},
                "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"}}
        r = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
        self.sid = r["value"]["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"{}")

    def session(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)["value"]

    def close(self):
        try:
            self.call("DELETE", "/session/" + self.sid)
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def check_page(report, url, tmp):
    d = Driver(os.path.join(tmp, "profile"))
    try:
        # The start page's own requests (chrome://new-tab-page) go before the
        # report: reading the network log empties it.
        d.session("POST", "/url", {"url": "about:blank"})
        d.session("POST", "/se/log", {"type": "performance"})
        d.session("POST", "/url", {"url": url})
        state = d.session("POST", "/execute/sync", {"script": "return document.readyState", "args": []})
        if state != "complete":
            fail("the page did not finish loading (%s)" % state)
        figs = d.session("POST", "/execute/sync", {"script": """
            return Array.from(document.querySelectorAll('figure svg')).map(function (e) {
              var r = e.getBoundingClientRect(); return [r.width, r.height]; });""", "args": []})
        title = d.session("GET", "/title")
        console = d.session("POST", "/se/log", {"type": "browser"})
        perf = d.session("POST", "/se/log", {"type": "performance"})
    finally:
        d.close()
    print("title: %s" % title)
    # The network first: a blocked fetch also shows up as a console error.
    urls = set()
    for e in perf:
        m = json.loads(e["message"])["message"]
        if m.get("method") == "Network.requestWillBeSent":
            urls.add(m["params"]["request"]["url"])
    if url not in urls:
        fail("the network log does not show the page itself (%s): the check would see nothing" % sorted(urls))
    others = sorted(urls - {url})
    if others:
        fail("requests leave the file: %s" % others[:5])
    print("requests: only %s" % url)
    errors = [e["message"] for e in console if e.get("level") in ("SEVERE", "ERROR")]
    if errors:
        fail("console errors: %s" % errors[:3])
    print("console: %d entries, no errors" % len(console))
    if not figs:
        fail("no figures in the page")
    empty = [i for i, (w, h) in enumerate(figs) if not (w > 0 and h > 0)]
    if empty:
        fail("figures %s have no rendered size (%s)" % (empty, figs))
    print("figures: %d, sizes %s" % (len(figs), ", ".join("%.0fx%.0f" % tuple(f) for f in figs)))


def check_pdf(url, words, tmp):
    pdf = os.path.join(tmp, "report.pdf")
    p = subprocess.run([CHROMIUM] + FLAGS + ["--user-data-dir=" + os.path.join(tmp, "pdf-profile"),
                                             "--no-pdf-header-footer", "--print-to-pdf=" + pdf, url],
                       capture_output=True, text=True, timeout=120)
    if not os.path.isfile(pdf) or os.path.getsize(pdf) == 0:
        fail("--print-to-pdf wrote no PDF (exit %d): %s" % (p.returncode, p.stderr[-300:]))
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    missing = [w for w in words if w not in text]
    if missing:
        fail("the PDF's text lacks %s" % missing)
    pages = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
    print("pdf: %d bytes, %s pages, contains %s" % (os.path.getsize(pdf), pages, ", ".join(words)))


def main():
    if len(sys.argv) < 3:
        fail("usage: browser.py REPORT.HTML WORD...")
    report = os.path.abspath(sys.argv[1])
    if not os.path.isfile(report):
        fail("%s: no such file" % report)
    url = "file://" + report
    with tempfile.TemporaryDirectory(prefix="mpimark-browser.") as tmp:
        check_page(report, url, tmp)
        check_pdf(url, sys.argv[2:], tmp)
    print("ok: %s" % report)


if __name__ == "__main__":
    main()
