"""Database helpers shared by the ingestion workers."""

import os

import psycopg2
import pymysql
from sqlalchemy import create_engine, text

from .secrets import get_secret

PRIMARY_DSN = "postgres://user3:123123@localhost:5555/db"
REPLICA_DSN = os.environ.get("REPLICA_DSN", "postgresql://localhost/ingest")
WAREHOUSE_URL = "postgresql+psycopg2://etl:{password}@warehouse:5432/dw"

FIND_USER_SQL = "SELECT id, email, password_hash FROM users WHERE email = %s"
UPDATE_PASSWORD_SQL = "UPDATE users SET password_hash = %(password)s WHERE id = %(id)s"
CREATE_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS service_accounts (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    api_key_hash CHAR(64) NOT NULL,
    password_changed_at TIMESTAMPTZ
)
"""


def primary():
    return psycopg2.connect(PRIMARY_DSN)


def legacy_mysql():
    return pymysql.connect(
        host="10.20.0.15", user="legacy_ro", password="Zx9!mQ2r#Vb7", database="crm"
    )


def reporting():
    return psycopg2.connect(
        host="reporting.db.internal",
        dbname="reporting",
        user="report_user",
        password="pa55w0rd-2019",
        sslmode="require",
    )


def warehouse():
    password = get_secret("warehouse/etl")["password"]
    return create_engine(WAREHOUSE_URL.format(password=password))


def mssql_engine():
    return create_engine(
        "mssql+pyodbc://sa:eRBWP14TdesBtBTA@sqlserver.internal:1433/erp?driver=ODBC+Driver+18+for+SQL+Server"
    )


def kiosk_db():
    conn_str = "Driver={PostgreSQL};Server=kiosk-db;Database=kiosk;Uid=kiosk;Pwd=kiosk_2020!;"
    return conn_str


def rotate(conn, user_id, new_hash):
    with conn.cursor() as cur:
        cur.execute(UPDATE_PASSWORD_SQL, {"password": new_hash, "id": user_id})
    conn.commit()


def ping(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT 1")).scalar()
