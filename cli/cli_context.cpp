#include "cli_context.hpp"

#include "iro/clock.hpp"
#include "iro/error.hpp"
#include "iro/json.hpp"
#include "iro/validation.hpp"
#include "key_file.hpp"

namespace iro::cli {

DeviceStore& CliContext::store() {
  if (!m_store) {
    if (db_path.empty()) {
      throw Error(ErrorCode::invalid_input, "this command needs --db FILE (the device store)");
    }
    StoreOptions options;
    if (!key_file.empty()) options.encryption_key = read_key_file(key_file);
    try {
      m_store = DeviceStore::open(db_path, options);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::wrong_key) throw;
      // Core's message says what is wrong; say which option fixes it.
      throw Error(ErrorCode::wrong_key,
                  std::string(error.what()) +
                      (key_file.empty() ? " (--key-file FILE)" : " (--key-file " + key_file + ")"));
    }
    m_created_without_key = m_store->created() && !m_store->encrypted();
  }
  return *m_store;
}

std::string CliContext::creation_warning() const {
  if (!m_created_without_key) return "";
  return "warning: created " + db_path +
         " without a key: its records are not encrypted at rest (use --key-file)";
}

void CliContext::close_and_destroy_store() {
  // This is the store's only connection: its WAL stays for destroy() to overwrite.
  if (m_store) m_store->prepare_to_destroy();
  m_store.reset();
  DeviceStore::destroy(db_path);
}

Date local_today() {
  return local_date_of(system_clock().now_ms());
}

void add_assignment(Kind kind, std::string_view assignment, FieldMap& fields) {
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw Error(ErrorCode::invalid_input,
                "\"" + std::string(assignment.substr(0, 60)) + "\" is not FIELD=VALUE");
  }
  const std::string_view name = assignment.substr(0, equals);
  const KindSchema& schema = schema_for(kind);
  // Only the field's type is needed to read the text; whether a device may
  // write it is the store's decision, with the store's message.
  const FieldSpec& spec = require_field(schema, name, Writer::server_only);
  fields.insert_or_assign(std::string(name),
                          value_from_text(schema, name, spec, assignment.substr(equals + 1)));
}

}  // namespace iro::cli
