#include "service/server_clock.hpp"

namespace iro::server {

void write_server_field(StoreTxn& txn, const DocumentRow& document, std::string_view name,
                        const Value& value, TxnClock& clock) {
  const Hlc hlc = clock.tick();
  const std::uint64_t seq = txn.next_seq();
  txn.put_field(document, name, FieldRow{value, hlc, std::string(kServerAuthor), seq});

  HistoryRow history;
  history.tenant = document.tenant;
  history.change.doc_id = document.id;
  history.change.kind = document.kind;
  history.change.child_id = document.child_id;
  history.change.field = std::string(name);
  history.change.value = value;
  history.change.hlc = hlc;
  history.change.device_id = std::string(kServerAuthor);
  history.outcome = PushOutcome::accepted;
  history.seq = seq;
  history.stamped_hlc = hlc;
  history.received_ms = clock.now_ms();
  txn.append_history(history);
}

}  // namespace iro::server
