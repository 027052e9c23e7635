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

// True when the stored bytes hash to the blob's name.
bool matches_hash(StoreTxn& txn, const BlobRow& blob) {
  BlobHasher hasher;
  for (std::uint64_t at = 0; at < blob.size; at += kBlobChunkBytes) {
    hasher.update(txn.read_blob(blob.tenant, blob.hash, at, kBlobChunkBytes));
  }
  return hasher.finish() == blob.hash;
}

bool in_scope(StoreTxn& txn, const DeviceIdentity& identity, std::string_view hash) {
  for (const Value& value : txn.attachment_fields(identity)) {
    const auto* hashes = std::get_if<StringSet>(&value);
    if (hashes && std::binary_search(hashes->begin(), hashes->end(), hash)) return true;
  }
  return false;
}

}  // namespace

BlobAck receive_blob_chunk(StoreTxn& txn, const DeviceIdentity& identity, const BlobPut& put,
                           std::string_view remote, std::uint64_t now_ms) {
  BlobAck ack{put.hash, 0, false, {}};
  if (put.size == 0 || put.size > kMaxBlobBytes) {
    ack.refused = "an attachment of " + std::to_string(put.size) +
                  " bytes is outside the limit (1 byte to " +
                  std::to_string(kMaxBlobBytes / (1024 * 1024)) + " MiB)";
    audit_blob(txn, identity, remote, AuditAction::attachment_upload, AuditOutcome::refused,
               short_hash(put.hash) + ": " + ack.refused, now_ms);
    return ack;
  }
  std::optional<BlobRow> blob = txn.blob(identity.tenant, put.hash);
  if (blob && blob->complete) {  // already here, from this device or another
    ack.received = blob->size;
    ack.complete = true;
    return ack;
  }
  if (blob && blob->size != put.size) {
    // Another upload of this hash claimed another size: one of them is
    // wrong, and the hash check will tell. Start again with this one.
    txn.delete_blob(identity.tenant, put.hash);
    blob.reset();
  }
  if (!blob) {
    blob = BlobRow{identity.tenant, put.hash, put.size, 0, false, identity.device_id, now_ms};
  }
  if (!put.data.empty() && put.offset == blob->received) {
    txn.append_blob_chunk(identity.tenant, put.hash, put.offset, put.data);
    blob->received += put.data.size();
  }
  ack.received = blob->received;
  if (blob->received == blob->size) {
    if (!matches_hash(txn, *blob)) {
      txn.delete_blob(identity.tenant, put.hash);
      ack.received = 0;
      ack.refused = "the attachment's bytes do not match its SHA-256; the server did not keep it";
      audit_blob(txn, identity, remote, AuditAction::attachment_upload, AuditOutcome::refused,
                 short_hash(put.hash) + ": bytes do not match the hash", now_ms);
      return ack;
    }
    blob->complete = true;
    ack.complete = true;
    audit_blob(txn, identity, remote, AuditAction::attachment_upload, AuditOutcome::accepted,
               short_hash(put.hash) + ": " + std::to_string(blob->size) + " bytes", now_ms);
  }
  txn.put_blob(*blob);
  return ack;
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
