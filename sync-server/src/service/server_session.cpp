#include "service/server_session.hpp"

#include <spdlog/spdlog.h>

#include <variant>

#include "iro/error.hpp"
#include "service/accounts.hpp"
#include "service/audit.hpp"
#include "service/blobs.hpp"
#include "service/lease.hpp"
#include "service/metrics.hpp"
#include "service/reconcile.hpp"
#include "service/secrets.hpp"
#include "service/tenant_policy.hpp"

namespace iro::server {
namespace {

std::string describe(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "unknown failure";
  }
}

}  // namespace

ServerSession::ServerSession(SessionServices services, SessionLink& link, std::string peer)
    : m_services(services),
      m_link(link),
      m_peer(std::move(peer)),
      m_address(AuthThrottle::address_of(m_peer)),
      m_connection_id(next_connection_id()) {}

std::string ServerSession::log_line(std::string_view event,
                                    std::initializer_list<LogField> fields) const {
  return "connection=" + m_connection_id + " peer=" + m_peer + " " + logfmt(event, fields);
}

void ServerSession::on_frame(std::span<const std::uint8_t> frame, bool binary) {
  if (m_closed) return;
  if (!binary) {
    return refuse_protocol_error(RefusalCode::malformed, "iro-sync speaks binary frames; got text");
  }
  Message message;
  try {
    message = decode_message(frame);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::unsupported_version) {
      return refuse_protocol_error(RefusalCode::unsupported_version,
                                   "protocol version " + std::to_string(frame[0]) +
                                       " is not supported; this server speaks version " +
                                       std::to_string(kProtocolVersion));
    }
    return refuse_protocol_error(RefusalCode::malformed, error.what());
  }
  dispatch(message);
}

void ServerSession::refuse_protocol_error(RefusalCode code, std::string reason) {
  if (!m_identity) {
    return refuse_unauthenticated(AuditAction::connect, "", code, std::move(reason));
  }
  AuditRow row = device_audit_row(*m_identity, m_peer, AuditAction::session, AuditOutcome::refused,
                                  m_services.clock.now_ms());
  row.detail = audit_detail(reason);
  audit_later([row](StoreTxn& txn) { txn.append_audit(row); });
  refuse(code, std::move(reason));
}

void ServerSession::dispatch(const Message& message) {
  if (!m_identity) {
    if (const auto* hello = std::get_if<Hello>(&message)) return on_hello(*hello);
    if (const auto* enrol = std::get_if<Enrol>(&message)) return on_enrol(*enrol);
    return refuse_protocol_error(
        RefusalCode::malformed,
        "a session starts with Hello or Enrol, not " + std::string(message_name(message)));
  }
  if (const auto* push = std::get_if<Push>(&message)) return on_push(*push);
  if (const auto* pull = std::get_if<Pull>(&message)) return on_pull(*pull);
  if (const auto* put = std::get_if<BlobPut>(&message)) return on_blob_put(*put);
  if (const auto* get = std::get_if<BlobGet>(&message)) return on_blob_get(*get);
  if (const auto* ping = std::get_if<Ping>(&message)) {
    m_link.send(encode_message(Pong{ping->nonce}));
    return m_link.resume_reading();
  }
  if (std::holds_alternative<Pong>(message)) return m_link.resume_reading();
  refuse_protocol_error(
      RefusalCode::malformed,
      std::string(message_name(message)) + " is not a message a device sends in a session");
}

