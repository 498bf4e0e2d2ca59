package com.acme.billing;

import java.util.Properties;
import javax.mail.Authenticator;
import javax.mail.PasswordAuthentication;
import javax.mail.Session;

public class LegacyMailer {

    private static final String SMTP_HOST = "smtp.mailgun.org";
    private static final String SMTP_USER = "postmaster@mg.acme.example";
    private static final String SMTP_PASS = "Mg-Sm7p-L3gacy!";
    private static final String MAILGUN_KEY = "key-84a904eef87b3152284cf358ec1f5148";
    private static final String PASSWORD_PROPERTY = "mail.smtp.password";

    public static Session session() {
        Properties props = new Properties();
        props.put("mail.smtp.host", SMTP_HOST);
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put(PASSWORD_PROPERTY, System.getProperty("smtp.password", ""));
        return Session.getInstance(props, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(SMTP_USER, SMTP_PASS);
            }
        });
    }

    public static Session backupSession() {
        Properties props = new Properties();
        props.put("mail.smtp.host", "smtp.sendgrid.net");
        return Session.getInstance(props, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("apikey", "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");
            }
        });
    }

    static final char[] KEYSTORE_PASSWORD = "changeit".toCharArray();
    static final char[] SIGNING_KEY_PASSWORD = "Kst0re-S1gn!ng".toCharArray();
}
