#pragma once

#include "core/config.h"

namespace rounds::app {

/// Each returns the process exit code. Configuration errors were already reported by main.
int RunServe(const core::Config& config);
int RunWorker(const core::Config& config, bool once);
int RunMigrate(const core::Config& config, bool status_only);

}  // namespace rounds::app
