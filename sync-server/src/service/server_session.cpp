#include "service/server_session.hpp"

#include <spdlog/spdlog.h>

#include <variant>

#include "iro/error.hpp"
#include "service/accounts.hpp"
#include "service/reconcile.hpp"
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
    : m_services(services), m_link(link), m_peer(std::move(peer)) {}

void ServerSession::on_frame(std::span<const std::uint8_t> frame, bool binary) {
  if (m_closed) return;
  if (!binary) return refuse(RefusalCode::malformed, "iro-sync speaks binary frames; got text");
  Message message;
  try {
    message = decode_message(frame);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::unsupported_version) {
      return refuse(RefusalCode::unsupported_version,
                    "protocol version " + std::to_string(frame[0]) +
                        " is not supported; this server speaks version " +
                        std::to_string(kProtocolVersion));
    }
    return refuse(RefusalCode::malformed, error.what());
  }
  dispatch(message);
}

void ServerSession::dispatch(const Message& message) {
  if (!m_identity) {
    if (const auto* hello = std::get_if<Hello>(&message)) return on_hello(*hello);
    if (const auto* enrol = std::get_if<Enrol>(&message)) return on_enrol(*enrol);
    return refuse(RefusalCode::malformed, "a session starts with Hello or Enrol, not " +
                                              std::string(message_name(message)));
  }
  if (const auto* push = std::get_if<Push>(&message)) return on_push(*push);
  if (const auto* pull = std::get_if<Pull>(&message)) return on_pull(*pull);
  if (const auto* ping = std::get_if<Ping>(&message)) {
    m_link.send(encode_message(Pong{ping->nonce}));
    return m_link.resume_reading();
  }
  if (std::holds_alternative<Pong>(message)) return m_link.resume_reading();
  refuse(RefusalCode::malformed,
         std::string(message_name(message)) + " is not a message a device sends in a session");
}

void ServerSession::commit(ServerStore::Job job, std::function<void(std::exception_ptr)> then) {
  SessionLink::Poster post = m_link.poster();
  m_services.commits.submit(
      std::move(job), [post = std::move(post), then = std::move(then)](std::exception_ptr failure) {
        post([then, failure] { then(failure); });
      });
}

void ServerSession::on_hello(const Hello& hello) {
  using Verdict = std::variant<Authenticated, WipeDevice, Refused>;
  auto verdict = std::make_shared<Verdict>(Refused{});
  auto head = std::make_shared<std::uint64_t>(0);
  auto policy = std::make_shared<std::string>();
  const std::uint64_t now = m_services.clock.now_ms();
  commit(
      [hello, verdict, head, policy, now](StoreTxn& txn) {
        *verdict = authenticate(txn, hello, now);
        *head = txn.head_seq();
        if (const auto* authenticated = std::get_if<Authenticated>(verdict.get())) {
          *policy = tenant_timescale_policy_name(txn, authenticated->identity.tenant);
        }
      },
      [this, verdict, head, policy, cursor = hello.cursor](std::exception_ptr failure) {
        if (m_closed) return;
        if (failure) {
          spdlog::error("session {}: hello failed: {}", m_peer, describe(failure));
          return refuse(RefusalCode::server_error,
                        "the server could not check this device; try again");
        }
        if (auto* wipe = std::get_if<WipeDevice>(verdict.get())) {
          spdlog::warn("session {}: revoked device told to wipe", m_peer);
          m_link.send(encode_message(Wipe{wipe->reason}));
          m_link.close_after_sending();
          m_closed = true;
          return;
        }
        if (auto* refused = std::get_if<Refused>(verdict.get())) {
          spdlog::warn("session {}: hello refused: {}", m_peer, refused->reason);
          return refuse(refused->code, refused->reason);
        }
        m_identity = std::get<Authenticated>(*verdict).identity;
        m_cursor = cursor;
        m_scope_cursor = cursor;
        spdlog::info("session {}: device {} of user {} ({}) from cursor {}", m_peer,
                     m_identity->device_id, m_identity->user_id, m_identity->tenant, cursor);
        m_link.send(encode_message(Welcome{m_identity->user_id, m_identity->tenant,
                                           m_services.clock.now_ms(), *head, *policy}));
        send_scope_changes(m_scope_cursor);
        m_link.resume_reading();
      });
}

