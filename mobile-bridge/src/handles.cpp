#include "handles.hpp"

#include <algorithm>
#include <random>
#include <unordered_map>
#include <variant>

#include "events.hpp"
#include "iro/error.hpp"

namespace iro::bridge {
namespace {

// Handles a listener is running for on this thread, and stores whose
// transport runs on this thread: a listener may set a listener or close its
// store, and must not then wait for itself.
thread_local std::vector<const ListenerSlot*> t_listening;
thread_local std::vector<const StoreHandle*> t_transports;

template <typename T>
std::size_t count_on_this_thread(const std::vector<const T*>& stack, const T* entry) {
  return static_cast<std::size_t>(std::count(stack.begin(), stack.end(), entry));
}

// The table of open handles. A token is the entry's id XOR a random salt
// whose top bit is set, so it is never NULL, small integers and stale
// pointers name nothing, and a closed handle's token is never reissued.
class HandleTable {
 public:
  using Entry = std::variant<std::shared_ptr<StoreHandle>, std::shared_ptr<SessionHandle>,
                             std::shared_ptr<ChildSessionHandle>>;

  static HandleTable& instance() {
    // Never destroyed: host threads may still call in while the process exits.
    static HandleTable* table = new HandleTable();
    return *table;
  }

  template <typename T>
  std::uintptr_t add(std::shared_ptr<T> handle) {
    std::lock_guard<std::mutex> hold(m_lock);
    const std::uintptr_t id = m_next++;
    handle->id = id;
    m_entries.emplace(id, Entry(std::move(handle)));
    return id ^ m_salt;
  }

  template <typename T>
  std::shared_ptr<T> find(std::uintptr_t token, const char* what) const {
    if (token == 0) throw Misuse(std::string("the ") + what + " handle is NULL");
    std::lock_guard<std::mutex> hold(m_lock);
    const auto found = m_entries.find(token ^ m_salt);
    if (found == m_entries.end()) {
      throw Misuse(std::string("the ") + what + " handle is closed or invalid");
    }
    if (const auto* handle = std::get_if<std::shared_ptr<T>>(&found->second)) return *handle;
    throw Misuse(std::string("a ") + kind_of(found->second) + " handle was given where a " + what +
                 " handle is needed");
  }

  template <typename T>
  std::shared_ptr<T> remove_by_id(std::uintptr_t id) {
    std::lock_guard<std::mutex> hold(m_lock);
    const auto found = m_entries.find(id);
    if (found == m_entries.end()) return nullptr;
    const auto* handle = std::get_if<std::shared_ptr<T>>(&found->second);
    if (handle == nullptr) return nullptr;
    std::shared_ptr<T> removed = *handle;
    m_entries.erase(found);
    return removed;
  }

  std::uintptr_t id_of(std::uintptr_t token) const { return token ^ m_salt; }

  std::size_t size() const {
    std::lock_guard<std::mutex> hold(m_lock);
    return m_entries.size();
  }

 private:
  static const char* kind_of(const Entry& entry) {
    constexpr const char* kKinds[] = {"store", "sync session", "child session"};
    return kKinds[entry.index()];
  }

  HandleTable() {
    std::random_device random;
    std::uintptr_t salt = 0;
    for (std::size_t i = 0; i < sizeof salt; i += 4) salt = (salt << 16 << 16) | random();
    constexpr std::uintptr_t kTopBit = std::uintptr_t(1) << (sizeof(std::uintptr_t) * 8 - 1);
    m_salt = salt | kTopBit;
  }