bool ServerSession::refuse_if_throttled(AuditAction action, std::string_view claimed_device_id,
                                        bool begin_attempt) {
  AuthThrottle* throttle = m_services.throttle;
  if (!throttle) return false;
  const std::vector<AuthThrottle::Summary> summaries = throttle->take_summaries();
  const std::optional<AuthThrottle::Lockout> lockout =
      begin_attempt ? throttle->begin_attempt(m_address) : throttle->check(m_address);
  const std::uint64_t now = m_services.clock.now_ms();
  std::vector<AuditRow> rows;
  // Lockouts that are over, of any address: how many refusals went unaudited.
  for (const AuthThrottle::Summary& summary : summaries) {
    AuditRow& row = rows.emplace_back(
        unauthenticated_audit_row(summary.address, "", AuditAction::connect, now));
    row.detail = "rate limited: " + std::to_string(summary.refusals) +
                 " more Hellos or Enrols from this address were refused while it was locked out";
  }
  if (lockout && lockout->first_refusal) {
    AuditRow& row =
        rows.emplace_back(unauthenticated_audit_row(m_peer, claimed_device_id, action, now));
    row.detail = "rate limited: " + std::to_string(lockout->failures) +
                 " failed attempts from this address; " + AuthThrottle::refusal_reason(*lockout);
    spdlog::warn(
        "{}", log_line("throttled", {{"failures", std::to_string(lockout->failures)},
                                     {"retry_after_ms", std::to_string(lockout->retry_after_ms)}}));
  }
  if (!rows.empty()) {
    audit_later([rows = std::move(rows)](StoreTxn& txn) {
      for (const AuditRow& row : rows) txn.append_audit(row);
    });
  }
  if (!lockout) return false;
  refuse(RefusalCode::overloaded, AuthThrottle::refusal_reason(*lockout));
  return true;
}

void ServerSession::refuse_unauthenticated(AuditAction action, std::string_view claimed_device_id,
                                           RefusalCode code, std::string reason) {
  if (refuse_if_throttled(action, claimed_device_id)) return;
  if (m_services.throttle) m_services.throttle->record_failure(m_address);
  AuditRow row =
      unauthenticated_audit_row(m_peer, claimed_device_id, action, m_services.clock.now_ms());
  row.detail = audit_detail(reason);
  audit_later([row](StoreTxn& txn) { txn.append_audit(row); });
  spdlog::warn("{}", log_line("refused-unauthenticated", {{"reason", reason}}));
  refuse(code, std::move(reason));
}

void ServerSession::audit_later(std::function<void(StoreTxn&)> write) {
  // Through commit(), so the session stays alive until it is saved (and a
  // test's loopback waits for it like every other commit).
  commit(std::move(write), [this](std::exception_ptr failure) {
    if (failure) spdlog::error("{}", log_line("audit-failed", {{"error", describe(failure)}}));
  });
}

void ServerSession::commit(ServerStore::Job job, std::function<void(std::exception_ptr)> then) {
  SessionLink::Poster post = m_link.poster();
  m_services.commits.submit(
      std::move(job), [post = std::move(post), then = std::move(then)](std::exception_ptr failure) {
        post([then, failure = std::move(failure)] { then(failure); });
      });
}

