# Fails unless libiro_jni's dynamic symbols are JNI_OnLoad (which registers
# the native methods) and, at most, Java_* functions: libiro's functions and
# the C++ runtime stay out of it (mobile-bridge/jni/jni.map). Run by ctest:
# cmake -DLIBRARY=libiro_jni.so -DNM=nm -P this.
execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
                OUTPUT_VARIABLE symbols RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} could not read ${LIBRARY}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${symbols}")
set(has_onload FALSE)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^.* " "" name "${line}")
  if(name STREQUAL "JNI_OnLoad")
    set(has_onload TRUE)
  elseif(NOT name MATCHES "^Java_[A-Za-z0-9_]+$")
    message(FATAL_ERROR "libiro_jni exports ${name}: only JNI_OnLoad and Java_* may leave it")
  endif()
endforeach()
if(NOT has_onload)
  message(FATAL_ERROR "libiro_jni does not export JNI_OnLoad: the JVM could not register its methods")
endif()
message(STATUS "libiro_jni exports JNI_OnLoad and no other symbol but Java_*")
