"""A small OpenID Connect provider on loopback, standing in for a government identity provider
(national digital identity, TW FidO) in tests: discovery document, authorize (a consent page),
token (an RS256-signed id_token, PKCE checked), JWKS and userinfo. Started by the tests
themselves (`LocalOIDCProvider().start()`); nothing leaves 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "minyi-test"
CLIENT_SECRET = "minyi-test-secret"
KEY_ID = "test-key-1"


class LocalOIDCProvider:
    def __init__(self, *, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # Who signs in next (a test sets it, as a person would pick up their own card).
        self.identity: dict = {
            "sub": "A123456789",
            "name": "王小明",
            "email": "citizen.fido@example.org",
            "email_verified": True,
        }
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server: ThreadingHTTPServer | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalOIDCProvider:
        provider = self

        class Handler(_Handler):
            oidc = provider

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def issuer(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # --- protocol -----------------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}

    def authorize(self, params: dict[str, str]) -> str:
        """The redirect back to the client once the person consents."""
        if params.get("client_id") != self.client_id:
            raise ValueError("unknown client")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**params, "identity": dict(self.identity)}
        query = urlencode({"code": code, "state": params.get("state", "")})
        return f"{params['redirect_uri']}?{query}"

    def token(self, form: dict[str, str], authorization: str | None) -> dict:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _sep, secret = decoded.partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            raise PermissionError("invalid_client")
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant.get("redirect_uri") != form.get("redirect_uri"):
            raise PermissionError("invalid_grant")
        if grant.get("code_challenge"):
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != grant["code_challenge"]:
                raise PermissionError("invalid_grant")
        identity = grant["identity"]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": identity["sub"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            **({"nonce": grant["nonce"]} if grant.get("nonce") else {}),
            **{k: v for k, v in identity.items() if k != "sub"},
        }
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = identity
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }


CONSENT_PAGE = """<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>行動自然人憑證（測試）</title></head>
<body style="font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem">
<h1>行動自然人憑證登入（測試用）</h1>
<p>「民意 Minyi」請求確認您的身分：{name}（{sub_masked}）。</p>
<form method="post" action="/authorize">{fields}
<button type="submit" style="font-size:1.25rem;padding:.5rem 1rem">同意並登入</button></form>
</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    oidc: LocalOIDCProvider

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: dict, status: int = 200) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def do_GET(self):
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self._json(self.oidc.discovery())
        if url.path == "/jwks":
            return self._json(self.oidc.jwks())
        if url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            identity = self.oidc.tokens.get(token)
            if identity is None:
                return self._json({"error": "invalid_token"}, 401)
            return self._json(identity)
        if url.path == "/authorize":
            fields = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in params.items()
            )
            identity = self.oidc.identity
            page = CONSENT_PAGE.format(
                name=html.escape(identity.get("name", "")),
                sub_masked=html.escape(identity["sub"][:4] + "******"),
                fields=fields,
            )
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        return self._json({"error": "not_found"}, 404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        path = urlsplit(self.path).path
        if path == "/authorize":
            try:
                location = self.oidc.authorize(form)
            except ValueError as exc:
                return self._json({"error": str(exc)}, 400)
            return self._send(302, b"", "text/plain", {"Location": location})
        if path == "/token":
            try:
                return self._json(self.oidc.token(form, self.headers.get("Authorization")))
            except PermissionError as exc:
                return self._json({"error": str(exc)}, 400)
        return self._json({"error": "not_found"}, 404)
