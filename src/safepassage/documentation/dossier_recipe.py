"""``check.sh``: the standard-tools recipe of docs/evidence.md written out
for every item of a dossier, so whoever receives it can check it with
``sh``, ``sha256sum``, ``openssl``, ``grep``, ``sed`` and ``find`` alone,
without installing safepassage (and read, before running it, that it does
nothing else)."""

from __future__ import annotations

import shlex
from typing import Any

from safepassage.documentation.custody_format import GENESIS, HEAD_FIRST_LINE

HEADER = """#!/bin/sh
# Checks this dossier with standard tools only (sh, sha256sum, openssl, grep,
# sed, find, sort, cut). Run it in the dossier's folder: sh check.sh
# It reads files and prints what it checked; it writes nothing.
set -u
fail() { echo "FAILED: $*"; exit 1; }
hash_of() { sha256sum < "$1" | cut -c1-64; }
field_of() { grep -o "\\"$2\\":\\"[0-9a-f]*\\"" "$1" | head -n 1 | cut -d'"' -f4; }
head_text() { printf '%s\\nitem %s\\nentries %s\\nhash %s' "$HEAD" "$1" "$2" "$3"; }
HEAD=HEAD_FIRST_LINE_VALUE

# 1. The list of files is the one the organisation signed.
openssl pkeyutl -verify -pubin -inkey KEY -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig \\
  >/dev/null || fail "SHA256SUMS: the organisation's signature does not verify"
# 2. Every file is the one listed, and no file was added.
sha256sum --quiet -c SHA256SUMS || fail "a file is not the one listed in SHA256SUMS"
listed=$( (cut -c67- SHA256SUMS; echo SHA256SUMS; echo SHA256SUMS.sig) | sort)
found=$(find . -type f | sed 's|^\\./||' | sort)
test "$listed" = "$found" || fail "files were added that SHA256SUMS does not list"
echo "OK: every file is the one the organisation listed and signed"
"""

ITEM = """
# {code}
openssl pkeyutl -verify -pubin -inkey {key} -rawin -in {folder}/head.txt \\
  -sigfile {folder}/head.sig >/dev/null || fail "{code}: the signature of its head does not verify"
prev={genesis}
count=0
for entry in {folder}/custody/*.json; do
  count=$((count + 1))
  test "$(field_of "$entry" prev)" = "$prev" || fail "$entry does not follow the entry before it"
  prev=$(hash_of "$entry")
done
test "$(cat {folder}/head.txt)" = "$(head_text {code} "$count" "$prev")" \\
  || fail "{code}: the log does not end where its signed head says"
first=$(field_of {folder}/custody/000001.json after)
test "$first" = "{sha256}" || fail "{code}: the first entry does not record the item's SHA-256"
"""

FILE = """test "$(hash_of {path})" = "$first" \\
  || fail "{code}: the file is not the one its custody log recorded at collection"
"""

STAMP = """test "$(cat {head})" = "$(head_text {code} {entry} "$(hash_of {entry_file})")" \\
  || fail "{code}: the timestamped head of entry {entry} is not in its log"
openssl ts -verify -data {head} -in {token} -CAfile {root}{untrusted} \\
  >/dev/null 2>&1 || fail "{code}: the timestamp of entry {entry} does not verify"
"""

FOOTER = """
echo "OK: every item's custody log, signature, file and timestamps check out"
fingerprint=$( (printf 'safepassage.signing-key\\000'; openssl pkey -pubin -in KEY -outform DER \\
  | tail -c 32) | sha256sum | cut -c1-32 | tr a-f A-F)
echo "The organisation's key: $fingerprint"
echo "Compare it with the fingerprint the organisation publishes (spaces aside)."
"""


def script(manifest: dict[str, Any]) -> str:
    key = shlex.quote(str(manifest["signed_with"]))
    roots = {a["number"]: a for a in manifest["authorities"]}
    out = [
        HEADER.replace("KEY", key).replace("HEAD_FIRST_LINE_VALUE", shlex.quote(HEAD_FIRST_LINE))
    ]
    for item in manifest["items"]:
        code = str(item["code"])
        folder = f"items/{code}"
        custody = item["custody"]
        out.append(
            ITEM.format(
                code=code,
                folder=folder,
                key=shlex.quote(str(custody["key"])),
                genesis=GENESIS,
                sha256=item["sha256"],
            )
        )
        if item["file"]:
            out.append(FILE.format(path=shlex.quote(str(item["file"])), code=code))
        for stamp in item["timestamps"]:
            authority = roots[stamp["authority"]]
            out.append(
                STAMP.format(
                    code=code,
                    entry=stamp["entry"],
                    entry_file=f"{folder}/custody/{int(stamp['entry']):06d}.json",
                    head=stamp["head"],
                    token=stamp["token"],
                    root=authority["root"],
                    untrusted=f" -untrusted {authority['certificates']}",
                )
            )
        out.append(f'echo "OK: {code}"\n')
    out.append(FOOTER.replace("KEY", key))
    return "".join(out)
