/*
** fuzz_csv.c — the CSV reader on any bytes: it must return records or one
** error with a position, never crash, and every record it reads must write
** back (ts_csv_format) to text that reads as the same fields.
*/
#include <string.h>

#include "csv.h"
#include "fuzz.h"

/* The record written after a blank first line: a byte order mark is only
** skipped at the start of the input, and a field may begin with U+FEFF. */
static void check_round_trip(const ts_csv *r) {
  size_t need = ts_csv_format(NULL, 0, r->fields, r->nfields, "\n");
  char *text = malloc(need + 2);
  REQUIRE(text != NULL);
  text[0] = '\n';
  REQUIRE(ts_csv_format(text + 1, need + 1, r->fields, r->nfields, "\n") == need);
  ts_csv back;
  ts_err err;
  ts_csv_init(&back, "back.csv", text, need + 1, NULL);
  ts_csv_expect(&back, -1);
  REQUIRE(ts_csv_next(&back, &err) == 1 && back.nfields == 1 && back.fields[0].len == 0);
  REQUIRE(ts_csv_next(&back, &err) == 1);
  REQUIRE(back.nfields == r->nfields);
  for (size_t i = 0; i < r->nfields; i++) {
    REQUIRE(back.fields[i].len == r->fields[i].len);
    REQUIRE(memcmp(back.fields[i].s, r->fields[i].s, r->fields[i].len) == 0);
  }
  REQUIRE(ts_csv_next(&back, &err) == 0);
  ts_csv_free(&back);
  free(text);
}

static void read_all(const uint8_t *data, size_t size, long expect, int round_trip) {
  ts_csv r;
  ts_err err = {""};
  ts_csv_init(&r, "fuzz.csv", (const char *)data, size, NULL);
  ts_csv_expect(&r, expect);
  int rc;
  size_t records = 0, last_line = 0;
  while ((rc = ts_csv_next(&r, &err)) == 1) {
    REQUIRE(r.nfields >= 1);
    REQUIRE(r.line > last_line); /* lines only move forward */
    last_line = r.line;
    for (size_t i = 0; i < r.nfields; i++)
      REQUIRE(r.fields[i].line >= r.line && r.fields[i].col >= 1);
    if (round_trip) check_round_trip(&r);
    records++;
  }
  if (rc < 0) {
    REQUIRE(strncmp(err.msg, "fuzz.csv:", 9) == 0);
    REQUIRE(ts_csv_next(&r, &err) == -1); /* an error stops the reader for good */
  } else {
    REQUIRE(rc == 0);
  }
  ts_csv_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  read_all(data, size, 0, 1);  /* every record as wide as the first */
  read_all(data, size, -1, 0); /* any width */
  read_all(data, size, 3, 0);
  return 0;
}
