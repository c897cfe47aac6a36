// `rounds`: one binary, many subcommands. Parses flags, builds the configuration, hands over to a command.
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "app/commands.h"
#include "core/config.h"
#include "core/error.h"
#include "core/log.h"

using rounds::core::Config;

int main(int argc, char** argv) {
    CLI::App app{"rounds: medical sales intelligence and CRM on public CMS data.\n"
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
    auto* admin_check = admin->add_subcommand("check-config", "Validate the configuration and print it (secrets hidden).");
    auto* ingest = app.add_subcommand("ingest", "Load one release of a CMS data set into the ref schema.");
    auto* bench = app.add_subcommand("bench", "Benchmarks and data generators (never part of the test suite).");
    bench->require_subcommand(1);
    (void)ingest;

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
