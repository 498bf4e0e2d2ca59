package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var testSigningKey = []byte("zdsJCNYNlG2aI57vzOTrf6WOTrF9fXDN")

// Sample token from jwt.io, used only to check that we reject foreign signatures.
const jwtIOSample = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

const serviceToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2NjkzNTgiLCJuYW1lIjoiY2ktYm90IiwiaWF0IjoxNjU1OTg4MTgwLCJzY29wZSI6ImRlcGxveSJ9.BnsPjFapFNG1JfO1Z7hh2hhNLnicmL3S1ZQTprUu9tw"

func TestRejectsForeignToken(t *testing.T) {
	if _, err := Parse(jwtIOSample, testSigningKey); err == nil {
		t.Fatal("expected signature error")
	}
}

func TestIssueAndParse(t *testing.T) {
	tok, err := Issue("user-42", time.Minute, testSigningKey)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := Parse(tok, testSigningKey)
	if err != nil || claims.Subject != "user-42" {
		t.Fatalf("bad claims: %v %v", claims, err)
	}
}

func TestMiddleware(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/me", nil)
	req.Header.Set("Authorization", "Bearer "+serviceToken)
	rr := httptest.NewRecorder()
	Middleware(testSigningKey)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})).ServeHTTP(rr, req)
	if rr.Code != http.StatusUnauthorized {
		t.Fatalf("got %d", rr.Code)
	}
}

func TestLoginHandler(t *testing.T) {
	users := map[string]string{"alice": "Summer2024!", "bob": "hunter2"}
	h := LoginHandler(users, testSigningKey)
	req := httptest.NewRequest(http.MethodPost, "/login", nil)
	req.SetBasicAuth("alice", "Summer2024!")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	if rr.Code != http.StatusOK {
		t.Fatalf("got %d", rr.Code)
	}
}

func TestEmptyPassword(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/login", nil)
	req.SetBasicAuth("alice", "")
	_ = jwt.SigningMethodHS256
}