void ServerSession::on_hello(const Hello& hello) {
  if (refuse_if_throttled(AuditAction::hello, hello.device_id)) return;
  // Answered from a read: a Hello never waits behind the writer (another
  // device's push), only its bookkeeping and audit entry do.
  using Verdict = std::variant<Authenticated, WipeDevice, Refused>;
  Verdict verdict = Refused{};
  std::uint64_t head = 0;
  std::string policy;
  std::optional<LeaseGrant> lease;
  bool lease_needs_secret = false;
  const std::uint64_t now = m_services.clock.now_ms();
  try {
    m_services.store.read([&](StoreTxn& txn) {
      verdict = authenticate(txn, hello, now);
      head = txn.head_seq();
      if (const auto* authenticated = std::get_if<Authenticated>(&verdict)) {
        policy = tenant_timescale_policy_name(txn, authenticated->identity.tenant);
        // A revoked device collected before its wipe gets no lease: the
        // key that unlocks a store is never granted to a revoked device.
        if (!authenticated->collect_then_wipe) {
          lease = existing_lease_for(txn, authenticated->identity.tenant,
                                     authenticated->identity.device_id);
          lease_needs_secret = !lease;
        }
      }
    });
  } catch (const std::exception& error) {
    spdlog::error("{}", log_line("hello-failed", {{"error", error.what()}}));
    return refuse(RefusalCode::server_error, "the server could not check this device; try again");
  }
  if (lease_needs_secret) {
    // The store's first lease: its master secret is made, once, then the
    // Hello is answered as any other.
    return commit([](StoreTxn& txn) { ensure_lease_master_secret(txn); },
                  [this, hello](std::exception_ptr failure) {
                    if (m_closed) return;
                    if (!failure) return on_hello(hello);
                    spdlog::error("{}", log_line("hello-failed", {{"error", describe(failure)}}));
                    refuse(RefusalCode::server_error,
                           "the server could not check this device; try again");
                  });
  }
  if (std::holds_alternative<Authenticated>(verdict)) m_session_id = random_hex(16);
  commit(
      [hello, verdict, now, remote = m_peer, session_id = m_session_id](StoreTxn& txn) {
        if (std::holds_alternative<Authenticated>(verdict)) {
          record_hello(txn, hello, session_id, now);
        }
        audit_hello(txn, remote, hello, verdict, now);
      },
      [this](std::exception_ptr failure) {
        if (failure) {
          spdlog::error("{}", log_line("audit-failed", {{"error", describe(failure)}}));
        } else {
          m_session_recorded = true;
        }
      });
  if (auto* wipe = std::get_if<WipeDevice>(&verdict)) {
    spdlog::warn("{}", log_line("wipe", {{"device", hello.device_id}}));
    m_link.send(encode_message(Wipe{wipe->reason}));
    m_link.close_after_sending();
    m_closed = true;
    return;
  }
  if (auto* refused = std::get_if<Refused>(&verdict)) {
    if (m_services.throttle) m_services.throttle->record_failure(m_address);
    spdlog::warn("{}", log_line("hello-refused",
                                {{"device", hello.device_id}, {"reason", refused->reason}}));
    return refuse(refused->code, refused->reason);
  }
  const Authenticated& authenticated = std::get<Authenticated>(verdict);
  m_identity = authenticated.identity;
  m_cursor = hello.cursor;
  m_scope_cursor = hello.scope_cursor;
  if (authenticated.collect_then_wipe) start_collection(authenticated.wipe_reason);
  spdlog::info("{}", log_line("hello", {{"device", m_identity->device_id},
                                        {"user", m_identity->user_id},
                                        {"tenant", m_identity->tenant},
                                        {"cursor", std::to_string(hello.cursor)},
                                        {"unsent", std::to_string(hello.outbox_size)},
                                        {"collect_then_wipe", m_wipe_after_push ? "yes" : "no"}}));
  const LeaseGrant granted = lease.value_or(LeaseGrant{});
  m_link.send(encode_message(Welcome{m_identity->user_id, m_identity->tenant, now, head, policy,
                                     granted.secret, granted.days}));
  m_link.authenticated(*m_identity);
  if (!m_wipe_after_push) send_scope_changes(m_scope_cursor);
  m_link.resume_reading();
}

void ServerSession::start_collection(std::string wipe_reason) {
  m_wipe_after_push = std::move(wipe_reason);
  m_collect_until_ms = m_services.clock.now_ms() + kCollectionWindowMs;
  m_live = false;  // nothing more is sent to it
}

bool ServerSession::collection_over() {
  if (!m_wipe_after_push || m_services.clock.now_ms() <= m_collect_until_ms) return false;
  wipe(*m_wipe_after_push);
  return true;
}

void ServerSession::wipe(std::string reason) {
  if (m_closed || m_wiping) return;
  m_wiping = true;
  const auto send_wipe = [this](const std::string& why, bool collected) {
    if (m_closed) return;
    spdlog::warn("{}", log_line("wipe", {{"device", m_identity->device_id},
                                         {"collected", collected ? "yes" : "no"}}));
    m_link.send(encode_message(Wipe{why}));
    m_link.close_after_sending();
    m_closed = true;
  };
  if (!m_wipe_after_push) return send_wipe(reason, false);
  // The collection is over before the device hears so: whatever says Hello
  // with its token from then on is wiped at once.
  m_wipe_after_push.reset();
  commit([device_id = m_identity->device_id](StoreTxn& txn) { finish_collection(txn, device_id); },
         [this, send_wipe, reason](std::exception_ptr failure) {
           if (failure) {
             spdlog::error("{}", log_line("collection-failed", {{"error", describe(failure)}}));
           }
           send_wipe(reason, true);
         });
}

