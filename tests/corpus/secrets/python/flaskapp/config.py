import os
from datetime import timedelta

from flask import Flask

basedir = os.path.abspath(os.path.dirname(__file__))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "6dc05e746c060aa32b01d7406141ae8f33798d960747e95e"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
    JWT_TOKEN_LOCATION = ["headers", "cookies"]
    JWT_HEADER_NAME = "Authorization"
    JWT_HEADER_TYPE = "Bearer"
    MAIL_SERVER = "smtp.mailgun.org"
    MAIL_USERNAME = "postmaster@mg.example-app.io"
    MAIL_PASSWORD = os.getenv("MAIL_PASSWORD")


class DevelopmentConfig(Config):
    DEBUG = True
    SQLALCHEMY_DATABASE_URI = "postgresql://flask:pygmalion@localhost:5432/flask_dev"


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "flask-testing-s3cr3t"


class ProductionConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
    JWT_SECRET_KEY = os.environ["JWT_SECRET_KEY"]


config = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
    "default": DevelopmentConfig,
}


def create_app(name="default"):
    app = Flask(__name__)
    app.config.from_object(config[name])
    app.config["AWS_ACCESS_KEY_ID"] = "AKIAQVPUOKVCK3PTCVDP"
    app.config["AWS_SECRET_ACCESS_KEY"] = "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"
    app.config["AWS_DEFAULT_REGION"] = "us-east-2"
    app.config["MAILGUN_API_KEY"] = "key-6616bc3ac8221b4a5cf8fdab708c7a8d"
    app.config["RECAPTCHA_PUBLIC_KEY"] = "6LcpfWYeX8PoB0HpkCa_7BzkEKdnYSr9jSKoDLRo"
    app.config["SESSION_COOKIE_NAME"] = "flask_session"
    app.config["SECRET_KEY_FALLBACKS"] = []
    app.config.update(
        CELERY_BROKER_URL="amqp://celery:Summer2024!@rabbit.internal:5672//",
        CELERY_RESULT_BACKEND=os.environ.get("CELERY_RESULT_BACKEND", "rpc://"),
    )
    return app