void ServerSession::on_enrol(const Enrol& enrol) {
  using Verdict = std::variant<Enrolled, Refused>;
  auto verdict = std::make_shared<Verdict>(Refused{});
  const std::uint64_t now = m_services.clock.now_ms();
  commit([enrol, verdict, now](StoreTxn& txn) { *verdict = enrol_device(txn, enrol, now); },
         [this, verdict](std::exception_ptr failure) {
           if (m_closed) return;
           if (failure) {
             spdlog::error("session {}: enrolment failed: {}", m_peer, describe(failure));
             return refuse(RefusalCode::server_error, "enrolment failed; try again");
           }
           if (auto* refused = std::get_if<Refused>(verdict.get())) {
             spdlog::warn("session {}: enrolment refused: {}", m_peer, refused->reason);
             return refuse(refused->code, refused->reason);
           }
           const Enrolled& enrolled = std::get<Enrolled>(*verdict);
           spdlog::info("session {}: enrolled device {} for user {}", m_peer, enrolled.device_id,
                        enrolled.user_id);
           m_link.send(encode_message(enrolled));
           m_link.close_after_sending();
           m_closed = true;
         });
}

void ServerSession::on_push(Push push) {
  auto results = std::make_shared<std::vector<PushResult>>();
  auto changes = std::make_shared<std::vector<Change>>(std::move(push.changes));
  const DeviceIdentity identity = *m_identity;
  Clock& wall = m_services.clock;
  commit(
      [identity, changes, results, &wall](StoreTxn& txn) {
        TxnClock clock(txn, wall);
        *results = apply_push(txn, identity, *changes, clock);
      },
      [this, results](std::exception_ptr failure) {
        if (m_closed) return;
        if (failure) {
          spdlog::error("session {}: push failed: {}", m_peer, describe(failure));
          return refuse(RefusalCode::server_error,
                        "the server could not save this push; it will be retried");
        }
        m_link.send(encode_message(PushAck{std::move(*results)}));
        m_link.resume_reading();
      });
}

void ServerSession::on_pull(const Pull& pull) {
  Changes page;
  try {
    m_services.store.read(
        [&](StoreTxn& txn) { page = txn.pull_page(*m_identity, pull.cursor, pull.limit); });
  } catch (const std::exception& error) {
    spdlog::error("session {}: pull failed: {}", m_peer, error.what());
    return refuse(RefusalCode::server_error, "the server could not read changes; try again");
  }
  m_cursor = page.next_cursor;
  const bool caught_up = !page.more;
  m_link.send(encode_message(page));
  if (caught_up) {
    // So an admin sees how far each device has got (iro-server admin devices).
    // One small write per catch-up, in the next group commit; nobody waits for it.
    commit([identity = *m_identity, cursor = m_cursor](
               StoreTxn& txn) { record_device_cursor(txn, identity.device_id, cursor); },
           [](std::exception_ptr) {});
  }
  if (caught_up && !m_live) {
    m_live = true;
    m_link.went_live(*m_identity);
  }
  m_link.resume_reading();
}

void ServerSession::on_store_changed() {
  send_live_changes();
}

void ServerSession::on_queue_drained() {
  if (m_live_pending) send_live_changes();
}

void ServerSession::send_live_changes() {
  if (!m_live || m_closed) return;
  m_live_pending = false;
  // A bounded number of pages per wake-up; the next commit or drain continues.
  for (int page_count = 0; page_count < 4; ++page_count) {
    if (m_link.queued_frames() >= kMaxQueuedFrames) {
      m_live_pending = true;
      return;
    }
    Changes page;
    try {
      m_services.store.read(
          [&](StoreTxn& txn) { page = txn.pull_page(*m_identity, m_cursor, 500); });
    } catch (const std::exception& error) {
      spdlog::error("session {}: live pull failed: {}", m_peer, error.what());
      return;
    }
    const bool any = !page.entries.empty();
    m_cursor = std::max(m_cursor, page.next_cursor);
    if (any) m_link.send(encode_message(page));
    if (!page.more) break;
  }
  send_scope_changes(m_scope_cursor);
}

void ServerSession::send_scope_changes(std::uint64_t after_seq) {
  ScopeChanged scope;
  try {
    m_services.store.read([&](StoreTxn& txn) {
      scope.removed_children = txn.removed_children(*m_identity, after_seq);
      scope.removed_at_seq = txn.head_seq();
    });
  } catch (const std::exception& error) {
    spdlog::error("session {}: scope check failed: {}", m_peer, error.what());
    return;
  }
  m_scope_cursor = std::max(m_scope_cursor, scope.removed_at_seq);
  if (scope.removed_children.empty()) return;
  m_link.send(encode_message(scope));
}

void ServerSession::refuse(RefusalCode code, std::string reason) {
  if (m_closed) return;
  m_link.send(encode_message(Refused{code, std::move(reason)}));
  m_link.close_after_sending();
  m_closed = true;
}

}  // namespace iro::server
