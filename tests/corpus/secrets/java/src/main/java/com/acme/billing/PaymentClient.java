package com.acme.billing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

public class PaymentClient {

    private static final String BASE_URL = "https://api.payments-gateway.example/v2";
    private static final String MERCHANT_ID = "acme-billing-eu";
    private static final String API_KEY = "pgw_live_uq390vm2hWj0BUTQwxPXoVfAswRJfXPt";
    private static final String API_SECRET = "+g1AGPudHPWi4YEgDKuqnD6jJCvK/7beEy5Nd84rvR8=";
    private static final String API_KEY_HEADER = "X-Api-Key";
    private static final String SIGNATURE_ALGO = "HmacSHA256";
    private static final String SANDBOX_KEY = System.getenv().getOrDefault("PGW_SANDBOX_KEY", "");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public String charge(String customerId, long amountCents) throws Exception {
        String idempotency = UUID.randomUUID().toString();
        String basic = Base64.getEncoder().encodeToString(
                (MERCHANT_ID + ":" + API_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(BASE_URL + "/charges"))
                .header(API_KEY_HEADER, API_KEY)
                .header("Authorization", "Basic " + basic)
                .header("Idempotency-Key", idempotency)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"customer\":\"" + customerId + "\",\"amount\":" + amountCents + "}"))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    public String refundLegacy(String chargeId) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://legacy-pay.example/refund/" + chargeId))
                .header("Authorization", "Basic YWNtZTpSM2Z1bmQhTGVnYWN5")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    public String fxRates() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://fx.example/latest"))
                .header("Authorization", "Bearer 9TsBZXu3TIfyHgbXtWuZtggsmtdQx9mC5WfF14o9UH2LM99B")
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }
}
