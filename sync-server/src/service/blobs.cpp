#include "service/blobs.hpp"

#include <algorithm>

#include "iro/blob.hpp"
#include "service/audit.hpp"

namespace iro::server {
namespace {

std::string short_hash(std::string_view hash) {
  return std::string(hash.substr(0, 12)) + "...";
}

void audit_blob(StoreTxn& txn, const DeviceIdentity& identity, std::string_view remote,
                AuditAction action, AuditOutcome outcome, std::string detail,
                std::uint64_t now_ms) {
  AuditRow row = device_audit_row(identity, remote, action, outcome, now_ms);
  row.detail = audit_detail(detail);
  txn.append_audit(row);
}

// True when the stored bytes of `blob` (under its own key) hash to `hash`.
bool matches_hash(StoreTxn& txn, const BlobRow& blob, std::string_view hash) {
  BlobHasher hasher;
  for (std::uint64_t at = 0; at < blob.size; at += kBlobChunkBytes) {
    hasher.update(txn.read_blob(blob.tenant, blob.hash, at, kBlobChunkBytes));
  }
  return hasher.finish() == hash;
}

bool in_scope(StoreTxn& txn, const DeviceIdentity& identity, std::string_view hash) {
  for (const Value& value : txn.attachment_fields(identity)) {
    const auto* hashes = std::get_if<StringSet>(&value);
    if (hashes && std::binary_search(hashes->begin(), hashes->end(), hash)) return true;
  }
  return false;
}

// Where a device uploads bytes the council may already hold from someone
// else: an upload of its own, under this key, so that every answer it gets
// is the answer for a blob the council does not have.
std::string staging_key(std::string_view hash, std::string_view device_id) {
  return std::string(hash) + ".from." + std::string(device_id);
}

bool started_by_user(StoreTxn& txn, const BlobRow& blob, const DeviceIdentity& identity) {
  if (blob.uploaded_by == identity.device_id) return true;
  const auto device = txn.device(blob.uploaded_by);
  return device && device->user_id == identity.user_id;
}

// Makes the bytes staged under `staged` the council's copy of `hash`,
// replacing an incomplete upload of someone else's.
void promote_staged(StoreTxn& txn, const BlobRow& staged, std::string_view hash) {
  txn.delete_blob(staged.tenant, hash);
  for (std::uint64_t at = 0; at < staged.size; at += kBlobChunkBytes) {
    txn.append_blob_chunk(staged.tenant, hash, at,
                          txn.read_blob(staged.tenant, staged.hash, at, kBlobChunkBytes));
  }
  BlobRow whole = staged;
  whole.hash = std::string(hash);
  whole.received = whole.size;
  whole.complete = true;
  txn.put_blob(whole);
}

std::string mib(std::uint64_t bytes) {
  return std::to_string(bytes / (1024 * 1024)) + " MiB";
}

// Why a new upload may not start (empty when it may).
std::string refuse_new_upload(StoreTxn& txn, const DeviceIdentity& identity, std::uint64_t size,
                              const BlobLimits& limits) {
  if (txn.uploads_in_progress(identity.device_id) >= limits.uploads_in_progress_per_device) {
    return "this device already has " + std::to_string(limits.uploads_in_progress_per_device) +
           " attachments half uploaded; finish those first";
  }
  if (txn.blob_bytes_of_user(identity.tenant, identity.user_id) + size > limits.bytes_per_user) {
    return "this user's attachments would pass their quota of " + mib(limits.bytes_per_user) +
           "; ask an administrator";
  }
  return {};
}

}  // namespace

bool may_name_attachment(StoreTxn& txn, const DeviceIdentity& identity, std::string_view hash) {
  return txn.holds_blob(identity.tenant, hash, identity.user_id) || in_scope(txn, identity, hash);
}

BlobAck receive_blob_chunk(StoreTxn& txn, const DeviceIdentity& identity, const BlobPut& put,
                           std::string_view remote, std::uint64_t now_ms,
                           const BlobLimits& limits) {
  BlobAck ack{put.hash, 0, false, {}};
  const auto refuse = [&](std::string why, std::string for_audit) {
    ack.received = 0;
    ack.refused = std::move(why);
    audit_blob(txn, identity, remote, AuditAction::attachment_upload, AuditOutcome::refused,
               short_hash(put.hash) + ": " + for_audit, now_ms);
    return ack;
  };
  if (put.size == 0 || put.size > kMaxBlobBytes) {
    std::string why = "an attachment of " + std::to_string(put.size) +
                      " bytes is outside the limit (1 byte to " + mib(kMaxBlobBytes) + ")";
    return refuse(why, why);
  }
  if (!is_blob_hash(put.hash))
    return refuse("not an attachment's name (a SHA-256 in hex)", "not a hash");
  const std::optional<BlobRow> council_copy = txn.blob(identity.tenant, put.hash);
  if (council_copy && council_copy->complete &&
      txn.holds_blob(identity.tenant, put.hash, identity.user_id)) {
    ack.received = council_copy->size;  // already here, from this user
    ack.complete = true;
    return ack;
  }
  const bool own_upload =
      !council_copy || (!council_copy->complete && started_by_user(txn, *council_copy, identity));
  const std::string key = own_upload ? put.hash : staging_key(put.hash, identity.device_id);
  const std::optional<BlobRow> started = own_upload ? council_copy : txn.blob(identity.tenant, key);
  BlobRow blob{identity.tenant, key, put.size, 0, false, identity.device_id, now_ms};
  if (started && started->size == put.size) {
    blob = *started;
  } else {
    // A new upload, or this device claimed another size before: one of them
    // is wrong, and the hash check will tell. Start again with this one.
    if (started) txn.delete_blob(identity.tenant, key);
    if (std::string why = refuse_new_upload(txn, identity, put.size, limits); !why.empty()) {
      return refuse(why, why);
    }
  }
  if (!put.data.empty() && put.offset == blob.received &&
      put.data.size() <= blob.size - blob.received) {
    txn.append_blob_chunk(identity.tenant, key, put.offset, put.data);
    blob.received += put.data.size();
  }
  ack.received = blob.received;
  if (blob.received < blob.size) {
    txn.put_blob(blob);
    return ack;
  }
  if (!matches_hash(txn, blob, put.hash)) {
    txn.delete_blob(identity.tenant, key);
    return refuse("the attachment's bytes do not match its SHA-256; the server did not keep it",
                  "bytes do not match the hash");
  }
  if (own_upload) {
    blob.complete = true;
    txn.put_blob(blob);
  } else {
    // The same bytes as the council's copy, or the first whole copy.
    const auto now_held = txn.blob(identity.tenant, put.hash);
    if (!now_held || !now_held->complete) promote_staged(txn, blob, put.hash);
    txn.delete_blob(identity.tenant, key);
  }
  txn.add_blob_holder(identity.tenant, put.hash, identity.user_id);
  ack.complete = true;
  audit_blob(txn, identity, remote, AuditAction::attachment_upload, AuditOutcome::accepted,
             short_hash(put.hash) + ": " + std::to_string(blob.size) + " bytes", now_ms);
  return ack;
}

std::size_t remove_stale_uploads(StoreTxn& txn, std::uint64_t now_ms) {
  if (now_ms < kStaleUploadMs) return 0;
  return txn.delete_stale_uploads(now_ms - kStaleUploadMs);
}

BlobReply read_blob_chunk(StoreTxn& txn, const DeviceIdentity& identity, const BlobGet& get,
                          std::string_view remote, std::uint64_t now_ms, bool in_scope_already) {
  BlobReply reply;
  reply.data.hash = get.hash;
  const auto audit = [&](AuditOutcome outcome, std::string detail) {
    reply.audit =
        device_audit_row(identity, remote, AuditAction::attachment_download, outcome, now_ms);
    reply.audit->detail = audit_detail(short_hash(get.hash) + ": " + detail);
  };
  // Scope first, so a device cannot learn whether the council holds a blob
  // it has no record of.
  if (!in_scope_already && !in_scope(txn, identity, get.hash)) {
    reply.data.refused = "no record in this device's caseload has this attachment";
    audit(AuditOutcome::refused, "not in the device's scope");
    return reply;
  }
  const std::optional<BlobRow> blob = txn.blob(identity.tenant, get.hash);
  if (!blob || !blob->complete) {
    reply.data.refused = "the server does not have this attachment yet";
    return reply;
  }
  if (get.offset > blob->size) {
    reply.data.refused = "the attachment has " + std::to_string(blob->size) + " bytes";
    return reply;
  }
  reply.data.size = blob->size;
  reply.data.offset = get.offset;
  reply.data.data = txn.read_blob(identity.tenant, get.hash, get.offset, kBlobChunkBytes);
  if (get.offset == 0) audit(AuditOutcome::ok, std::to_string(blob->size) + " bytes");
  return reply;
}

}  // namespace iro::server
