#include "e2e/county.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "support/test_store.hpp"

namespace iro::test {

County::County(int children, Transport transport) {
  const auto data = m_dir / "server";
  // Set up the county before the server starts, as an administrator would.
  ProcessResult made = run_process(admin_command(
      IRO_SERVER, data, {"demo-county", "--children", std::to_string(children), "--no-reviews"}));
  if (made.exit_code != 0) throw std::runtime_error("demo-county failed: " + made.err);
  for (const std::string& line : lines_of(made.out)) {
    std::istringstream words(line);
    std::string role, id;
    words >> role >> id;
    if (role == "iro") m_iros.push_back(id);
    if (role == "manager") m_manager = id;
    const auto password = line.find(" password ");
    if (role == "manager" && password != std::string::npos) {
      m_manager_password = line.substr(password + 10);
    }
  }
  m_security = {"--insecure-loopback"};
  if (transport == Transport::tls) {
    m_certificates = make_test_certificates(m_dir / "tls");
    m_security = tls_flags(m_certificates.server_cert, m_certificates.server_key);
  }
  m_server = std::make_unique<ServerProcess>(IRO_SERVER, data, 0, m_security);
}

DeviceProcess County::enrol_user(const std::string& user_id) {
  const ProcessResult code = m_server->admin({"enrol", "--user", user_id});
  if (code.exit_code != 0) throw std::runtime_error("enrol failed: " + code.err);
  DeviceProcess device(IRO_CLI, m_dir / ("device-" + std::to_string(++m_devices) + ".db"));
  std::vector<std::string> enrol = {"enrol", "--server", m_server->url(), "--code",
                                    lines_of(code.out).back()};
  if (!m_certificates.ca.empty()) enrol.insert(enrol.end(), {"--ca-cert", m_certificates.ca});
  device.ok(enrol);
  return device;
}

DeviceProcess County::enrol_device(int index) {
  return enrol_user(iro(index));
}

DeviceProcess County::enrol_manager_device() {
  return enrol_user(m_manager);
}

std::string County::server_export(const std::string& user_id) {
  const ProcessResult exported = m_server->admin({"export", "--user", user_id});
  if (exported.exit_code != 0) throw std::runtime_error("export failed: " + exported.err);
  return exported.out;
}

void County::restart_server() {
  const std::uint16_t port = m_server->port();
  const auto data = m_server->data_dir();
  if (m_server->running()) m_server->stop();
  m_server.reset();
  m_server = std::make_unique<ServerProcess>(IRO_SERVER, data, port, m_security);
}

std::string County::device_id_of(const DeviceProcess& device) {
  const auto status = nlohmann::json::parse(device.ok({"status", "--json"}));
  return status["device_id"];
}

std::size_t count_kind(const std::string& export_json, const std::string& kind) {
  std::size_t count = 0;
  for (const auto& document : nlohmann::json::parse(export_json)) {
    if (document["kind"] == kind) ++count;
  }
  return count;
}

}  // namespace iro::test
