/* Compiled as strict C99 with -Wall -Wextra -Werror -pedantic: proves iro.h is
 * a C header, then drives the bridge: open, record a note, export, misuse. */
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

int main(int argc, char** argv) {
  iro_store_t* store = NULL;
  iro_error_t error;
  char* id = NULL;
  char* json = NULL;
  uint64_t pending = 0;
  char path[4096];

  if (argc != 2) {
    fprintf(stderr, "usage: iro_bridge_canary DIR\n");
    return 2;
  }
  snprintf(path, sizeof path, "%s.db", argv[1]);
  remove(path);

  EXPECT(iro_api_version() == IRO_API_VERSION);
  EXPECT(iro_store_open(path, &store, &error) == IRO_OK);
  EXPECT(store != NULL);
  EXPECT(iro_live_handles() == 1);

  EXPECT(iro_note_add(store, "DEMO-0001", "Seen at school; happy", &id, &error) == IRO_OK);
  EXPECT(id != NULL && strlen(id) == 36);
  EXPECT(iro_store_pending_changes(store, &pending, NULL) == IRO_OK);
  EXPECT(pending == 2); /* note and date */
  EXPECT(iro_store_export_json(store, &json, &error) == IRO_OK);
  EXPECT(json != NULL && strstr(json, "Seen at school; happy") != NULL);
  EXPECT(json != NULL && id != NULL && strstr(json, id) != NULL);
  iro_free(json);
  iro_free(id);

  /* Timescales from given dates: looked after Mon 8 Jan 2024, first review
   * within 20 working days (Mon 5 Feb), held then; the next within 3 months. */
  EXPECT(iro_timescales("{\"looked_after\": \"2024-01-08\", \"reviews\": [\"2024-02-05\"], "
                        "\"as_of\": \"2024-03-01\"}",
                        &json, &error) == IRO_OK);
  EXPECT(json != NULL && strstr(json, "\"first_review_due\":\"2024-02-05\"") != NULL);
  EXPECT(json != NULL && strstr(json, "\"next_review_due\":\"2024-05-05\"") != NULL);
  iro_free(json);
  json = NULL;
  EXPECT(iro_timescales("{\"looked_after\": \"2024-01-08\", \"policy\": \"nowhere\"}", &json,
                        &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(strstr(error.message, "statutory") != NULL); /* the message lists the policies */
  EXPECT(iro_timescales("{\"looked_after\": \"2023-02-29\"}", &json, &error) ==
         IRO_ERR_INVALID_INPUT);
  EXPECT(strstr(error.message, "2023-02-29") != NULL);
  EXPECT(iro_timescales("{\"looked_after\": \"2024-01-08\", \"colour\": \"red\"}", &json,
                        &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(strstr(error.message, "unknown key") != NULL);
  EXPECT(iro_timescales("not json", &json, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(json == NULL);
  /* A child's records arrive with a sync: this store has none yet. */
  EXPECT(iro_child_timescales(store, "DEMO-0001", NULL, &json, &error) == IRO_ERR_NOT_FOUND);
  EXPECT(iro_child_timescales(store, "DEMO-0001", "tomorrow", &json, &error) ==
         IRO_ERR_INVALID_INPUT);

  /* Misuse is refused with a status, never a crash. */
  EXPECT(iro_note_add(NULL, "DEMO-0001", "x", &id, &error) == IRO_ERR_MISUSE);
  EXPECT(error.code == IRO_ERR_MISUSE && error.domain == IRO_DOMAIN_IRO);
  EXPECT(iro_note_add(store, NULL, "x", &id, NULL) == IRO_ERR_MISUSE);
  EXPECT(iro_note_add(store, "not a child id", "x", &id, &error) == IRO_ERR_INVALID_INPUT);
  EXPECT(strstr(error.message, "is not a child id") != NULL);
  EXPECT(error.transient == 0);

  iro_store_close(store);
  iro_store_close(NULL);
  EXPECT(iro_live_handles() == 0);

  if (failures == 0) printf("bridge canary: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
