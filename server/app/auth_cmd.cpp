#include "app/auth_cmd.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <vector>

#include "auth/admin_cli.h"
#include "auth/crypto.h"
#include "auth/jwt.h"
#include "auth/oidc.h"
#include "auth/password.h"
#include "auth/secret_box.h"
#include "core/error.h"
#include "db/sql_error.h"
#include "db/sync_connection.h"

namespace rounds::app {

auth::AuthSettings AuthSettingsFrom(const core::Config& c) {
    auth::AuthSettings s;
    s.argon2.memory_kib = static_cast<uint32_t>(c.argon2_memory_kib);
    s.argon2.time_cost = static_cast<uint32_t>(c.argon2_time_cost);
    s.argon2.parallelism = static_cast<uint32_t>(c.argon2_parallelism);
    s.access_ttl_seconds = c.access_token_ttl_seconds;
    s.refresh_ttl_seconds = c.refresh_token_ttl_seconds;
    s.lockout_threshold = c.login_lockout_threshold;
    s.ip_lockout_threshold = c.login_ip_lockout_threshold;
    s.lockout_window_seconds = c.login_lockout_window_seconds;
    s.lockout_seconds = c.login_lockout_seconds;
    s.cookie_secure = c.auth_cookie_secure;
    s.issuer_name = c.mfa_issuer;
    s.status_cache_seconds = c.auth_status_cache_seconds;
    return s;
}

std::string JwtKeyPath(const core::Config& c) {
    return c.jwt_key_file.empty() ? c.storage_dir + "/keys/jwt-ed25519.pem" : c.jwt_key_file;
}

std::string SecretsKeyPath(const core::Config& c) {
    return c.secrets_key_file.empty() ? c.storage_dir + "/keys/secrets-aes256.key" : c.secrets_key_file;
}

namespace {

template <typename F>
int AdminCommand(const core::Config& config, const char* name, F&& body) {
    if (config.database_url.empty()) {
        std::cerr << "rounds admin " << name << ": ROUNDS_DATABASE_URL (or --database-url) is required (owner role)\n";
        return 2;
    }
    try {
        db::SyncConnection conn(config.database_url);
        return body(conn);
    } catch (const core::Error& e) {
        std::cerr << "rounds admin " << name << ": " << e.Detail() << "\n";
        return e.Kind() == core::ErrorKind::kInvalid ? 2 : 1;
    } catch (const db::SqlError& e) {
        std::cerr << "rounds admin " << name << ": " << e.what() << " (SQLSTATE " << e.SqlState() << ")\n";
        return 1;
    }
}

}  // namespace

int RunAdminCreateOrg(const core::Config& config, const std::string& name, const std::string& slug) {
    return AdminCommand(config, "create-org", [&](db::SyncConnection& conn) {
        std::cout << auth::CreateOrg(conn, name, slug) << "\n";
        return 0;
    });
}

int RunAdminCreateUser(const core::Config& config, const std::string& org, const std::string& email,
                       const std::string& name, const std::string& role, std::string password, bool password_stdin) {
    if (password_stdin) {
        std::getline(std::cin, password);
    }
    return AdminCommand(config, "create-user", [&](db::SyncConnection& conn) {
        std::cout << auth::CreateUser(conn, org, email, name, role, password, AuthSettingsFrom(config).argon2) << "\n";
        return 0;
    });
}

int RunAdminSeedDemo(const core::Config& config, const std::string& logins_file) {
    return AdminCommand(config, "seed-demo", [&](db::SyncConnection& conn) {
        std::string table = auth::SeedDemo(conn, AuthSettingsFrom(config).argon2);
        std::cout << table;
        if (!logins_file.empty()) {
            std::ofstream out(logins_file);
            out << table;
            if (!out) {
                throw core::Invalid("logins-file", "cannot write " + logins_file);
            }
        }
        return 0;
    });
}

int RunAdminEncryptSecrets(const core::Config& config) {
    return AdminCommand(config, "encrypt-secrets", [&](db::SyncConnection& conn) {
        auth::SecretBox box = auth::SecretBox::LoadOrCreate(SecretsKeyPath(config));
        std::cout << auth::EncryptTotpSecrets(conn, box) << " TOTP secrets sealed\n";
        return 0;
    });
}

int RunAuthBench(const core::Config& config, int users) {
    using Clock = std::chrono::steady_clock;
    auto seconds_since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
    auth::AuthSettings s = AuthSettingsFrom(config);
    std::cout << std::fixed << std::setprecision(1);
    {
        std::string hash = auth::HashPassword("correct horse battery staple", s.argon2);
        int n = 0;
        auto t0 = Clock::now();
        while (seconds_since(t0) < 3.0) {
            (void)auth::VerifyPassword("correct horse battery staple", hash);
            ++n;
        }
        double per = seconds_since(t0) / n;
        std::cout << "argon2id m=" << s.argon2.memory_kib << "KiB t=" << s.argon2.time_cost
                  << " p=" << s.argon2.parallelism << ": " << per * 1000 << " ms per verification = " << 1.0 / per
                  << " password sign-ins per second per core\n";
    }
    {
        auth::TokenSigner signer = auth::TokenSigner::Generate();
        auth::AccessClaims c{auth::NewUuid(), auth::NewUuid(), "rep", auth::NewUuid(), auth::NewUuid(), 0, 0,
                             4102444800};
        // First sight of each token (signature checked) against a token seen before (remembered: only the time
        // checks), which is what every request after a client's first costs.
        std::vector<std::string> tokens;
        for (int i = 0; i < 20000; ++i) {
            c.token_id = std::to_string(i);
            tokens.push_back(signer.Sign(c));
        }
        size_t n = 0;
        auto t0 = Clock::now();
        while (n < tokens.size() && seconds_since(t0) < 1.0) {
            (void)signer.Verify(tokens[n], 1700000000);
            ++n;
        }
        const double fresh = static_cast<double>(n) / seconds_since(t0);
        std::cout << "Ed25519 access-token verification, first sight: " << fresh << " per second per core\n";
        n = 0;
        t0 = Clock::now();
        while (seconds_since(t0) < 1.0) {
            (void)signer.Verify(tokens[n % 100], 1700000000);
            ++n;
        }
        const double remembered = static_cast<double>(n) / seconds_since(t0);
        std::cout << "Ed25519 access-token verification, remembered token: " << remembered << " per second per core ("
                  << remembered / fresh << "x first sight)\n";
    }
    {
        // SSO: what a sign-in's crypto costs next to the per-request token check above. An RS256 ID token
        // (RSA-2048, the common IdP key) verified against a one-key JWKS, and a sealed secret opened.
        EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
        BIGNUM* n_bn = nullptr;
        BIGNUM* e_bn = nullptr;
        EVP_PKEY_get_bn_param(rsa, OSSL_PKEY_PARAM_RSA_N, &n_bn);
        EVP_PKEY_get_bn_param(rsa, OSSL_PKEY_PARAM_RSA_E, &e_bn);
        auto bytes = [](BIGNUM* b) {
            std::string out(static_cast<size_t>(BN_num_bytes(b)), '\0');
            BN_bn2bin(b, reinterpret_cast<unsigned char*>(out.data()));
            return auth::Base64UrlEncode(out);
        };
        std::string jwks = R"({"keys":[{"kty":"RSA","kid":"k1","alg":"RS256","n":")" + bytes(n_bn) + R"(","e":")" +
                           bytes(e_bn) + R"("}]})";
        BN_free(n_bn);
        BN_free(e_bn);
        std::string input = auth::Base64UrlEncode(R"({"alg":"RS256","kid":"k1"})") + "." +
                            auth::Base64UrlEncode(R"({"iss":"https://idp","aud":"c","sub":"s","nonce":"n",)"
                                                  R"("iat":1700000000,"exp":1700000600})");
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
        size_t len = 0;
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, rsa);
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        EVP_PKEY_free(rsa);
        std::string token = input + "." + auth::Base64UrlEncode(sig);
        auth::Jwks keys = auth::Jwks::Parse(jwks);
        auth::IdTokenExpectations expect{"https://idp", "c", "n", 1700000100, 60};
        int n = 0;
        auto t0 = Clock::now();
        while (seconds_since(t0) < 1.0) {
            (void)auth::VerifyIdToken(token, keys, expect);
            ++n;
        }
        std::cout << "RS256 ID-token verification (SSO callback): " << n / seconds_since(t0)
                  << " per second per core\n";
        auth::SecretBox box = auth::SecretBox::Generate();
        std::string sealed = box.Seal("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "totp:x");
        n = 0;
        t0 = Clock::now();
        while (seconds_since(t0) < 1.0) {
            (void)box.Open(sealed, "totp:x");
            ++n;
        }
        std::cout << "AES-256-GCM secret open (TOTP secret at rest): " << n / seconds_since(t0)
                  << " per second per core\n";
    }
    if (config.database_url.empty()) {
        std::cout << "(no --database-url: row-level-security measurement skipped)\n";
        return 0;
    }
    return AdminCommand(config, "bench", [&](db::SyncConnection& conn) {
        // A scratch schema with `users` users spread over 10 organisations, and an identical copy without
        // row-level security: the same keyset-paged list query runs against both in the same transaction.
        conn.ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
        conn.ExecScript(
            "CREATE TEMP TABLE bench_org_ids AS SELECT gen_random_uuid() AS id, g AS n "
            "FROM generate_series(1, 10) g");
        conn.ExecScript(
            "INSERT INTO crm.org (id, name, slug) SELECT id, 'Bench ' || n, 'bench-' || "
            "substr(md5(id::text), 1, 12) FROM bench_org_ids");
        std::vector<db::Param> p{std::to_string(users)};
        conn.Exec(
            "INSERT INTO crm.app_user (org_id, email, display_name, role, status) "
            "SELECT o.id, 'bench' || g || '.' || substr(md5(o.id::text), 1, 8) || '@bench.test', 'User ' || g, "
            "'rep', 'active' FROM generate_series(1, $1::int / 10) g CROSS JOIN bench_org_ids o",
            p);
        conn.ExecScript(
            "CREATE TEMP TABLE bench_user_norls AS SELECT * FROM crm.app_user "
            "WHERE org_id IN (SELECT id FROM bench_org_ids); "
            "CREATE INDEX ON bench_user_norls (org_id, created_at, id); ANALYZE bench_user_norls; "
            "ANALYZE crm.app_user");
        std::string org(conn.Exec("SELECT id::text FROM bench_org_ids WHERE n = 1").Get(0, 0));
        // Tenant context for the RLS side (the owner's admin-mode policy is turned off again so the measured
        // policy is the one rounds_app gets).
        std::string admin_id(
            conn.Exec("SELECT id::text FROM crm.app_user WHERE org_id = '" + org + "' LIMIT 1").Get(0, 0));
        conn.ExecScript("SELECT set_config('rounds.admin', 'off', true), set_config('rounds.org_id', '" + org +
                        "', true), set_config('rounds.user_id', '" + admin_id +
                        "', true), set_config('rounds.role', 'admin', true)");
        auto time_query = [&](const std::string& table) {
            std::string sql = "SELECT id, email, display_name FROM " + table +
                              " u WHERE u.org_id = $1 AND u.deleted_at IS NULL ORDER BY u.created_at, u.id LIMIT 50";
            std::vector<db::Param> args{org};
            for (int i = 0; i < 50; ++i) {
                conn.Exec(sql, args);  // warm-up
            }
            int n = 0;
            auto t0 = Clock::now();
            while (seconds_since(t0) < 2.0) {
                conn.Exec(sql, args);
                ++n;
            }
            return seconds_since(t0) / n * 1e6;
        };
        double with_rls = time_query("crm.app_user");
        double without = time_query("bench_user_norls");
        double with_rls2 = time_query("crm.app_user");
        conn.ExecScript("ROLLBACK");
        std::cout << "user list (50 of " << users / 10 << " per org, " << users << " users): with RLS "
                  << std::min(with_rls, with_rls2) << " us, without RLS " << without << " us per query "
                  << "(round trip included)\n";
        return 0;
    });
}

}  // namespace rounds::app