  mutable std::mutex m_lock;
  std::uintptr_t m_salt = 0;
  std::uintptr_t m_next = 1;  // ids stay below the top bit: tokens are never 0
  std::unordered_map<std::uintptr_t, Entry> m_entries;
};

std::uintptr_t token_of(const void* token) {
  return reinterpret_cast<std::uintptr_t>(token);
}

void wipe_key(StoreOptions& options) {
  if (!options.encryption_key) return;
  // Through a volatile pointer, so the compiler cannot drop the writes.
  volatile std::uint8_t* bytes = options.encryption_key->data();
  for (std::size_t i = 0; i < options.encryption_key->size(); ++i) bytes[i] = 0;
  options.encryption_key.reset();
}

}  // namespace

void ListenerSlot::set(iro_listener_fn callback, void* context) {
  std::unique_lock<std::mutex> hold(m_lock);
  m_callback = callback;
  m_context = context;
  // A listener replacing itself from inside its own call waits only for
  // other threads.
  const auto own = static_cast<int>(count_on_this_thread(t_listening, this));
  m_idle.wait(hold, [&] { return m_running <= own; });
}

void ListenerSlot::deliver(const std::string& event_json) {
  iro_listener_fn callback = nullptr;
  void* context = nullptr;
  {
    std::lock_guard<std::mutex> hold(m_lock);
    if (m_callback == nullptr) return;
    callback = m_callback;
    context = m_context;
    ++m_running;
  }
  t_listening.push_back(this);
  try {
    callback(context, event_json.c_str());
  } catch (...) {
    // A C++ host's exception must not unwind through the library.
  }
  t_listening.pop_back();
  {
    std::lock_guard<std::mutex> hold(m_lock);
    --m_running;
  }
  m_idle.notify_all();
}

iro_store_t* register_store(std::shared_ptr<StoreHandle> handle) {
  return reinterpret_cast<iro_store_t*>(HandleTable::instance().add(std::move(handle)));
}

iro_sync_session_t* register_session(std::shared_ptr<SessionHandle> handle) {
  return reinterpret_cast<iro_sync_session_t*>(HandleTable::instance().add(std::move(handle)));
}

iro_child_session_t* register_child_session(std::shared_ptr<ChildSessionHandle> handle) {
  return reinterpret_cast<iro_child_session_t*>(HandleTable::instance().add(std::move(handle)));
}

std::shared_ptr<StoreHandle> find_store(const iro_store_t* token) {
  return HandleTable::instance().find<StoreHandle>(token_of(token), "store");
}

std::shared_ptr<SessionHandle> find_session(const iro_sync_session_t* token) {
  return HandleTable::instance().find<SessionHandle>(token_of(token), "sync session");
}

std::shared_ptr<ChildSessionHandle> find_child_session(const iro_child_session_t* token) {
  return HandleTable::instance().find<ChildSessionHandle>(token_of(token), "child session");
}

std::shared_ptr<StoreHandle> unregister_store(const iro_store_t* token) {
  if (token == nullptr) return nullptr;
  HandleTable& table = HandleTable::instance();
  return table.remove_by_id<StoreHandle>(table.id_of(token_of(token)));
}

std::shared_ptr<SessionHandle> unregister_session(const iro_sync_session_t* token) {
  if (token == nullptr) return nullptr;
  HandleTable& table = HandleTable::instance();
  return table.remove_by_id<SessionHandle>(table.id_of(token_of(token)));
}

std::shared_ptr<ChildSessionHandle> unregister_child_session(const iro_child_session_t* token) {
  if (token == nullptr) return nullptr;
  HandleTable& table = HandleTable::instance();
  return table.remove_by_id<ChildSessionHandle>(table.id_of(token_of(token)));
}

std::size_t live_handles() {
  return HandleTable::instance().size();
}

void close_store(const std::shared_ptr<StoreHandle>& handle,
                 const std::optional<std::string>& wipe_reason) {
  HandleTable::instance().remove_by_id<StoreHandle>(handle->id);
  {
    std::lock_guard<std::mutex> hold(handle->lifecycle_lock);
    handle->closing = true;
  }
  handle->stop_requested = true;
  if (!wipe_reason) handle->listener.set(nullptr, nullptr);
  {
    std::lock_guard<std::mutex> hold(handle->call_lock);
    // Its WAL stays for destroy() to overwrite when this is the last
    // connection to close, as it is after iro_sync_run's wipe (whose own
    // connection closed first). A transport still running on another
    // thread closes after it, and SQLite then unlinks the WAL unwiped.
    if (wipe_reason && handle->store) handle->store->prepare_to_destroy();
    handle->store.reset();
  }
  {
    // A transport stops within a tick of stop_requested. One running on
    // this thread (its listener closed the store) ends after we return.
    std::unique_lock<std::mutex> hold(handle->lifecycle_lock);
    const bool own = count_on_this_thread(t_transports, handle.get()) > 0;
    handle->transport_ended.wait(hold, [&] { return own || !handle->transport_running; });
  }
  if (wipe_reason) {
    // The device was revoked: its records must not stay on it.
    DeviceStore::destroy(handle->path);
    handle->listener.deliver(wiped_event(*wipe_reason));
    handle->listener.set(nullptr, nullptr);
  }
  {
    std::lock_guard<std::mutex> hold(handle->lifecycle_lock);
    if (!handle->transport_running) wipe_key(handle->options);
  }
  // The app's sync thread has ended its transport by now: only its last
  // words (the progress it records) remain. It is this thread when its own
  // sync found the device revoked.
  std::thread app_sync;
  {
    std::lock_guard<std::mutex> hold(handle->app_sync_lock);
    app_sync = std::move(handle->app_sync_thread);
  }
  if (app_sync.joinable()) {
    if (app_sync.get_id() == std::this_thread::get_id()) {
      app_sync.detach();
    } else {
      app_sync.join();
    }
  }
}

TransportRun::TransportRun(StoreHandle& handle) : m_handle(handle) {
  std::lock_guard<std::mutex> hold(handle.lifecycle_lock);
  if (handle.closing) throw Misuse("the store handle is closed");
  if (handle.transport_running) {
    throw Error(ErrorCode::storage_busy,
                "an enrolment or sync is already running on this store (one at a time)");
  }
  handle.transport_running = true;
  handle.stop_requested = false;
  t_transports.push_back(&handle);
}

void TransportRun::end() {
  if (!m_running) return;
  m_running = false;
  t_transports.erase(std::find(t_transports.begin(), t_transports.end(), &m_handle));
  {
    std::lock_guard<std::mutex> hold(m_handle.lifecycle_lock);
    m_handle.transport_running = false;
    // The handle was closed while this ran (by its listener, on this
    // thread): the key was kept for us, and nothing needs it now.
    if (m_handle.closing) wipe_key(m_handle.options);
  }
  m_handle.transport_ended.notify_all();
}

}  // namespace iro::bridge
