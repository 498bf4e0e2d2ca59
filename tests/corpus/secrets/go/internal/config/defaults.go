package config

import "os"

// Defaults used when the environment does not override them.
// FIXME: these were copied from the staging secret; rotate and remove.
var Defaults = map[string]string{
	"SENDGRID_API_KEY":   "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",
	"TWILIO_AUTH_TOKEN":  "f50fb47f564f6e90aa6484b4c41598dd",
	"STRIPE_SECRET_KEY":  "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",
	"GITHUB_TOKEN":       "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",
	"VAULT_TOKEN":        "hvs.G0F1PRuao4xMZgJTiQ8MK2zw",
	"REDIS_URL":          "redis://default:N2tZ5X7N7W3aIQt72NGHFEaO@redis.staging.internal:6379",
	"AMQP_URL":           "amqp://reports:Qu3ue-St4ging@mq.staging.internal:5672/",
	"SESSION_KEY":        "cQVSauArsBEvjU4HRQZoBw1CLXK9sfpPZkDYhdn3CfA=",
	"PASSWORD_MIN":       "12",
	"TOKEN_TTL":          "1h",
	"API_KEY_HEADER":     "X-Api-Key",
	"SENTRY_ENVIRONMENT": "staging",
}

func Get(key string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return Defaults[key]
}
