/*
** fuzz_baci.c — the BACI parser on any bytes: an import succeeds whole or
** fails with one "fuzz.csv:line:column: what" (or "fuzz.csv: what")
** message; one thread and two threads agree on the rows or on the
** message; every product code kept is 1 to 15 letters or digits.
*/
#include <string.h>

#include "baci.h"
#include "fuzz.h"

static ts_bulk *parse(const uint8_t *data, size_t size, int threads, ts_err *err) {
  ts_baci_opts o = {.threads = threads};
  return ts_baci_parse("fuzz.csv", (const char *)data, size, &o, err);
}

static void check_codes(const ts_bulk *b) {
  for (size_t id = 0; id < ts_dict_count(b->dict); id++) {
    size_t len;
    const char *s = ts_dict_str(b->dict, (int32_t)id, &len);
    REQUIRE(len >= 1 && len <= 15);
    for (size_t i = 0; i < len; i++)
      REQUIRE((s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'));
  }
}

static void same_rows(const ts_bulk *a, const ts_bulk *b) {
  REQUIRE(a->rows == b->rows && a->ncols == b->ncols);
  for (size_t c = 0; c < a->ncols; c++) {
    if (a->cols[c].type == TS_STR) {
      for (size_t r = 0; r < a->rows; r++)
        REQUIRE(strcmp(ts_dict_str(a->dict, ((const int32_t *)a->cols[c].data)[r], NULL),
                       ts_dict_str(b->dict, ((const int32_t *)b->cols[c].data)[r], NULL)) == 0);
    } else {
      REQUIRE(memcmp(a->cols[c].data, b->cols[c].data,
                     a->rows * ts_type_size(a->cols[c].type)) == 0);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ts_err e1 = {""}, e2 = {""};
  ts_bulk *one = parse(data, size, 1, &e1), *two = parse(data, size, 2, &e2);
  REQUIRE((one == NULL) == (two == NULL));
  if (one == NULL) {
    REQUIRE(strncmp(e1.msg, "fuzz.csv:", 9) == 0 || strncmp(e1.msg, "fuzz.csv: ", 10) == 0);
    REQUIRE(strcmp(e1.msg, e2.msg) == 0);
    return 0;
  }
  check_codes(one);
  same_rows(one, two);
  ts_bulk_free(one);
  ts_bulk_free(two);
  return 0;
}