void ServerSession::on_device_row(const DeviceRow& device) {
  if (m_closed || m_wiping || !m_identity || device.id != m_identity->device_id) return;
  if (device.revoked_ms) {
    if (!device.collect_first || m_live) {
      // A live device has pushed all it held: nothing is left to collect.
      AuditRow row = device_audit_row(*m_identity, m_peer, AuditAction::session,
                                      AuditOutcome::refused, m_services.clock.now_ms());
      row.detail = "revoked during the session: told to wipe";
      audit_later([row](StoreTxn& txn) { txn.append_audit(row); });
      if (device.collect_first && !m_wipe_after_push) m_wipe_after_push = kRevokedDevice;
      return wipe(kRevokedDevice);
    }
    if (!m_wipe_after_push) start_collection(kRevokedDevice);
    return;
  }
  if (m_session_recorded && !device.session_id.empty() && device.session_id != m_session_id) {
    AuditRow row = device_audit_row(*m_identity, m_peer, AuditAction::session,
                                    AuditOutcome::refused, m_services.clock.now_ms());
    row.detail =
        "ended: the device's token opened another session (a reconnect, or a copy of the token)";
    audit_later([row](StoreTxn& txn) { txn.append_audit(row); });
    spdlog::warn("{}", log_line("superseded", {{"device", m_identity->device_id}}));
    refuse(RefusalCode::not_allowed,
           "this device opened another session, so this one is closed; if that was not this "
           "device, tell your administrator");
  }
}

void ServerSession::on_enrol(const Enrol& enrol) {
  // Counted as a failure until the code is found good: enrolments sent
  // together cannot all be tried before the first failure counts.
  if (refuse_if_throttled(AuditAction::enrol, enrol.device_id, true)) return;
  using Verdict = std::variant<Enrolled, Refused>;
  auto verdict = std::make_shared<Verdict>(Refused{});
  const std::uint64_t now = m_services.clock.now_ms();
  commit(
      [enrol, verdict, now, remote = m_peer](StoreTxn& txn) {
        *verdict = enrol_device(txn, enrol, now);
        audit_enrol(txn, remote, enrol, *verdict, now);
      },
      [this, verdict](std::exception_ptr failure) {
        if (m_closed) return;
        if (failure) {
          spdlog::error("{}", log_line("enrol-failed", {{"error", describe(failure)}}));
          return refuse(RefusalCode::server_error, "enrolment failed; try again");
        }
        if (auto* refused = std::get_if<Refused>(verdict.get())) {
          spdlog::warn("{}", log_line("enrol-refused", {{"reason", refused->reason}}));
          return refuse(refused->code, refused->reason);
        }
        if (m_services.throttle) m_services.throttle->succeeded(m_address);
        const Enrolled& enrolled = std::get<Enrolled>(*verdict);
        spdlog::info("{}", log_line("enrolled",
                                    {{"device", enrolled.device_id}, {"user", enrolled.user_id}}));
        m_link.send(encode_message(enrolled));
        m_link.close_after_sending();
        m_closed = true;
      });
}

