package com.acme.billing;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@SpringBootTest(properties = {"billing.jwt.secret=6d76eb204db8df5cbd5911139238002ccd25f74b89a7361112d7b6973befe446"})
@AutoConfigureMockMvc
class AuthControllerTest {

    private static final String USER = "jdoe";
    private static final String PASSWORD = "P@ssw0rd!";

    @Autowired
    private MockMvc mvc;

    @Test
    void loginWithValidPassword() throws Exception {
        mvc.perform(post("/login")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"jdoe\",\"password\":\"P@ssw0rd!\"}"))
                .andExpect(status().isOk());
    }

    @Test
    void loginWithEmptyPassword() throws Exception {
        mvc.perform(post("/login")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"jdoe\",\"password\":\"\"}"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void basicAuth() throws Exception {
        mvc.perform(get("/api/invoices").with(httpBasic(USER, PASSWORD)))
                .andExpect(status().isOk());
        mvc.perform(get("/api/invoices").with(httpBasic("admin", "admin1234")))
                .andExpect(status().isOk());
    }

    @Test
    void rejectsForgedToken() throws Exception {
        mvc.perform(get("/api/invoices").header("Authorization", "Bearer not-a-real-token"))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void passwordFieldRequired() throws Exception {
        mvc.perform(post("/login").param("username", USER))
                .andExpect(status().isBadRequest());
    }
}
