/*
** fuzz_kb.c — a fuzzed trade.csv loaded into a knowledge base that knows a
** few countries and subdivisions (as the host registers them from
** iso-codes), a small areas.csv and a sources.csv.  A load must succeed or
** fail with "file:line:column: ..." and leave no table; a table that loads
** must answer queries, save byte for byte, and take one of its own rows
** back through replace, save and reload unchanged.
*/
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "kb.h"

static const char AREAS[] =
    "code,name,kind,parent,members,scheme,note\n"
    "X-RUFE,Russia's Far East,grouping,RUS,RU-PRI;RU-KHA,project,\n"
    "X-VNNB,Vietnam's land neighbours,grouping,,CHN;LAO;KHM,project,\n"
    "X-RBG,Vietnam's road border gates,grouping,VNM,,project,\n"
    "RUVVO,Vladivostok,place,RU-PRI,,UN/LOCODE,Port and city.\n"
    "VNHPH,Hai Phong,place,VN-HP,,UN/LOCODE,\n";

static const char SOURCES[] =
    "id,title,title_basis,publisher,date,date_basis,seed_file,note\n"
    "s000,Trade and the port,inferred,,2023-08,inferred,000.txt,\n"
    "s001,A visit,inferred,,2025-01,inferred,001.txt,\n"
    "s002,\"Ministers, discuss\",stated,,2025-01,inferred,002.txt,\n"
    "s003,Ties with an oblast,stated,,2021-08,inferred,003.txt,\n"
    "s004,Border trade,stated,,2024-03,inferred,004.txt,\n";

static const char *const COUNTRIES[] = {"VNM", "RUS", "CHN", "LAO", "KHM", "KAZ", "USA"};
static const char *const SUBDIVISIONS[][2] = {
    {"RU-PRI", "RUS"}, {"RU-KHA", "RUS"}, {"RU-KLU", "RUS"}, {"VN-HP", "VNM"}, {"VN-SG", "VNM"}};
static const char *const COMMODITIES[] = {"01", "0101", "27", "2709", "270900"};

static char tmpdir[64];

static void remove_tmpdir(void) {
  char path[128];
  snprintf(path, sizeof path, "%s/trade.csv", tmpdir);
  unlink(path);
  rmdir(tmpdir);
}

/* A path that reads the bytes: a memory file seen through /proc. */
static int memfile(const void *data, size_t size, char path[64]) {
  int fd = memfd_create("fuzz", 0);
  REQUIRE(fd >= 0);
  REQUIRE(size == 0 || write(fd, data, size) == (ssize_t)size);
  snprintf(path, 64, "/proc/self/fd/%d", fd);
  return fd;
}

static int load_text(ts_kb *kb, const char *table, const void *data, size_t size, ts_err *err) {
  char path[64];
  int fd = memfile(data, size, path);
  int rc = ts_kb_load(kb, ts_kb_schema(table), path, err);
  close(fd);
  return rc;
}

static ts_kb *new_kb(void) {
  ts_err err;
  ts_kb *kb = ts_kb_new(NULL, &err);
  REQUIRE(kb != NULL);
  for (size_t i = 0; i < sizeof COUNTRIES / sizeof *COUNTRIES; i++)
    REQUIRE(ts_kb_add_area(kb, COUNTRIES[i], COUNTRIES[i], "country", NULL, &err) == 0);
  for (size_t i = 0; i < sizeof SUBDIVISIONS / sizeof *SUBDIVISIONS; i++)
    REQUIRE(ts_kb_add_area(kb, SUBDIVISIONS[i][0], SUBDIVISIONS[i][0], "region", SUBDIVISIONS[i][1],
                           &err) == 0);
  for (size_t i = 0; i < sizeof COMMODITIES / sizeof *COMMODITIES; i++)
    REQUIRE(ts_kb_add_commodity(kb, COMMODITIES[i], &err) == 0);
  REQUIRE(load_text(kb, "areas", AREAS, sizeof AREAS - 1, &err) == 0);
  REQUIRE(load_text(kb, "sources", SOURCES, sizeof SOURCES - 1, &err) == 0);
  return kb;
}