void ServerSession::on_push(Push push) {
  if (collection_over()) return;
  auto results = std::make_shared<std::vector<PushResult>>();
  auto changes = std::make_shared<std::vector<Change>>(std::move(push.changes));
  // How the device's row stands when the push is applied: a device revoked
  // since its Hello has its push refused and is wiped (or collected).
  enum class Standing { enrolled, collecting, revoked };
  auto standing = std::make_shared<Standing>(Standing::enrolled);
  const DeviceIdentity identity = *m_identity;
  Clock& wall = m_services.clock;
  commit(
      [identity, changes, results, standing, &wall, remote = m_peer,
       collecting = m_wipe_after_push.has_value()](StoreTxn& txn) {
        const auto device = txn.device(identity.device_id);
        if (!device || (device->revoked_ms && !device->collect_first)) {
          *standing = Standing::revoked;
          return;
        }
        if (device->revoked_ms || collecting) *standing = Standing::collecting;
        TxnClock clock(txn, wall);
        *results = apply_push(txn, identity, *changes, clock,
                              {.remote = remote, .collecting = *standing == Standing::collecting});
      },
      [this, results, standing](std::exception_ptr failure) {
        if (m_closed) return;
        if (failure) {
          spdlog::error("{}", log_line("push-failed", {{"error", describe(failure)}}));
          return refuse(RefusalCode::server_error,
                        "the server could not save this push; it will be retried");
        }
        if (*standing == Standing::revoked) return wipe(kRevokedDevice);
        if (*standing == Standing::collecting && !m_wipe_after_push)
          start_collection(kRevokedDevice);
        if (m_services.metrics) m_services.metrics->count_push(*results, m_services.clock.now_ms());
        m_link.send(encode_message(PushAck{std::move(*results)}));
        m_link.resume_reading();
      });
}

void ServerSession::on_pull(const Pull& pull) {
  if (m_wipe_after_push) {
    // A device pushes everything it holds before its first Pull: all
    // collected, so now the wipe. It is sent nothing.
    return wipe(*m_wipe_after_push);
  }
  Changes page;
  try {
    page = read_page(pull.cursor, pull.limit);
  } catch (const std::exception& error) {
    spdlog::error("{}", log_line("pull-failed", {{"error", error.what()}}));
    return refuse(RefusalCode::server_error, "the server could not read changes; try again");
  }
  m_cursor = page.next_cursor;
  const bool caught_up = !page.more;
  if (caught_up) {
    // So an admin sees how far each device has got (iro-server admin devices).
    // One small write per catch-up, in the next group commit; nobody waits for it.
    commit([identity = *m_identity, cursor = m_cursor](
               StoreTxn& txn) { record_device_cursor(txn, identity.device_id, cursor); },
           [](std::exception_ptr) {});
  }
  send_page(std::move(page), false, [this, caught_up] {
    if (caught_up && !m_live) {
      m_live = true;
      m_link.went_live(*m_identity);
      // A commit that landed between the read above and joining the hub woke
      // no one: read once more, now that every later commit will wake us.
      send_live_changes();
    }
    m_link.resume_reading();
  });
}

void ServerSession::on_blob_put(BlobPut put) {
  if (collection_over()) return;
  auto ack = std::make_shared<BlobAck>();
  auto chunk = std::make_shared<BlobPut>(std::move(put));
  commit(
      [identity = *m_identity, chunk, ack, remote = m_peer, now = m_services.clock.now_ms(),
       limits = m_services.blob_limits](StoreTxn& txn) {
        *ack = receive_blob_chunk(txn, identity, *chunk, remote, now, limits);
      },
      [this, ack](std::exception_ptr failure) {
        if (m_closed) return;
        if (failure) {
          spdlog::error("{}", log_line("blob-put-failed", {{"error", describe(failure)}}));
          return refuse(RefusalCode::server_error,
                        "the server could not save an attachment; it will be retried");
        }
        m_link.send(encode_message(*ack));
        m_link.resume_reading();
      });
}

void ServerSession::on_blob_get(const BlobGet& get) {
  // A device being collected hands in; it fetches nothing.
  if (m_wipe_after_push) return wipe(*m_wipe_after_push);
  BlobReply reply;
  try {
    m_services.store.read([&](StoreTxn& txn) {
      reply = read_blob_chunk(txn, *m_identity, get, m_peer, m_services.clock.now_ms(),
                              m_blobs_in_scope.contains(get.hash));
    });
  } catch (const std::exception& error) {
    spdlog::error("{}", log_line("blob-get-failed", {{"error", error.what()}}));
    return refuse(RefusalCode::server_error, "the server could not read an attachment; try again");
  }
  if (reply.audit) audit_later([row = *reply.audit](StoreTxn& txn) { txn.append_audit(row); });
  if (reply.data.refused.empty()) m_blobs_in_scope.insert(get.hash);
  m_link.send(encode_message(reply.data));
  m_link.resume_reading();
}

