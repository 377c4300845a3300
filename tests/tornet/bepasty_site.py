"""Debian's bepasty (a Flask pastebin) as a second, real paste site.

configure() writes bepasty's config: anonymous visitors may read and use
the list view (/+list); only the uploader's token may create. upload_pastes()
posts the pastes through bepasty's own web form (/+upload, the same form its
index page submits) and returns the ground truth: for each paste, the URL
path bepasty gave it and the identifiers leakmon must find there.

Every paste carries the canary. Nothing here is personal data: the people
are invented, and the decoy paste holds near misses that must not match.
"""

import http.client
import json
import secrets
import time
import urllib.parse

# The people this site leaks, in `leakmon hash-ids` input format. Refs are
# distinct from the fixture site's people so each site's truth stands alone.
PEOPLE_CSV = (
    "email,kalle.nieminen@example.com,P-2001\n"
    "name,Kalle Nieminen,P-2001\n"
    "email,sanna.korhonen@example.net,P-2002\n"
    "term,Operation Polar Night,\n"
)
PLAINTEXT = ["kalle.nieminen@example.com", "Kalle Nieminen", "sanna.korhonen@example.net",
             "Operation Polar Night", "kalle nieminen", "operation polar night"]


def pastes(canary: str) -> list[dict]:
    """Each paste: filename, text, and what leakmon must find in it."""
    return [
        {"filename": "db-export.txt",
         "text": f"{canary}\nid,name,email\n7,Kalle Nieminen,KALLE.NIEMINEN@example.com\n"
                 "8,Someone Else,someone.else@example.com\n",
         "expected": [("email", "P-2001"), ("name", "P-2001")]},
        {"filename": "chat-log.txt",
         "text": f"{canary}\n[22:14] <x> the operation  polar-night files are up\n"
                 "[22:15] <y> ask sanna.korhonen@example.net for the key\n",
         "expected": [("email", "P-2002"), ("term", "")]},
        # Near misses: another domain, another surname, a partial term.
        {"filename": "decoy.txt",
         "text": f"{canary}\nkalle.nieminen@example.org\nKalle Niemi\nOperation Polar\n",
         "expected": []},
    ]


def configure(path: str, storage_dir: str, upload_token: str) -> None:
    """Writes bepasty's Python config file to `path`."""
    with open(path, "w") as f:
        f.write(
            "# bepasty config for leakmon's private Tor network test (generated)\n"
            f"SITENAME = 'leakmon-tornet'\n"
            f"STORAGE = 'filesystem'\n"
            f"STORAGE_FILESYSTEM_DIRECTORY = {storage_dir!r}\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
            "SESSION_COOKIE_SECURE = False\n"
            # Anonymous: read pastes and the list view. The uploader: create.
            f"PERMISSIONS = {{{upload_token!r}: 'create,read,list'}}\n"
            "DEFAULT_PERMISSIONS = 'read,list'\n")


def wait_ready(port: int, timeout: float) -> None:
    """Waits until bepasty answers its list view; raises TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/+list")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"bepasty did not answer on 127.0.0.1:{port}")
        time.sleep(0.2)


def upload_pastes(port: int, upload_token: str, canary: str) -> list[dict]:
    """Uploads pastes(canary) through the web form; returns the ground truth:
    [{"path": "/<name>/+inline", "filename": ..., "expected": [[kind, ref], ...]}]."""
    truth = []
    for p in pastes(canary):
        form = urllib.parse.urlencode({
            "token": upload_token, "text": p["text"], "filename": p["filename"],
            "contenttype": "text/plain", "maxlife-unit": "FOREVER", "maxlife-value": "1",
        })
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/+upload", body=form,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        location = resp.getheader("Location", "")
        resp.read()
        if resp.status not in (302, 303) or not location:
            raise RuntimeError(f"bepasty upload of {p['filename']} answered {resp.status}")
        name = urllib.parse.urlsplit(location).path.strip("/")
        truth.append({"path": f"/{name}/+inline", "filename": p["filename"],
                      "expected": [list(e) for e in p["expected"]]})
    return truth


if __name__ == "__main__":  # a quick look at the ground truth format
    print(json.dumps(pastes("CANARY"), indent=2))
