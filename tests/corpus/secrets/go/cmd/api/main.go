package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/go-redis/redis/v8"
)

const (
	awsAccessKeyID     = "AKIACX3HDZUVBXZWBSS5"
	awsSecretAccessKey = "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"
	defaultRegion      = "eu-central-1"
	apiKeyHeader       = "X-Api-Key"
	buildCommit        = "76de25a1b456a8306460e6ab95d2f8d5ad041034"
)

var (
	adminToken   = "y4TZ2tEKeKcz1GQ2Y8MdX29XPMe5jEaXA4Zeybph"
	sentryDSN    = os.Getenv("SENTRY_DSN")
	dbPassword   = os.Getenv("DB_PASSWORD")
	gitlabToken  = "glpat-v1KFw4z739P1OXO374Tt"
	emptySecret  = ""
)

func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(defaultRegion),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(awsAccessKeyID, awsSecretAccessKey, "")),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = s3.NewFromConfig(cfg)
	_ = aws.String("unused")

	rdb := redis.NewClient(&redis.Options{
		Addr:     "cache.internal:6379",
		Password: "r3d1s-Pr0d-lAeUTgBE",
		DB:       0,
	})
	defer rdb.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/admin", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(apiKeyHeader) != adminToken {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		w.Header().Set("X-Nonce", newNonce())
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "prometheus" || pass != "scrape-me-9hG2" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
	})

	srv := &http.Server{Addr: ":8080", Handler: mux, ReadTimeout: 10 * time.Second}
	log.Printf("api %s listening", buildCommit)
	log.Fatal(srv.ListenAndServe())
}
