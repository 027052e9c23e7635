// The offline lease of an encrypted device store (docs/ARCHITECTURE.md,
// "Encryption at rest"; docs/security.md, "A lost tablet"). When the server's
// Welcome grants a lease (a 32-byte secret and a number of days), the store
// keeps in meta:
//   lease_wrapped_key  the data key, sealed under the lease key
//                      HKDF-SHA256(lease host part || lease secret, salt, "...lease key")
//   lease_secret       the secret, sealed under the secrets key (store_key.hpp)
//                      with lease_expires_ms and lease_days as associated data,
//                      so editing either in the file leaves the store locked
//   lease_expires_ms   when the lease runs out (Unix ms, device clock)
//   lease_days         how long each sync extends it
// and deletes encryption_wrapped_key: from then on the host key alone no
// longer gives the data key. When the lease runs out the store deletes the
// secret; only the server's next grant (a Welcome, which a revoked device
// never receives) unlocks it again. A plain store has no lease.
//
// Deletions run with PRAGMA secure_delete on (as every write to a device
// store does: device_store.cpp), and the WAL is checkpointed and truncated
// after each, so the deleted bytes leave the file as soon as no other
// connection is reading (best effort: see docs/security.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "iro/protocol.hpp"
#include "store/cipher.hpp"
#include "store/sqlite.hpp"
#include "store/store_key.hpp"

namespace iro {

// kMaxLeaseDays and kLeaseSecretBytes: iro/protocol.hpp (the Welcome grants it).
inline constexpr std::uint64_t kDayMs = 24ull * 60 * 60 * 1000;

struct LeaseTerms {
  std::uint64_t expires_ms = 0;
  int days = 0;
};

// The lease the store holds; nullopt when none was ever granted.
std::optional<LeaseTerms> stored_lease(sqlite::Database& db);

// What Error(lease_expired) says for a lease of `days` days.
std::string lease_expired_message(int days);

// At open, and whenever the lease in the file changed or ran out while the
// store was open (device_store_impl.hpp), for an encrypted store that holds
// a lease. When `newest_seen_ms`
// (the latest of the clock, the store's last HLC and its last sync) is past
// the expiry, or the secret is already gone, the store stays locked (the
// secret is deleted if still there). Otherwise `keys` is unlocked with the
// stored secret. Runs its own transaction; the caller holds none.
void open_lease(sqlite::Database& db, StoreKeys& keys, const LeaseTerms& terms,
                std::uint64_t newest_seen_ms);

// Grants or renews the lease from the server's `secret` for `days` days from
// `now_ms`, in one transaction, and returns its terms. A locked store is
// unlocked by the secret first: Error(wrong_key) when the secret does not
// open its data key (nothing changes then). Error(invalid_input) for a
// secret that is not 32 bytes or days outside 1-kMaxLeaseDays.
LeaseTerms grant_lease(sqlite::Database& db, StoreKeys& keys, crypto::ByteSpan secret, int days,
                       std::uint64_t now_ms);

}  // namespace iro
