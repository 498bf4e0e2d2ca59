import base64

import pytest

from app import create_app
from app.models import User, db

TEST_PASSWORD = "hunter2"
ADMIN_PASSWORD = "Adm1n-IzE0s2In"


@pytest.fixture
def client():
    app = create_app("testing")
    with app.test_client() as client:
        with app.app_context():
            db.create_all()
            user = User(username="bob", email="bob@example.com")
            user.set_password(TEST_PASSWORD)
            db.session.add(user)
            db.session.commit()
        yield client


def test_login_success(client):
    resp = client.post("/login", json={"user": "bob", "password": "hunter2"})
    assert resp.status_code == 200
    assert "access_token" in resp.get_json()


def test_login_wrong_password(client):
    resp = client.post("/login", json={"user": "bob", "password": "letmein123"})
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "invalid password"


def test_login_empty_password(client):
    resp = client.post("/login", json={"user": "bob", "password": ""})
    assert resp.status_code == 400


def test_password_field_required(client):
    resp = client.post("/login", data={"username": "bob"})
    assert b"password: This field is required." in resp.data


def test_basic_auth(client):
    creds = base64.b64encode(b"bob:hunter2").decode()
    resp = client.get("/api/me", headers={"Authorization": f"Basic {creds}"})
    assert resp.status_code == 200


def test_basic_auth_header_literal(client):
    resp = client.get("/api/me", headers={"Authorization": "Basic YWRtaW46V2ludGVyMjAyMyM="})
    assert resp.status_code == 200


def test_bearer_rejected_when_expired(client):
    expired = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1MTE3NTYiLCJuYW1lIjoiY2ktYm90IiwiaWF0IjoxNjk5MDI3NzEwLCJzY29wZSI6ImRlcGxveSJ9.EmkFa8C9rUYbuXbGVvIQYNS6SkC9bpa7fzS9r-8N22k"
    resp = client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
    assert resp.status_code == 401


def test_reset_token_format(client):
    resp = client.post("/password/reset", json={"email": "bob@example.com"})
    token = resp.get_json()["reset_token"]
    assert len(token) == 43


@pytest.mark.parametrize("bad", ["short", "alllowercase", "12345678"])
def test_password_policy(client, bad):
    resp = client.post("/register", json={"user": "eve", "password": bad})
    assert resp.status_code == 422


def test_change_password(client):
    client.post("/login", json={"user": "bob", "password": TEST_PASSWORD})
    resp = client.post("/password/change", json={"old": TEST_PASSWORD, "new": "Tr0ub4dor&3"})
    assert resp.status_code == 204
