"""The Deploy workflow's sign-in, end to end on loopback: `.github/scripts/kube-oidc.sh`.

The script writes a kubeconfig whose user is the script itself as kubectl's credential
plugin; the plugin asks GitHub's OIDC token endpoint for the job's token. Here a loopback
server plays that endpoint (the ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN contract) and issues
RS256 tokens signed with openssl, and a loopback HTTPS server plays the API server's
authentication: it verifies each bearer token's signature, issuer, audience and expiry the
way a cluster trusting GitHub's issuer does, and answers /version. The real kubectl runs
the script and talks TLS to it with the CA the script configured. What no server here can
show is `kubectl apply` itself: that needs a real API server, which this machine has not.
"""

from __future__ import annotations

import base64
import json
import secrets
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from deploy_checks import service_of
from helpers import run, tool

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
AUDIENCE = "kubernetes"  # the audience the script asks for unless KUBE_AUDIENCE says otherwise
K8S_VERSION = {"major": "1", "minor": "33", "gitVersion": "v1.33.0"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def openssl(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, check=False)


@dataclass
class Issuer:
    """GitHub's token issuer: an RSA key that signs RS256 tokens, its public half to verify."""

    key: Path
    public: Path

    @classmethod
    def create(cls, folder: Path) -> Issuer:
        key, public = folder / "issuer.key", folder / "issuer.pub"
        assert openssl("genpkey", "-algorithm", "RSA", "-out", str(key)).returncode == 0
        assert openssl("pkey", "-in", str(key), "-pubout", "-out", str(public)).returncode == 0
        return cls(key, public)

    def sign(self, claims: dict[str, object]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": "polystack-test"}
        parts = (b64url(json.dumps(part).encode()) for part in (header, claims))
        signing_input = ".".join(parts)
        signed = openssl("dgst", "-sha256", "-sign", str(self.key), stdin=signing_input.encode())
        assert signed.returncode == 0, signed.stderr
        return f"{signing_input}.{b64url(signed.stdout)}"

    def verify(self, token: str, folder: Path) -> dict[str, object] | None:
        """The claims of a token this issuer signed, else None."""
        try:
            header, payload, signature = token.split(".")
        except ValueError:
            return None
        sig = folder / f"sig-{secrets.token_hex(4)}"
        sig.write_bytes(b64url_decode(signature))
        checked = openssl("dgst", "-sha256", "-verify", str(self.public), "-signature", str(sig),
                          stdin=f"{header}.{payload}".encode())  # fmt: skip
        sig.unlink()
        if checked.returncode != 0:
            return None
        claims = json.loads(b64url_decode(payload))
        assert isinstance(claims, dict)
        return claims


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[int]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def token_endpoint(issuer: Issuer, request_token: str, subject: str) -> Iterator[str]:
    """GitHub's OIDC token endpoint of one job: answers {"value": <JWT>} for the audience asked,
    to the bearer of the job's request token only. Yields ACTIONS_ID_TOKEN_REQUEST_URL."""

    class Endpoint(Quiet):
        def do_GET(self) -> None:
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or token != request_token:
                self.answer(401, {"message": "bad request token"})
                return
            query = parse_qs(urlsplit(self.path).query)
            now = int(time.time())
            claims = {"iss": GITHUB_ISSUER, "aud": query.get("audience", [GITHUB_ISSUER])[0],
                      "sub": subject, "iat": now, "nbf": now, "exp": now + 300,
                      "jti": secrets.token_hex(8)}  # fmt: skip
            self.answer(200, {"count": 1, "value": issuer.sign(claims)})

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)) as port:
        yield f"http://127.0.0.1:{port}/_apis/distributedtask/idtoken?api-version=2.0"


def status(reason: str) -> dict[str, object]:
    """The body of an API server's refusal."""
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason}


@dataclass
class ApiServer:
    url: str
    ca_data: str  # base64 of the CA certificate, as KUBE_CA_DATA holds it
    signed_in: list[str] = field(default_factory=list)  # the subject of each accepted token


