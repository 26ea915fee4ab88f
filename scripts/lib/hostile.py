#!/usr/bin/env python3
"""Replays issue 13's attacks on the PACKAGED server, started here with the heap a Kubernetes pod gives it, and
prints one line per attack: what it sent, what came back, how long it took, and whether the server was still alive.
Fails (exit 1) when an answer is not the expected one, a call hangs past its bound, or the server dies.

usage: hostile.py JAR DATA [--heap 1638m] [--budget-mib 256]
  JAR   server/target/quarkus-app/quarkus-run.jar;  DATA  ../shared/data (a real LFPW face for the last check)
needs: python3 (standard library only), curl with HTTP/2 (gRPC calls go out as raw HTTP/2 with --http2-prior-knowledge)
"""
import argparse
import gzip
import io
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
import zlib

KEY = "hostile-check-admin-key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, jar, work, heap, budget):
        self.jar, self.work, self.heap, self.budget = jar, work, heap, budget
        self.port = free_port()
        self.tmp = os.path.join(work, "tmp")
        os.makedirs(self.tmp, exist_ok=True)
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        log = open(os.path.join(self.work, "server.log"), "ab")
        self.process = subprocess.Popen([
            "java", f"-Xmx{self.heap}", "-XX:ActiveProcessorCount=2", f"-Djava.io.tmpdir={self.tmp}",
            f"-Dquarkus.http.port={self.port}",
            f"-Dquarkus.datasource.\"embedded\".jdbc.url=jdbc:h2:file:{self.work}/db;DB_CLOSE_ON_EXIT=FALSE",
            f"-Dpros.auth.api-keys.hostile.key={KEY}", "-Dpros.auth.api-keys.hostile.roles=admin",
            f"-Dpros.input.decode-memory-budget={self.budget}",
            f"-Dpros.finetune.upload.max-in-flight-bytes={self.budget}",
            "-jar", self.jar], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"hostile-check: server exited during start, see {self.work}/server.log")
            if self.status("/q/health/ready") == 200:
                return
            time.sleep(0.5)
        sys.exit("hostile-check: server not ready after 180 s")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(45)
            except subprocess.TimeoutExpired:
                self.kill9()

    def alive(self):
        return self.process.poll() is None and self.status("/q/health/live") == 200

    def status(self, path):
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as answer:
            return answer.code
        except OSError:
            return None

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
        return -1

    def http(self, method, path, body=None, headers=None, timeout=60):
        """(status, parsed JSON or text) of one REST call."""
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                status, text = answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as answer:
            status, text = answer.code, answer.read().decode("utf-8", "replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def grpc(self, method, message_bytes, encoding=None, compressed=False, timeout=60):
        """grpc-status name of one unary call sent by curl as raw HTTP/2 (so the test controls every byte)."""
        frame = struct.pack(">BI", 1 if compressed else 0, len(message_bytes)) + message_bytes
        body = os.path.join(self.work, f"grpc-{threading.get_ident()}.bin")
        headers = os.path.join(self.work, f"grpc-{threading.get_ident()}.headers")
        with open(body, "wb") as out:
            out.write(frame)
        command = ["curl", "-s", "--http2-prior-knowledge", "-X", "POST", "--max-time", str(timeout),
                   "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "@" + body,
                   "-D", headers, "-o", os.devnull, self.base + "/pros.v1.FaceAnalysis/" + method]
        if encoding:
            command[5:5] = ["-H", "grpc-encoding: " + encoding]
        subprocess.run(command, check=False)
        codes = {0: "OK", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND", 8: "RESOURCE_EXHAUSTED",
                 12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE"}
        try:
            with open(headers) as lines:
                for line in lines:
                    if line.lower().startswith("grpc-status:"):
                        return codes.get(int(line.split(":")[1]), line.strip())
        except OSError:
            pass
        return "no answer"


def protobuf_bytes_field(number, payload):
    """One length-delimited protobuf field (wire type 2): AnalyzeRequest.image is field 1."""
    key, length, out = (number << 3) | 2, len(payload), bytearray()
    for value in (key, length):
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out) + payload


def png16(width, height):
    """A 16-bit RGB PNG of zeros: small on the wire, width x height x 6 bytes of samples once decoded."""
    row = b"\x00" + bytes(width * 6)
    compressor, chunks = zlib.compressobj(9), []
    for _ in range(height):
        chunks.append(compressor.compress(row))
    chunks.append(compressor.flush())

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(chunks)) + chunk(b"IEND", b"")


def multipart(fields, files):
    boundary = "hostile" + os.urandom(8).hex()
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode())
    for name, (filename, data) in files.items():
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                  f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(server, fields, files, key=KEY, path="/v1/finetune/jobs"):
    body, content_type = multipart(fields, files)
    headers = {"Content-Type": content_type}
    if key:
        headers["Authorization"] = "Bearer " + key
    return server.http("POST", path, body, headers)


