// A synthetic county on a real iro-server process, for end-to-end tests
// (without the demo's review histories, so tests count only what they make):
// three IROs (0, 1, 2) and a manager, children DEMO-0001... allocated in
// turn (DEMO-0001 to IRO 0, DEMO-0002 to IRO 1, ...), and devices enrolled
// through the real `iro` command line. Plaintext on loopback by default;
// over TLS (wss://, test certificates) when asked.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificates.hpp"

namespace iro::test {

class County {
 public:
  enum class Transport { plaintext, tls };
  explicit County(int children = 12, Transport transport = Transport::plaintext);

  ServerProcess& server() { return *m_server; }
  const std::string& iro(int index) const { return m_iros.at(index); }
  const std::string& manager() const { return m_manager; }
  // The manager's dashboard password, as demo-county printed it (login pat.manager).
  const std::string& manager_password() const { return m_manager_password; }
  const TempDir& dir() const { return m_dir; }
  // The test certificates (Transport::tls only).
  const TestCertificates& certificates() const { return m_certificates; }

  // A new device of IRO `index`, enrolled (not yet synced).
  DeviceProcess enrol_device(int index);
  DeviceProcess enrol_manager_device();

  // The server's export of what `user_id`'s devices may hold.
  std::string server_export(const std::string& user_id);

  // Restarts the server on the same data directory and port (devices keep their URL).
  void restart_server();

  // The device id of an enrolled device's store.
  static std::string device_id_of(const DeviceProcess& device);

 private:
  DeviceProcess enrol_user(const std::string& user_id);

  TempDir m_dir;
  std::unique_ptr<ServerProcess> m_server;
  std::vector<std::string> m_iros;
  std::string m_manager;
  std::string m_manager_password;
  int m_devices = 0;
  TestCertificates m_certificates;
  std::vector<std::string> m_security;  // the serve flags: TLS or plaintext
};

// Number of records of `kind` in an export.
std::size_t count_kind(const std::string& export_json, const std::string& kind);

}  // namespace iro::test
