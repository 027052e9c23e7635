/* A mobile host in a few lines of C99: opens a store, enrols with the code an
 * administrator issued, records a visit note offline, syncs through the
 * built-in transport and prints the note's id (last line of stdout). The
 * listener's events go to stderr. tests/e2e/bridge_e2e_test.cpp runs it
 * against a real iro-server and checks the server has the note.
 * Usage: iro_bridge_sync_demo STORE SERVER_URL CODE CHILD_ID [NOTE_TEXT] */
#include <stdio.h>
#include <stdlib.h>

#include "iro/iro.h"

static void print_event(void* context, const char* event_json) {
  (void)context;
  fprintf(stderr, "event: %s\n", event_json);
}

/* Prints the failure and returns 1, closing the store. */
static int fail(const char* step, const iro_error_t* error, iro_store_t* store) {
  fprintf(stderr, "iro_bridge_sync_demo: %s failed (code %d%s): %s\n", step, error->code,
          error->transient ? ", transient" : "", error->message);
  iro_store_close(store);
  return 1;
}

int main(int argc, char** argv) {
  iro_store_t* store = NULL;
  iro_error_t error;
  iro_sync_options_t options;
  char* note = NULL;
  char* report = NULL;
  const char* text = argc > 5 ? argv[5] : "Seen at school; talked about football";

  if (argc < 5 || argc > 6) {
    fprintf(stderr, "usage: iro_bridge_sync_demo STORE SERVER_URL CODE CHILD_ID [NOTE_TEXT]\n");
    return 2;
  }
  if (iro_store_open(argv[1], NULL, 0, &store, &error) != IRO_OK) {
    return fail("iro_store_open", &error, store);
  }
  iro_store_set_listener(store, print_event, NULL, NULL);
  if (iro_enrol(store, argv[2], argv[3], "sync demo", NULL, &error) != IRO_OK) {
    return fail("iro_enrol", &error, store);
  }
  /* Offline: nothing goes to the server until the sync. */
  if (iro_note_add(store, argv[4], text, &note, &error) != IRO_OK) {
    return fail("iro_note_add", &error, store);
  }
  iro_sync_options_init(&options);
  options.max_attempts = 3;
  if (iro_sync_run(store, &options, &report, &error) != IRO_OK) {
    iro_free(note);
    return fail("iro_sync_run", &error, store);
  }
  printf("%s\n%s\n", report, note);
  iro_free(report);
  iro_free(note);
  iro_store_close(store);
  return iro_live_handles() == 0 ? 0 : 1;
}
