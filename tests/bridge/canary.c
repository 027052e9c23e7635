/* Compiled as strict C99 with -Wall -Wextra -Werror -pedantic: proves iro.h is
 * a C header, then drives the bridge as a mobile host would, happy paths and
 * misuse: stores with and without a key, records as JSON, conflicts, the
 * listener, two threads on one handle, sync arguments and sans-IO sessions,
 * attachments, form templates and child sessions (as far as a store without
 * a template from a server goes: the whole of child mode runs in the Java
 * test, against a real server), and closed, NULL and made-up handles
 * (refused, never a crash).
 * Usage: iro_bridge_canary PATH_PREFIX (store files are PATH_PREFIX-*.db). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iro/iro.h"

static int failures = 0;

#define EXPECT(condition)                                                      \
  do {                                                                         \
    if (!(condition)) {                                                        \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #condition); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* `text` contains `part` (false for a NULL text). */
static int contains(const char* text, const char* part) {
  return text != NULL && strstr(text, part) != NULL;
}

/* How many times `part` occurs in `text`. */
static int occurrences(const char* text, const char* part) {
  int count = 0;
  const char* at = text;
  while (at != NULL && (at = strstr(at, part)) != NULL) {
    ++count;
    at += strlen(part);
  }
  return count;
}

static const char* prefix = "";

/* A fresh store file path: PREFIX-name.db, with any old files removed. */
static void store_path(char* path, size_t size, const char* name) {
  char file[4200];
  const char* suffixes[] = {"", "-wal", "-shm"};
  size_t i;
  snprintf(path, size, "%s-%s.db", prefix, name);
  for (i = 0; i < 3; ++i) {
    snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
    remove(file);
  }
}

static iro_store_t* open_plain(const char* name) {
  char path[4096];
  iro_store_t* store = NULL;
  iro_error_t error;
  store_path(path, sizeof path, name);
  EXPECT(iro_store_open(path, NULL, 0, &store, &error) == IRO_OK);
  EXPECT(store != NULL);
  return store;
}

/* ---- Opening, keys --------------------------------------------------- */

