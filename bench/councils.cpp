#include "councils.hpp"

#include <algorithm>

#include "iro/clock.hpp"
#include "iro/demo_county.hpp"
#include "iro/uuid.hpp"
#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "service/server_clock.hpp"
#include "store/sqlite_server_store.hpp"

namespace iro::bench {

using namespace iro::server;

Councils make_councils(const std::filesystem::path& data_dir, const CouncilShape& shape) {
  const auto store = open_sqlite_server_store(data_dir);
  Clock& wall = system_clock();
  const std::uint64_t now = wall.now_ms();
  UuidV7Generator ids;
  Councils councils;
  store->write([&](StoreTxn& txn) {
    TxnClock clock(txn, wall);
    for (int first = 0, council = 1; first < shape.iros; first += shape.iros_per_council) {
      const std::string tenant = "bench-council-" + std::to_string(council++);
      add_tenant(txn, tenant, now);
      const int iros = std::min(shape.iros_per_council, shape.iros - first);
      const auto children = make_demo_children(std::size_t(iros * shape.children_per_iro), 2024,
                                               Date::from_unix_ms(now));
      std::vector<ChildRecordRow> rows;
      for (const DemoChild& child : children) {
        FieldMap fields = child_record_fields(child);
        fields["preferred_name"] = child.first_name;  // always: every record the same size
        rows.push_back(ChildRecordRow{0, child.child_id, std::move(fields)});
      }
      import_children(txn, tenant, rows, clock, ids);
      auto child = rows.begin();
      for (int iro = first; iro < first + iros; ++iro) {
        const std::string user =
            add_user(txn, tenant, "Bench Iro " + std::to_string(iro), Role::iro, ids, now);
        councils.codes.push_back(issue_enrolment_code(txn, user, now));
        for (int c = 0; c < shape.children_per_iro; ++c, ++child) {
          allocate_child(txn, child->child_id, user, clock);
          councils.children.push_back({tenant, child->child_id});
        }
      }
    }
    clock.save();
  });
  return councils;
}

void add_visits(const std::filesystem::path& data_dir, const std::vector<CouncilChild>& children,
                int visits_per_child) {
  const auto store = open_sqlite_server_store(data_dir);
  Clock& wall = system_clock();
  const std::uint64_t now = wall.now_ms();
  UuidV7Generator ids;
  store->write([&](StoreTxn& txn) {
    TxnClock clock(txn, wall);
    for (const CouncilChild& child : children) {
      for (int visit = 0; visit < visits_per_child; ++visit) {
        const DocumentRow record{ids.next(now), child.tenant, Kind::visit, child.id, false};
        txn.put_document(record);
        const FieldMap fields = {
            {"date", Date::from_ymd(2026, 1 + visit % 12, 1 + visit % 28)},
            {"place", std::string("Contact centre")},
            {"visit_type", std::string("other")},
            {"seen_alone", true},
            {"note", "Visit " + std::to_string(visit) + " by a colleague while the IRO was away: " +
                         "settled, chatty, proud of a school project; no concerns raised."}};
        for (const auto& [name, value] : fields) {
          write_server_field(txn, record, name, value, clock);
        }
      }
    }
    clock.save();
  });
}

}  // namespace iro::bench
