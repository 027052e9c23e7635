// Attachments on the server (iro/blob.hpp): taking a device's upload chunk by
// chunk, and sending a blob to a device whose caseload points at it. Each
// call runs inside the caller's transaction and audits what it did (by hash,
// never the bytes).
#pragma once

#include <optional>
#include <string_view>

#include "iro/protocol.hpp"
#include "store/server_store.hpp"

namespace iro::server {

// What one user's devices may upload.
struct BlobLimits {
  std::uint64_t bytes_per_user = 2048ull * 1024 * 1024;  // held and in progress
  std::size_t uploads_in_progress_per_device = 4;
};

// An upload not finished within this long is forgotten, bytes and all (the
// device starts it again at its next sync).
inline constexpr std::uint64_t kStaleUploadMs = 48ull * 60 * 60 * 1000;

// Stores one BlobPut. An empty chunk asks how much the server has; a chunk
// that does not start there is answered with where to start. The last chunk
// is checked against the hash: a blob whose bytes do not match is dropped
// and refused. A user who has uploaded a blob whole is not asked for it
// again; anyone else sends the bytes, as if the council did not hold them
// (so an upload tells no one what the council holds), and then holds it
// too. A new upload must fit the device's and the user's limits.
BlobAck receive_blob_chunk(StoreTxn& txn, const DeviceIdentity& identity, const BlobPut& put,
                           std::string_view remote, std::uint64_t now_ms,
                           const BlobLimits& limits = {});

// Whether a record written by this device may name the attachment: its user
// uploaded the bytes, or a record the device can see already names it.
bool may_name_attachment(StoreTxn& txn, const DeviceIdentity& identity, std::string_view hash);

// Forgets uploads left unfinished for kStaleUploadMs; returns how many.
std::size_t remove_stale_uploads(StoreTxn& txn, std::uint64_t now_ms);

// The chunk a BlobGet asks for, or a refusal: the server does not hold the
// blob whole, or no record in the device's scope points at it. Only reads,
// so it runs in a read transaction; `audit` is the entry to append (the
// first chunk of a fetch, and refusals out of scope).
struct BlobReply {
  BlobData data;
  std::optional<AuditRow> audit;
};
// `in_scope_already`: this session found the blob in the device's scope for
// an earlier chunk, so the scope is not read again for every chunk.
BlobReply read_blob_chunk(StoreTxn& txn, const DeviceIdentity& identity, const BlobGet& get,
                          std::string_view remote, std::uint64_t now_ms,
                          bool in_scope_already = false);

}  // namespace iro::server
