// The store's schema as numbered migrations. PRAGMA user_version holds the version; each
// migration runs in its own transaction together with the bump of user_version, so a failed step
// leaves the database at the previous version. A backup copy is taken before migrating.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "database.h"

namespace confidant::storage {

// "Cfdt": marks the file as Confidant's (PRAGMA application_id).
inline constexpr int32_t k_applicationId = 0x43666474;

struct Migration {
    int version;  // the user_version after this step
    std::string_view description;
    std::string_view sql;
};

// Every migration, in order; the last one's version is the current schema version.
std::span<const Migration> schemaMigrations();
int currentSchemaVersion();

// Brings the database to `targetVersion` (by default the current one) with `migrations`.
// Before changing a database that already has a version, copies it to backupPath() with SQLite's
// online backup (the copy includes what is still in the WAL). Refuses, touching nothing, a
// database newer than the target.
Result<void> migrate(Database& database, std::span<const Migration> migrations, int targetVersion);
Result<void> migrate(Database& database);

// Where migrate() puts the copy of a database at `path` taken before leaving `fromVersion`.
std::filesystem::path backupPath(const std::filesystem::path& path, int fromVersion);

}  // namespace confidant::storage