static void opening_and_keys(void) {
  char path[4096];
  uint8_t key[32];
  uint8_t other_key[32];
  iro_store_t* store = NULL;
  iro_error_t error;
  iro_status_t status;
  memset(key, 0x5a, sizeof key);
  memset(other_key, 0xa5, sizeof other_key);
  store_path(path, sizeof path, "keyed");

  /* A key is 32 bytes, or NULL with length 0. */
  store = (iro_store_t*)&error; /* garbage: must be reset */
  EXPECT(iro_store_open(path, key, 16, &store, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(store == NULL);
  EXPECT(contains(error.message, "32 bytes"));
  EXPECT(iro_store_open(path, key, 0, &store, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(iro_store_open(path, NULL, 32, &store, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "NULL"));
  EXPECT(iro_store_open(NULL, NULL, 0, &store, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_store_open(path, NULL, 0, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_live_handles() == 0);

  /* A keyed store opens with its key, and not with another. */
  EXPECT(iro_store_open(path, key, sizeof key, &store, &error) == IRO_OK);
  iro_store_close(store);
  status = iro_store_open(path, other_key, sizeof other_key, &store, &error);
  if (status == IRO_OK) {
    /* Until core's encryption at rest lands the key is not checked. */
    printf("bridge canary: NOTE: the store accepted another key (encryption at rest not built)\n");
    iro_store_close(store);
  } else {
    EXPECT(status == IRO_ERR_WRONG_KEY);
    EXPECT(error.code == IRO_ERR_WRONG_KEY && error.transient == 0);
    EXPECT(store == NULL);
  }
  EXPECT(iro_store_open(path, key, sizeof key, &store, &error) == IRO_OK);
  iro_store_close(store);
  EXPECT(iro_live_handles() == 0);
}

/* ---- Records as JSON ------------------------------------------------- */

static void notes_and_export(iro_store_t* store) {
  iro_error_t error;
  char* id = NULL;
  char* json = NULL;
  uint64_t pending = 0;

  EXPECT(iro_note_add(store, "DEMO-0001", "Seen at school; happy", &id, &error) == IRO_OK);
  EXPECT(id != NULL && strlen(id) == 36);
  EXPECT(iro_store_pending_changes(store, &pending, NULL) == IRO_OK);
  EXPECT(pending == 2); /* note and date */
  EXPECT(iro_store_export_json(store, &json, &error) == IRO_OK);
  EXPECT(contains(json, "Seen at school; happy"));
  EXPECT(id != NULL && contains(json, id));
  iro_free(json);
  iro_free(id);

  EXPECT(iro_store_status_json(store, &json, &error) == IRO_OK);
  EXPECT(contains(json, "\"device_id\":\""));
  EXPECT(contains(json, "\"user_id\":null")); /* not enrolled */
  EXPECT(contains(json, "\"pending_changes\":2"));
  iro_free(json);
  EXPECT(iro_store_device_id(store, &id, &error) == IRO_OK);
  EXPECT(id != NULL && strlen(id) > 0);
  iro_free(id);
}

static void documents(iro_store_t* store) {
  iro_error_t error;
  char* review = NULL;
  char* visit = NULL;
  char* json = NULL;

  /* Create, read back. */
  EXPECT(iro_document_create(store, "review", "DEMO-0002",
                             "{\"venue\": \"Foster home\", \"format\": \"hybrid\", "
                             "\"attendees\": [\"Carer\", \"Social worker\"]}",
                             &review, &error) == IRO_OK);
  EXPECT(review != NULL && strlen(review) == 36);
  EXPECT(iro_document_create(store, "visit", "DEMO-0002",
                             "{\"note\": \"Played football\", \"seen_alone\": true, "
                             "\"date\": \"2024-05-01\"}",
                             &visit, &error) == IRO_OK);
  EXPECT(iro_document_get(store, review, &json, &error) == IRO_OK);
  EXPECT(contains(json, "\"kind\":\"review\""));
  EXPECT(contains(json, "\"venue\":\"Foster home\""));
  EXPECT(contains(json, "\"attendees\":[\"Carer\",\"Social worker\"]"));
  EXPECT(contains(json, "\"deleted\":false"));
  iro_free(json);

  /* Edit: set one field, clear another with null. */
  EXPECT(iro_document_edit(store, review, "{\"venue\": \"School\", \"format\": null}", &error) ==
         IRO_OK);
  EXPECT(iro_document_get(store, review, &json, &error) == IRO_OK);
  EXPECT(contains(json, "\"venue\":\"School\""));
  EXPECT(!contains(json, "\"format\""));
  iro_free(json);
  EXPECT(iro_document_edit(store, review, "{}", &error) == IRO_OK); /* nothing to change */

  /* Refused input, with the message saying what was wrong. */
  EXPECT(iro_document_create(store, "visit", "DEMO-0002", "{\"note\": ", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "not JSON"));
  EXPECT(iro_document_create(store, "visit", "DEMO-0002", "{\"colour\": \"red\"}", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "visit has no field \"colour\""));
  EXPECT(json == NULL);
  EXPECT(iro_document_edit(store, review, "{\"venue\": 42}", &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "review.venue"));
  EXPECT(iro_document_create(store, "visit", "DEMO-0002", "{\"seen_alone\": \"yes\"}", &json,
                             &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "visit.seen_alone: expected true or false"));
  EXPECT(iro_document_create(store, "visit", "DEMO-0002", "{\"date\": \"2023-02-29\"}", &json,
                             &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "2023-02-29"));
  EXPECT(iro_document_create(store, "visit", "DEMO-0002", "[\"note\"]", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "JSON object"));
  EXPECT(iro_document_create(store, "spaceship", "DEMO-0002", "{}", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "not a record kind"));
  EXPECT(iro_document_create(store, "child", "DEMO-0002", "{}", &json, &error) ==
         IRO_ERR_INVALID_INPUT); /* server-written kind */
  EXPECT(iro_document_create(store, "visit", "not a child id", "{}", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(iro_document_create(store, "visit", "DEMO-0002", NULL, &json, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_create(store, "visit", "DEMO-0002", "{}", NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_edit(store, "01890a5d-ac96-774b-bcce-b302099a0101", "{}", &error) ==
         IRO_ERR_NOT_FOUND);

  /* An expected miss is IRO_OK with NULL, not an error. */
  json = (char*)&error; /* garbage: must be reset */
  EXPECT(iro_document_get(store, "01890a5d-ac96-774b-bcce-b302099a0101", &json, &error) == IRO_OK);
  EXPECT(json == NULL);

  /* Queries: by kind, by child, both, neither; no match is an empty array. */
  EXPECT(iro_document_query(store, "review", NULL, &json, &error) == IRO_OK);
  EXPECT(occurrences(json, "\"kind\":\"review\"") == 1 && contains(json, review));
  iro_free(json);
  EXPECT(iro_document_query(store, NULL, "DEMO-0002", &json, &error) == IRO_OK);
  EXPECT(occurrences(json, "\"child_id\":\"DEMO-0002\"") == 2);
  iro_free(json);
  EXPECT(iro_document_query(store, "visit", "DEMO-0002", &json, &error) == IRO_OK);
  EXPECT(occurrences(json, "\"id\":") == 1 && contains(json, visit));
  iro_free(json);
  EXPECT(iro_document_query(store, NULL, NULL, &json, &error) == IRO_OK);
  EXPECT(occurrences(json, "\"id\":") == 3); /* and the note of notes_and_export */
  iro_free(json);
  EXPECT(iro_document_query(store, "letter", NULL, &json, &error) == IRO_OK);
  EXPECT(json != NULL && strcmp(json, "[]") == 0);
  iro_free(json);
  EXPECT(iro_document_query(store, "spaceship", NULL, &json, &error) == IRO_ERR_INVALID_INPUT);

  /* Delete: still readable, marked; gone from queries; twice is not found. */
  EXPECT(iro_document_delete(store, visit, &error) == IRO_OK);
  EXPECT(iro_document_get(store, visit, &json, &error) == IRO_OK);
  EXPECT(contains(json, "\"deleted\":true"));
  iro_free(json);
  EXPECT(iro_document_query(store, "visit", "DEMO-0002", &json, &error) == IRO_OK);
  EXPECT(json != NULL && strcmp(json, "[]") == 0);
  iro_free(json);
  EXPECT(iro_document_delete(store, "01890a5d-ac96-774b-bcce-b302099a0101", &error) ==
         IRO_ERR_NOT_FOUND);
  EXPECT(iro_document_delete(store, NULL, &error) == IRO_ERR_MISUSE);

  iro_free(review);
  iro_free(visit);
}

static void conflicts(iro_store_t* store) {
  iro_error_t error;
  char* json = NULL;
  /* Conflicts come from a server (tests/e2e/bridge_e2e_test.cpp resolves one). */
  EXPECT(iro_conflict_list(store, &json, &error) == IRO_OK);
  EXPECT(json != NULL && strcmp(json, "[]") == 0);
  iro_free(json);
  EXPECT(iro_conflict_resolve(store, "01890a5d-ac96-774b-bcce-b302099a0101", "note#4",
                              IRO_RESOLVE_KEEP, NULL, &error) == IRO_ERR_NOT_FOUND);
  EXPECT(contains(error.message, "no conflict note#4"));
  EXPECT(iro_conflict_resolve(store, "01890a5d-ac96-774b-bcce-b302099a0101", "note#4",
                              IRO_RESOLVE_TEXT, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_conflict_resolve(store, "01890a5d-ac96-774b-bcce-b302099a0101", "note#4",
                              (iro_conflict_resolution_t)7, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_conflict_list(store, NULL, &error) == IRO_ERR_MISUSE);
}

/* ---- The listener ---------------------------------------------------- */

typedef struct recorder {
  pthread_mutex_t lock;
  int events;
  char last[1024];
  iro_store_t* store; /* called back into from the listener */
  iro_status_t reentrant_status;
} recorder_t;

static void record_event(void* context, const char* event_json) {
  recorder_t* recorder = (recorder_t*)context;
  uint64_t pending = 0;
  pthread_mutex_lock(&recorder->lock);
  ++recorder->events;
  snprintf(recorder->last, sizeof recorder->last, "%s", event_json);
  pthread_mutex_unlock(&recorder->lock);
  /* Calling back into the same handle from the listener does not deadlock. */
  if (recorder->store != NULL) {
    recorder->reentrant_status = iro_store_pending_changes(recorder->store, &pending, NULL);
  }
}

static void listener(iro_store_t* store) {
  iro_error_t error;
  recorder_t recorder;
  char* id = NULL;
  char expected[128];
  memset(&recorder, 0, sizeof recorder);
  pthread_mutex_init(&recorder.lock, NULL);
  recorder.store = store;
  recorder.reentrant_status = IRO_ERR_INTERNAL;

  EXPECT(iro_store_set_listener(store, record_event, &recorder, &error) == IRO_OK);
  EXPECT(iro_note_add(store, "DEMO-0003", "First visit", &id, &error) == IRO_OK);
  EXPECT(recorder.events == 1);
  EXPECT(contains(recorder.last, "\"event\":\"changed\""));
  EXPECT(contains(recorder.last, "\"origin\":\"local\""));
  snprintf(expected, sizeof expected, "\"doc_ids\":[\"%s\"]", id == NULL ? "" : id);
  EXPECT(contains(recorder.last, expected));
  EXPECT(recorder.reentrant_status == IRO_OK);

  EXPECT(iro_document_edit(store, id, "{\"note\": \"First visit, at school\"}", &error) == IRO_OK);
  EXPECT(recorder.events == 2 && contains(recorder.last, expected));
  EXPECT(iro_document_edit(store, id, "{\"note\": 7}", &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(recorder.events == 2); /* nothing committed, nothing told */
  EXPECT(iro_document_delete(store, id, &error) == IRO_OK);
  EXPECT(recorder.events == 3);

  /* Removed: no more events. */
  EXPECT(iro_store_set_listener(store, NULL, NULL, &error) == IRO_OK);
  iro_free(id);
  EXPECT(iro_note_add(store, "DEMO-0003", "Second visit", &id, &error) == IRO_OK);
  EXPECT(recorder.events == 3);
  iro_free(id);
  pthread_mutex_destroy(&recorder.lock);
}

/* ---- Two threads on one handle --------------------------------------- */

typedef struct writer {
  iro_store_t* store;
  const char* child;
  int added;
  int refused;
  int failed; /* any other status: a bug */
  int until_closed;
} writer_t;

static void* write_notes(void* context) {
  writer_t* writer = (writer_t*)context;
  int i;
  for (i = 0; writer->until_closed || i < 200; ++i) {
    char* id = NULL;
    iro_error_t error;
    const iro_status_t status =
        iro_note_add(writer->store, writer->child, "Seen at home", &id, &error);
    iro_free(id);
    if (status == IRO_OK) {
      ++writer->added;
    } else if (status == IRO_ERR_MISUSE && strstr(error.message, "closed") != NULL) {
      ++writer->refused;
      break; /* the handle was closed under us: refused, not crashed */
    } else {
      ++writer->failed;
      break;
    }
  }
  return NULL;
}

static void two_threads(void) {
  iro_store_t* store = open_plain("threads");
  iro_error_t error;
  recorder_t recorder;
  pthread_t threads[2];
  writer_t writers[2];
  char* json = NULL;
  int i;
  memset(&recorder, 0, sizeof recorder);
  pthread_mutex_init(&recorder.lock, NULL);
  memset(writers, 0, sizeof writers);
  EXPECT(iro_store_set_listener(store, record_event, &recorder, &error) == IRO_OK);

  /* Two threads adding 200 notes each through one handle: all 400 arrive. */
  for (i = 0; i < 2; ++i) {
    writers[i].store = store;
    writers[i].child = i == 0 ? "DEMO-0001" : "DEMO-0002";
    EXPECT(pthread_create(&threads[i], NULL, write_notes, &writers[i]) == 0);
  }
  for (i = 0; i < 2; ++i) pthread_join(threads[i], NULL);
  EXPECT(writers[0].added == 200 && writers[1].added == 200);
  EXPECT(writers[0].failed == 0 && writers[1].failed == 0);
  EXPECT(iro_document_query(store, "visit", NULL, &json, &error) == IRO_OK);
  EXPECT(occurrences(json, "\"kind\":\"visit\"") == 400);
  iro_free(json);
  EXPECT(recorder.events == 400); /* one event per note, from both threads */

  /* Closing while another thread is writing: its calls are refused once the
   * close is through; none crashes or fails otherwise. */
  memset(writers, 0, sizeof writers);
  writers[0].store = store;
  writers[0].child = "DEMO-0001";
  writers[0].until_closed = 1;
  EXPECT(pthread_create(&threads[0], NULL, write_notes, &writers[0]) == 0);
  for (i = 0; i < 10 * 1000 * 1000; ++i) {
    uint64_t pending = 0;
    EXPECT(iro_store_pending_changes(store, &pending, NULL) == IRO_OK);
    if (pending >= 800 + 20) break; /* the writer is well under way */
  }
  iro_store_close(store);
  pthread_join(threads[0], NULL);
  EXPECT(writers[0].added >= 10);
  EXPECT(writers[0].refused == 1);
  EXPECT(writers[0].failed == 0);
  pthread_mutex_destroy(&recorder.lock);
}

/* ---- Sync: arguments, sans-IO sessions ------------------------------- */

static void sync_arguments(iro_store_t* store) {
  iro_error_t error;
  iro_sync_options_t options;
  char* report = NULL;
  iro_sync_session_t* session = NULL;
  uint8_t* frame = NULL;
  size_t length = 0;
  iro_frames_t* frames = NULL;
  iro_sync_state_t state = IRO_SYNC_DONE;
  static const uint8_t garbage[] = {0x01, 0xff, 0x00, 0x13};
  char not_pem[4096];
  FILE* written = NULL;

  iro_sync_options_init(&options);
  EXPECT(options.struct_size == sizeof options);
  EXPECT(options.max_attempts == 5 && options.follow_seconds == 0);

  /* Not enrolled: sync is refused with a reason, on both paths. */
  EXPECT(iro_sync_run(store, NULL, &report, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "has not enrolled"));
  EXPECT(report == NULL);
  EXPECT(iro_sync_session_start(store, IRO_SYNC_UNTIL_CAUGHT_UP, &session, &frame, &length,
                                &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(session == NULL && frame == NULL && length == 0);
  EXPECT(iro_sync_session_start(store, (iro_sync_mode_t)9, &session, &frame, &length, &error) ==
         IRO_ERR_MISUSE);
  EXPECT(iro_enrol_session_start(store, "http://iro.example.org", "CODE", NULL, &session, &frame,
                                 &length, &error) == IRO_ERR_INVALID_INPUT);
  /* Plain ws:// reaches this machine only; to another, it is refused first. */
  EXPECT(iro_enrol_session_start(store, "ws://192.0.2.1:9", "CODE", NULL, &session, &frame, &length,
                                 &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "use wss://"));
  EXPECT(session == NULL && frame == NULL && length == 0);
  EXPECT(iro_live_handles() == 1);

  /* Options: a size that was never set, values out of range, a missing CA file. */
  options.struct_size = 0;
  EXPECT(iro_sync_run(store, &options, &report, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "iro_sync_options_init"));
  iro_sync_options_init(&options);
  options.max_attempts = 0;
  EXPECT(iro_sync_run(store, &options, &report, &error) == IRO_ERR_INVALID_INPUT);
  iro_sync_options_init(&options);
  options.follow_seconds = -1;
  EXPECT(iro_sync_run(store, &options, &report, &error) == IRO_ERR_INVALID_INPUT);
  iro_sync_options_init(&options);
  options.ca_cert_path = "/nonexistent/ca.pem";
  EXPECT(iro_sync_run(store, &options, &report, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "CA certificate"));
  EXPECT(iro_sync_run(store, NULL, NULL, &error) == IRO_ERR_MISUSE);

  /* Enrolment: a CA file that is not a PEM certificate is refused before
   * connecting; a URL must be a ws:// or wss:// address. */
  store_path(not_pem, sizeof not_pem, "not-a-certificate");
  written = fopen(not_pem, "w");
  EXPECT(written != NULL);
  if (written != NULL) {
    fputs("not a certificate\n", written);
    fclose(written);
  }
  EXPECT(iro_enrol(store, "wss://iro.example.org:443", "CODE", NULL, not_pem, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "not a readable PEM certificate"));
  EXPECT(iro_enrol(store, "http://iro.example.org", "CODE", NULL, NULL, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(iro_enrol(store, "ws://192.0.2.1:9", "CODE", NULL, NULL, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "use wss://"));
  EXPECT(iro_enrol(store, NULL, "CODE", NULL, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_sync_cancel(store, &error) == IRO_OK); /* nothing running: nothing to do */

  /* A sans-IO enrolment: the first frame is ours to send; garbage from the
   * "server" is refused as corrupt; the session stays open until closed. */
  EXPECT(iro_enrol_session_start(store, "ws://127.0.0.1:9", "ABCD-1234", "canary", &session, &frame,
                                 &length, &error) == IRO_OK);
  EXPECT(session != NULL && frame != NULL && length > 0);
  EXPECT(iro_live_handles() == 2);
  EXPECT(iro_sync_session_state(session, &state, &error) == IRO_OK);
  EXPECT(state == IRO_SYNC_GREETING);
  EXPECT(iro_sync_session_receive(session, garbage, sizeof garbage, &frames, &error) ==
         IRO_ERR_CORRUPT_DATA);
  EXPECT(frames == NULL);
  EXPECT(iro_sync_session_receive(session, NULL, 4, &frames, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_sync_session_flush(session, &frames, &error) == IRO_OK);
  EXPECT(frames != NULL && frames->count == 0);
  iro_frames_free(frames);
  EXPECT(iro_sync_session_report(session, &report, &error) == IRO_OK);
  EXPECT(contains(report, "\"state\":\"greeting\""));
  iro_free(report);
  iro_free(frame);
  EXPECT(iro_sync_session_state(session, NULL, &error) == IRO_ERR_MISUSE);

  /* One handle type is not the other. */
  EXPECT(iro_sync_session_state((iro_sync_session_t*)store, &state, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "store handle was given"));
  EXPECT(iro_store_pending_changes((iro_store_t*)session, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "sync session handle was given"));
  iro_store_close((iro_store_t*)session); /* ignored: not a store */
  EXPECT(iro_live_handles() == 2);

  iro_sync_session_close(session);
  EXPECT(iro_sync_session_state(session, &state, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "closed"));
  iro_sync_session_close(session); /* twice: ignored */
  iro_sync_session_close(NULL);
  iro_frames_free(NULL);
  EXPECT(iro_live_handles() == 1);
}

/* ---- Timescales ------------------------------------------------------ */

static void timescales(iro_store_t* store) {
  iro_error_t error;
  char* json = NULL;
  /* Looked after Mon 8 Jan 2024, first review within 20 working days (Mon 5
   * Feb), held then; the next within 3 months. */
  EXPECT(iro_timescales("{\"looked_after\": \"2024-01-08\", \"reviews\": [\"2024-02-05\"], "
                        "\"as_of\": \"2024-03-01\"}",
                        &json, &error) == IRO_OK);
  EXPECT(contains(json, "\"first_review_due\":\"2024-02-05\""));
  EXPECT(contains(json, "\"next_review_due\":\"2024-05-05\""));
  iro_free(json);
  json = NULL;
  EXPECT(iro_timescales("{\"looked_after\": \"2024-01-08\", \"policy\": \"nowhere\"}", &json,
                        &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "statutory")); /* the message lists the policies */
  EXPECT(iro_timescales("{\"looked_after\": \"2023-02-29\"}", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "2023-02-29"));
  EXPECT(iro_timescales("{\"looked_after\": \"2024-01-08\", \"colour\": \"red\"}", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "unknown key"));
  EXPECT(iro_timescales("not json", &json, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(json == NULL);
  /* A child's records arrive with a sync: this store has none yet. */
  EXPECT(iro_child_timescales(store, "DEMO-0001", NULL, &json, &error) == IRO_ERR_NOT_FOUND);
  EXPECT(iro_child_timescales(store, "DEMO-0001", "tomorrow", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
}

/* ---- The app's one request function ---------------------------------- */

static void app(iro_store_t* store) {
  char* reply = NULL;
  iro_error_t error;
  EXPECT(iro_app_call(store, "{\"op\": \"status\"}", &reply, &error) == IRO_OK);
  EXPECT(contains(reply, "\"pending_changes\""));
  iro_free(reply);
  EXPECT(iro_app_call(store, "{\"op\": \"caseload\"}", &reply, &error) == IRO_OK);
  EXPECT(contains(reply, "\"children\":[]"));
  iro_free(reply);
  /* Bad requests: refused with the reason, nothing returned. */
  EXPECT(iro_app_call(store, "{\"op\": \"dance\"}", &reply, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "not an app operation"));
  EXPECT(reply == NULL);
  EXPECT(iro_app_call(store, "{\"op\": \"status\", \"x\": 1}", &reply, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "unknown parameter"));
  EXPECT(iro_app_call(store, "[1, 2]", &reply, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(iro_app_call(store, "{\"op\": \"child\", \"child_id\": \"DEMO-0001\"}", &reply, &error) ==
         IRO_ERR_NOT_FOUND);
  EXPECT(iro_app_call(store, NULL, &reply, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_app_call(store, "{\"op\": \"status\"}", NULL, &error) == IRO_ERR_MISUSE);
  /* Child mode needs a passphrase to leave it by; this store has none. */
  EXPECT(iro_app_call(store,
                      "{\"op\": \"child_mode.start\", \"child_id\": \"DEMO-0001\", "
                      "\"template_id\": \"review_under_8\"}",
                      &reply, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "set a passphrase first"));
}

/* ---- The passphrase --------------------------------------------------- */

static void passphrase(void) {
  char path[4096];
  uint8_t key[32], unwrapped[32];
  iro_error_t error;
  memset(key, 0x5a, sizeof key);
  char keyring[4200];
  snprintf(path, sizeof path, "%s-keyring.db", prefix);
  /* A keyring left by an earlier run of the canary in the same place. */
  snprintf(keyring, sizeof keyring, "%s.keyring", path);
  remove(keyring);
  EXPECT(iro_keyring_exists(path) == 0);
  EXPECT(iro_keyring_unlock(path, "kitchen table", unwrapped, sizeof unwrapped, &error) ==
         IRO_ERR_NOT_FOUND);
  EXPECT(iro_keyring_create(path, "short", key, sizeof key, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(iro_keyring_create(path, "kitchen table", NULL, 32, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_keyring_create(path, "kitchen table", key, sizeof key, &error) == IRO_OK);
  EXPECT(iro_keyring_exists(path) == 1);
  EXPECT(iro_keyring_unlock(path, "kitchen tablf", unwrapped, sizeof unwrapped, &error) ==
         IRO_ERR_WRONG_KEY);
  EXPECT(iro_keyring_unlock(path, "kitchen table", unwrapped, sizeof unwrapped, &error) == IRO_OK);
  EXPECT(memcmp(key, unwrapped, sizeof key) == 0);
  EXPECT(iro_keyring_unlock(path, "kitchen table", NULL, 32, &error) == IRO_ERR_MISUSE);
}

/* ---- Misuse: NULL, closed and made-up handles ------------------------ */

/* ---- Attachments ----------------------------------------------------- */

static void attachments(void) {
  static const uint8_t drawing[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, 3};
  iro_store_t* store = open_plain("attachments");
  iro_error_t error;
  char* visit = NULL;
  char* review = NULL;
  char* hash = NULL;
  char* json = NULL;
  uint8_t* bytes = NULL;
  size_t length = 0;

  EXPECT(iro_attachments_json(store, &json, &error) == IRO_OK);
  EXPECT(json != NULL && strcmp(json, "[]") == 0);
  iro_free(json);
  EXPECT(iro_document_create(store, "visit", "DEMO-0003", "{\"note\": \"Drew a house\"}", &visit,
                             &error) == IRO_OK);
  EXPECT(iro_document_create(store, "review", "DEMO-0003", "{}", &review, &error) == IRO_OK);

  /* Added, read back byte for byte, listed. */
  EXPECT(iro_attachment_add(store, visit, drawing, sizeof drawing, &hash, &error) == IRO_OK);
  EXPECT(hash != NULL && strlen(hash) == 64);
  EXPECT(iro_attachment_get(store, hash, &bytes, &length, &error) == IRO_OK);
  EXPECT(bytes != NULL && length == sizeof drawing);
  EXPECT(bytes != NULL && memcmp(bytes, drawing, sizeof drawing) == 0);
  iro_free(bytes);
  EXPECT(iro_attachments_json(store, &json, &error) == IRO_OK);
  EXPECT(hash != NULL && contains(json, hash));
  EXPECT(contains(json, "\"state\":\"local\""));
  EXPECT(contains(json, "\"size\":12"));
  iro_free(json);
  EXPECT(iro_document_get(store, visit, &json, &error) == IRO_OK);
  EXPECT(hash != NULL && contains(json, hash)); /* in the visit's attachments */
  iro_free(json);

  /* A hash the device does not hold is NOT_FOUND; out-parameters reset. */
  bytes = (uint8_t*)&error;
  length = 7;
  EXPECT(iro_attachment_get(store,
                            "0000000000000000000000000000000000000000000000000000000000000000",
                            &bytes, &length, &error) == IRO_ERR_NOT_FOUND);
  EXPECT(bytes == NULL && length == 0);

  /* Refused: no bytes, NULL with a length, an unknown record, a kind without
   * attachments, missing arguments. */
  EXPECT(iro_attachment_add(store, visit, NULL, 0, &json, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(json == NULL);
  EXPECT(iro_attachment_add(store, visit, NULL, 5, &json, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachment_add(store, "01890a5d-ac96-774b-bcce-b302099a0101", drawing, sizeof drawing,
                            &json, &error) == IRO_ERR_NOT_FOUND);
  EXPECT(iro_attachment_add(store, review, drawing, sizeof drawing, &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(iro_attachment_add(store, NULL, drawing, sizeof drawing, &json, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachment_add(store, visit, drawing, sizeof drawing, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachment_get(store, NULL, &bytes, &length, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachment_get(store, hash, NULL, &length, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachment_get(store, hash, &bytes, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachments_json(store, NULL, &error) == IRO_ERR_MISUSE);

  iro_free(hash);
  iro_free(visit);
  iro_free(review);
  iro_store_close(store);
}

/* ---- Consultation forms and child sessions ---------------------------- */

static void forms_and_child_sessions(void) {
  iro_store_t* store = open_plain("forms");
  iro_error_t error;
  iro_child_session_t* session = NULL;
  iro_child_session_t* made_up = (iro_child_session_t*)(uintptr_t)0x4321;
  char* visit = NULL;
  char* json = NULL;
  const uint8_t drawing[] = {1, 2, 3};

  /* Templates come only from a server: a new device holds none. */
  EXPECT(iro_form_templates_json(store, &json, &error) == IRO_OK);
  EXPECT(json != NULL && strcmp(json, "[]") == 0);
  iro_free(json);
  EXPECT(iro_form_templates_json(store, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_create(store, "form_template", "", "{\"family\": \"mine\"}", &json, &error) ==
         IRO_ERR_INVALID_INPUT); /* server-written kind */

  /* Starting on a template the device lacks, by id or family. */
  session = (iro_child_session_t*)&error; /* garbage: must be reset */
  EXPECT(iro_child_session_start(store, "DEMO-0001", "review_under_8", NULL, &session, &error) ==
         IRO_ERR_NOT_FOUND);
  EXPECT(session == NULL);
  EXPECT(contains(error.message, "review_under_8"));
  EXPECT(iro_child_session_start(store, "DEMO-0001", "01890a5d-ac96-774b-bcce-b302099a0101",
                                 "{\"helped_by\": \"carer\"}", &session,
                                 &error) == IRO_ERR_NOT_FOUND);
  /* Bad setup JSON is refused before anything else. */
  EXPECT(iro_child_session_start(store, "DEMO-0001", "review_under_8", "{\"helped_by\": ", &session,
                                 &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(iro_child_session_start(store, "DEMO-0001", "review_under_8", "{\"colour\": \"red\"}",
                                 &session, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "colour"));
  EXPECT(iro_child_session_start(store, "DEMO-0001", "review_under_8", "{\"review_id\": 7}",
                                 &session, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(iro_child_session_start(store, "DEMO-0001", "review_under_8", "[]", &session, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(iro_child_session_start(store, NULL, "review_under_8", NULL, &session, &error) ==
         IRO_ERR_MISUSE);
  EXPECT(iro_child_session_start(store, "DEMO-0001", NULL, NULL, &session, &error) ==
         IRO_ERR_MISUSE);
  EXPECT(iro_child_session_start(store, "DEMO-0001", "review_under_8", NULL, NULL, &error) ==
         IRO_ERR_MISUSE);
  EXPECT(session == NULL);

  /* Opening: an unknown record, a record that is not a consultation. */
  EXPECT(iro_child_session_open(store, "01890a5d-ac96-774b-bcce-b302099a0101", &session, &error) ==
         IRO_ERR_NOT_FOUND);
  EXPECT(iro_document_create(store, "visit", "DEMO-0001", "{\"note\": \"x\"}", &visit, &error) ==
         IRO_OK);
  EXPECT(iro_child_session_open(store, visit, &session, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(contains(error.message, "not a consultation"));
  EXPECT(session == NULL);
  EXPECT(iro_child_session_open(store, NULL, &session, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_child_session_open(store, visit, NULL, &error) == IRO_ERR_MISUSE);
  iro_free(visit);

  /* Session calls on NULL, made-up and wrong-type handles. */
  EXPECT(iro_child_session_form_json(NULL, &json, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "child session handle is NULL"));
  EXPECT(json == NULL);
  EXPECT(iro_child_session_answer(NULL, "q", "a", &error) == IRO_ERR_MISUSE);
  EXPECT(iro_child_session_attach(NULL, drawing, sizeof drawing, &json, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_child_session_finish(NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_child_session_answer(made_up, "q", "a", &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "closed or invalid"));
  EXPECT(iro_child_session_finish((iro_child_session_t*)store, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "a store handle was given where a child session handle"));
  EXPECT(iro_store_pending_changes((iro_store_t*)made_up, NULL, &error) == IRO_ERR_MISUSE);
  iro_child_session_close(NULL);
  iro_child_session_close(made_up);
  iro_child_session_close((iro_child_session_t*)store); /* not a child session: ignored */
  EXPECT(iro_live_handles() == 1);
  iro_store_close(store);
}

static void misuse(iro_store_t* closed) {
  iro_error_t error;
  char* text = NULL;
  uint64_t count = 0;
  iro_sync_session_t* session = NULL;
  uint8_t* frame = NULL;
  size_t length = 0;
  iro_child_session_t* child = NULL;
  iro_store_t* made_up = (iro_store_t*)(uintptr_t)0x1234;

  EXPECT(iro_note_add(NULL, "DEMO-0001", "x", &text, &error) == IRO_ERR_MISUSE);
  EXPECT(error.code == IRO_ERR_MISUSE && error.domain == IRO_DOMAIN_IRO);
  EXPECT(contains(error.message, "NULL"));
  EXPECT(error.transient == 0);
  EXPECT(iro_document_get(NULL, "x", &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_store_set_listener(NULL, NULL, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_sync_session_receive(NULL, NULL, 0, NULL, &error) == IRO_ERR_MISUSE);

  /* Use after close: every call is refused, none crashes. */
  EXPECT(iro_note_add(closed, "DEMO-0001", "x", &text, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "the store handle is closed"));
  EXPECT(text == NULL);
  EXPECT(iro_store_pending_changes(closed, &count, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_store_export_json(closed, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_store_status_json(closed, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_store_device_id(closed, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_create(closed, "visit", "DEMO-0001", "{}", &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_edit(closed, "x", "{}", &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_get(closed, "x", &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_query(closed, NULL, NULL, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_document_delete(closed, "x", &error) == IRO_ERR_MISUSE);
  EXPECT(iro_conflict_list(closed, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_conflict_resolve(closed, "x", "note#1", IRO_RESOLVE_KEEP, NULL, &error) ==
         IRO_ERR_MISUSE);
  EXPECT(iro_child_timescales(closed, "DEMO-0001", NULL, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_store_set_listener(closed, record_event, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_enrol(closed, "ws://127.0.0.1:9", "CODE", NULL, NULL, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_sync_run(closed, NULL, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_sync_cancel(closed, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_sync_session_start(closed, IRO_SYNC_FOLLOW, &session, &frame, &length, &error) ==
         IRO_ERR_MISUSE);
  EXPECT(session == NULL);
  EXPECT(iro_attachment_add(closed, "x", (const uint8_t*)"x", 1, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachment_get(closed, "x", &frame, &length, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_attachments_json(closed, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_form_templates_json(closed, &text, &error) == IRO_ERR_MISUSE);
  EXPECT(iro_child_session_start(closed, "DEMO-0001", "review_under_8", NULL, &child, &error) ==
         IRO_ERR_MISUSE);
  EXPECT(iro_child_session_open(closed, "x", &child, &error) == IRO_ERR_MISUSE);
  EXPECT(child == NULL);
  EXPECT(iro_app_call(closed, "{\"op\": \"status\"}", &text, &error) == IRO_ERR_MISUSE);
  EXPECT(text == NULL);
  iro_store_close(closed); /* twice: ignored */

  /* A handle that was never issued. */
  EXPECT(iro_store_pending_changes(made_up, &count, &error) == IRO_ERR_MISUSE);
  EXPECT(contains(error.message, "closed or invalid"));
  iro_store_close(made_up);
  iro_sync_session_close((iro_sync_session_t*)made_up);
}

int main(int argc, char** argv) {
  iro_store_t* store = NULL;

  if (argc != 2) {
    fprintf(stderr, "usage: iro_bridge_canary PATH_PREFIX\n");
    return 2;
  }
  prefix = argv[1];

  EXPECT(iro_api_version() == IRO_API_VERSION);
  EXPECT(IRO_API_VERSION == 7);
  EXPECT(iro_live_handles() == 0);
  opening_and_keys();

  store = open_plain("plain");
  EXPECT(iro_live_handles() == 1);
  notes_and_export(store);
  documents(store);
  conflicts(store);
  listener(store);
  sync_arguments(store);
  timescales(store);
  app(store);
  iro_store_close(store);
  EXPECT(iro_live_handles() == 0);
  misuse(store);
  attachments();
  forms_and_child_sessions();
  passphrase();
  EXPECT(iro_live_handles() == 0);

  two_threads();
  EXPECT(iro_live_handles() == 0);

  if (failures == 0) printf("bridge canary: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
