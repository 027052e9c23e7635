// The server's hybrid logical clock inside one transaction: started from the
// newest HLC the store holds and saved back before commit, so it never goes
// backwards across restarts, processes (an admin command beside the server)
// or engines.
#pragma once

#include "iro/clock.hpp"
#include "iro/hlc.hpp"
#include "store/server_store.hpp"

namespace iro::server {

class TxnClock {
 public:
  TxnClock(StoreTxn& txn, Clock& wall)
      : m_txn(txn), m_wall(wall), m_clock(wall, txn.server_hlc()) {}

  Hlc tick() { return m_clock.tick(); }
  Hlc observe(Hlc remote) { return m_clock.observe(remote); }
  std::uint64_t now_ms() { return m_wall.now_ms(); }

  // Call before the transaction commits.
  void save() { m_txn.save_server_hlc(m_clock.last()); }

 private:
  StoreTxn& m_txn;
  Clock& m_wall;
  HybridClock m_clock;
};

// Writes a field as the server (imports, allocation): a new sequence number,
// so devices pull it, and a history entry.
void write_server_field(StoreTxn& txn, const DocumentRow& document, std::string_view name,
                        const Value& value, TxnClock& clock);

}  // namespace iro::server
