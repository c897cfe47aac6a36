// `rounds`: one binary, many subcommands. Parses flags, builds the configuration, hands over to a command.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "app/auth_cmd.h"
#include "app/commands.h"
#include "core/config.h"
#include "core/error.h"
#include "core/log.h"
#include "gen/generator.h"
#include "ingest/ingest.h"
#include "markets/recompute.h"
#include "physicians/sql.h"
#include "routing/bench.h"

using rounds::core::Config;

int main(int argc, char** argv) {
    CLI::App app{
        "rounds: medical sales intelligence and CRM on public CMS data.\n"
        "Every setting is a flag here and a ROUNDS_* environment variable (see docs/configuration.md);\n"
        "flags win over the environment.",
        "rounds"};
    app.set_version_flag("--version", ROUNDS_VERSION " (" ROUNDS_GIT_COMMIT ")");
    app.require_subcommand(1);
    app.fallthrough();

    std::map<std::string, std::string> flag_values;
    std::map<std::string, CLI::Option*> flag_options;
    for (const auto& def : rounds::core::Settings()) {
        auto* opt = app.add_option("--" + def.name, flag_values[def.name],
                                   def.help + " [env " + def.env + ", default " +
                                       (def.default_value.empty() ? "empty" : def.default_value) + "]");
        opt->group("Settings");
        flag_options[def.name] = opt;
    }

    auto* serve = app.add_subcommand("serve", "Serve the HTTP API (and the web client) until SIGTERM/SIGINT.");
    auto* worker = app.add_subcommand("worker", "Run queued jobs (exports, notifications, scheduled ingestion...).");
    bool worker_once = false;
    worker->add_flag("--once", worker_once, "Run the jobs that are due, then exit.");
    auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations (safe to run concurrently).");
    bool migrate_status = false;
    migrate->add_flag("--status", migrate_status, "Only list applied and pending migrations (exit 3 if pending).");
    auto* settings = app.add_subcommand("settings", "Print every setting as a Markdown table.");
    auto* admin = app.add_subcommand("admin", "Administration: organisations, users, MFA resets.");
    admin->require_subcommand(1);
    auto* admin_check =
        admin->add_subcommand("check-config", "Validate the configuration and print it (secrets hidden).");
    auto* admin_org =
        admin->add_subcommand("create-org", "Create an organisation (idempotent by slug); prints its id.");
    std::string org_name, org_slug;
    admin_org->add_option("--name", org_name, "Display name")->required();
    admin_org->add_option("--slug", org_slug, "Unique short name: lower-case letters, digits, dashes")->required();
    auto* admin_user = admin->add_subcommand("create-user", "Create an active user with a password (the first admin).");
    std::string user_org, user_email, user_name, user_role = "admin", user_password;
    bool user_password_stdin = false;
    admin_user->add_option("--org", user_org, "Organisation slug")->required();
    admin_user->add_option("--email", user_email, "E-mail (the login name)")->required();
    admin_user->add_option("--name", user_name, "Display name (default: the e-mail)");
    admin_user->add_option("--role", user_role, "rep, manager or admin (default admin)");
    admin_user->add_option("--password", user_password, "Password (prefer --password-stdin: flags show in ps)");
    admin_user->add_flag("--password-stdin", user_password_stdin, "Read the password from the first line of stdin");
    auto* admin_seed = admin->add_subcommand(
        "seed-demo", "Create or reset the demo organisations and users (known passwords); print the logins.");
    std::string seed_logins_file;
    admin_seed->add_option("--logins-file", seed_logins_file, "Also write the logins table to this file");
    auto* admin_encrypt = admin->add_subcommand(
        "encrypt-secrets", "Seal TOTP secrets still stored in clear with the secrets key (--secrets-key-file).");
    auto* ingest = app.add_subcommand("ingest", "Load one release of a CMS data set into the ref schema.");
    rounds::ingest::IngestOptions ingest_options;
    std::optional<int> ingest_year;
    ingest
        ->add_option("dataset", ingest_options.dataset,
                     "nppes, nppes-locations, nucc, dac, facility-affiliation, hospitals, partb, partd, "
                     "open-payments or zcta")
        ->required();
    ingest
        ->add_option("input", ingest_options.input,
                     "A file, a .zip as CMS distributes them, a directory, or an http(s) URL (resumable download)")
        ->required();
    ingest->add_option("--release", ingest_options.release, "Release label for lineage (default: the file name)");
    ingest->add_option("--year", ingest_year, "Data year of Part B/D (default: from the file name)");
    ingest->add_option("--mode", ingest_options.mode, "nppes: auto (from the file name), full or incremental");
    ingest->add_option("--max-reject-rate", ingest_options.max_reject_rate,
                       "Above this share of rejected rows the load changes nothing (default 0.05)");
    ingest->add_option("--geocoder", ingest_options.geocoder,
                       "zcta (offline ZIP centroids), census (Census batch geocoder, then ZIP centroids) or none");
    ingest->add_option("--geocoder-url", ingest_options.geocoder_url,
                       "Census batch geocoder base URL (default the public service)");
    ingest->add_option("--sha256", ingest_options.expected_sha256,
                       "Expected SHA-256 of the input (64 hex digits); a mismatch loads nothing");
    bool ingest_quiet = false;
    ingest->add_flag("--quiet", ingest_quiet, "No live progress line");

    auto* bench = app.add_subcommand("bench", "Benchmarks and data generators (never part of the test suite).");
    bench->require_subcommand(1);
    auto* bench_auth = bench->add_subcommand(
        "auth", "Sign-in cost (Argon2id with the configured parameters), token verification, RLS overhead.");
    int bench_auth_users = 100000;
    bench_auth->add_option("--users", bench_auth_users,
                           "Users created (in a rolled-back transaction) for the RLS test");
    auto* bench_gen =
        bench->add_subcommand("gen", "Write a synthetic release of every CMS data set in the real formats.");
    rounds::gen::GenOptions gen_options;
    std::string gen_out = "var/gen";
    bench_gen->add_option("--physicians", gen_options.physicians, "Physicians (1,000 to 10,000,000)");
    bench_gen->add_option("--seed", gen_options.seed, "Random seed (same seed, same bytes)");
    bench_gen->add_option("--out", gen_out, "Output directory");
    bench_gen->add_option("--threads", gen_options.threads, "Files written in parallel (0: one per core)");
    bench_gen->add_option("--datasets", gen_options.datasets, "Only these data sets (comma-separated; default all)")
        ->delimiter(',');
    std::string gen_nucc = std::string(ROUNDS_DEFAULT_SHARED_DIR) + "/data/cms/nucc_taxonomy.csv";
    bench_gen->add_option("--nucc", gen_nucc, "NUCC taxonomy CSV copied into the release");
    auto* bench_routes = bench->add_subcommand("routes", "Route optimiser on random instances: time and gap.");
    rounds::routing::RoutesBenchOptions routes_options;
    bench_routes->add_option("--instances", routes_options.instances, "Instances per size and scenario");
    bench_routes->add_option("--seed", routes_options.seed, "Random seed");
    bench_routes->add_option("--max-iterations", routes_options.max_iterations, "Rounds per solve");
    bench_routes->add_option(
        "--stall-iterations", routes_options.stall_iterations,
        "Stop after this many rounds without a new best (0 = never; default: the route planner's for the size)");
    bench_routes->add_option("--reference-factor", routes_options.reference_factor,
                             "Effort of the reference run as a multiple (0: skip it)");
    bench_routes->add_option("--sizes", routes_options.sizes, "Stops per instance (comma-separated)")->delimiter(',');
    int64_t routes_ms = 300;
    bench_routes->add_option("--time-limit-ms", routes_ms, "Per-solve time limit of the measured run");
    bench_routes->add_flag("--per-instance", routes_options.per_instance, "Also print one line per instance");
    auto* bench_tsptw = bench->add_subcommand("tsptw", "Route optimiser on the published TSPTW instances.");
    rounds::routing::TsptwBenchOptions tsptw_options;
    std::string tsptw_dir = std::string(ROUNDS_DEFAULT_SHARED_DIR) + "/data/tsptw";
    int64_t tsptw_ms = 1000;
    bench_tsptw->add_option("--dir", tsptw_dir, "Directory with instances/ and best_known.csv");
    bench_tsptw->add_option("--time-limit-ms", tsptw_ms, "Per-instance time limit");
    bench_tsptw->add_option("--filter", tsptw_options.filter, "Only instances whose file name contains this");
    bench_tsptw->add_option("--stall-iterations", tsptw_options.stall_iterations,
                            "Stop after this many rounds without a new best (0 = use the whole time limit)");

    auto* bench_sql = bench->add_subcommand(
        "sql", "Print the SQL of a physician endpoint (bench/physicians.py times it with pgbench).");
    std::string bench_sql_name;
    bench_sql->add_option("name", bench_sql_name, "Statement name, e.g. phys_search_one")->required();

    // Targeting: `rounds markets recompute`, `rounds bench markets`
    auto* markets_cmd = app.add_subcommand("markets", "Markets and targeting: recompute the derived metrics.");
    markets_cmd->require_subcommand(1);
    auto* markets_recompute = markets_cmd->add_subcommand(
        "recompute", "Recompute territory members, market metrics, deciles and scores (default: every organisation).");
    std::optional<std::string> recompute_org, recompute_market;
    markets_recompute->add_option("--org", recompute_org, "Only this organisation (UUID)");
    markets_recompute->add_option("--market", recompute_market, "Only this market of --org (UUID)");
    auto* bench_markets =
        bench->add_subcommand("markets", "Market recompute on the loaded data, with a count(*) scan as reference.");
    std::string bench_markets_generics = "Semaglutide,Dulaglutide,Tirzepatide";
    int bench_markets_repeats = 3;
    bench_markets->add_option("--generics", bench_markets_generics, "Comma-separated Part D generic names");
    bench_markets->add_option("--repeats", bench_markets_repeats, "Runs (the median is reported)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    std::map<std::string, std::string> flags;
    for (const auto& [name, opt] : flag_options) {
        if (opt->count() > 0) {
            flags[name] = flag_values[name];
        }
    }
    Config config;
    try {
        config = rounds::core::LoadConfig(rounds::core::ProcessEnv(), flags);
    } catch (const rounds::core::Error& e) {
        std::cerr << "rounds: " << e.Detail() << "\n";
        return 2;
    }
    rounds::core::ConfigureLogging(config.log_level, config.log_format);

    try {
        if (serve->parsed()) {
            return rounds::app::RunServe(config);
        }
        if (worker->parsed()) {
            return rounds::app::RunWorker(config, worker_once);
        }
        if (migrate->parsed()) {
            return rounds::app::RunMigrate(config, migrate_status);
        }
        if (settings->parsed()) {
            std::cout << rounds::core::SettingsMarkdown();
            return 0;
        }
        if (ingest->parsed()) {
            if (config.database_url.empty()) {
                std::cerr << "rounds ingest: ROUNDS_DATABASE_URL (or --database-url) is required\n";
                return 2;
            }
            ingest_options.year = ingest_year;
            ingest_options.database_url = config.database_url;
            ingest_options.object_store_dir = config.storage_dir + "/raw";
            ingest_options.progress = !ingest_quiet;
            return rounds::ingest::RunIngest(ingest_options, std::cout);
        }
        if (bench_gen->parsed()) {
            gen_options.out_dir = gen_out;
            gen_options.nucc_path = gen_nucc;
            return rounds::gen::RunGen(gen_options, std::cout);
        }
        if (bench_sql->parsed()) {
            for (const auto& st : rounds::physicians::sql::kBenchStatements) {
                if (st.name == bench_sql_name) {
                    std::cout << st.sql << "\n";
                    return 0;
                }
            }
            std::cerr << "rounds bench sql: no statement named \"" << bench_sql_name << "\"\n";
            return 2;
        }
        if (bench_routes->parsed()) {
            routes_options.time_limit = std::chrono::milliseconds(routes_ms);
            return rounds::routing::RunRoutesBench(routes_options, std::cout);
        }
        if (bench_tsptw->parsed()) {
            tsptw_options.instances_dir = tsptw_dir + "/instances";
            tsptw_options.best_known_csv = tsptw_dir + "/best_known.csv";
            tsptw_options.time_limit = std::chrono::milliseconds(tsptw_ms);
            return rounds::routing::RunTsptwBench(tsptw_options, std::cout);
        }
        if (markets_recompute->parsed() || bench_markets->parsed()) {
            if (config.database_url.empty()) {
                std::cerr << "rounds: ROUNDS_DATABASE_URL (or --database-url) is required\n";
                return 2;
            }
            if (bench_markets->parsed()) {
                return rounds::markets::RunMarketsBench(config.database_url, bench_markets_generics,
                                                        bench_markets_repeats, std::cout);
            }
            return rounds::markets::RunRecomputeCommand(config.database_url, recompute_org, recompute_market,
                                                        std::cout);
        }
        if (admin_org->parsed()) {
            return rounds::app::RunAdminCreateOrg(config, org_name, org_slug);
        }
        if (admin_user->parsed()) {
            return rounds::app::RunAdminCreateUser(config, user_org, user_email, user_name, user_role, user_password,
                                                   user_password_stdin);
        }
        if (admin_seed->parsed()) {
            return rounds::app::RunAdminSeedDemo(config, seed_logins_file);
        }
        if (admin_encrypt->parsed()) {
            return rounds::app::RunAdminEncryptSecrets(config);
        }
        if (bench_auth->parsed()) {
            return rounds::app::RunAuthBench(config, bench_auth_users);
        }
        if (admin_check->parsed()) {
            std::cout << "configuration is valid\n";
            std::cout << "database-url: " << rounds::core::RedactUrl(config.database_url) << "\n";
            std::cout << "http: " << config.http_addr << ":" << config.http_port << "\n";
            return 0;
        }
    } catch (const rounds::core::Error& e) {
        std::cerr << "rounds: " << e.Detail() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "rounds: unexpected error: " << e.what() << "\n";
        return 1;
    }
    std::cerr << app.help();
    return 2;
}