void ServerSession::send_page(Changes page, bool live, std::function<void()> then) {
  if (page.entries.empty()) {  // discloses nothing
    m_link.send(encode_message(page));
    return then();
  }
  auto sent = std::make_shared<Changes>(std::move(page));
  commit([identity = *m_identity, remote = m_peer, sent, live, now = m_services.clock.now_ms()](
             StoreTxn& txn) { audit_pull(txn, identity, remote, *sent, live, now); },
         [this, sent, then = std::move(then)](std::exception_ptr failure) {
           if (m_closed) return;
           if (failure) {
             spdlog::error("{}", log_line("page-audit-failed", {{"error", describe(failure)}}));
             return refuse(RefusalCode::server_error,
                           "the server could not read changes; try again");
           }
           m_link.send(encode_message(*sent));
           then();
         });
}

void ServerSession::on_store_changed() {
  send_live_changes();
}

void ServerSession::on_queue_drained() {
  if (m_live_pending) send_live_changes();
}

void ServerSession::send_live_changes() {
  if (!m_live || m_closed) return;
  if (m_live_sending) {  // the page in hand continues once it is sent
    m_live_pending = true;
    return;
  }
  m_live_pending = false;
  if (m_link.queued_frames() >= kMaxQueuedFrames) {
    m_live_pending = true;  // the drain continues
    return;
  }
  Changes page;
  try {
    page = read_page(m_cursor, 500);
  } catch (const std::exception& error) {
    spdlog::error("{}", log_line("live-pull-failed", {{"error", error.what()}}));
    return;
  }
  m_cursor = std::max(m_cursor, page.next_cursor);
  if (page.entries.empty()) return send_scope_changes(m_scope_cursor);
  // One page at a time: each waits for its audit entries, then the next is read.
  const bool more = page.more;
  m_live_sending = true;
  send_page(std::move(page), true, [this, more] {
    m_live_sending = false;
    if (more || m_live_pending) return send_live_changes();
    send_scope_changes(m_scope_cursor);
  });
}

void ServerSession::send_scope_changes(std::uint64_t after_seq) {
  ScopeChanged scope;
  try {
    m_services.store.read([&](StoreTxn& txn) { scope = read_scope_changes(txn, after_seq); });
  } catch (const std::exception& error) {
    spdlog::error("{}", log_line("scope-check-failed", {{"error", error.what()}}));
    return;
  }
  announce(std::move(scope));
}

ScopeChanged ServerSession::read_scope_changes(StoreTxn& txn, std::uint64_t after_seq) {
  ScopeChanged scope;
  scope.removed_children = txn.removed_children(*m_identity, after_seq);
  scope.removed_at_seq = txn.head_seq();
  return scope;
}

Changes ServerSession::read_page(std::uint64_t cursor, std::uint32_t limit) {
  Changes page;
  ScopeChanged scope;
  m_services.store.read([&](StoreTxn& txn) {
    scope = read_scope_changes(txn, m_scope_cursor);
    page = txn.pull_page(*m_identity, cursor, limit);
  });
  announce(std::move(scope));
  return page;
}

void ServerSession::announce(ScopeChanged scope) {
  m_scope_cursor = std::max(m_scope_cursor, scope.removed_at_seq);
  if (scope.removed_children.empty()) return;
  audit_later([identity = *m_identity, remote = m_peer, removed = scope.removed_children,
               now = m_services.clock.now_ms()](StoreTxn& txn) {
    audit_scope_changed(txn, identity, remote, removed, now);
  });
  m_link.send(encode_message(scope));
}

void ServerSession::refuse(RefusalCode code, std::string reason) {
  if (m_closed) return;
  if (m_services.metrics) m_services.metrics->count_refused_session();
  m_link.send(encode_message(Refused{code, std::move(reason)}));
  m_link.close_after_sending();
  m_closed = true;
}

}  // namespace iro::server