static void query(const ts_kb *kb, const ts_kbtable *t) {
  ts_sel sel;
  ts_err err;
  ts_sel_init(&sel, NULL);
  REQUIRE(ts_kb_select_all(t, &sel, &err) == 0 && sel.n == ts_kbtable_rows(t));
  const char *flows[] = {"turnover", "export"};
  REQUIRE(ts_kb_filter_text(t, "flow", flows, 2, &sel, &err) == 0);
  REQUIRE(ts_kb_filter_period(t, "period", ts_period_of_year(2023), false, &sel, &err) == 0);
  REQUIRE(ts_kb_select_all(t, &sel, &err) == 0);
  REQUIRE(ts_kb_filter_area(kb, t, "X-RUFE", &sel, &err) == 0);
  for (size_t i = 0; i < sel.n; i++) REQUIRE(sel.rows[i] < ts_table_rows(ts_kbtable_store(t)));
  ts_sel_free(&sel);
}

static char *read_back(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  REQUIRE(f != NULL);
  char *buf = NULL;
  *len = 0;
  FILE *mem = open_memstream(&buf, len);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, n, mem);
  fclose(f);
  fclose(mem);
  return buf;
}

/* Row 0 replaced by its own fields is written as fresh CSV, which must
** read back to the same texts. */
static void replace_save_reload(ts_kb *kb, ts_kbtable *t, const char *path) {
  const ts_kbschema *s = ts_kbtable_schema(t);
  const char *texts[32] = {0};
  char *copies[32] = {0};
  uint32_t row = ts_kbtable_row(t, 0);
  for (size_t i = 0; i < s->ncols; i++) {
    size_t len;
    const char *x = ts_kbtable_text(t, i, row, &len);
    if (x != NULL) texts[i] = copies[i] = strndup(x, len);
  }
  ts_err err;
  REQUIRE(ts_kbtable_replace(kb, t, texts[0], texts, &err) == 0);
  REQUIRE(ts_kbtable_save(t, path, &err) == 0);
  ts_kb *again = new_kb();
  if (ts_kb_load(again, s, path, &err) != 0) {
    fprintf(stderr, "a saved table does not load again: %s\n", err.msg);
    abort();
  }
  ts_kbtable *t2 = ts_kb_table(again, s->name);
  REQUIRE(ts_kbtable_rows(t2) == ts_kbtable_rows(t));
  uint32_t row2 = ts_kbtable_row(t2, 0);
  for (size_t i = 0; i < s->ncols; i++) {
    size_t len;
    const char *x = ts_kbtable_text(t2, i, row2, &len);
    REQUIRE((x == NULL) == (texts[i] == NULL));
    REQUIRE(x == NULL || (len == strlen(texts[i]) && memcmp(x, texts[i], len) == 0));
  }
  ts_kb_free(again);
  for (size_t i = 0; i < s->ncols; i++) free(copies[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (tmpdir[0] == '\0') {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tsfuzz-kb-XXXXXX");
    REQUIRE(mkdtemp(tmpdir) != NULL);
    atexit(remove_tmpdir);
  }
  ts_kb *kb = new_kb();
  ts_err err = {""};
  if (load_text(kb, "trade", data, size, &err) != 0) {
    REQUIRE(strncmp(err.msg, "/proc/self/fd/", 14) == 0);
    REQUIRE(ts_kb_table(kb, "trade") == NULL);
    ts_kb_free(kb);
    return 0;
  }
  ts_kbtable *t = ts_kb_table(kb, "trade");
  REQUIRE(t != NULL);
  query(kb, t);
  char path[128];
  snprintf(path, sizeof path, "%s/trade.csv", tmpdir);
  REQUIRE(ts_kbtable_save(t, path, &err) == 0);
  size_t len;
  char *saved = read_back(path, &len);
  REQUIRE(len == size && memcmp(saved, data, size) == 0);
  free(saved);
  if (ts_kbtable_rows(t) > 0) replace_save_reload(kb, t, path);
  ts_kb_free(kb);
  return 0;
}
