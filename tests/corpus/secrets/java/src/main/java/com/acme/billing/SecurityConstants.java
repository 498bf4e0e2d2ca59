package com.acme.billing;

import java.util.regex.Pattern;

/** Names and policies only; actual secrets come from Vault. */
public final class SecurityConstants {

    public static final String PASSWORD_PARAM = "password";
    public static final String TOKEN_HEADER = "Authorization";
    public static final String TOKEN_PREFIX = "Bearer ";
    public static final String API_KEY_HEADER = "X-API-KEY";
    public static final long TOKEN_EXPIRATION_MS = 864_000_000L;
    public static final int PASSWORD_MIN_LENGTH = 12;
    public static final String JWT_SECRET_ENV = "BILLING_JWT_SECRET";
    public static final String JWT_SECRET = System.getenv(JWT_SECRET_ENV);
    public static final String VAULT_PATH = "secret/data/billing/jwt";
    public static final String DEFAULT_PASSWORD_PLACEHOLDER = "********";
    public static final Pattern PASSWORD_POLICY =
            Pattern.compile("^(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])(?=.*[@#$%^&+=!]).{12,}$");
    public static final String[] PUBLIC_PATHS = {"/login", "/password/reset", "/actuator/health"};
    public static final String BUILD_SHA = "a3aff175ddd6bc15397357db74e29b26bc04d30f";
    public static final String TRUSTSTORE_SHA256 = "31E5B9F49C4D2D102ABB1AABBEF087888127FB8B8AB82744962E99F6F523406B";

    private SecurityConstants() {
    }
}
