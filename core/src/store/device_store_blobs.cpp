// DeviceStore's attachments: blobs made on this device (a child's drawing),
// and those other devices made, fetched chunk by chunk during sync.
#include "iro/blob.hpp"
#include "iro/error.hpp"
#include "iro/store.hpp"
#include "store/blob_rows.hpp"
#include "store/device_store_impl.hpp"

namespace iro {

std::string_view to_string(AttachmentState state) noexcept {
  switch (state) {
    case AttachmentState::local:
      return "local";
    case AttachmentState::held:
      return "held";
    case AttachmentState::wanted:
      return "wanted";
    case AttachmentState::failed:
      return "failed";
  }
  return "unknown";
}

std::string DeviceStore::add_attachment(std::string_view doc_id,
                                        std::span<const std::uint8_t> bytes) {
  m_impl->require_records();
  if (bytes.empty()) throw Error(ErrorCode::invalid_input, "an attachment needs some bytes");
  if (bytes.size() > kMaxBlobBytes) {
    throw Error(ErrorCode::invalid_input,
                "an attachment of " + std::to_string(bytes.size()) + " bytes is over the " +
                    std::to_string(kMaxBlobBytes / (1024 * 1024)) + " MiB limit");
  }
  std::string hash = blob_hash(bytes);
  sqlite::Transaction transaction(m_impl->db);
  const std::optional<Document> document =
      rows::load_document(m_impl->db, m_impl->keys.records, doc_id);
  if (document && schema_for(document->kind).find(kAttachmentsField) == nullptr) {
    throw Error(ErrorCode::invalid_input,
                std::string(to_string(document->kind)) + " records have no attachments");
  }
  rows::put_local_blob(m_impl->db, m_impl->keys.records, hash, bytes);
  StringSet members;
  if (document) {
    if (const Value* current = document->field(kAttachmentsField)) {
      if (const auto* set = std::get_if<StringSet>(current)) members = *set;
    }
  }
  members.push_back(hash);
  apply_edit(*m_impl, doc_id, {{std::string(kAttachmentsField), normalised_set(members)}});
  transaction.commit();
  return hash;
}

std::optional<Bytes> DeviceStore::attachment(std::string_view hash) const {
  m_impl->require_records();
  const std::optional<AttachmentInfo> blob = rows::blob_info(m_impl->db, hash);
  if (!blob || blob->received != blob->size ||
      (blob->state != AttachmentState::local && blob->state != AttachmentState::held &&
       blob->state != AttachmentState::failed)) {
    return std::nullopt;
  }
  return rows::read_blob(m_impl->db, m_impl->keys.records, hash, 0, std::size_t(blob->size));
}

std::vector<AttachmentInfo> DeviceStore::attachments() const {
  return rows::all_blobs(m_impl->db);
}

std::optional<AttachmentInfo> DeviceStore::next_blob_upload(
    const std::set<std::string>& skip) const {
  return rows::first_blob_in_state(m_impl->db, AttachmentState::local, skip);
}

std::optional<AttachmentInfo> DeviceStore::next_blob_download(
    const std::set<std::string>& skip) const {
  return rows::first_blob_in_state(m_impl->db, AttachmentState::wanted, skip);
}

Bytes DeviceStore::read_blob_chunk(std::string_view hash, std::uint64_t offset) const {
  m_impl->require_records();
  return rows::read_blob(m_impl->db, m_impl->keys.records, hash, offset, kBlobChunkBytes);
}

void DeviceStore::record_blob_ack(const BlobAck& ack) {
  if (!ack.refused.empty()) {
    rows::set_blob_state(m_impl->db, ack.hash, AttachmentState::failed, ack.refused);
  } else if (ack.complete) {
    rows::set_blob_state(m_impl->db, ack.hash, AttachmentState::held);
  }
}

bool DeviceStore::store_blob_chunk(const BlobData& data) {
  m_impl->require_records();
  sqlite::Transaction transaction(m_impl->db);
  const std::optional<AttachmentInfo> blob = rows::blob_info(m_impl->db, data.hash);
  if (!blob || blob->state != AttachmentState::wanted) {
    throw Error(ErrorCode::invalid_input, "the server sent attachment " + data.hash.substr(0, 12) +
                                              "... which this device did not ask for");
  }
  if (data.offset != blob->received || (blob->size != 0 && data.size != blob->size)) {
    throw Error(ErrorCode::corrupt_data, "the server sent attachment " + data.hash.substr(0, 12) +
                                             "... from byte " + std::to_string(data.offset) +
                                             "; the device has " + std::to_string(blob->received));
  }
  rows::append_blob_chunk(m_impl->db, m_impl->keys.records, data.hash, data.size, data.offset,
                          data.data);
  const bool whole = data.offset + data.data.size() == data.size;
  if (whole) {
    BlobHasher hasher;
    for (std::uint64_t at = 0; at < data.size; at += kBlobChunkBytes) {
      hasher.update(
          rows::read_blob(m_impl->db, m_impl->keys.records, data.hash, at, kBlobChunkBytes));
    }
    if (hasher.finish() != data.hash) {
      rows::restart_blob(m_impl->db, data.hash);
      transaction.commit();
      throw Error(ErrorCode::corrupt_data, "attachment " + data.hash.substr(0, 12) +
                                               "... arrived with bytes that do not match its "
                                               "hash; it will be fetched again");
    }
    rows::set_blob_state(m_impl->db, data.hash, AttachmentState::held);
  }
  transaction.commit();
  return whole;
}

}  // namespace iro
