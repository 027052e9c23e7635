// Builds the synthetic demo county: tenant "demo-county", three IROs and a
// manager (made-up names), children from core's demo generator allocated in
// turn, an enrolment code for each IRO, the manager's dashboard login with a
// random password, and a spare tablet that last synced ten days ago (the
// dashboard flags it). No real people's data.
#include "admin/demo_county_setup.hpp"

#include <array>

#include "admin/admin_commands.hpp"
#include "admin/template_commands.hpp"
#include "iro/demo_county.hpp"
#include "iro/form_template.hpp"
#include "service/accounts.hpp"
#include "service/caseload.hpp"
#include "service/secrets.hpp"
#include "service/web_login.hpp"

namespace iro::server {
namespace {

constexpr std::string_view kTenant = "demo-county";
constexpr std::array<std::string_view, 3> kIros = {"Alex Demo-Iro", "Sam Demo-Iro", "Jo Demo-Iro"};
constexpr std::string_view kManagerLogin = "pat.manager";
constexpr std::uint64_t kDayMs = 24ull * 60 * 60 * 1000;

// Jo's spare tablet, enrolled 40 days ago and not synced for 10: no one
// holds its token (a random one, of which only the hash is kept).
DeviceRow unsynced_tablet(std::string_view user_id, UuidV7Generator& ids, std::uint64_t now) {
  DeviceRow device;
  device.id = ids.next(now - 40 * kDayMs);
  device.tenant = std::string(kTenant);
  device.user_id = std::string(user_id);
  device.name = "spare tablet (demo, not synced for 10 days)";
  device.token_hash = sha256_hex(new_device_token());
  device.enrolled_ms = now - 40 * kDayMs;
  device.last_seen_ms = now - 10 * kDayMs;
  return device;
}

}  // namespace

void add_demo_county_command(CLI::App& admin, AdminContext& context) {
  auto children = std::make_shared<std::size_t>(60);
  auto* command = admin.add_subcommand(
      "demo-county", "Create the synthetic demo county (prints users and enrolment codes)");
  command->add_option("--children", *children, "How many children")->check(CLI::Range(1, 20000));
  auto without_reviews = std::make_shared<bool>(false);
  command->add_flag("--no-reviews", *without_reviews,
                    "Children only, without review histories or form templates (tests that count "
                    "records)");
  command->callback([&context, children, without_reviews] {
    const std::uint64_t now = system_clock().now_ms();
    UuidV7Generator ids;
    std::vector<std::string> iro_ids;
    std::vector<std::string> codes;
    std::string manager_id;
    const std::string manager_password = random_hex(8);
    context.write_audited(AuditAction::demo_county, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = std::string(kTenant);
      row.detail = "synthetic council: " + std::to_string(*children) + " children, " +
                   std::to_string(kIros.size()) + " IROs with enrolment codes, 1 manager";
      add_tenant(txn, kTenant, now);
      for (const std::string_view name : kIros) {
        iro_ids.push_back(add_user(txn, kTenant, name, Role::iro, ids, now));
        codes.push_back(issue_enrolment_code(txn, iro_ids.back(), now));
      }
      manager_id = add_user(txn, kTenant, "Pat Demo-Manager", Role::manager, ids, now);
      set_password(txn, manager_id, kManagerLogin, manager_password, now);

      const Date today = Date::from_unix_ms(now);
      const std::vector<DemoChild> demo_children = make_demo_children(*children, 2024, today);
      std::vector<ChildRecordRow> rows;
      for (const DemoChild& child : demo_children) {
        rows.push_back(ChildRecordRow{0, child.child_id, child_record_fields(child)});
      }
      TxnClock clock(txn, system_clock());
      import_children(txn, kTenant, rows, clock, ids);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        allocate_child(txn, rows[i].child_id, iro_ids[i % iro_ids.size()], clock);
      }
      // Each child's past reviews, so due dates and the managers' report show
      // children in timescale, due soon and overdue from the start.
      for (const DemoChild& child : demo_children) {
        if (*without_reviews) break;
        for (const DemoReview& review : make_demo_reviews(child, 2024, today)) {
          const DocumentRow record{ids.next(now), std::string(kTenant), Kind::review,
                                   child.child_id, false};
          txn.put_document(record);
          for (const auto& [name, value] : review.fields) {
            write_server_field(txn, record, name, value, clock);
          }
        }
      }
      // The consultation forms its IROs hand to children (data/form-templates).
      for (const std::string_view form : bundled_form_templates()) {
        if (*without_reviews) break;
        publish_template(txn, kTenant, form, clock, ids);
      }
      if (!*without_reviews) txn.put_device(unsynced_tablet(iro_ids.back(), ids, now));
      clock.save();
    });
    context.out() << "tenant " << kTenant << ": " << *children << " children, " << iro_ids.size()
                  << " IROs, 1 manager\n";
    for (std::size_t i = 0; i < iro_ids.size(); ++i) {
      context.out() << "iro " << iro_ids[i] << "  " << kIros[i] << "  enrolment code " << codes[i]
                    << "\n";
    }
    context.out() << "manager " << manager_id << "  Pat Demo-Manager  dashboard login "
                  << kManagerLogin << " password " << manager_password << "\n";
  });
}

}  // namespace iro::server
