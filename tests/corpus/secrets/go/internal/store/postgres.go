package store

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/lib/pq"
	"github.com/hashicorp/vault/api"
)

const defaultDSN = "postgres://orders:Ord3rs!2021@db.internal:5432/orders?sslmode=disable"

const findUserByEmail = `SELECT id, email, password_hash, password_salt FROM users WHERE email = $1`

const resetPassword = `UPDATE users SET password_hash = $1, password_updated_at = now() WHERE id = $2`

type Config struct {
	Host     string
	User     string
	Password string `json:"password" yaml:"password"`
	DBName   string
}

func (c Config) DSN() string {
	return fmt.Sprintf("host=%s user=%s password=%s dbname=%s sslmode=require", c.Host, c.User, c.Password, c.DBName)
}

func Open() (*sql.DB, error) {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		dsn = defaultDSN
	}
	return sql.Open("postgres", dsn)
}

func OpenAnalytics() (*sql.DB, error) {
	cfg := Config{Host: "analytics.internal", User: "analyst", Password: "an4lyst-R3ad0nly", DBName: "events"}
	return sql.Open("postgres", cfg.DSN())
}

func OpenFromVault(client *api.Client) (*sql.DB, error) {
	secret, err := client.Logical().Read("database/creds/orders-ro")
	if err != nil {
		return nil, err
	}
	cfg := Config{
		Host:     "db.internal",
		User:     secret.Data["username"].(string),
		Password: secret.Data["password"].(string),
		DBName:   "orders",
	}
	return sql.Open("postgres", cfg.DSN())
}

func vaultClient() (*api.Client, error) {
	c, err := api.NewClient(&api.Config{Address: "https://vault.internal:8200"})
	if err != nil {
		return nil, err
	}
	c.SetToken("hvs.c4Bleg0Oq9BUaPgUPNktgvIE")
	return c, nil
}
