#include "store/schema_migration.hpp"

#include <string>

#include "iro/error.hpp"

namespace iro::sqlite {

int schema_version(Database& database) {
  return static_cast<int>(database.query_int("PRAGMA user_version"));
}

void migrate(Database& database, const SchemaHistory& history, int target) {
  const int newest = history.steps.empty() ? 0 : history.steps.back().version;
  if (target == 0) target = newest;
  const std::string what(history.what);
  const int current = schema_version(database);
  if (current > newest) {
    throw Error(ErrorCode::schema_too_new,
                "this " + what + " has schema version " + std::to_string(current) +
                    "; this build reads up to " + std::to_string(newest) + ": update the app");
  }
  const bool is_new = current == 0 && database.query_int("SELECT count(*) FROM sqlite_schema") == 0;
  const bool is_ours = database.query_int("PRAGMA application_id") == history.application_id;
  if (!is_new && !is_ours) {
    throw Error(ErrorCode::storage_failure, "this file is not an iro " + what);
  }
  for (const SchemaStep& step : history.steps) {
    if (step.version <= current || step.version > target) continue;
    Transaction transaction(database);
    if (step.version == 1) {
      database.execute("PRAGMA application_id = " + std::to_string(history.application_id));
    }
    database.execute(step.sql);
    database.execute("PRAGMA user_version = " + std::to_string(step.version));
    transaction.commit();
  }
}

}  // namespace iro::sqlite
