"""A local OpenID Connect provider that behaves as ProConnect does, for the tests: a real
HTTP server (wsgiref, in a thread) with a sign-in form, the authorization-code flow, ID
tokens signed RS256 with its JWKS, the user info as a signed JWT (`application/jwt`), the
`acr` it says it met, and an end-session endpoint. The client library under test talks to
it over HTTP like to the real federation: nothing is mocked."""

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Agent:
    sub: str
    email: str
    given_name: str
    usual_name: str
    siret: str = "13002526500013"


@dataclass
class LocalProConnect:
    client_id: str = "crte-pilote-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    acr: str = "eidas1"
    audience: str = ""  # the ID token's audience, when a test wants another than the client
    agents: dict[str, Agent] = field(default_factory=dict)
    logouts: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, Agent] = {}
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def add(self, agent: Agent) -> Agent:
        self.agents[agent.email.lower()] = agent
        return agent

    def settings(self) -> dict:
        """The application's settings pointing at this provider."""
        return {
            "PROCONNECT_ENABLED": True,
            "PROCONNECT_ISSUER": self.url,
            "PROCONNECT_LOGOUT_ENDPOINT": f"{self.url}/session/end",
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
        }

    # --- the provider ---------------------------------------------------------------------

    def app(self, environ, start_response):
        path = environ["PATH_INFO"].removeprefix("/api/v2")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        form = {}
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        routes = {
            "/authorize": self.authorize,
            "/token": self.token,
            "/userinfo": self.userinfo,
            "/jwks": self.jwks,
            "/session/end": self.end_session,
        }
        if path not in routes:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        status, headers, body = routes[path](environ, query, form)
        start_response(status, headers)
        return [body if isinstance(body, bytes) else body.encode()]

    def authorize(self, environ, query, form):
        if environ["REQUEST_METHOD"] == "GET":
            assert query["client_id"] == self.client_id and query["response_type"] == "code"
            assert set(query["scope"].split()) == {"openid", "email", "given_name", "usual_name", "siret"}
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in query.items()
            )
            page = (
                "<!doctype html><html lang='fr'><title>ProConnect (test)</title><h1>ProConnect</h1>"
                f"<form method='post'>{hidden}<label for='email'>Adresse électronique</label>"
                "<input id='email' name='login_email' type='email'><button>Continuer</button></form></html>"
            )
            return "200 OK", [("Content-Type", "text/html; charset=utf-8")], page
        agent = self.agents.get(form.get("login_email", "").lower())
        if agent is None:
            return "403 Forbidden", [("Content-Type", "text/plain")], "inconnu"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"agent": agent, "nonce": form.get("nonce"), "redirect_uri": form["redirect_uri"]}
        target = form["redirect_uri"] + "?" + urlencode({"code": code, "state": form["state"]})
        return "302 Found", [("Location", target)], ""

    def token(self, environ, query, form):
        grant = self.codes.pop(form.get("code", ""), None)
        self.token_requests.append(form)
        if (
            grant is None
            or form.get("client_secret") != self.client_secret
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return "400 Bad Request", [("Content-Type", "application/json")], '{"error": "invalid_grant"}'
        agent = grant["agent"]
        access = secrets.token_urlsafe(24)
        self.tokens[access] = agent
        now = int(time.time())
        audience = self.audience or self.client_id
        claims = {"iss": self.url, "sub": agent.sub, "aud": audience, "iat": now, "exp": now + 60}
        id_token = self.sign(claims | {"nonce": grant["nonce"], "acr": self.acr, "amr": ["pwd"]})
        body = json.dumps(
            {"access_token": access, "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
        )
        return "200 OK", [("Content-Type", "application/json")], body

    def userinfo(self, environ, query, form):
        agent = self.tokens.get(environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer "))
        if agent is None:
            return "401 Unauthorized", [("Content-Type", "text/plain")], ""
        claims = {
            "iss": self.url,
            "aud": self.client_id,
            "sub": agent.sub,
            "email": agent.email,
            "given_name": agent.given_name,
            "usual_name": agent.usual_name,
            "siret": agent.siret,
        }
        return "200 OK", [("Content-Type", "application/jwt; charset=utf-8")], self.sign(claims)

    def jwks(self, environ, query, form):
        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        keys = {"keys": [key | {"kid": self.kid, "alg": "RS256", "use": "sig"}]}
        return "200 OK", [("Content-Type", "application/json")], json.dumps(keys)

    def end_session(self, environ, query, form):
        self.logouts.append(query)
        target = query["post_logout_redirect_uri"] + "?" + urlencode({"state": query.get("state", "")})
        return "302 Found", [("Location", target)], ""

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})
