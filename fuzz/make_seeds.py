#!/usr/bin/env python3
"""make_seeds.py - writes the seed corpora in corpora/<name>/ from the real mock and the
bundled specs: real responses of both profiles (success, every error code, edge cases), real
requests, the spec files, schema/instance pairs. Run from the repository root after a build:

    python3 fuzz/make_seeds.py [path/to/conform]     (default build/conform)

Existing files named seed-* are rewritten; regressions (crash-*, regress-*) are never touched;
fuzz/minimise.sh shrinks the corpora again afterwards. Seeds that encode the fuzz targets'
selector byte say which spec (bit 0) they belong to. A response is a seed of every target that
reads responses: fuzz_response_parser, fuzz_checks and fuzz_record (behind its byte 0 = 0)."""
import json, os, socket, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFORM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "conform")
SPECS = [os.path.join(ROOT, "specs/connect-participant/start-attachment-upload.json"),
         os.path.join(ROOT, "specs/connect-participant/start-attachment-upload.aws.json")]
BEARER = "conform-demo-connection-token-a"
PATH = "/participant/start-attachment-upload"


def out(name, fname, data):
    d = os.path.join(ROOT, "corpora", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + fname), "wb") as f:
        f.write(data)


def out_response(fname, data):
    for name in ("response_parser", "checks"):
        out(name, fname, data)
    out("record", "response-" + fname, b"\0" + data)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Mock:
    def __init__(self, spec, *faults):
        self.port = free_port()
        args = [CONFORM, "serve", "--spec", spec, "--port", str(self.port), "--seed", "1"]
        for f in faults:
            args += ["--fault", f]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("mock did not start")

    def send(self, raw):
        s = socket.create_connection(("127.0.0.1", self.port), 5)
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        return data

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def request(body=None, bearer=BEARER, method="POST", path=PATH, extra=b"", ctype=b"application/json"):
    if body is None:
        body = {"ContentType": "text/plain", "AttachmentSizeInBytes": 1024,
                "AttachmentName": "seed.txt", "ClientToken": "seed-token-1"}
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    head = b"%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (method.encode(), path.encode())
    if ctype:
        head += b"Content-Type: " + ctype + b"\r\n"
    if bearer is not None:
        head += b"X-Amz-Bearer: " + bearer.encode() + b"\r\n"
    return head + extra + b"Content-Length: %d\r\n\r\n" % len(raw) + raw


