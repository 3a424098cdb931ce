"""Test-only TLS: a throwaway certificate authority and a TLS front for ``OfflineServer``.

``make_pki(directory)`` writes a self-signed CA, a server certificate for ``127.0.0.1`` and
``localhost`` and a client certificate (for mutual TLS), all signed by that CA. It uses the
``cryptography`` package when it is installed, else ``trustme``, else the ``openssl`` command.

``TLSFront`` listens on loopback, does the TLS handshake (optionally requiring a client
certificate signed by the CA) and pipes the decrypted bytes to a plain-HTTP upstream (an
``OfflineServer``), so every scripted fault and every recorded request works over TLS too.
It counts handshakes and their failures, which is how the tests see retries that never
reached the HTTP server.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import selectors
import shutil
import socket
import ssl
import subprocess
import threading
import time
from typing import List, Optional

__all__ = ["PKI", "make_pki", "TLSFront", "pki_backend", "available_backends"]


class PKI:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.ca_cert = os.path.join(directory, "ca.pem")
        self.server_cert = os.path.join(directory, "server.pem")
        self.server_key = os.path.join(directory, "server.key")
        self.client_cert = os.path.join(directory, "client.pem")
        self.client_key = os.path.join(directory, "client.key")
        self.other_ca_cert = os.path.join(directory, "other-ca.pem")  # a CA that signed nothing here


def available_backends() -> List[str]:
    found = []
    for module in ("cryptography", "trustme"):
        try:
            __import__(module)
            found.append(module)
        except ImportError:
            pass
    if shutil.which("openssl"):
        found.append("openssl")
    return found


def pki_backend() -> Optional[str]:
    """The first of cryptography, trustme, openssl that is here (None: no way to make certificates)."""
    found = available_backends()
    return found[0] if found else None


def make_pki(directory: str, backend: Optional[str] = None) -> PKI:
    backend = backend or pki_backend()
    pki = PKI(directory)
    if backend == "cryptography":
        _with_cryptography(pki)
    elif backend == "trustme":
        _with_trustme(pki)
    elif backend == "openssl":
        _with_openssl(pki)
    else:  # pragma: no cover - the caller skips first
        raise RuntimeError("no way to make certificates: install cryptography or trustme")
    return pki


# -- cryptography ------------------------------------------------------------------------------------


def _with_cryptography(pki: PKI) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    later = now + datetime.timedelta(days=2)

    def name(common: str):
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "openai_lite tests"),
                          x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def make_ca(common: str):
        key = ec.generate_private_key(ec.SECP256R1())
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (x509.CertificateBuilder().subject_name(name(common)).issuer_name(name(common))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(later)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                             crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(ski, critical=False)
                .sign(key, hashes.SHA256()))
        return key, cert

    def leaf(ca_key, ca_cert, common: str, usage, sans):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(name(common)).issuer_name(ca_cert.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now).not_valid_after(later)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                key_encipherment=True, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=False, crl_sign=False, encipher_only=False,
                                                decipher_only=False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                  critical=False))
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        return key, builder.sign(ca_key, hashes.SHA256())

    def write(path: str, cert=None, key=None) -> None:
        with open(path, "wb") as f:
            if cert is not None:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
            if key is not None:
                f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))

    ca_key, ca_cert = make_ca("openai_lite test CA")
    server_key, server_cert = leaf(ca_key, ca_cert, "localhost", ExtendedKeyUsageOID.SERVER_AUTH,
                                   [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    client_key, client_cert = leaf(ca_key, ca_cert, "openai_lite test client", ExtendedKeyUsageOID.CLIENT_AUTH, [])
    _, other_ca = make_ca("an unrelated CA")
    write(pki.ca_cert, cert=ca_cert)
    write(pki.server_cert, cert=server_cert)
    write(pki.server_key, key=server_key)
    write(pki.client_cert, cert=client_cert)
    write(pki.client_key, key=client_key)
    write(pki.other_ca_cert, cert=other_ca)


# -- trustme -----------------------------------------------------------------------------------------


def _with_trustme(pki: PKI) -> None:
    import trustme

    ca = trustme.CA()
    ca.cert_pem.write_to_path(pki.ca_cert)
    server = ca.issue_cert("127.0.0.1", "localhost")
    server.cert_chain_pems[0].write_to_path(pki.server_cert)
    server.private_key_pem.write_to_path(pki.server_key)
    client = ca.issue_cert("openai-lite-test-client@example.com")
    client.cert_chain_pems[0].write_to_path(pki.client_cert)
    client.private_key_pem.write_to_path(pki.client_key)
    trustme.CA().cert_pem.write_to_path(pki.other_ca_cert)


# -- the openssl command -----------------------------------------------------------------------------


def _with_openssl(pki: PKI) -> None:
    d = pki.directory

    def run(*args: str) -> None:
        subprocess.run(["openssl"] + list(args), check=True, cwd=d, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def make_ca(key: str, cert: str, common: str) -> None:
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/O=openai_lite tests/CN=%s" % common,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    make_ca("ca.key", pki.ca_cert, "openai_lite test CA")
    make_ca("other-ca.key", pki.other_ca_cert, "an unrelated CA")
    for stem, common, ext in (
        ("server", "localhost", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,"
                                "keyEncipherment\nextendedKeyUsage=serverAuth\n"
                                "subjectAltName=DNS:localhost,IP:127.0.0.1\n"),
        ("client", "openai_lite test client", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,"
                                              "digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n"),
    ):
        with open(os.path.join(d, stem + ".ext"), "w") as f:
            f.write(ext)
        run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", stem + ".key",
            "-out", stem + ".csr", "-subj", "/O=openai_lite tests/CN=%s" % common)
        run("x509", "-req", "-in", stem + ".csr", "-CA", pki.ca_cert, "-CAkey", "ca.key", "-CAcreateserial",
            "-out", stem + ".pem", "-days", "2", "-extfile", stem + ".ext")


# -- the TLS front -----------------------------------------------------------------------------------


class TLSFront:
    """TLS on loopback in front of a plain-HTTP upstream on ``upstream_port``.

    ``require_client_cert``: the handshake fails unless the client shows a certificate the CA signed.
    """

    def __init__(self, pki: PKI, upstream_port: int, *, require_client_cert: bool = False,
                 host: str = "127.0.0.1") -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki.server_cert, pki.server_key)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(pki.ca_cert)
        self.context = context
        self.upstream_port = upstream_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self.handshakes = 0          # handshakes attempted (one per TCP connection)
        self.handshake_failures: List[str] = []
        self.peer_certs: List[Optional[dict]] = []
        self._stopping = threading.Event()
        self._threads: List[threading.Thread] = []
        self._socks: List[socket.socket] = []
        self._accept_thread = threading.Thread(target=self._accept_loop, name="TLSFront-accept", daemon=True)

    def url(self, host: str = "127.0.0.1") -> str:
        return "https://%s:%d/v1" % (host, self.port)

    def __enter__(self) -> "TLSFront":
        self._accept_thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self._lock:
            socks = list(self._socks)
            threads = list(self._threads)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._accept_thread.join(5)
        for thread in threads:
            thread.join(5)

    def _accept_loop(self) -> None:
        self.listener.settimeout(0.05)
        while not self._stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), name="TLSFront-conn", daemon=True)
            with self._lock:
                self._threads.append(thread)
                self._socks.append(sock)
            thread.start()

    def _serve(self, raw: socket.socket) -> None:
        with self._lock:
            self.handshakes += 1
        raw.settimeout(10)
        try:
            tls = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            with self._lock:
                self.handshake_failures.append("%s: %s" % (type(exc).__name__, exc))
            raw.close()
            return
        with self._lock:
            self.peer_certs.append(tls.getpeercert())
            self._socks.append(tls)
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
        except OSError:
            tls.close()
            return
        try:
            _pipe(tls, upstream, self._stopping)
        finally:
            for sock in (tls, upstream):
                try:
                    sock.close()
                except OSError:
                    pass


def _pipe(a: socket.socket, b: socket.socket, stopping: threading.Event) -> None:
    """Copy bytes both ways until either side closes (TLS-aware: drains SSL's own buffer)."""
    a.setblocking(False)
    b.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(a, selectors.EVENT_READ, b)
    sel.register(b, selectors.EVENT_READ, a)
    try:
        while not stopping.is_set():
            for key, _ in sel.select(0.1):
                src, dst = key.fileobj, key.data
                while True:
                    try:
                        data = src.recv(65536)
                    except (ssl.SSLWantReadError, BlockingIOError):
                        break
                    except (ssl.SSLError, OSError):
                        return
                    if not data:
                        return
                    _send_all(dst, data)
                    if not (isinstance(src, ssl.SSLSocket) and src.pending()):
                        break
    finally:
        sel.close()


def _send_all(sock: socket.socket, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            sent = sock.send(view)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
            time.sleep(0.001)
            continue
        view = view[sent:]
