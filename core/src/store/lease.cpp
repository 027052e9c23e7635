#include "store/lease.hpp"

#include "iro/error.hpp"
#include "store/document_rows.hpp"

namespace iro {
namespace {

constexpr std::string_view kWrappedKey = "lease_wrapped_key";
constexpr std::string_view kSecretKey = "lease_secret";
constexpr std::string_view kExpiresKey = "lease_expires_ms";
constexpr std::string_view kDaysKey = "lease_days";

constexpr std::string_view kLeaseKeyInfo = "iro-sync device store: lease key (AES-256-GCM)";
constexpr std::string_view kLeaseWrapping = "lease key";

// The terms as the sealed secret's associated data: the secret opens only
// with the expiry and days it was sealed with.
std::string terms_text(const LeaseTerms& terms) {
  return "expires_ms=" + std::to_string(terms.expires_ms) + " days=" + std::to_string(terms.days);
}

crypto::SecretBytes lease_key(const StoreKeys& keys, crypto::ByteSpan secret) {
  crypto::Bytes material(keys.lease_host_part.bytes().begin(), keys.lease_host_part.bytes().end());
  material.insert(material.end(), secret.begin(), secret.end());
  crypto::SecretBytes input(std::move(material));
  return crypto::SecretBytes(
      crypto::hkdf_sha256(input.bytes(), keys.salt, kLeaseKeyInfo, crypto::kKeySize));
}

// The stored secret, or empty when it was deleted or does not open (its terms
// were edited in the file: the store then stays locked, which is the safe side).
crypto::SecretBytes stored_secret(sqlite::Database& db, const StoreKeys& keys,
                                  const LeaseTerms& terms) {
  auto statement = db.cached("SELECT value FROM meta WHERE key = ?1");
  statement.bind(1, kSecretKey);
  if (!statement.step() || statement.is_null(0)) return {};
  const std::string terms_bound = terms_text(terms);
  try {
    std::string secret =
        keys.secrets.text(statement, 0, {"meta", "value", kSecretKey, terms_bound});
    crypto::SecretBytes out(crypto::Bytes(secret.begin(), secret.end()));
    crypto::wipe({reinterpret_cast<std::uint8_t*>(secret.data()), secret.size()});
    return out;
  } catch (const Error& error) {
    if (error.code() != ErrorCode::corrupt_data) throw;
    return {};
  }
}

void delete_meta(sqlite::Database& db, std::string_view key) {
  db.cached("DELETE FROM meta WHERE key = ?1").bind(1, key).run();
}

// The store runs with secure_delete on (device_store.cpp), so the deleted
// secret's bytes are zeroed in its page; the checkpoint then takes the page
// that held them out of the WAL. Best effort: a reader in another connection
// can keep the checkpoint from completing; the next one finishes it.
void delete_secret(sqlite::Database& db) {
  {
    sqlite::Transaction transaction(db);
    delete_meta(db, kSecretKey);
    transaction.commit();
  }
  db.checkpoint_and_truncate_wal();
}

}  // namespace

std::optional<LeaseTerms> stored_lease(sqlite::Database& db) {
  const auto expires = rows::meta_int(db, kExpiresKey);
  const auto days = rows::meta_int(db, kDaysKey);
  if (!expires || !days) return std::nullopt;
  return LeaseTerms{std::uint64_t(*expires), int(*days)};
}

std::string lease_expired_message(int days) {
  return "this device has not reached the server for " + std::to_string(days) +
         (days == 1 ? " day" : " days") + ": its records are locked until it syncs";
}

void open_lease(sqlite::Database& db, StoreKeys& keys, const LeaseTerms& terms,
                std::uint64_t newest_seen_ms) {
  keys.lock(lease_expired_message(terms.days));
  if (newest_seen_ms > terms.expires_ms) {
    if (rows::meta_blob(db, kSecretKey)) delete_secret(db);
    return;
  }
  const crypto::SecretBytes secret = stored_secret(db, keys, terms);
  const auto wrapped = rows::meta_blob(db, kWrappedKey);
  if (secret.empty() || !wrapped) return;
  crypto::SecretBytes data_key =
      unwrap_data_key(lease_key(keys, secret.bytes()).bytes(), *wrapped, kLeaseWrapping);
  if (data_key.empty()) {
    throw Error(ErrorCode::corrupt_data,
                "this encrypted store's lease does not open its data key: the file was altered");
  }
  keys.unlock(std::move(data_key));
}

LeaseTerms grant_lease(sqlite::Database& db, StoreKeys& keys, crypto::ByteSpan secret, int days,
                       std::uint64_t now_ms) {
  if (secret.size() != kLeaseSecretBytes) {
    throw Error(ErrorCode::invalid_input, "the server's lease secret is " +
                                              std::to_string(secret.size()) + " bytes, not " +
                                              std::to_string(kLeaseSecretBytes));
  }
  if (days < 1 || days > kMaxLeaseDays) {
    throw Error(ErrorCode::invalid_input, "the server granted a lease of " + std::to_string(days) +
                                              " days; 1-" + std::to_string(kMaxLeaseDays) +
                                              " are allowed");
  }
  const crypto::SecretBytes kek = lease_key(keys, secret);
  crypto::SecretBytes data_key;
  if (keys.locked()) {
    const auto wrapped = rows::meta_blob(db, kWrappedKey);
    if (wrapped) data_key = unwrap_data_key(kek.bytes(), *wrapped, kLeaseWrapping);
    if (data_key.empty()) {
      throw Error(ErrorCode::wrong_key,
                  "the lease key the server sent does not open this store's records");
    }
  } else {
    data_key = crypto::SecretBytes(
        crypto::Bytes(keys.data_key.bytes().begin(), keys.data_key.bytes().end()));
  }

  const LeaseTerms terms{now_ms + std::uint64_t(days) * kDayMs, days};
  const std::string terms_bound = terms_text(terms);
  const bool first_grant = rows::meta_blob(db, kHostWrappedKeyMeta).has_value();
  {
    sqlite::Transaction transaction(db);
    rows::set_meta(db, kWrappedKey,
                   std::span<const std::uint8_t>(
                       wrap_data_key(kek.bytes(), data_key.bytes(), kLeaseWrapping)));
    {
      auto statement = db.cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
      statement.bind(1, kSecretKey);
      keys.secrets.bind_text(statement, 2,
                             {reinterpret_cast<const char*>(secret.data()), secret.size()},
                             {"meta", "value", kSecretKey, terms_bound});
      statement.run();
    }
    rows::set_meta(db, kExpiresKey, std::int64_t(terms.expires_ms));
    rows::set_meta(db, kDaysKey, std::int64_t(terms.days));
    // From here on the data key needs the lease secret.
    delete_meta(db, kHostWrappedKeyMeta);
    transaction.commit();
  }
  if (first_grant) db.checkpoint_and_truncate_wal();
  if (keys.locked()) keys.unlock(std::move(data_key));
  return terms;
}

}  // namespace iro
