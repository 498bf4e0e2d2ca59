package com.acme.billing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

@Configuration
public class DataSourceConfig {

    private static final String LEGACY_URL = "jdbc:oracle:thin:@legacy-db:1521/BILLING";
    private static final String LEGACY_USER = "BILLING_APP";
    private static final String LEGACY_PASSWORD = "Orcl#Billing2018";

    @Value("${spring.datasource.password}")
    private String primaryPassword;

    @Value("${billing.reporting.password:}")
    private String reportingPassword;

    @Bean
    @Profile("!local")
    public DataSource dataSource(@Value("${spring.datasource.url}") String url,
                                 @Value("${spring.datasource.username}") String user) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(user);
        cfg.setPassword(primaryPassword);
        cfg.setMaximumPoolSize(20);
        return new HikariDataSource(cfg);
    }

    @Bean
    @Profile("local")
    public DataSource localDataSource() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:postgresql://localhost:5432/billing");
        cfg.setUsername("billing");
        cfg.setPassword("b1ll1ng-local");
        return new HikariDataSource(cfg);
    }

    @Bean
    public DataSource auditDataSource() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:mysql://audit-db:3306/audit?user=auditor&password=S3ctJ49KCsfCVo&useSSL=true");
        cfg.setPassword(System.getenv("AUDIT_DB_PASSWORD"));
        return new HikariDataSource(cfg);
    }

    public static Connection legacyConnection() throws SQLException {
        return DriverManager.getConnection(LEGACY_URL, LEGACY_USER, LEGACY_PASSWORD);
    }

    public static Connection warehouseConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlserver://dw:1433;databaseName=dw", "sa", "Sql$erver2017");
    }
}
