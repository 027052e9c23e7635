// PgTxn's web sign-in rows (schema step 2): as sqlite_login_rows.cpp.
#include "store/pg_txn.hpp"

namespace iro::server {
namespace {

const std::string kPasswordColumns =
    "SELECT user_id, tenant, login, salt, hash, iterations, set_ms FROM web_password ";

std::optional<PasswordRow> password_of(const pg::Result& row) {
  if (row.empty()) return std::nullopt;
  return PasswordRow{row.text(0, 0),
                     row.text(0, 1),
                     row.text(0, 2),
                     row.text(0, 3),
                     row.text(0, 4),
                     std::uint32_t(row.int64(0, 5)),
                     std::uint64_t(row.int64(0, 6))};
}

}  // namespace

std::optional<PasswordRow> PgTxn::password_by_login(std::string_view tenant,
                                                    std::string_view login) {
  return password_of(m_connection.query(kPasswordColumns + "WHERE tenant = $1 AND login = $2",
                                        pg::Params(tenant, login)));
}

std::optional<PasswordRow> PgTxn::password_of_user(std::string_view user_id) {
  return password_of(
      m_connection.query(kPasswordColumns + "WHERE user_id = $1", pg::Params(user_id)));
}

void PgTxn::put_password(const PasswordRow& password) {
  m_connection.query(
      "INSERT INTO web_password (user_id, tenant, login, salt, hash, iterations, set_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id) DO UPDATE SET "
      "tenant = EXCLUDED.tenant, login = EXCLUDED.login, salt = EXCLUDED.salt, "
      "hash = EXCLUDED.hash, iterations = EXCLUDED.iterations, set_ms = EXCLUDED.set_ms",
      pg::Params(password.user_id, password.tenant, password.login, password.salt_hex,
                 password.hash_hex, std::int64_t(password.iterations),
                 std::int64_t(password.set_ms)));
}

std::optional<WebSessionRow> PgTxn::web_session(std::string_view token_hash) {
  const pg::Result row = m_connection.query(
      "SELECT token_hash, user_id, tenant, created_ms, expires_ms FROM web_session "
      "WHERE token_hash = $1",
      pg::Params(token_hash));
  if (row.empty()) return std::nullopt;
  return WebSessionRow{row.text(0, 0), row.text(0, 1), row.text(0, 2),
                       std::uint64_t(row.int64(0, 3)), std::uint64_t(row.int64(0, 4))};
}

void PgTxn::put_web_session(const WebSessionRow& session) {
  m_connection.query(
      "INSERT INTO web_session (token_hash, user_id, tenant, created_ms, expires_ms) "
      "VALUES ($1, $2, $3, $4, $5)",
      pg::Params(session.token_hash, session.user_id, session.tenant,
                 std::int64_t(session.created_ms), std::int64_t(session.expires_ms)));
}

void PgTxn::delete_web_session(std::string_view token_hash) {
  m_connection.query("DELETE FROM web_session WHERE token_hash = $1", pg::Params(token_hash));
}

void PgTxn::delete_web_sessions_of(std::string_view user_id) {
  m_connection.query("DELETE FROM web_session WHERE user_id = $1", pg::Params(user_id));
}

void PgTxn::delete_web_sessions_expired(std::uint64_t now_ms) {
  m_connection.query("DELETE FROM web_session WHERE expires_ms <= $1",
                     pg::Params(std::int64_t(now_ms)));
}

}  // namespace iro::server
