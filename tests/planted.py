"""The planted problems of the end-to-end tests, and clean code that must stay quiet.

The key is assembled at run time so this repository never holds a live-looking secret literal.
"""

from __future__ import annotations

FAKE_KEY = "sk_live_" + "51Hx9QmT7vLp2KcR8wZy4NdA3"

PY_SERVICE = f'''import hashlib
import sqlite3

import requests

PAYMENTS_API_KEY = "{FAKE_KEY}"


def find_user(conn: sqlite3.Connection, name: str):
    cursor = conn.cursor()
    cursor.execute(f"SELECT id, email FROM users WHERE name = '{{name}}'")
    return cursor.fetchone()


def fetch_invoice(url: str) -> dict:
    response = requests.get(url, timeout=10, verify=False)
    response.raise_for_status()
    return response.json()
'''

PY_GEOMETRY = """import math


def area_of_circle(radius: float) -> float:
    return math.pi * radius * radius


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def slugify(title: str) -> str:
    words = [w for w in title.lower().split() if w.isalnum()]
    return "-".join(words)


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
"""

JS_ROUTES = """const { exec } = require("child_process");
const express = require("express");

const app = express();

app.get("/list", (req, res) => {
  exec("ls " + req.query.dir, (err, stdout) => {
    if (err) {
      res.status(500).send("failed");
      return;
    }
    res.send(stdout);
  });
});

function capitalize(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

module.exports = { app, capitalize };
"""

JAVA_ACCOUNTS = """package com.example.accounts;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

public class PasswordStore {
    public String hashPassword(String password) throws NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("MD5");
        byte[] hash = digest.digest(password.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, hash));
    }

    public int perimeter(int width, int height) {
        return 2 * (width + height);
    }
}
"""

HARMLESS = """

def midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
"""

# (path, rule id, CWE, the line the finding must point at)
EXPECTED = [
    ("Accounts.java", "weak-password-hash", "CWE-328", 10),
    ("routes.js", "command-injection", "CWE-78", 7),
    ("service.py", "hardcoded-secret", "CWE-798", 6),
    ("service.py", "sql-injection", "CWE-89", 11),
    ("service.py", "tls-verification-disabled", "CWE-295", 16),
]
