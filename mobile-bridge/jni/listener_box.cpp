#include "listener_box.hpp"

#include "jni_support.hpp"

namespace iro::jni {
namespace {

// The calling thread's JNIEnv, attaching the thread for as long as this
// object lives when it is not already attached (a native thread of libiro
// or of the host). A thread that was attached before stays attached.
class AttachedThread {
 public:
  explicit AttachedThread(JavaVM* vm) : m_vm(vm) {
    const jint got = vm->GetEnv(reinterpret_cast<void**>(&m_env), JNI_VERSION_1_6);
    if (got == JNI_OK) return;
    m_env = nullptr;
    if (got != JNI_EDETACHED) return;
    JavaVMAttachArgs args{JNI_VERSION_1_6, const_cast<char*>("iro listener"), nullptr};
#ifdef __ANDROID__
    const jint attached = vm->AttachCurrentThread(&m_env, &args);  // the NDK's jni.h takes JNIEnv**
#else
    const jint attached = vm->AttachCurrentThread(reinterpret_cast<void**>(&m_env), &args);
#endif
    if (attached == JNI_OK) {
      m_detach = true;
    } else {
      m_env = nullptr;
    }
  }
  ~AttachedThread() {
    if (m_detach) m_vm->DetachCurrentThread();
  }
  AttachedThread(const AttachedThread&) = delete;
  AttachedThread& operator=(const AttachedThread&) = delete;

  JNIEnv* env() const {
    return m_env;
  }

 private:
  JavaVM* m_vm;
  JNIEnv* m_env = nullptr;
  bool m_detach = false;
};

}  // namespace

void set_listener(JNIEnv* env, ListenerBox& box, jobject listener) {
  jobject replacement = listener != nullptr ? env->NewGlobalRef(listener) : nullptr;
  jobject previous = nullptr;
  {
    std::lock_guard<std::mutex> hold(box.lock);
    previous = box.listener;
    box.listener = replacement;
  }
  // A delivery in progress holds its own local reference: deleting the
  // global one does not pull the listener from under it.
  if (previous != nullptr) env->DeleteGlobalRef(previous);
}

void free_listener_box(JNIEnv* env, ListenerBox* box) {
  if (box == nullptr) return;
  if (box->listener != nullptr) env->DeleteGlobalRef(box->listener);
  delete box;
}

void deliver_event(void* context, const char* event_json) {
  auto* box = static_cast<ListenerBox*>(context);
  AttachedThread thread(cache().vm);
  JNIEnv* env = thread.env();
  if (env == nullptr) return;  // the JVM is shutting down, or refused the thread
  // The calling Java thread, if any, may be deep in a native call: a local
  // frame keeps our references from piling up in it.
  if (env->PushLocalFrame(4) != JNI_OK) {
    env->ExceptionClear();
    return;
  }
  jobject listener = nullptr;
  {
    std::lock_guard<std::mutex> hold(box->lock);
    if (box->listener != nullptr) listener = env->NewLocalRef(box->listener);
  }
  // From here on `box` may be freed (the listener may close its store).
  if (listener != nullptr) {
    jbyteArray event = java_bytes(env, event_json);
    if (event != nullptr) {
      env->CallStaticVoidMethod(cache().native_class, cache().deliver_event, listener, event);
    }
  }
  if (env->ExceptionCheck()) {
    // A listener that throws is a bug in the app; say so on stderr (logcat
    // on Android) and carry on: the exception must not reach libiro, nor
    // the Java call that made the change.
    env->ExceptionDescribe();
    env->ExceptionClear();
  }
  env->PopLocalFrame(nullptr);
}

}  // namespace iro::jni
