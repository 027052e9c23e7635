// SqliteTxn's web sign-in rows (schema step 7): passwords and browser sessions.
#include "store/sqlite_txn.hpp"

namespace iro::server {
namespace {

constexpr const char* kPasswordColumns =
    "SELECT user_id, tenant, login, salt, hash, iterations, set_ms FROM web_password ";

std::optional<PasswordRow> password_of(sqlite::CachedStatement& row) {
  if (!row.step()) return std::nullopt;
  return PasswordRow{row.text(0),
                     row.text(1),
                     row.text(2),
                     row.text(3),
                     row.text(4),
                     std::uint32_t(row.int64(5)),
                     std::uint64_t(row.int64(6))};
}

}  // namespace

std::optional<PasswordRow> SqliteTxn::password_by_login(std::string_view tenant,
                                                        std::string_view login) {
  auto row = m_db.cached(std::string(kPasswordColumns) + "WHERE tenant = ?1 AND login = ?2");
  row.bind_all(tenant, login);
  return password_of(row);
}

std::optional<PasswordRow> SqliteTxn::password_of_user(std::string_view user_id) {
  auto row = m_db.cached(std::string(kPasswordColumns) + "WHERE user_id = ?1");
  row.bind_all(user_id);
  return password_of(row);
}

void SqliteTxn::put_password(const PasswordRow& password) {
  m_db.cached(
          "INSERT OR REPLACE INTO web_password (user_id, tenant, login, salt, hash, iterations, "
          "set_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind_all(password.user_id, password.tenant, password.login, password.salt_hex,
                password.hash_hex, std::int64_t(password.iterations), std::int64_t(password.set_ms))
      .run();
}

std::optional<WebSessionRow> SqliteTxn::web_session(std::string_view token_hash) {
  auto row = m_db.cached(
      "SELECT token_hash, user_id, tenant, created_ms, expires_ms FROM web_session "
      "WHERE token_hash = ?1");
  row.bind_all(token_hash);
  if (!row.step()) return std::nullopt;
  return WebSessionRow{row.text(0), row.text(1), row.text(2), std::uint64_t(row.int64(3)),
                       std::uint64_t(row.int64(4))};
}

void SqliteTxn::put_web_session(const WebSessionRow& session) {
  m_db.cached(
          "INSERT INTO web_session (token_hash, user_id, tenant, created_ms, expires_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(session.token_hash, session.user_id, session.tenant,
                std::int64_t(session.created_ms), std::int64_t(session.expires_ms))
      .run();
}

void SqliteTxn::delete_web_session(std::string_view token_hash) {
  m_db.cached("DELETE FROM web_session WHERE token_hash = ?1").bind_all(token_hash).run();
}

void SqliteTxn::delete_web_sessions_of(std::string_view user_id) {
  m_db.cached("DELETE FROM web_session WHERE user_id = ?1").bind_all(user_id).run();
}

void SqliteTxn::delete_web_sessions_expired(std::uint64_t now_ms) {
  m_db.cached("DELETE FROM web_session WHERE expires_ms <= ?1")
      .bind_all(std::int64_t(now_ms))
      .run();
}

}  // namespace iro::server
