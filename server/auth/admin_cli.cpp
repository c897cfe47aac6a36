#include "auth/admin_cli.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "db/sql_error.h"

namespace rounds::auth {

namespace {

constexpr std::string_view kAdminBegin = "BEGIN; SELECT set_config('rounds.admin', 'on', true)";

/// Runs `body` in one admin-mode transaction; a refusal by row-level security means the wrong role.
template <typename F>
auto InAdminTx(db::SyncConnection& conn, F&& body) {
    conn.ExecScript(kAdminBegin);
    try {
        auto out = body();
        conn.ExecScript("COMMIT");
        return out;
    } catch (const db::SqlError& e) {
        conn.ExecScript("ROLLBACK");
        if (e.SqlState() == "42501") {
            throw core::Error(core::ErrorKind::kForbidden,
                              "row-level security refused the change: run `rounds admin` with the owner role's "
                              "database URL (the one `rounds migrate` uses), not the server's");
        }
        throw;
    } catch (...) {
        conn.ExecScript("ROLLBACK");
        throw;
    }
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string UpsertOrg(db::SyncConnection& conn, const std::string& name, const std::string& slug) {
    std::vector<db::Param> p{name, slug};
    return std::string(conn.Exec("INSERT INTO crm.org (name, slug) VALUES ($1, $2) "
                                 "ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id",
                                 p)
                           .Get(0, 0));
}

/// Inserts or resets a user to active with the given password; returns the id.
std::string UpsertUser(db::SyncConnection& conn, const std::string& org_id, const std::string& email,
                       const std::string& name, const std::string& role, const std::optional<std::string>& manager,
                       const std::string& hash) {
    std::vector<db::Param> p{org_id, email, name, role, manager, hash};
    db::Result r = conn.Exec(
        "INSERT INTO crm.app_user (org_id, email, display_name, role, manager_id, status, password_hash, "
        "password_changed_at) VALUES ($1, $2, $3, $4, $5::uuid, 'active', $6, now()) "
        "ON CONFLICT (email) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role, "
        "manager_id = EXCLUDED.manager_id, status = 'active', password_hash = EXCLUDED.password_hash, "
        "password_changed_at = now(), mfa_enabled = false, mfa_secret = NULL, mfa_pending_secret = NULL "
        "WHERE crm.app_user.org_id = EXCLUDED.org_id RETURNING id",
        p);
    if (r.Rows() == 0) {
        throw core::Invalid("email", email + " already belongs to another organisation");
    }
    return std::string(r.Get(0, 0));
}

}  // namespace

std::string CreateOrg(db::SyncConnection& conn, const std::string& name, const std::string& slug) {
    if (name.empty() || name.size() > 200) {
        throw core::Invalid("name", "must be 1 to 200 characters");
    }
    if (slug.empty() || slug.size() > 63 ||
        slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos || slug.front() == '-') {
        throw core::Invalid("slug", "must be lower-case letters, digits and dashes (at most 63)");
    }
    return InAdminTx(conn, [&] { return UpsertOrg(conn, name, slug); });
}

std::string CreateUser(db::SyncConnection& conn, const std::string& org_slug, const std::string& email_in,
                       const std::string& display_name, const std::string& role, const std::string& password,
                       const Argon2Params& argon2) {
    std::string email = Lower(email_in);
    if (email.find('@') == std::string::npos || email.size() > 254) {
        throw core::Invalid("email", "must be an e-mail address");
    }
    if (role != "rep" && role != "manager" && role != "admin") {
        throw core::Invalid("role", "must be rep, manager or admin");
    }
    if (auto bad = CheckPasswordPolicy(password, email)) {
        throw core::Invalid("password", *bad);
    }
    std::string hash = HashPassword(password, argon2);
    return InAdminTx(conn, [&] {
        std::vector<db::Param> p{org_slug};
        db::Result org = conn.Exec("SELECT id FROM crm.org WHERE slug = $1", p);
        if (org.Rows() == 0) {
            throw core::Invalid("org", "no organisation with slug " + org_slug + " (rounds admin create-org first)");
        }
        return UpsertUser(conn, std::string(org.Get(0, 0)), email, display_name.empty() ? email : display_name, role,
                          std::nullopt, hash);
    });
}

std::string SeedDemo(db::SyncConnection& conn, const Argon2Params& argon2) {
    struct DemoUser {
        std::string org, email, name, role, password;
    };
    const std::string acme_pw = "Rounds-Demo-Acme-1";
    const std::string globex_pw = "Rounds-Demo-Globex-1";
    std::vector<DemoUser> users{
        {"Acme Pharma Demo", "admin@acme.demo", "Ada Admin", "admin", acme_pw},
        {"Acme Pharma Demo", "manager@acme.demo", "Max Manager", "manager", acme_pw},
        {"Acme Pharma Demo", "rep@acme.demo", "Rita Rep", "rep", acme_pw},
        {"Globex Devices Demo", "admin@globex.demo", "Gus Admin", "admin", globex_pw},
        {"Globex Devices Demo", "rep@globex.demo", "Gina Rep", "rep", globex_pw},
    };
    std::vector<std::string> hashes;
    for (const auto& u : users) {
        hashes.push_back(HashPassword(u.password, argon2));
    }
    InAdminTx(conn, [&] {
        std::string acme = UpsertOrg(conn, "Acme Pharma Demo", "acme-pharma-demo");
        std::string globex = UpsertOrg(conn, "Globex Devices Demo", "globex-devices-demo");
        UpsertUser(conn, acme, users[0].email, users[0].name, "admin", std::nullopt, hashes[0]);
        std::string manager = UpsertUser(conn, acme, users[1].email, users[1].name, "manager", std::nullopt, hashes[1]);
        UpsertUser(conn, acme, users[2].email, users[2].name, "rep", manager, hashes[2]);
        UpsertUser(conn, globex, users[3].email, users[3].name, "admin", std::nullopt, hashes[3]);
        UpsertUser(conn, globex, users[4].email, users[4].name, "rep", std::nullopt, hashes[4]);
        return 0;
    });
    auto pad = [](std::string s, size_t n) {
        s.resize(std::max(n, s.size()), ' ');
        return s;
    };
    std::string out = pad("organisation", 21) + pad("role", 9) + pad("email", 20) + "password\n";
    out += std::string(21 + 9 + 20 + 20, '-') + "\n";
    for (const auto& u : users) {
        out += pad(u.org, 21) + pad(u.role, 9) + pad(u.email, 20) + u.password + "\n";
    }
    out += "(rep@acme.demo reports to manager@acme.demo; Globex is a separate tenant that sees none of Acme)\n";
    return out;
}

int EncryptTotpSecrets(db::SyncConnection& conn, const SecretBox& box) {
    return InAdminTx(conn, [&] {
        db::Result r = conn.Exec(
            "SELECT id::text, mfa_secret, mfa_pending_secret FROM crm.app_user "
            "WHERE (mfa_secret IS NOT NULL AND mfa_secret NOT LIKE 'v1:%') "
            "OR (mfa_pending_secret IS NOT NULL AND mfa_pending_secret NOT LIKE 'v1:%') FOR UPDATE");
        int sealed = 0;
        for (int i = 0; i < r.Rows(); ++i) {
            std::string id(r.Get(i, 0));
            std::optional<std::string> secret, pending;
            if (auto v = r.GetOpt(i, 1)) {
                secret = SecretBox::IsSealed(*v) ? std::string(*v) : box.Seal(*v, "totp:" + id);
                sealed += SecretBox::IsSealed(*v) ? 0 : 1;
            }
            if (auto v = r.GetOpt(i, 2)) {
                pending = SecretBox::IsSealed(*v) ? std::string(*v) : box.Seal(*v, "totp:" + id);
                sealed += SecretBox::IsSealed(*v) ? 0 : 1;
            }
            std::vector<db::Param> params{id, secret, pending};
            conn.Exec("UPDATE crm.app_user SET mfa_secret = $2, mfa_pending_secret = $3 WHERE id = $1::uuid", params);
        }
        return sealed;
    });
}

}  // namespace rounds::auth