def in_parallel(count, call):
    results = [None] * count

    def run(index):
        results[index] = call()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("jar")
    parser.add_argument("data")
    parser.add_argument("--heap", default="1638m", help="-Xmx; default: 40%% of the 4 GiB pod limit, as the image sets")
    parser.add_argument("--budget-mib", type=int, default=256,
                        help="pros.input.decode-memory-budget and pros.finetune.upload.max-in-flight-bytes, MiB")
    args = parser.parse_args()
    face_path = os.path.join(args.data, "lfpw", "train", "image_0001.jpg")
    if not os.path.isfile(face_path):
        sys.exit(f"hostile-check: {face_path} not found (real face data lives in ../shared/data)")
    with open(face_path, "rb") as source:
        face = source.read()
    work = tempfile.mkdtemp(prefix="pros-hostile.")
    server = Server(os.path.abspath(args.jar), work, args.heap, args.budget_mib << 20)
    rows, failures = [], []
    completed = False

    def attack(name, expected, run, bound_s=30):
        start = time.time()
        try:
            answers = run()
        except Exception as error:  # noqa: BLE001 - any client-side failure is a finding, reported as such
            answers = [f"client error: {error}"]
        answers = answers if isinstance(answers, list) else [answers]
        seconds = time.time() - start
        alive = server.alive()
        ok = alive and seconds <= bound_s and all(answer in expected for answer in answers)
        summary = ", ".join(f"{count}× {answer}" for answer, count in
                            sorted({a: answers.count(a) for a in answers}.items(), key=lambda item: str(item[0])))
        rows.append((name, summary, seconds, alive, ok))
        print(f"{'ok  ' if ok else 'FAIL'} | {name} | {summary} | {seconds:.1f} s | alive {alive}", flush=True)
        if not ok:
            failures.append(name)

    try:
        server.start()
        started_rss = server.rss_mb()
        image = {"Content-Type": "application/octet-stream"}

        # 1. gzip-encoded gRPC message inflating to 400 MiB (unauthenticated)
        bomb = gzip.compress(bytes(400 << 20), 9)
        attack(f"gRPC Analyze, grpc-encoding gzip, {len(bomb) // 1024} KB inflating to 400 MiB", {"UNIMPLEMENTED"},
               lambda: server.grpc("Analyze", bomb, encoding="gzip", compressed=True))
        # 2. 16-bit 6000x6600 PNGs, ~435 MB of heap each at full size, eight at once
        big = png16(6000, 6600)
        attack(f"8 × POST /v1/analyze, 16-bit 6000×6600 PNG of {len(big) // 1024} KB", {200, 429},
               lambda: in_parallel(8, lambda: server.http("POST", "/v1/analyze", big, image)[0]))
        # 3. zip of 255 entries of 1 MiB - 1 zeros, eight at once (admin key)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index in range(255):
                archive.writestr(f"faces/{index:03d}.jpg", bytes((1 << 20) - 1))
        zip_bomb = buffer.getvalue()
        attack(f"8 × upload, zip of 255 × (1 MiB − 1) zeros, {len(zip_bomb) // 1024} KB", {400, 413, 429},
               lambda: in_parallel(8, lambda: upload(server, {"kind": "classification", "head_name": "bomb"},
                                                    {"archive": ("bomb.zip", zip_bomb)})[0]))
        # 4. four 16 MB gRPC messages at once
        random_16mb = protobuf_bytes_field(1, os.urandom(16_000_000))
        attack("4 × gRPC Analyze of 16 MB (not an image)", {"INVALID_ARGUMENT", "RESOURCE_EXHAUSTED"},
               lambda: in_parallel(4, lambda: server.grpc("Analyze", random_16mb)), bound_s=20)
        # 6. tar.gz with a symlink, a hard link and a FIFO next to a manifest
        for kind, build in (("symlink", lambda e: setattr(e, "type", tarfile.SYMTYPE) or setattr(e, "linkname", "/etc/passwd")),
                            ("hard link", lambda e: setattr(e, "type", tarfile.LNKTYPE) or setattr(e, "linkname", "manifest.csv")),
                            ("FIFO", lambda e: setattr(e, "type", tarfile.FIFOTYPE))):
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
                manifest = b"image,label\na.jpg,smile\nb.jpg,neutral\n"
                entry = tarfile.TarInfo("manifest.csv")
                entry.size = len(manifest)
                archive.addfile(entry, io.BytesIO(manifest))
                for name in ("a.jpg", "b.jpg"):
                    entry = tarfile.TarInfo(name)
                    build(entry)
                    archive.addfile(entry)
            tar = buffer.getvalue()
            attack(f"upload, tar.gz whose images are a {kind}", {400},
                   lambda: upload(server, {"kind": "classification", "head_name": "links"},
                                  {"archive": ("links.tar.gz", tar)})[0])
        # 7. a matrix parameter in the path, no key, 15 MB body
        attack("POST /v1;a=b/finetune/jobs, no key, 15 MB", {401},
               lambda: upload(server, {"kind": "classification", "head_name": "x"},
                              {"archive": ("big.zip", bytes(15 << 20))}, key=None, path="/v1;a=b/finetune/jobs")[0])
        # 8. the caller's mistakes
        attack("upload, raw body with a multipart/form-data header", {400},
               lambda: server.http("POST", "/v1/finetune/jobs", b"just bytes",
                                   {"Content-Type": "multipart/form-data; boundary=x",
                                    "Authorization": "Bearer " + KEY})[0])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("manifest.csv", "image,label\nface.jpg," + "x" * 1_000_000 + "\n")
            archive.writestr("face.jpg", face)
        long_label = buffer.getvalue()
        attack("upload, a 1,000,000-character label", {400},
               lambda: upload(server, {"kind": "classification", "head_name": "long"},
                              {"archive": ("long.zip", long_label)})[0])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("manifest.json", "[" * 100_000 + "]" * 100_000)
            archive.writestr("face.jpg", face)
        deep = buffer.getvalue()
        attack("upload, manifest.json nested 100,000 deep", {400},
               lambda: upload(server, {"kind": "classification", "head_name": "deep"},
                              {"archive": ("deep.zip", deep)})[0])
        attack("gRPC Analyze, a message that is not an AnalyzeRequest", {"INVALID_ARGUMENT"},
               lambda: server.grpc("Analyze", b"\xff\xff\xff\xff\x0f"))
        for query in ("max_faces=abc", "max_faces=99999999999", "timeout_ms=9223372036854775807"):
            attack(f"POST /v1/analyze?{query}", {400},
                   lambda query=query: server.http("POST", "/v1/analyze?" + query, face, image)[0])
        # the fuzzer's 66-byte lossless WebP announcing 1576x10522 pixels
        webp = build_solid_webp_mutant()
        attack("POST /v1/analyze, 66-byte VP8L announcing 1576×10522", {200, 400},
               lambda: server.http("POST", "/v1/analyze", webp, image)[0], bound_s=10)

        # 9. kill -9 leaves nothing behind in java.io.tmpdir
        before = sorted(os.listdir(server.tmp))
        server.kill9()
        server.start()
        after = sorted(os.listdir(server.tmp))
        leaked = [name for name in after if name not in before and name != "pros-face-uploads"]
        rows.append(("kill -9, restart: new entries in java.io.tmpdir", str(leaked or "none"), 0, server.alive(),
                     not leaked))
        print(f"{'ok  ' if not leaked else 'FAIL'} | kill -9 then restart: new tmpdir entries {leaked or 'none'}")
        if leaked:
            failures.append("tmpdir leak")

        status, answer = server.http("POST", "/v1/analyze", face, {"Content-Type": "image/jpeg"})
        faces = answer.get("faces", []) if isinstance(answer, dict) else []
        good = status == 200 and len(faces) == 1 and len(faces[0].get("landmarks", {}).get("points", [])) == 68
        print(f"{'ok  ' if good else 'FAIL'} | then a real face: {status}, {len(faces)} face(s); RSS {server.rss_mb()} MB"
              f" (after start: {started_rss} MB)")
        if not good:
            failures.append(f"real face after the attacks: {status} {str(answer)[:300]}")
        completed = True
    finally:
        server.stop()
        if failures or not completed:
            print(f"hostile-check: server log kept in {work}/server.log", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        sys.exit("hostile-check: FAIL: " + "; ".join(failures))
    print(f"hostile-check: {len(rows)} attacks answered as expected, server alive throughout (heap {args.heap})")


def build_solid_webp_mutant():
    """A one-colour 40x30 lossless WebP with the fuzzer's mutation (bytes 2..33 inserted at offset 22): 66 bytes."""
    bits, count, out = 0, 0, bytearray()

    def write(value, width):
        nonlocal bits, count
        bits |= (value & ((1 << width) - 1)) << count
        count += width
        while count >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            count -= 8
    write(0x2F, 8)
    write(39, 14)
    write(29, 14)
    write(0, 1 + 3 + 1 + 1 + 1)
    for symbol in (150, 200, 120, 255, 0):
        write(1, 1)
        write(0, 1)
        write(1, 1)
        write(symbol, 8)
    if count:
        out.append(bits & 0xFF)
    payload = bytes(out) + (b"\x00" if len(out) % 2 else b"")
    seed = b"RIFF" + struct.pack("<I", 12 + len(payload)) + b"WEBPVP8L" + struct.pack("<I", len(out)) + payload
    return seed[:22] + seed[2:34] + seed[22:34]


if __name__ == "__main__":
    main()
