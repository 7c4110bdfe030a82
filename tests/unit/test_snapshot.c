#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "baci.h"
#include "bulkquery.h"
#include "snapshot.h"

static char dir[] = "/tmp/test_snapshot.XXXXXX";

static int make_dir(void **state) {
  (void)state;
  return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* A few buffers in turn, so that two paths can be held at once. */
static const char *path_of(const char *name) {
  static char paths[4][256];
  static int next;
  char *path = paths[next++ % 4];
  snprintf(path, 256, "%s/%s", dir, name);
  return path;
}

static const char CSV[] = "t,i,j,k,v,q\n"
                          "2021,704,643,010121,12.5,0.75\n"
                          "2022,704,156,9999AA,0.001,NA\n"
                          "2022,842,156,847130,1234567.891,3\n"
                          "2022,4,8,010121,7,\n";

static ts_bulk *sample(void) {
  ts_err err;
  ts_bulk *b = ts_baci_parse("sample.csv", CSV, strlen(CSV), NULL, &err);
  if (b == NULL) fail_msg("%s", err.msg);
  return b;
}

static void save_ok(ts_bulk *b, const char *path) {
  ts_err err;
  if (ts_snapshot_save(b, path, &err) != 0) fail_msg("save: %s", err.msg);
}

static ts_bulk *open_ok(const char *path, bool verify) {
  ts_err err;
  ts_bulk *b = ts_snapshot_open(path, verify, NULL, &err);
  if (b == NULL) fail_msg("open: %s", err.msg);
  return b;
}

static const char *open_error(const char *path, bool verify) {
  static ts_err err;
  ts_bulk *b = ts_snapshot_open(path, verify, NULL, &err);
  if (b != NULL) {
    ts_bulk_free(b);
    fail_msg("expected %s to be refused", path);
  }
  return err.msg;
}

static long file_size(const char *path) {
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  return (long)st.st_size;
}

/* Overwrites `len` bytes at `at` of the file. */
static void patch(const char *path, long at, const void *bytes, size_t len) {
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  assert_int_equal(fseek(f, at, SEEK_SET), 0);
  assert_int_equal(fwrite(bytes, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void flip_byte(const char *path, long at) {
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  assert_int_equal(fseek(f, at, SEEK_SET), 0);
  int c = fgetc(f);
  assert_int_equal(fseek(f, at, SEEK_SET), 0);
  fputc(c ^ 0x10, f);
  assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
  assert_int_equal(system(cmd), 0);
}

/* Offset of column `name`'s data, read from the column table (entry at
** 128 + 64 i: name at 0, offset at 40). */
static long column_offset(const char *path, int col) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  uint64_t off;
  assert_int_equal(fseek(f, 128 + 64 * col + 40, SEEK_SET), 0);
  assert_int_equal(fread(&off, 8, 1, f), 1);
  fclose(f);
  return (long)off;
}

/* ---- XXH64 ------------------------------------------------------------------------ */

/* Expected values from the reference xxhsum (xxhsum -H1). */
static void hash_matches_reference_xxh64(void **state) {
  (void)state;
  char xs[100], ys[41];
  memset(xs, 'x', sizeof xs);
  memset(ys, 'y', sizeof ys);
  const char *fox = "tradescope snapshot column data: the quick brown fox";
  assert_true(ts_hash64("", 0, 0) == 0xef46db3751d8e999u);
  assert_true(ts_hash64("abc", 3, 0) == 0x44bc2cf5ad770999u);
  assert_true(ts_hash64(xs, sizeof xs, 0) == 0x92f0de5a88a3c094u);
  assert_true(ts_hash64(ys, sizeof ys, 0) == 0xf8bca9f3a24f4d1au);
  assert_true(ts_hash64(fox, strlen(fox), 0) == 0xb9c9cd1c4491727au);
}

/* Fed in pieces of every size from 1 to 70 bytes, the streaming hash
** gives what one call over the whole gives (the reference values above). */
static void hash_in_pieces_matches_one_call(void **state) {
  (void)state;
  unsigned char data[1000];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 131 + 7);
  const uint64_t whole = ts_hash64(data, sizeof data, 5);
  for (size_t piece = 1; piece <= 70; piece++) {
    ts_hash64_state h;
    ts_hash64_init(&h, 5);
    for (size_t at = 0; at < sizeof data; at += piece)
      ts_hash64_update(&h, data + at, sizeof data - at < piece ? sizeof data - at : piece);
    if (ts_hash64_digest(&h) != whole) fail_msg("pieces of %zu bytes: another hash", piece);
  }
  ts_hash64_state h;
  ts_hash64_init(&h, 0);
  ts_hash64_update(&h, "ab", 2);
  ts_hash64_update(&h, NULL, 0);
  ts_hash64_update(&h, "c", 1);
  assert_true(ts_hash64_digest(&h) == 0x44bc2cf5ad770999u);
}

/* ---- round trip ------------------------------------------------------------------- */

static void round_trip_keeps_everything(void **state) {
  (void)state;
  ts_bulk *b = sample();
  const char *path = path_of("rt.tsb");
  save_ok(b, path);
  ts_bulk *m = open_ok(path, true);
  assert_string_equal(m->kind, "baci");
  assert_int_equal(m->rows, b->rows);
  assert_int_equal(m->ncols, b->ncols);
  assert_int_equal(m->measure, b->measure);
  assert_non_null(m->map);
  for (size_t c = 0; c < b->ncols; c++) {
    assert_string_equal(m->cols[c].name, b->cols[c].name);
    assert_int_equal(m->cols[c].type, b->cols[c].type);
    assert_int_equal(m->cols[c].lo, b->cols[c].lo);
    assert_int_equal(m->cols[c].hi, b->cols[c].hi);
    /* bytes equal, NaN included */
    assert_memory_equal(m->cols[c].data, b->cols[c].data, b->rows * ts_type_size(b->cols[c].type));
    assert_int_equal((uintptr_t)m->cols[c].data % 64, 0);
  }
  assert_int_equal(ts_dict_count(m->dict), ts_dict_count(b->dict));
  for (int32_t id = 0; id < (int32_t)ts_dict_count(b->dict); id++)
    assert_string_equal(ts_dict_str(m->dict, id, NULL), ts_dict_str(b->dict, id, NULL));
  /* a mapped dataset is read-only */
  ts_err err;
  assert_int_equal(ts_bulk_add_column(m, "extra", TS_F64, 4, &err), -1);
  assert_true(strstr(err.msg, "read-only") != NULL);
  /* saving a mapped dataset gives the same bytes */
  save_ok(m, path_of("rt2.tsb"));
  assert_int_equal(file_size(path_of("rt2.tsb")), file_size(path));
  ts_bulk_free(m);
  ts_bulk_free(b);
}

static void empty_dataset_round_trips(void **state) {
  (void)state;
  ts_err err;
  ts_bulk *b = ts_baci_parse("e.csv", "t,i,j,k,v,q\n", 12, NULL, &err);
  assert_non_null(b);
  save_ok(b, path_of("empty.tsb"));
  ts_bulk *m = open_ok(path_of("empty.tsb"), true);
  assert_int_equal(m->rows, 0);
  assert_int_equal(m->ncols, 6);
  ts_bulk_free(m);
  ts_bulk_free(b);
}

static int count_entries(const char *d) {
  DIR *dp = opendir(d);
  assert_non_null(dp);
  int n = 0;
  for (struct dirent *e; (e = readdir(dp)) != NULL;)
    if (e->d_name[0] != '.') n++;
  closedir(dp);
  return n;
}

static void saving_replaces_atomically_and_leaves_no_temporary(void **state) {
  (void)state;
  char sub[300];
  snprintf(sub, sizeof sub, "%s/atomic", dir);
  assert_int_equal(mkdir(sub, 0755), 0);
  char path[400];
  snprintf(path, sizeof path, "%s/a.tsb", sub);
  FILE *f = fopen(path, "w");
  fputs("old contents", f);
  fclose(f);
  ts_bulk *b = sample();
  save_ok(b, path);
  assert_int_equal(count_entries(sub), 1);
  ts_bulk *m = open_ok(path, true);
  assert_int_equal(m->rows, 4);
  ts_bulk_free(m);
  /* a directory that does not exist: an error, nothing written */
  ts_err err;
  assert_int_equal(ts_snapshot_save(b, "/nonexistent/dir/x.tsb", &err), -1);
  assert_true(strncmp(err.msg, "/nonexistent/dir/x.tsb: cannot create a temporary file:", 55) == 0);
  ts_bulk_free(b);
}

/* ---- refused files ------------------------------------------------------------------- */

static void corrupt_column_is_refused_when_read(void **state) {
  (void)state;
  ts_bulk *b = sample();
  const char *good = path_of("good.tsb");
  save_ok(b, good);
  ts_bulk_free(b);
  char bad[300];
  snprintf(bad, sizeof bad, "%s", path_of("badcol.tsb"));
  copy_file(good, bad);
  flip_byte(bad, column_offset(bad, 4) + 3); /* inside 'value' */
  char want[400];
  snprintf(want, sizeof want, "%s: column 'value' is corrupt (checksum mismatch)", bad);
  assert_string_equal(open_error(bad, true), want);
  /* opened without verifying: the other columns read, 'value' is refused */
  ts_bulk *m = open_ok(bad, false);
  ts_err err;
  assert_int_equal(ts_bulk_need(m, 1, &err), 0);
  assert_int_equal(ts_bulk_need(m, 4, &err), -1);
  assert_string_equal(err.msg, want);
  assert_int_equal(ts_bulk_verify(m, &err), -1);
  ts_bulk_free(m);
}

static void corrupt_header_and_dictionary_are_refused(void **state) {
  (void)state;
  ts_bulk *b = sample();
  const char *good = path_of("good2.tsb");
  save_ok(b, good);
  ts_bulk_free(b);
  char bad[300], want[400];
  snprintf(bad, sizeof bad, "%s", path_of("badhead.tsb"));
  copy_file(good, bad);
  flip_byte(bad, 24); /* the row count */
  snprintf(want, sizeof want, "%s: corrupt (header checksum mismatch)", bad);
  assert_string_equal(open_error(bad, false), want);
  copy_file(good, bad);
  flip_byte(bad, 128 + 64 * 2 + 1); /* a column name */
  assert_string_equal(open_error(bad, false), want);
  copy_file(good, bad);
  flip_byte(bad, 128 + 64 * 6 + 9); /* inside the dictionary's first string */
  snprintf(want, sizeof want, "%s: corrupt (dictionary checksum mismatch)", bad);
  assert_string_equal(open_error(bad, false), want);
}

/* The host's notes come back byte for byte; a changed byte in them, or in
** the header fields that place them, is refused at open. */
static void notes_round_trip_and_are_checked(void **state) {
  (void)state;
  static const char notes[] = "{\"areas\":{\"58\":\"BEL\"}}";
  ts_bulk *b = sample();
  ts_err err;
  assert_int_equal(ts_bulk_set_notes(b, notes, strlen(notes), &err), 0);
  const char *good = path_of("notes.tsb");
  save_ok(b, good);
  ts_bulk_free(b);
  ts_bulk *m = open_ok(good, true);
  assert_int_equal(m->notes_len, strlen(notes));
  assert_memory_equal(m->notes, notes, strlen(notes));
  ts_bulk_free(m);
  /* where the notes are: right after the dictionary, whose place is in the header */
  FILE *f = fopen(good, "rb");
  unsigned char head[128];
  assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
  fclose(f);
  uint64_t dict_off, dict_size;
  memcpy(&dict_off, head + 56, 8);
  memcpy(&dict_size, head + 64, 8);
  char bad[300], want[400];
  snprintf(bad, sizeof bad, "%s", path_of("badnotes.tsb"));
  copy_file(good, bad);
  flip_byte(bad, (long)(dict_off + dict_size + 3));
  snprintf(want, sizeof want, "%s: corrupt (notes checksum mismatch)", bad);
  assert_string_equal(open_error(bad, false), want);
  copy_file(good, bad);
  flip_byte(bad, 96); /* the notes' size */
  snprintf(want, sizeof want, "%s: corrupt (header checksum mismatch)", bad);
  assert_string_equal(open_error(bad, false), want);
  /* a dataset saved without notes opens with none */
  b = sample();
  save_ok(b, good);
  ts_bulk_free(b);
  m = open_ok(good, false);
  assert_null(m->notes);
  assert_int_equal(m->notes_len, 0);
  ts_bulk_free(m);
}

static void truncated_files_are_refused(void **state) {
  (void)state;
  ts_bulk *b = sample();
  const char *good = path_of("good3.tsb");
  save_ok(b, good);
  ts_bulk_free(b);
  long size = file_size(good);
  char bad[300], want[400];
  snprintf(bad, sizeof bad, "%s", path_of("short.tsb"));
  long cuts[] = {0, 5, 100, 500, size - 64, size - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    copy_file(good, bad);
    assert_int_equal(truncate(bad, cuts[i]), 0);
    if (cuts[i] == 0)
      snprintf(want, sizeof want, "%s: empty file, not a tradescope snapshot", bad);
    else if (cuts[i] < 128)
      snprintf(want, sizeof want, "%s: truncated (%ld bytes, shorter than a snapshot header)",
               bad, cuts[i]);
    else
      snprintf(want, sizeof want, "%s: truncated (%ld bytes, the header says %ld)", bad, cuts[i],
               size);
    assert_string_equal(open_error(bad, false), want);
  }
  copy_file(good, bad);
  FILE *f = fopen(bad, "ab");
  fputs("tail", f);
  fclose(f);
  snprintf(want, sizeof want, "%s: %ld bytes, the header says %ld (extra bytes at the end)", bad,
           size + 4, size);
  assert_string_equal(open_error(bad, false), want);
}

static void other_versions_and_files_are_refused(void **state) {
  (void)state;
  ts_bulk *b = sample();
  const char *good = path_of("good4.tsb");
  save_ok(b, good);
  ts_bulk_free(b);
  char bad[300], want[400];
  snprintf(bad, sizeof bad, "%s", path_of("v3.tsb"));
  uint32_t versions[] = {1, 3};
  for (size_t i = 0; i < 2; i++) {
    copy_file(good, bad);
    patch(bad, 8, &versions[i], 4);
    snprintf(want, sizeof want, "%s: snapshot format version %u; this tradescope reads version 2",
             bad, versions[i]);
    assert_string_equal(open_error(bad, false), want);
  }
  uint32_t swapped = 0x04030201;
  copy_file(good, bad);
  patch(bad, 12, &swapped, 4);
  snprintf(want, sizeof want, "%s: written on a machine of another byte order", bad);
  assert_string_equal(open_error(bad, false), want);
  FILE *f = fopen(bad, "wb");
  fputs(CSV, f);
  fclose(f);
  snprintf(want, sizeof want, "%s: not a tradescope snapshot", bad);
  assert_string_equal(open_error(bad, false), want);
  ts_err err;
  assert_null(ts_snapshot_open("/nonexistent.tsb", false, NULL, &err));
  assert_string_equal(err.msg, "/nonexistent.tsb: cannot open: No such file or directory");
}

/* A file whose checksums are right but whose key values lie outside the
** recorded range (written by something else) never reaches a query. */
static void keys_outside_their_range_are_refused(void **state) {
  (void)state;
  ts_bulk *b = sample();
  const char *path = path_of("range.tsb");
  save_ok(b, path);
  ts_bulk_free(b);
  long off = column_offset(path, 1); /* exporter, int16 */
  int16_t big = 30000;
  patch(path, off, &big, 2);
  /* recompute the column checksum so that only the range is wrong */
  ts_bulk *m = open_ok(path, false);
  uint64_t sum = ts_hash64(m->cols[1].data, m->rows * 2, 0);
  ts_bulk_free(m);
  patch(path, 128 + 64 * 1 + 56, &sum, 8);
  /* the column table changed: fix the header checksum too */
  unsigned char head[128 + 64 * 6];
  FILE *f = fopen(path, "rb");
  assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
  fclose(f);
  uint64_t hs = ts_hash64(head, 80, 0);
  hs = ts_hash64(head + 88, 40, hs);
  hs = ts_hash64(head + 128, 64 * 6, hs);
  patch(path, 80, &hs, 8);
  m = open_ok(path, false);
  ts_err err;
  assert_int_equal(ts_bulk_need(m, 1, &err), -1);
  char want[400];
  snprintf(want, sizeof want, "%s: column 'exporter' is corrupt (a value outside its recorded range)",
           path);
  assert_string_equal(err.msg, want);
  ts_bulk_free(m);
}

/* Scans read a snapshot's columns from the file (ts_bulk_read), so a file
** cut short by another program after it was opened gives an error naming
** the column, not a checksum mismatch, wrong sums read from the zeros past
** its end, or a SIGBUS through the mapping. */
static void a_file_cut_short_while_open_is_an_error_not_a_crash(void **state) {
  (void)state;
  ts_bulk *b = sample();
  const char *path = path_of("cut.tsb");
  save_ok(b, path);
  ts_bulk_free(b);
  ts_bulk *unchecked = open_ok(path, false), *checked = open_ok(path, true);
  assert_int_equal(truncate(path, 512), 0);
  char want[400];
  snprintf(want, sizeof want,
           "%s: cannot read column 'exporter': the file is shorter than when it was opened", path);
  ts_err err;
  assert_int_equal(ts_bulk_need(unchecked, 1, &err), -1);
  assert_string_equal(err.msg, want);
  ts_bkey key = {1, 0};
  assert_null(ts_bulk_group(checked, NULL, &key, 1, 4, TS_AGG_SUM, &err));
  assert_string_equal(err.msg, want);
  ts_bulk_free(unchecked);
  ts_bulk_free(checked);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(hash_matches_reference_xxh64),
    cmocka_unit_test(hash_in_pieces_matches_one_call),
    cmocka_unit_test(round_trip_keeps_everything),
    cmocka_unit_test(empty_dataset_round_trips),
    cmocka_unit_test(saving_replaces_atomically_and_leaves_no_temporary),
    cmocka_unit_test(corrupt_column_is_refused_when_read),
    cmocka_unit_test(corrupt_header_and_dictionary_are_refused),
    cmocka_unit_test(notes_round_trip_and_are_checked),
    cmocka_unit_test(truncated_files_are_refused),
    cmocka_unit_test(other_versions_and_files_are_refused),
    cmocka_unit_test(keys_outside_their_range_are_refused),
    cmocka_unit_test(a_file_cut_short_while_open_is_an_error_not_a_crash),
  };
  return cmocka_run_group_tests_name("snapshot", tests, make_dir, remove_dir);
}