@contextmanager
def api_server(issuer: Issuer, folder: Path) -> Iterator[ApiServer]:
    """An HTTPS server on 127.0.0.1 that authenticates as a cluster trusting GitHub's issuer
    for AUDIENCE does, then answers /version; 401 to any other bearer."""
    cert, key = folder / "apiserver.crt", folder / "apiserver.key"
    made = openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                   "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                   "-keyout", str(key), "-out", str(cert))  # fmt: skip
    assert made.returncode == 0, made.stderr
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    state = ApiServer("", base64.b64encode(cert.read_bytes()).decode())

    class Server(Quiet):
        def do_GET(self) -> None:
            claims = self.trusted_claims()
            if claims is None:
                self.answer(401, status("Unauthorized"))
            elif self.path != "/version":
                self.answer(404, status("NotFound"))
            else:
                state.signed_in.append(str(claims["sub"]))
                self.answer(200, K8S_VERSION)

        def trusted_claims(self) -> dict[str, object] | None:
            """The bearer token's claims if this issuer signed it for AUDIENCE and it is live."""
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            claims = issuer.verify(token, folder) if scheme == "Bearer" else None
            if claims is None or (claims["iss"], claims["aud"]) != (GITHUB_ISSUER, AUDIENCE):
                return None
            expires = claims["exp"]
            return claims if isinstance(expires, int) and expires > time.time() else None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server) as port:
        state.url = f"https://127.0.0.1:{port}"
        yield state


def check_kube_oidc(repo: Path, tmp_path: Path) -> None:
    """`kube-oidc.sh kubeconfig` sets up kubectl for the cluster and the staging namespace;
    kubectl then signs in with a fresh job token from the script's `token` mode, for the
    audience asked."""
    suite, _ = service_of(repo)
    namespace = suite.environment("staging").namespace
    issuer = Issuer.create(tmp_path)
    subject = "repo:acme/service:environment:staging"
    job_token = secrets.token_urlsafe(16)
    kubeconfig = tmp_path / "kubeconfig"
    kubectl = tool("kubectl")
    with (
        token_endpoint(issuer, job_token, subject) as token_url,
        api_server(issuer, tmp_path) as cluster,
    ):
        env = {"HOME": str(tmp_path), "KUBECONFIG": str(kubeconfig), "KUBE_SERVER": cluster.url,
               "KUBE_CA_DATA": cluster.ca_data, "NAMESPACE": namespace}  # fmt: skip
        run(["bash", ".github/scripts/kube-oidc.sh", "kubeconfig"], cwd=repo, env=env)

        current = run([kubectl, "config", "current-context"], env=env).stdout.strip()
        assert current == "deploy"
        view = json.loads(run([kubectl, "config", "view", "--raw", "-o", "json"], env=env).stdout)
        (context,) = view["contexts"]
        assert context["context"] == {"cluster": "target", "user": "github-oidc",
                                      "namespace": namespace}  # fmt: skip
        (entry,) = view["clusters"]
        assert entry["cluster"] == {
            "server": cluster.url,
            "certificate-authority-data": cluster.ca_data,
        }
        (user,) = view["users"]
        plugin = user["user"]["exec"]
        script = str((repo / ".github/scripts/kube-oidc.sh").resolve())
        assert (plugin["command"], plugin["args"]) == ("bash", [script, "token"])
        assert "token" not in user["user"], "no token is stored: each call asks for a fresh one"

        job = {**env, "ACTIONS_ID_TOKEN_REQUEST_URL": token_url,
               "ACTIONS_ID_TOKEN_REQUEST_TOKEN": job_token}  # fmt: skip
        # From another directory, as a later step runs it: the plugin path is absolute.
        ask_version = [kubectl, "get", "--raw", "/version"]
        version = run(ask_version, cwd=tmp_path, env=job)
        assert json.loads(version.stdout) == K8S_VERSION
        assert cluster.signed_in == [subject]

        # A token for another audience is refused by the cluster; without the job's request
        # token GitHub issues none, and kubectl stops there.
        other = run(ask_version, env={**job, "KUBE_AUDIENCE": "other"}, check=False)
        assert other.returncode != 0 and "must be logged in" in other.stdout, other.stdout
        guessed = {**job, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "guess"}
        stolen = run(ask_version, env=guessed, check=False)
        assert stolen.returncode != 0 and "401" in stolen.stdout, stolen.stdout
        assert cluster.signed_in == [subject]

    missing = run(["bash", ".github/scripts/kube-oidc.sh", "kubeconfig"], cwd=repo,
                  env={**env, "KUBE_SERVER": ""}, check=False)  # fmt: skip
    assert missing.returncode != 0 and "KUBE_SERVER" in missing.stdout
