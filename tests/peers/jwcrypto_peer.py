#!/usr/bin/env python3
"""jwcrypto as a JWE peer for tests/cli_encrypt_jwcrypto.rs.

Reads one JSON request on stdin and writes one JSON answer on stdout:

  {"decrypt": [{"id": ..., "jwe": COMPACT, "key": KEY}, ...],
   "encrypt": [{"id": ..., "alg": ..., "enc": ..., "zip": bool, "plaintext_b64u": ..., "key": KEY}, ...]}

KEY is {"jwk": {...}}, {"pem": "-----BEGIN ..."} or {"password": "..."} (PBES2).
The answer has "decrypted": [{"id", "plaintext_b64u"} or {"id", "error"}] and
"encrypted": [{"id", "jwe"} or {"id", "error"}], in request order, and "jwcrypto": its version.
One failure is reported in its entry and does not stop the others; a missing jwcrypto is an
ImportError and a non-zero exit, which the test reports as a failure.
"""

import base64
import importlib.metadata
import json
import sys

from jwcrypto import jwe, jwk


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64u_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_key(spec):
    if "jwk" in spec:
        return jwk.JWK(**spec["jwk"])
    if "pem" in spec:
        return jwk.JWK.from_pem(spec["pem"].encode("ascii"))
    if "password" in spec:
        # jwcrypto takes a PBES2 password as an oct key whose bytes are the password.
        return jwk.JWK(kty="oct", k=b64u_encode(spec["password"].encode("utf-8")))
    raise ValueError("no jwk, pem or password in the key")


def decrypt(entry):
    token = jwe.JWE()
    token.deserialize(entry["jwe"], key=load_key(entry["key"]))
    return {"id": entry["id"], "plaintext_b64u": b64u_encode(token.payload)}


def encrypt(entry):
    protected = {"alg": entry["alg"], "enc": entry["enc"]}
    if entry.get("zip"):
        protected["zip"] = "DEF"
    token = jwe.JWE(b64u_decode(entry["plaintext_b64u"]), json.dumps(protected))
    token.add_recipient(load_key(entry["key"]))
    return {"id": entry["id"], "jwe": token.serialize(compact=True)}


def each(function, entries):
    out = []
    for entry in entries:
        try:
            out.append(function(entry))
        except Exception as e:  # noqa: BLE001 - every failure is reported in its entry
            out.append({"id": entry.get("id"), "error": "%s: %s" % (type(e).__name__, e)})
    return out


def main():
    request = json.load(sys.stdin)
    answer = {
        "jwcrypto": importlib.metadata.version("jwcrypto"),
        "decrypted": each(decrypt, request.get("decrypt", [])),
        "encrypted": each(encrypt, request.get("encrypt", [])),
    }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