def main():
    specs = [json.load(open(p)) for p in SPECS]
    requests = {
        "success": request(),
        "no-credential": request(bearer=None),
        "bad-credential": request(bearer="not-a-token"),
        "not-json": request(body=b"{not json"),
        "wrong-type": request(body={"ContentType": "text/plain", "AttachmentSizeInBytes": "1",
                                    "AttachmentName": "a", "ClientToken": "t"}),
        "too-big": request(body={"ContentType": "text/plain", "AttachmentSizeInBytes": 20971521,
                                 "AttachmentName": "a", "ClientToken": "t2"}),
        "missing-member": request(body={"ContentType": "text/plain"}),
        "bad-content-type": request(ctype=b"text/plain"),
        "not-found": request(path="/nope"),
        "method": request(method="GET", body=b""),
        "mismatch": request(body={"ContentType": "text/csv", "AttachmentSizeInBytes": 1024,
                                  "AttachmentName": "seed.txt", "ClientToken": "seed-token-1"}),
        "chunked": (b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    b"Content-Type: application/json\r\nX-Amz-Bearer: " + BEARER.encode() +
                    b"\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"ContentType\":\"\r\n0\r\n\r\n"),
        "expect": request(extra=b"Expect: 100-continue\r\n"),
        "garbage": b"\x00\x01GET\r\n\r\n",
    }
    for index, spec_path in enumerate(SPECS):
        spec = specs[index]
        profile = "envelope" if index == 0 else "aws"
        # Real answers: every request above, then every catalogue code via error-rate.
        answers = {}
        m = Mock(spec_path)
        try:
            for name, raw in requests.items():
                answers[name] = m.send(raw)
                if index == 0 or name != "garbage":
                    out("mock_request", "%s-%s" % (profile, name), bytes([index]) + raw)
            answers["replay"] = m.send(requests["success"])
        finally:
            m.close()
        for code in spec["errors"]["codes"]:
            m = Mock(spec_path, "error-rate=1:" + code)
            try:
                answers["code-" + code] = m.send(request(body={"ContentType": "text/plain",
                    "AttachmentSizeInBytes": 1, "AttachmentName": "a", "ClientToken": code}))
            finally:
                m.close()
        for fault in ("throttle=1/s", "quota=0"):
            m = Mock(spec_path, fault)
            try:
                answers[fault.split("=")[0]] = m.send(request()) + b""
                answers[fault.split("=")[0] + "-2"] = m.send(request(body={"ContentType": "text/plain",
                    "AttachmentSizeInBytes": 1, "AttachmentName": "a", "ClientToken": "q2"}))
            finally:
                m.close()
        # Selector byte: bit 0 the spec; the other bits pick the case step (0: the first).
        for name, raw in answers.items():
            out_response("%s-%s" % (profile, name), bytes([index]) + raw)
        # Edge cases built from a real answer.
        ok = answers["success"]
        head, _, body = ok.partition(b"\r\n\r\n")
        edges = {
            "continue": b"HTTP/1.1 100 Continue\r\n\r\n" + ok,
            "http2": ok.replace(b"HTTP/1.1 200 OK", b"HTTP/2 200 "),
            "lf-only": ok.replace(b"\r\n", b"\n"),
            "folded": head + b"\r\nX-Folded: a\r\n  continued\r\n\r\n" + body,
            "no-body": head + b"\r\n\r\n",
            "truncated": ok[: len(ok) - 7],
            "deep": head + b"\r\n\r\n" + b"[" * 70 + b"]" * 70,
            "trailing": ok + b" x",
            "no-colon": head + b"\r\nbroken header\r\n\r\n" + body,
            "error-header-forms": (b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                                   b"x-amzn-ErrorType: com.amazon#ValidationException:http://internal/\r\n"
                                   b"x-amzn-RequestId: r\r\n\r\n{\"Message\":\"m\"}"),
            "redirect": b"HTTP/1.1 302 Found\r\nLocation: http://elsewhere/\r\n\r\n",
            "unicode": head + b"\r\n\r\n" + json.dumps({"success": True, "data": {"id": "\u00e9\ud83d\ude00",
                        "created_at": "2025-01-01T00:00:00.000Z", "url_expiry": "2024-01-01T00:00:00Z"}}).encode(),
            "secret-echo": head + b"\r\nX-Echo: " + BEARER.encode() + b"\r\n\r\n" + body,
        }
        for name, raw in edges.items():
            out_response("%s-%s" % (profile, name), bytes([index]) + raw)
        # A step other than the first: byte 0 = index + 2 * step.
        out_response("%s-step5-success" % profile, bytes([index + 2 * 5]) + ok)

        out("spec_loader", os.path.basename(spec_path), open(spec_path, "rb").read())
        # Schemas of the spec with instances from the mock's answers.
        ok_body = ok.partition(b"\r\n\r\n")[2]
        for code, raw in answers.items():
            if code.startswith("code-"):
                err_body = raw.partition(b"\r\n\r\n")[2]
                break
        pairs = {
            "body": (spec["operation"]["body_schema"], json.dumps(
                json.loads(requests["success"].partition(b"\r\n\r\n")[2])).encode()),
            "success": (spec["responses"]["success"]["schema"], ok_body),
            "error": (spec["responses"]["error"]["schema"], err_body),
        }
        for name, (schema, inst) in pairs.items():
            out("schema_validator", "%s-%s" % (profile, name), json.dumps(schema).encode() + b"\0" + inst)
    # Spec loader: small variants that reach the linter's error paths.
    small = dict(specs[1])
    small["cases"] = small["cases"][:3]
    out("spec_loader", "aws-3-cases.json", json.dumps(small, indent=1).encode())
    out("spec_loader", "empty-object.json", b"{}")
    out("spec_loader", "version-only.json", b'{"conform": 1}')
    broken = dict(small)
    broken["errors"] = {"codes": {"X": 99}, "roles": {"nope": "Y"}}
    broken["operation"] = dict(broken["operation"], method="BAD METHOD", headers={"a b": "{undefined}"})
    out("spec_loader", "lint-errors.json", json.dumps(broken).encode())
    # Schema validator: keywords of the subset on their own.
    for name, schema, inst in [
        ("types", {"type": ["string", "null"]}, "null"),
        ("lengths", {"type": "string", "minLength": 2, "maxLength": 3}, '"\u00e9\u00e9\u00e9\u00e9"'),
        ("range", {"type": "integer", "minimum": 1, "maximum": 5}, "5.5"),
        ("enum", {"enum": ["a", 1, None, True]}, "true"),
        ("date-time", {"type": "string", "format": "date-time", "x-millis": True}, '"2025-02-30T24:00:00.1234+01:00"'),
        ("uri", {"type": "string", "format": "uri", "x-https": True}, '"http://h/p?q#f"'),
        ("items", {"type": "array", "items": {"type": "object", "required": ["a"],
                   "additionalProperties": False, "properties": {"a": {"type": "number"}}}}, '[{"a":1},{"b":2}]'),
        ("bad-keywords", {"type": "strin", "minLength": -1, "required": "a", "properties": []}, '"x"'),
    ]:
        out("schema_validator", name, json.dumps(schema).encode() + b"\0" + inst.encode())


if __name__ == "__main__":
    main()
