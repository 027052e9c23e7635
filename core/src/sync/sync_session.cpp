#include "iro/sync_session.hpp"

#include <algorithm>

#include "iro/error.hpp"

namespace iro {
namespace {

[[noreturn]] void out_of_place(const Message& message, std::string_view when) {
  throw Error(ErrorCode::invalid_input,
              "the server sent " + std::string(message_name(message)) + " " + std::string(when));
}

template <typename... Messages>
std::vector<Bytes> encoded(const Messages&... messages) {
  return {encode_message(messages)...};
}

}  // namespace

std::string_view to_string(SyncState state) noexcept {
  switch (state) {
    case SyncState::greeting:
      return "greeting";
    case SyncState::pushing:
      return "pushing";
    case SyncState::pulling:
      return "pulling";
    case SyncState::live:
      return "live";
    case SyncState::done:
      return "done";
    case SyncState::refused:
      return "refused";
    case SyncState::wiped:
      return "wiped";
  }
  return "unknown";
}

std::string_view to_string(SyncEvent::Type type) noexcept {
  switch (type) {
    case SyncEvent::Type::pulled:
      return "pulled";
    case SyncEvent::Type::pushed:
      return "pushed";
    case SyncEvent::Type::purged:
      return "purged";
    case SyncEvent::Type::caught_up:
      return "caught_up";
  }
  return "unknown";
}

namespace {

// Sorted, without duplicates: a page often holds several fields of one record.
std::vector<std::string> unique_sorted(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Limits a peer would refuse, or that would never push, are brought in range.
SyncLimits in_range(SyncLimits limits) {
  limits.push_changes = std::clamp<std::size_t>(limits.push_changes, 1, kMaxChangesPerMessage);
  limits.push_bytes = std::clamp<std::size_t>(limits.push_bytes, 1, kMaxFrameBytes / 2);
  limits.pull_page = std::clamp<std::uint32_t>(limits.pull_page, 1, kMaxChangesPerMessage);
  return limits;
}

}  // namespace

DeviceSyncSession::DeviceSyncSession(DeviceStore& store, Mode mode, Clock& clock, SyncLimits limits)
    : m_store(store), m_mode(mode), m_clock(clock), m_limits(in_range(limits)) {}

bool DeviceSyncSession::finished() const noexcept {
  return m_state == SyncState::done || m_state == SyncState::refused || m_state == SyncState::wiped;
}

Bytes DeviceSyncSession::start(std::string_view client_name) {
  const auto credentials = m_store.sync_credentials();
  if (!credentials) {
    throw Error(ErrorCode::invalid_input, "this device has not enrolled: run `iro enrol` first");
  }
  m_cursor = credentials->cursor;
  m_state = SyncState::greeting;
  m_awaiting = Awaiting::welcome;
  update_pending();
  return encode_message(Hello{credentials->device_id, credentials->device_token, m_cursor,
                              std::string(client_name), m_store.scope_cursor(),
                              m_store.outbox_size()});
}

std::vector<Bytes> DeviceSyncSession::receive(std::span<const std::uint8_t> frame) {
  if (finished()) return {};
  const Message message = decode_message(frame);
  if (const auto* refused = std::get_if<Refused>(&message)) {
    m_state = SyncState::refused;
    m_refusal = *refused;
    m_store.record_sync_failure(refused->reason, m_clock.now_ms());
    return {};
  }
  if (const auto* wipe = std::get_if<Wipe>(&message)) {
    m_state = SyncState::wiped;
    m_wipe_reason = wipe->reason;
    return {};
  }
  if (const auto* ping = std::get_if<Ping>(&message)) return encoded(Pong{ping->nonce});
  if (std::holds_alternative<Pong>(message)) return {};

  if (m_awaiting == Awaiting::welcome) {
    if (const auto* welcome = std::get_if<Welcome>(&message)) return on_welcome(*welcome);
    out_of_place(message, "before Welcome");
  }
  if (const auto* ack = std::get_if<PushAck>(&message)) return on_push_ack(*ack);
  if (const auto* changes = std::get_if<Changes>(&message)) return on_changes(*changes);
  if (const auto* scope = std::get_if<ScopeChanged>(&message)) return on_scope_changed(*scope);
  if (const auto* ack = std::get_if<BlobAck>(&message)) return on_blob_ack(*ack);
  if (const auto* data = std::get_if<BlobData>(&message)) return on_blob_data(*data);
  out_of_place(message, "to a device");
}

std::vector<Bytes> DeviceSyncSession::flush() {
  if (m_state != SyncState::live || m_awaiting != Awaiting::nothing) return {};
  return advance();
}

std::vector<Bytes> DeviceSyncSession::on_welcome(const Welcome& welcome) {
  // The offline lease: renewed by every sync, and what unlocks a store whose
  // lease ran out (before the push, which needs the records).
  if (!welcome.lease_secret.empty()) {
    m_store.renew_lease(welcome.lease_secret, int(welcome.lease_days), m_clock.now_ms());
  }
  // The device computes due dates offline, by the council's timescales.
  if (!welcome.timescale_policy.empty()) m_store.save_timescale_policy(welcome.timescale_policy);
  m_awaiting = Awaiting::nothing;
  if (welcome.lease_secret.empty() && m_store.status().locked) {
    // Still locked, so nothing can be pushed or applied. The server grants
    // no lease only to a device revoked with --collect-first, and answers
    // its Pull with Wipe: go straight there, so the wipe happens.
    return {pull()};
  }
  return advance();
}

std::vector<Bytes> DeviceSyncSession::on_push_ack(const PushAck& ack) {
  if (m_awaiting != Awaiting::push_ack) out_of_place(PushAck{}, "without a Push");
  if (ack.results.size() != m_pushed_seqs.size()) {
    throw Error(ErrorCode::invalid_input,
                "the server acknowledged " + std::to_string(ack.results.size()) + " of " +
                    std::to_string(m_pushed_seqs.size()) + " pushed changes");
  }
  for (std::size_t i = 0; i < ack.results.size(); ++i) {
    if (ack.results[i].device_seq != m_pushed_seqs[i]) {
      throw Error(ErrorCode::invalid_input, "the server acknowledged a change it was not sent");
    }
  }
  m_store.apply_push_results(ack.results, m_clock.now_ms());
  m_progress.pushed += ack.results.size();
  m_pushed_seqs.clear();
  m_awaiting = Awaiting::nothing;
  update_pending();
  report(SyncEvent::Type::pushed, std::move(m_pushed_docs));
  m_pushed_docs.clear();
  return advance();
}

std::vector<Bytes> DeviceSyncSession::on_changes(const Changes& changes) {
  const bool answers_pull = m_awaiting == Awaiting::changes;
  if (!answers_pull && !m_caught_up) out_of_place(Changes{}, "before the device caught up");
  m_store.apply_changes(changes.entries, changes.next_cursor);
  m_cursor = std::max(m_cursor, changes.next_cursor);
  m_progress.pulled += changes.entries.size();
  m_progress.pull_total = m_progress.pulled + changes.remaining;
  if (m_sink && !changes.entries.empty()) {
    std::vector<std::string> doc_ids;
    for (const ChangeEntry& entry : changes.entries) doc_ids.push_back(entry.change.doc_id);
    report(SyncEvent::Type::pulled, std::move(doc_ids));
  }
  if (!answers_pull) {  // a live update: fetch any attachment it points at
    return m_awaiting == Awaiting::nothing ? advance() : std::vector<Bytes>{};
  }
  if (changes.more) return {pull()};
  m_caught_up = true;
  m_awaiting = Awaiting::nothing;
  return advance();
}

std::vector<Bytes> DeviceSyncSession::on_scope_changed(const ScopeChanged& scope) {
  // Kept in the store: push what the device has for those children first;
  // advance() purges once the outbox is empty, in this sync or the next.
  m_store.mark_children_leaving(scope.removed_children, scope.removed_at_seq);
  if (m_awaiting != Awaiting::nothing) return {};
  return advance();
}

std::vector<Bytes> DeviceSyncSession::on_blob_ack(const BlobAck& ack) {
  if (m_awaiting != Awaiting::blob_ack || ack.hash != m_blob.hash) {
    out_of_place(BlobAck{}, "for an attachment it was not sent");
  }
  m_awaiting = Awaiting::nothing;
  m_store.record_blob_ack(ack);
  if (ack.complete && ack.refused.empty()) ++m_progress.blobs_sent;
  if (ack.complete || !ack.refused.empty()) return advance();
  // Resume from what the server holds; a server that stops taking bytes
  // leaves the blob for the next sync instead of looping.
  const bool moved_on = !m_blob.sent_bytes || ack.received > m_blob.offset;
  if (!moved_on || ack.received >= m_blob.size) {
    m_blobs_skipped.insert(ack.hash);
    return advance();
  }
  m_blob.offset = ack.received;
  m_blob.sent_bytes = true;
  m_awaiting = Awaiting::blob_ack;
  return encoded(BlobPut{m_blob.hash, m_blob.size, ack.received,
                         m_store.read_blob_chunk(ack.hash, ack.received)});
}

std::vector<Bytes> DeviceSyncSession::on_blob_data(const BlobData& data) {
  if (m_awaiting != Awaiting::blob_data || data.hash != m_blob.hash) {
    out_of_place(BlobData{}, "for an attachment it was not asked for");
  }
  m_awaiting = Awaiting::nothing;
  if (!data.refused.empty()) {  // not on the server yet, most likely: next sync
    m_blobs_skipped.insert(data.hash);
    return advance();
  }
  try {
    if (!m_store.store_blob_chunk(data)) {
      m_awaiting = Awaiting::blob_data;
      return encoded(BlobGet{data.hash, data.offset + data.data.size()});
    }
    ++m_progress.blobs_received;
  } catch (const Error& error) {
    if (error.code() != ErrorCode::corrupt_data) throw;
    m_blobs_skipped.insert(data.hash);  // dropped; fetched again next sync
  }
  return advance();
}

std::optional<Bytes> DeviceSyncSession::next_blob_upload() {
  const std::optional<AttachmentInfo> blob = m_store.next_blob_upload(m_blobs_skipped);
  if (!blob) return std::nullopt;
  // First ask how much the server has: an upload cut short resumes there.
  m_blob = BlobTransfer{blob->hash, blob->size, 0, false};
  m_awaiting = Awaiting::blob_ack;
  m_state = SyncState::pushing;
  return encode_message(BlobPut{blob->hash, blob->size, 0, {}});
}

std::optional<Bytes> DeviceSyncSession::next_blob_download() {
  const std::optional<AttachmentInfo> blob = m_store.next_blob_download(m_blobs_skipped);
  if (!blob) return std::nullopt;
  m_blob = BlobTransfer{blob->hash, blob->size, blob->received, false};
  m_awaiting = Awaiting::blob_data;
  if (m_state != SyncState::live) m_state = SyncState::pulling;
  return encode_message(BlobGet{blob->hash, blob->received});
}

std::vector<Bytes> DeviceSyncSession::advance() {
  // Attachments first, so a record never reaches the server (and other
  // devices) before the drawing it points at.
  if (auto upload = next_blob_upload()) return {*std::move(upload)};
  std::vector<Change> batch =
      m_store.next_push_batch(m_limits.push_changes, m_limits.push_bytes, m_clock.now_ms());
  if (!batch.empty()) {
    m_pushed_seqs.clear();
    m_pushed_docs.clear();
    for (const Change& change : batch) {
      m_pushed_seqs.push_back(change.device_seq);
      if (m_sink) m_pushed_docs.push_back(change.doc_id);
    }
    m_state = SyncState::pushing;
    m_awaiting = Awaiting::push_ack;
    return encoded(Push{std::move(batch)});
  }
  if (const std::vector<std::string> children = m_store.children_leaving(); !children.empty()) {
    // Which records go, asked before they are gone (only when someone listens).
    std::vector<std::string> doc_ids;
    if (m_sink) {
      for (const std::string& child : children) {
        DocumentQuery query = DocumentQuery::of_child(child);
        query.include_deleted = true;
        for (const Document& document : m_store.query(query)) doc_ids.push_back(document.id);
      }
    }
    m_store.purge_children(children);
    report(SyncEvent::Type::purged, std::move(doc_ids), children);
  }
  if (!m_caught_up) return {pull()};
  if (auto download = next_blob_download()) return {*std::move(download)};
  const bool was_in_step = m_state == SyncState::live || m_state == SyncState::done;
  if (m_state != SyncState::live) m_store.record_sync_success(m_clock.now_ms());
  m_state = m_mode == Mode::follow ? SyncState::live : SyncState::done;
  if (!was_in_step) report(SyncEvent::Type::caught_up, {});
  return {};
}

Bytes DeviceSyncSession::pull() {
  m_state = SyncState::pulling;
  m_awaiting = Awaiting::changes;
  return encode_message(Pull{m_cursor, m_limits.pull_page});
}

void DeviceSyncSession::update_pending() {
  m_progress.pending = m_store.outbox_size();
}

void DeviceSyncSession::report(SyncEvent::Type type, std::vector<std::string> doc_ids,
                               std::vector<std::string> child_ids) {
  if (!m_sink) return;
  SyncEvent event;
  event.type = type;
  event.doc_ids = unique_sorted(std::move(doc_ids));
  event.child_ids = unique_sorted(std::move(child_ids));
  event.pushed = m_progress.pushed;
  event.pulled = m_progress.pulled;
  event.pending = m_progress.pending;
  m_sink(event);
}

EnrolSession::EnrolSession(DeviceStore& store, std::string server_url, std::string server_ca_pem)
    : m_store(store),
      m_server_url(std::move(server_url)),
      m_server_ca_pem(std::move(server_ca_pem)) {}

Bytes EnrolSession::start(std::string_view code, std::string_view device_name) {
  return encode_message(Enrol{std::string(code), m_store.device_id(), std::string(device_name)});
}

bool EnrolSession::receive(std::span<const std::uint8_t> frame) {
  const Message message = decode_message(frame);
  if (const auto* refused = std::get_if<Refused>(&message)) {
    m_refusal = *refused;
    return true;
  }
  const auto* enrolled = std::get_if<Enrolled>(&message);
  if (enrolled == nullptr) out_of_place(message, "during enrolment");
  if (enrolled->device_id != m_store.device_id()) {
    throw Error(ErrorCode::invalid_input, "the server enrolled a different device id");
  }
  m_store.save_enrolment(m_server_url, *enrolled, m_server_ca_pem);
  m_enrolled = *enrolled;
  return true;
}

}  // namespace iro
