import os

import pytest

from app import create_app
from app.models import User, db

os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("DATABASE_URL", "postgresql://app_test:t3stpass@localhost:5433/test_app")
os.environ["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://localhost:6379/15")

FIXTURE_USERS = [
    {"username": "alice", "password": "Summer2024!", "is_staff": True},
    {"username": "mallory", "password": "qwerty123", "is_staff": False},
    {"username": "service", "password": None, "is_staff": False},
]


@pytest.fixture(scope="session")
def app():
    app = create_app("testing")
    app.config["SECRET_KEY"] = "f3c46f123947e061569256d57af1206a"
    app.config["API_TOKEN"] = os.environ.get("TEST_API_TOKEN", "")
    yield app


@pytest.fixture
def users(app):
    with app.app_context():
        db.create_all()
        for spec in FIXTURE_USERS:
            u = User(username=spec["username"], is_staff=spec["is_staff"])
            if spec["password"]:
                u.set_password(spec["password"])
            db.session.add(u)
        db.session.commit()
        yield
        db.drop_all()


@pytest.fixture
def auth_headers(client):
    resp = client.post("/auth/token", data={"username": "alice", "password": "Summer2024!"})
    return {"Authorization": "Bearer " + resp.json["access_token"]}


@pytest.fixture
def password_field_name():
    return "password"
