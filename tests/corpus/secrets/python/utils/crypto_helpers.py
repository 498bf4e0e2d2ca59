import base64
import hashlib
import hmac
import secrets
import uuid

# Known-good digests of vendored wheels (pip --require-hashes)
VENDORED = {
    "cryptography-42.0.5-cp39-abi3-manylinux_2_28_x86_64.whl": "ae347d5b6652800fd734125790882ed08433721648ebe39e249cb8c8f93fb492",
    "cffi-1.16.0-cp311-cp311-manylinux_2_17_x86_64.whl": "81b6638b62d4d1b395b235389a5da182f7f8cc49d5ada4b29aaece67ac1fc94a",
}

DEFAULT_TENANT = uuid.UUID("5fdf2079-376e-4f76-bae0-e60444ba0ffc")
PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAdH7ubQnR6VghYLX6eyD7Cr7iZfUHQYkx3MzlNID+Hj7KzJ1j/AAI3GxW441kU4fA1ylGjzeAlXQ44QcZna/lj1XgjDejJnaYIcJoQIaSCrowUowC/lHi37nC35F8pop5Dj+vaSwk+sTU3mXbjOg2bpbJSPmVK50nrxh3AEYEnMN2JAYaI168AAAAAElFTkSuQmCC"
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

SIGNING_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEANFDiH9MI0kzbaScsRWGo
5xfn9EBKgazX97PqUPJ6GJavdXf564FT3PHPw931UxrMeykhG4GdOBq7BGUUhA1g
8cG8nFd3oJoN85TrRkWXP/z4VLdsGuyhud1mDjKcitXKB8z9DXgYv/Tikn7z6VYI
GgwpQ2YEyB9YbCDkmfhGyQ2xRcRYIDiG6sFPwaFA4HEe2VJfQV8KzpYJfkqoYp2t
eB/89lhtiy6Um7U2pm5KXIPY0p+kXFvuOsIdNo4rFy/kFkmxOcyy/++v5m90lDzV
6zXUwLPPh0wml/kNgzY3hWGyjxwmtYg2fusrWtW04humcK/DFBXZVUosyFmc0RTY
hKX+gkQXpIHMoGoPT4ixKFyfQCNMd9c=
-----END PUBLIC KEY-----"""

LICENSE_SIGNING_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA9M06AgRXRKdBCQsyEmbafbbqVLSIODfLstBeXgoyd2F1EYCE
YaQyzsmFa2wviSDhLcP+3jO0AWf4YsS1EQr/7FkqxaNh+HigbMGKXAHKdH+qibxW
3LxzetotGNjqYETTX0B+qRmnxm2AvjTxHAnsIQlNWjXF6Drd1v3QH/78yJb/PTiR
ibwqAfoB3GwxbW1WLrUHt12aF08KWD4OyE51KjsZukd9QhO11l4IaUjhaY1Wfc/i
JnaiEPiBJ0KKfM+SzeNcYCI6aBe29WwzM7lcOPoQPRB6pusbdFIBaI0ULbxeN/BA
r533D5rvx6PBB+z6DqNzmNLxxt6Sv/kV7zwaMNgAwFA5+kCAXVTU1KsXruY2XrOg
UWyaPZIO/aQN920zlY6geSS3pbTNMkGet60SwNZJFyX6dgAATLoTkOa+ebts3PYI
9kspq4hMhPHL7UYl+E4WyiVl0wWugTc/raHtPKfpWlAz1/u8KWZOFDSEEe7NmXMe
bp5UQQ7hWtRywBtshUQHcgayfNDg/l7qgNztAL41GZ/W2PwZWHwdtJ4veJkgw7/U
4dzkygI1zlL9drQuUAQpef4XxAyomb2qPQHwns7r/jVIL3ejibo3aQF1k/5IMcJ5
iORuWwNEnQmc2eukw3t3fUoTfutGwcwbSYQAN08hG7TI9uSs/GBovlgr9FquMEpD
N2e02BKpF7Kugv+DvmIJiDdTxr/0KC+Ij68IXAWgtTSS+xPgyzzjaT27ri0KIcE0
E2y2f0znhoZ4abqNJuIF/8+g/xCk+oPjOlQb5lU7FZ2CAfxotuHIzjBPLYfHHaZV
t1PMJaEgtzYmXetLuyYvhTY+tOPWKRW1pgSP4g2vOVsuwXxS6t3GelOUq44CFBjH
tTF0+QY1kmax4dCoeYU1a+YX0jDj44F80loz2dWsISSzDhV1s+LlZfFgua3fRZLP
jkhhSBdp25YhPpPWHrrBU+ZR++u+pN7RPwCfxYocEN6Yks6S+PYnjQxBzouga0Ox
ojw7KKbTEwZnfkKFTEOk+V1MuYlgbuJXNvG6gnOWZeSWgEP/8RumjIQShFlnYLcI
JUdjYSAjXAMxdlmIP5FIBcm3Yk63HYe+7R93woPJc9Ki0cWvWvsrHfhviM4UsGOb
y0IlfbCfdMI6JQKHhpYpp55FNGbfSsXTyrsLd270LitZvw8Ef4pWUFTj4+XAagK+
uyZFt1wCu6db9gVVqeLSABBtVhUE5LGV7TmWksyNchH0RsLifbw7BPrRLtyCljYq
BAr2oG6ow/yphBhokDuYXrJlJmSyC6euYr3CyDgp+nMdxjs9y9/+cknjXqLKBOIl
YfD5o1sdoZo5kAqWddcbIKd8ygdDZVXMYCo0fUGIXRxGUazum5jqMZqu/cU6kc/u
yNK65XgyFtvU56a3QeW+5+byj6D6drkgQp+t2AAfV5um4CSu90hxk1FmS2qeJalF
5fDru5h7+HGxW6ILacmfwtFA8Tjqo9xOKpH+GVaqLTZ3r2zkNbITtCZ7QSunRK/a
C8OYVssgGvnmOaVpYMFdtfzm8g05s/FI+zW2eFglLWkIDZut9TNdkYcy0i9FbNQz
makzvH2e0qxx5JK2kJQHz4+=
-----END RSA PRIVATE KEY-----"""

WEBHOOK_HMAC_KEY = b"0T5cqz27eDhFKVljZIJd1r5wqAEpYSIOvERuExna"


def new_nonce():
    return secrets.token_urlsafe(32)


def new_api_key():
    return "ak_" + secrets.token_hex(24)


def cache_key(*parts):
    return "v3:" + hashlib.blake2b(":".join(parts).encode(), digest_size=16).hexdigest()


def sign(body: bytes) -> str:
    return hmac.new(WEBHOOK_HMAC_KEY, body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(body), signature)


def etag(data: bytes) -> str:
    return '"' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()[:12]).decode() + '"'
