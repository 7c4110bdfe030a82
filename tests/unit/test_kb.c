/*
** test_kb.c — the knowledge base: loading and checking CSV tables, areas,
** filters, editing and saving.  Every test writes its own small CSV files
** into a fresh temporary directory (nothing is read from data/).
*/
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

#include "kb.h"

/* ---- fixture ------------------------------------------------------------------ */

typedef struct fx {
  char dir[64];
  ts_kb *kb;
} fx;

static const char AREAS_CSV[] =
    "code,name,kind,parent,members,scheme,note\n"
    "X-RUFE,Russia's Far East,grouping,RUS,RU-PRI;RU-SA,project,curator's choice\n"
    "X-EAEU,Eurasian Economic Union,grouping,,RUS;KAZ,project,\n"
    "RUVVO,Vladivostok,place,RU-PRI,,UN/LOCODE,Port and city.\n";

static const char SOURCES_CSV[] =
    "id,title,title_basis,publisher,date,date_basis,seed_file,note\n"
    "s000,First article,inferred,,2023-08,inferred,000_a.txt,\n"
    "s001,\"Second, with a comma\",stated,An agency,2025-01-15,stated,001_b.txt,a note\n";

static const char TRADE_HEADER[] =
    "id,period,reporter,partner,via,flow,commodity,qualifier,value,value_high,unit,change,"
    "change_qualifier,change_high,change_basis,source,sentence,note\n";

/* The rows of the filter tests, in file order. */
static const char TRADE_ROWS[] =
    "t-q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,Q1 fell.,\n"
    "t-h1,2023-H1,VNM,X-RUFE,,turnover,TOTAL,range,150000000,160000000,USD,0.2,approx,,2022-H1,"
    "s000,\"Far East, up\",\n"
    "t-m7,2023-01/2023-07,VNM,RUS,RUVVO,turnover,TOTAL,exact,1900000000,,USD,-0.157,exact,,"
    "2022-01/2022-07,s000,Seven months.,\n"
    "t-klu,2020,RU-KLU,VNM,,turnover,TOTAL,more_than,315000000,,USD,9,exact,,2017,s001,Kaluga.,\n"
    "t-kaz,2024,KAZ,CHN,,export,TOTAL,,,,,,,,,s001,No figure.,\n"
    "t-dir,,VNM,RUS,,turnover,TOTAL,,,,,1,direction_only,,unspecified,s000,Up.,\n";

static void path_of(const fx *f, const char *name, char *buf, size_t size) {
  int n = snprintf(buf, size, "%s/%s", f->dir, name);
  assert_true(n > 0 && (size_t)n < size);
}

static void write_file(const char *path, const char *text, size_t len) {
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(text, 1, len, out), len);
  assert_int_equal(fclose(out), 0);
}

static void write_in(const fx *f, const char *name, const char *text) {
  char path[256];
  path_of(f, name, path, sizeof path);
  write_file(path, text, strlen(text));
}

/* The whole file, NUL-terminated; its length in *len. */
static char *read_all(const char *path, size_t *len) {
  FILE *in = fopen(path, "rb");
  assert_non_null(in);
  char *buf = NULL;
  size_t n = 0, cap = 0, got;
  char chunk[4096];
  while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) {
    if (n + got + 1 > cap) {
      cap = (n + got + 1) * 2;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
    memcpy(buf + n, chunk, got);
    n += got;
  }
  fclose(in);
  if (buf == NULL) buf = calloc(1, 1);
  assert_non_null(buf);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static void assert_file_is(const char *path, const char *want, size_t want_len) {
  size_t len;
  char *got = read_all(path, &len);
  if (len != want_len || memcmp(got, want, len) != 0)
    fail_msg("%s differs:\n--- got (%zu bytes)\n%s\n--- want (%zu bytes)\n%s", path, len, got,
             want_len, want);
  free(got);
}

/* Number of directory entries whose name contains `part`. */
static int entries_with(const char *dir, const char *part) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (strstr(e->d_name, part) != NULL) n++;
  closedir(d);
  return n;
}

static void load_ok(fx *f, const char *table, const char *text) {
  char path[256];
  char file[64];
  snprintf(file, sizeof file, "%s.csv", table);
  write_in(f, file, text);
  path_of(f, file, path, sizeof path);
  ts_err err = {""};
  if (ts_kb_load(f->kb, ts_kb_schema(table), path, &err) != 0) fail_msg("load %s: %s", table, err.msg);
  assert_non_null(ts_kb_table(f->kb, table));
}

/* Loading `text` as `table` fails with "<dir>/<table>.csv" + where_what, and
** leaves the table absent. */
static void load_fails(fx *f, const char *table, const char *text, const char *where_what) {
  char path[256], file[64], want[1024];
  snprintf(file, sizeof file, "%s.csv", table);
  write_in(f, file, text);
  path_of(f, file, path, sizeof path);
  snprintf(want, sizeof want, "%s%s", path, where_what);
  ts_err err = {""};
  assert_int_equal(ts_kb_load(f->kb, ts_kb_schema(table), path, &err), -1);
  assert_string_equal(err.msg, want);
  assert_null(ts_kb_table(f->kb, table));
}

static void add_area(ts_kb *kb, const char *code, const char *name, const char *kind,
                     const char *parent) {
  ts_err err = {""};
  if (ts_kb_add_area(kb, code, name, kind, parent, &err) != 0) fail_msg("add_area: %s", err.msg);
}

/* A fresh directory, a knowledge base with ISO-like areas registered and
** areas.csv and sources.csv loaded. */
static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  strcpy(f->dir, "/tmp/test_kb-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  ts_err err = {""};
  f->kb = ts_kb_new(NULL, &err);
  assert_non_null(f->kb);
  add_area(f->kb, "VNM", "Viet Nam", "country", NULL);
  add_area(f->kb, "RUS", "Russian Federation", "country", NULL);
  add_area(f->kb, "KAZ", "Kazakhstan", "country", NULL);
  add_area(f->kb, "CHN", "China", "country", NULL);
  add_area(f->kb, "RU-PRI", "Primorskiy kray", "administrative territory", "RUS");
  add_area(f->kb, "RU-SA", "Saha, Respublika", "republic", "RUS");
  add_area(f->kb, "RU-KLU", "Kaluzhskaya oblast'", "administrative region", "RUS");
  add_area(f->kb, "VN-HP", "Hai Phong", "municipality", "VNM");
  load_ok(f, "areas", AREAS_CSV);
  load_ok(f, "sources", SOURCES_CSV);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  ts_kb_free(f->kb);
  DIR *d = opendir(f->dir);
  if (d != NULL) {
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char p[512];
      snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
      if (rmdir(p) != 0) unlink(p);
    }
    closedir(d);
  }
  rmdir(f->dir);
  free(f);
  return 0;
}

/* "header + TRADE_ROWS" loaded as trade. */
static ts_kbtable *load_trade(fx *f) {
  char text[4096];
  snprintf(text, sizeof text, "%s%s", TRADE_HEADER, TRADE_ROWS);
  load_ok(f, "trade", text);
  return ts_kb_table(f->kb, "trade");
}

static int col_of(const ts_kbtable *t, const char *name) {
  const ts_kbschema *s = ts_kbtable_schema(t);
  for (size_t i = 0; i < s->ncols; i++)
    if (strcmp(s->cols[i].name, name) == 0) return (int)i;
  fail_msg("no column %s", name);
  return -1;
}

/* The text of column `col` of row `id` ("" when empty). */
static const char *text_of(const ts_kbtable *t, const char *id, const char *col) {
  int64_t row = ts_kbtable_find(t, id);
  assert_true(row >= 0);
  const char *s = ts_kbtable_text(t, (size_t)col_of(t, col), (uint32_t)row, NULL);
  return s ? s : "";
}

/* The ids of the selected rows, space-separated, in selection order. */
static void assert_ids(const ts_kbtable *t, const ts_sel *sel, const char *want) {
  char got[1024] = "";
  for (size_t i = 0; i < sel->n; i++) {
    const char *id = ts_kbtable_text(t, 0, sel->rows[i], NULL);
    if (i > 0) strcat(got, " ");
    strcat(got, id);
  }
  assert_string_equal(got, want);
}

/* The ids of the whole table in file order. */
static void assert_table_ids(const ts_kbtable *t, const char *want) {
  ts_sel sel;
  ts_sel_init(&sel, NULL);
  ts_err err = {""};
  assert_int_equal(ts_kb_select_all(t, &sel, &err), 0);
  assert_ids(t, &sel, want);
  ts_sel_free(&sel);
}

/* ---- schemas ---------------------------------------------------------------------- */

static void schemas_in_load_order(void **state) {
  (void)state;
  assert_int_equal(ts_kb_nschemas, 9);
  assert_string_equal(ts_kb_schemas[0].name, "areas");
  assert_string_equal(ts_kb_schemas[1].name, "sources");
  assert_string_equal(ts_kb_schemas[2].name, "trade");
  assert_string_equal(ts_kb_schema("trade")->file, "trade.csv");
  assert_string_equal(ts_kb_schema("areas")->key, "code");
  assert_string_equal(ts_kb_schema("trade")->key, "id");
  assert_int_equal(ts_kb_schema("trade")->ncols, 18);
  assert_null(ts_kb_schema("nope"));
}

/* ---- valid loads ------------------------------------------------------------------ */

static void areas_load_and_register_codes(void **state) {
  fx *f = *state;
  ts_kbtable *t = ts_kb_table(f->kb, "areas");
  assert_non_null(t);
  assert_int_equal(ts_kbtable_rows(t), 3);
  assert_table_ids(t, "X-RUFE X-EAEU RUVVO");
  assert_string_equal(text_of(t, "X-RUFE", "members"), "RU-PRI;RU-SA");
  assert_string_equal(text_of(t, "X-EAEU", "parent"), "");
  assert_null(ts_kbtable_text(t, 3, (uint32_t)ts_kbtable_find(t, "X-EAEU"), NULL));
  assert_false(ts_kbtable_dirty(t));

  const char *name = NULL, *kind = NULL, *parent = NULL;
  assert_true(ts_kb_area(f->kb, "RUVVO", &name, &kind, &parent));
  assert_string_equal(name, "Vladivostok");
  assert_string_equal(kind, "place");
  assert_string_equal(parent, "RU-PRI");
  assert_true(ts_kb_area(f->kb, "X-EAEU", &name, &kind, &parent));
  assert_string_equal(name, "Eurasian Economic Union");
  assert_string_equal(kind, "grouping");
  assert_null(parent);
  assert_true(ts_kb_area(f->kb, "RU-KLU", &name, &kind, &parent));
  assert_string_equal(name, "Kaluzhskaya oblast'");
  assert_string_equal(parent, "RUS");
  assert_true(ts_kb_area(f->kb, "VNM", NULL, NULL, NULL));
  assert_false(ts_kb_area(f->kb, "XXX", NULL, NULL, NULL));
  assert_false(ts_kb_area(f->kb, "", NULL, NULL, NULL));
}

static void area_codes_are_unique(void **state) {
  fx *f = *state;
  ts_err err = {""};
  assert_int_equal(ts_kb_add_area(f->kb, "VNM", "again", "country", NULL, &err), -1);
  assert_string_equal(err.msg, "area code 'VNM' defined twice");
  assert_int_equal(ts_kb_add_area(f->kb, "RUVVO", "again", "place", NULL, &err), -1);
  assert_string_equal(err.msg, "area code 'RUVVO' defined twice");
  const char *name;
  assert_true(ts_kb_area(f->kb, "VNM", &name, NULL, NULL));
  assert_string_equal(name, "Viet Nam");
}

static void sources_load(void **state) {
  fx *f = *state;
  ts_kbtable *t = ts_kb_table(f->kb, "sources");
  assert_non_null(t);
  assert_int_equal(ts_kbtable_rows(t), 2);
  assert_string_equal(text_of(t, "s001", "title"), "Second, with a comma");
  assert_string_equal(text_of(t, "s001", "date"), "2025-01-15");
  assert_string_equal(text_of(t, "s000", "seed_file"), "000_a.txt");
  assert_string_equal(text_of(t, "s000", "publisher"), "");
  assert_int_equal(ts_kbtable_find(t, "s002"), -1);
}

static void trade_loads_with_typed_columns(void **state) {
  fx *f = *state;
  ts_kbtable *t = load_trade(f);
  assert_int_equal(ts_kbtable_rows(t), 6);
  assert_table_ids(t, "t-q1 t-h1 t-m7 t-klu t-kaz t-dir");
  assert_string_equal(text_of(t, "t-h1", "sentence"), "Far East, up");
  assert_string_equal(text_of(t, "t-h1", "value_high"), "160000000");
  assert_string_equal(text_of(t, "t-m7", "period"), "2023-01/2023-07");
  assert_string_equal(text_of(t, "t-kaz", "value"), "");
  assert_false(ts_kbtable_dirty(t));
  assert_ptr_equal(ts_kbtable_schema(t), ts_kb_schema("trade"));

  const ts_table *st = ts_kbtable_store(t);
  const ts_column *num = ts_table_find(st, "value:num");
  const ts_column *first = ts_table_find(st, "period:first");
  const ts_column *last = ts_table_find(st, "period:last");
  const ts_column *chg = ts_table_find(st, "change:num");
  assert_non_null(num);
  assert_non_null(first);
  assert_non_null(last);
  assert_non_null(chg);
  uint32_t m7 = (uint32_t)ts_kbtable_find(t, "t-m7");
  ts_value v = ts_table_get(st, num, m7);
  assert_int_equal(v.kind, TS_V_NUM);
  assert_true(v.u.d == 1900000000.0);
  v = ts_table_get(st, chg, m7);
  assert_true(v.u.d == -0.157);
  /* 2023-01/2023-07: months 2023*12+0 .. 2023*12+6 */
  assert_int_equal(ts_table_get(st, first, m7).u.i, 2023 * 12 + 0);
  assert_int_equal(ts_table_get(st, last, m7).u.i, 2023 * 12 + 6);
  uint32_t dir = (uint32_t)ts_kbtable_find(t, "t-dir");
  assert_int_equal(ts_table_get(st, first, dir).kind, TS_V_NA);
  assert_int_equal(ts_table_get(st, num, dir).kind, TS_V_NA);
  const ts_column *basis = ts_table_find(st, "change_basis:first");
  assert_int_equal(ts_table_get(st, basis, dir).kind, TS_V_NA); /* "unspecified" */
}

static void a_table_loads_once(void **state) {
  fx *f = *state;
  load_trade(f);
  char path[256], want[512];
  path_of(f, "trade.csv", path, sizeof path);
  ts_err err = {""};
  assert_int_equal(ts_kb_load(f->kb, ts_kb_schema("trade"), path, &err), -1);
  snprintf(want, sizeof want, "%s: table 'trade' is already loaded", path);
  assert_string_equal(err.msg, want);
  assert_int_equal(ts_kbtable_rows(ts_kb_table(f->kb, "trade")), 6);
}

static void other_tables_load(void **state) {
  fx *f = *state;
  load_ok(f, "routes",
          "id,route,mode,stops,status,date,period,metric,qualifier,value,value_high,unit,source,"
          "sentence,note\n"
          "r-open,vvo-hph,sea,RUVVO;VN-HP,operating,2022-05,,opened,,,,,s000,Opened.,\n"
          "r-vol,vvo-hph,sea,RUVVO;VN-HP,operating,,2023-01/2023-07,volume,more_than,20000,,TEU,"
          "s000,Volume.,\n");
  load_ok(f, "rankings",
          "id,subject,area,among,rank,period,source,sentence,note\n"
          "rk-1,VNM,RU-KLU,foreign trade partners,5,2021,s001,Fifth.,\n");
  load_ok(f, "other",
          "id,subject,period,area,qualifier,value,value_high,unit,source,sentence,note\n"
          "o-1,Border,,VNM,more_than,5000,,km,s001,Border.,\n");
  assert_int_equal(ts_kbtable_rows(ts_kb_table(f->kb, "routes")), 2);
  assert_int_equal(ts_kbtable_rows(ts_kb_table(f->kb, "rankings")), 1);
  assert_int_equal(ts_kbtable_rows(ts_kb_table(f->kb, "other")), 1);
}

static void a_file_with_no_rows_loads_empty(void **state) {
  fx *f = *state;
  load_ok(f, "trade", TRADE_HEADER);
  assert_int_equal(ts_kbtable_rows(ts_kb_table(f->kb, "trade")), 0);
}

static void commodities_come_from_the_hs_file(void **state) {
  fx *f = *state;
  const char *row =
      "t-hs,2024,VNM,RUS,,export,0901,exact,5,,USD,,,,,s000,Coffee.,\n";
  char text[1024];
  snprintf(text, sizeof text, "%s%s", TRADE_HEADER, row);
  load_fails(f, "trade", text, ":2:27: column 'commodity': unknown commodity code '0901'");

  char hs[256], want[512];
  path_of(f, "hs.csv", hs, sizeof hs);
  ts_err err = {""};

  const char *hs_text = "section,hscode,description,parent,level\n"
                        "I,01,Live animals,TOTAL,2\n"
                        "II,0901,\"Coffee, tea\",09,4\n";
  write_file(hs, hs_text, strlen(hs_text));
  assert_int_equal(ts_kb_load_hs(f->kb, hs, &err), 0);
  load_ok(f, "trade", text);
  assert_string_equal(text_of(ts_kb_table(f->kb, "trade"), "t-hs", "commodity"), "0901");

  const char *bad = "section,code\nI,01\n";
  write_file(hs, bad, strlen(bad));
  assert_int_equal(ts_kb_load_hs(f->kb, hs, &err), -1);
  snprintf(want, sizeof want, "%s:1:1: no column 'hscode'", hs);
  assert_string_equal(err.msg, want);
}

static void project_commodity_codes_are_accepted(void **state) {
  fx *f = *state;
  char text[1024];
  snprintf(text, sizeof text, "%s%s", TRADE_HEADER,
           "t-agri,2024,,,,export,X-AGRIFOOD,more_than,1000000000,,USD,,,,,s001,Food.,\n");
  load_ok(f, "trade", text);
}

/* ---- bad fields: "file:line:column: column 'x': what", and nothing loaded ----- */

static const char *const TRADE_COLS[] = {
  "id", "period", "reporter", "partner", "via", "flow", "commodity", "qualifier", "value",
  "value_high", "unit", "change", "change_qualifier", "change_high", "change_basis", "source",
  "sentence", "note"};

/* A valid row whose fields are replaced by (column, raw text) pairs, NULL-ended. */
static void make_rowv(char *buf, size_t size, va_list ap) {
  const char *f[18] = {"t-b", "2023-Q1", "VNM", "RUS", "", "turnover", "TOTAL", "exact",
                       "732000000", "", "USD", "-0.49", "exact", "", "2022-Q1", "s000", "Said.",
                       ""};
  for (const char *col; (col = va_arg(ap, const char *)) != NULL;) {
    const char *val = va_arg(ap, const char *);
    size_t i = 0;
    while (i < 18 && strcmp(TRADE_COLS[i], col) != 0) i++;
    assert_true(i < 18);
    f[i] = val;
  }
  buf[0] = '\0';
  for (size_t i = 0; i < 18; i++) {
    if (i > 0) strncat(buf, ",", size - strlen(buf) - 1);
    strncat(buf, f[i], size - strlen(buf) - 1);
  }
  strncat(buf, "\n", size - strlen(buf) - 1);
}

static void make_row(char *buf, size_t size, ...) {
  va_list ap;
  va_start(ap, size);
  make_rowv(buf, size, ap);
  va_end(ap);
}

/* The table "header, a valid row t-a, then `bad`" (the bad row on line 3). */
static void trade_with(char *text, size_t size, const char *bad) {
  char good[512];
  make_row(good, sizeof good, "id", "t-a", NULL);
  snprintf(text, size, "%s%s%s", TRADE_HEADER, good, bad);
}

/* Loading trade with a valid line 2 and a line 3 made by make_row from the
** (column, text) pairs fails with where_what. */
static void bad_trade_row(fx *f, const char *where_what, ...) {
  char row[1024], text[2048];
  va_list ap;
  va_start(ap, where_what);
  make_rowv(row, sizeof row, ap);
  va_end(ap);
  trade_with(text, sizeof text, row);
  load_fails(f, "trade", text, where_what);
}

static void bad_period(void **state) {
  bad_trade_row(*state,
                ":3:5: column 'period': '2023-13' is not a period: month '13' is not 01..12",
                "period", "2023-13", NULL);
  bad_trade_row(*state,
                ":3:71: column 'change_basis': '2022-Q5' is not a period: quarter 'Q5' is not "
                "Q1..Q4",
                "change_basis", "2022-Q5", NULL);
}

static void bad_date(void **state) {
  fx *f = *state;
  load_fails(f, "routes",
             "id,route,mode,stops,status,date,period,metric,qualifier,value,value_high,unit,source,"
             "sentence,note\n"
             "r-open,vvo-hph,sea,RUVVO;VN-HP,operating,2022-02-30,,opened,,,,,s000,Opened.,\n",
             ":2:42: column 'date': '2022-02-30' is not a date: February 2022 has 28 days, "
             "not 30");
}

static void unknown_area_code(void **state) {
  bad_trade_row(*state, ":3:13: column 'reporter': unknown area code 'XXX'", "reporter", "XXX",
                NULL);
  bad_trade_row(*state, ":3:21: column 'via': unknown area code 'vnm'", "via", "vnm", NULL);
  fx *f = *state;
  /* a list: the first unknown item is named */
  load_fails(f, "routes",
             "id,route,mode,stops,status,date,period,metric,qualifier,value,value_high,unit,source,"
             "sentence,note\n"
             "r-open,vvo-hph,sea,RUVVO;VNXXX;VN-HP,operating,2022-05,,opened,,,,,s000,Opened.,\n",
             ":2:20: column 'stops': unknown area code 'VNXXX'");
  load_fails(f, "routes",
             "id,route,mode,stops,status,date,period,metric,qualifier,value,value_high,unit,source,"
             "sentence,note\n"
             "r-open,vvo-hph,sea,RUVVO;;VN-HP,operating,2022-05,,opened,,,,,s000,Opened.,\n",
             ":2:20: column 'stops': unknown area code ''");
}

static void unknown_source(void **state) {
  bad_trade_row(*state, ":3:79: column 'source': unknown source 's999'", "source", "s999", NULL);
}

static void numbers_are_plain_decimals(void **state) {
  bad_trade_row(*state, ":3:43: column 'value': '1.9e9' is not a plain decimal number", "value",
                "1.9e9", NULL);
  bad_trade_row(*state, ":3:43: column 'value': '1,900' is not a plain decimal number", "value",
                "\"1,900\"", NULL);
  bad_trade_row(*state, ":3:43: column 'value': '1.' is not a plain decimal number", "value",
                "1.", NULL);
  bad_trade_row(*state, ":3:43: column 'value': '+5' is not a plain decimal number", "value",
                "+5", NULL);
  bad_trade_row(*state, ":3:58: column 'change': ' 0.2' is not a plain decimal number", "change",
                "\" 0.2\"", NULL);
  fx *f = *state;
  load_fails(f, "rankings",
             "id,subject,area,among,rank,period,source,sentence,note\n"
             "rk-1,VNM,RU-KLU,partners,2.5,2021,s001,Fifth.,\n",
             ":2:26: column 'rank': '2.5' is not a whole number");
}

static void unknown_unit(void **state) {
  bad_trade_row(*state, ":3:54: column 'unit': unknown unit 'EUR'", "unit", "EUR", NULL);
  bad_trade_row(*state, ":3:54: column 'unit': write the unit as 'USD' (base unit)", "unit", "usd",
                NULL);
}

static void unknown_enum_value(void **state) {
  bad_trade_row(*state,
                ":3:22: column 'flow': 'exports' is not one of export|import|turnover|balance",
                "flow", "exports", NULL);
  bad_trade_row(*state,
                ":3:22: column 'flow': 'port' is not one of export|import|turnover|balance",
                "flow", "port", NULL);
  bad_trade_row(*state,
                ":3:37: column 'qualifier': 'about' is not one of "
                "exact|approx|more_than|less_than|range",
                "qualifier", "about", NULL);
  /* direction_only is a change qualifier only */
  bad_trade_row(*state,
                ":3:37: column 'qualifier': 'direction_only' is not one of "
                "exact|approx|more_than|less_than|range",
                "qualifier", "direction_only", NULL);
}

static void empty_required_field(void **state) {
  bad_trade_row(*state, ":3:22: column 'flow': is empty", "flow", "", NULL);
  bad_trade_row(*state, ":3:84: column 'sentence': is empty", "sentence", "", NULL);
  bad_trade_row(*state, ":3:79: column 'source': is empty", "source", "", NULL);
  bad_trade_row(*state, ":3:1: column 'id': is empty", "id", "", NULL);
}

static void bad_id(void **state) {
  bad_trade_row(*state, ":3:1: column 'id': 't/b' is not an id (letters, digits, - _ .)", "id",
                "t/b", NULL);
  bad_trade_row(*state, ":3:1: column 'id': 't b' is not an id (letters, digits, - _ .)", "id",
                "t b", NULL);
  fx *f = *state;
  load_fails(f, "routes",
             "id,route,mode,stops,status,date,period,metric,qualifier,value,value_high,unit,source,"
             "sentence,note\n"
             "r-open,VVO-HPH,sea,RUVVO;VN-HP,operating,2022-05,,opened,,,,,s000,Opened.,\n",
             ":2:8: column 'route': 'VVO-HPH' is not a lowercase word (a-z, 0-9, - _)");
}

static void duplicate_id(void **state) {
  fx *f = *state;
  char r2[512], r3[512], r4[512], text[2048];
  make_row(r2, sizeof r2, "id", "t-a", NULL);
  make_row(r3, sizeof r3, "id", "t-b", NULL);
  make_row(r4, sizeof r4, "id", "t-a", "period", "2023-Q2", NULL);
  snprintf(text, sizeof text, "%s%s%s%s", TRADE_HEADER, r2, r3, r4);
  load_fails(f, "trade", text, ":4:1: column 'id': duplicate 't-a' (first on line 2)");
  /* areas: duplicate codes in the file */
  ts_kb_free(f->kb);
  ts_err err = {""};
  f->kb = ts_kb_new(NULL, &err);
  add_area(f->kb, "RUS", "Russian Federation", "country", NULL);
  load_fails(f, "areas",
             "code,name,kind,parent,members,scheme,note\n"
             "X-A,A,grouping,RUS,,project,\n"
             "X-B,B,grouping,RUS,,project,\n"
             "X-A,A again,grouping,RUS,,project,\n",
             ":4:1: column 'code': duplicate 'X-A' (first on line 2)");
  assert_false(ts_kb_area(f->kb, "X-A", NULL, NULL, NULL));
  assert_false(ts_kb_area(f->kb, "X-B", NULL, NULL, NULL));
}

static void area_code_clashing_with_a_registered_one(void **state) {
  fx *f = *state;
  ts_kb_free(f->kb);
  ts_err err = {""};
  f->kb = ts_kb_new(NULL, &err);
  add_area(f->kb, "RUS", "Russian Federation", "country", NULL);
  add_area(f->kb, "VNM", "Viet Nam", "country", NULL);
  load_fails(f, "areas",
             "code,name,kind,parent,members,scheme,note\n"
             "X-A,A,grouping,RUS,,project,\n"
             "VNM,Vietnam again,grouping,,,project,\n",
             ":3:1: column 'code': area code 'VNM' defined twice");
  /* whole or nothing: X-A, on the line before, is not registered either */
  assert_false(ts_kb_area(f->kb, "X-A", NULL, NULL, NULL));
  const char *name;
  assert_true(ts_kb_area(f->kb, "VNM", &name, NULL, NULL));
  assert_string_equal(name, "Viet Nam");
  /* and a corrected file loads */
  load_ok(f, "areas",
          "code,name,kind,parent,members,scheme,note\n"
          "X-A,A,grouping,RUS,,project,\n");
  assert_true(ts_kb_area(f->kb, "X-A", NULL, NULL, NULL));
}

static void value_high_without_range(void **state) {
  bad_trade_row(*state, ":3:53: column 'value_high': is set but 'qualifier' is not 'range'",
                "value_high", "800000000", NULL);
  bad_trade_row(*state, ":3:70: column 'change_high': is set but 'change_qualifier' is not 'range'",
                "change_high", "0.5", NULL);
}

static void range_high_not_above_low(void **state) {
  bad_trade_row(*state,
                ":3:53: column 'value_high': '150000000' is not above 'value' (160000000)",
                "qualifier", "range", "value", "160000000", "value_high", "150000000", NULL);
  bad_trade_row(*state,
                ":3:53: column 'value_high': '160000000' is not above 'value' (160000000)",
                "qualifier", "range", "value", "160000000", "value_high", "160000000", NULL);
  bad_trade_row(*state, ":3:53: column 'value_high': is empty for a range", "qualifier", "range",
                NULL);
}

static void qualifier_without_value(void **state) {
  bad_trade_row(*state, ":3:37: column 'qualifier': is set but 'value' is empty", "value", "",
                NULL);
  bad_trade_row(*state, ":3:37: column 'qualifier': is empty but 'value' is set", "qualifier", "",
                NULL);
  bad_trade_row(*state, ":3:59: column 'change_qualifier': is set but 'change' is empty",
                "change", "", NULL);
  bad_trade_row(*state, ":3:54: column 'unit': is empty but 'value' is set", "unit", "", NULL);
  bad_trade_row(*state, ":3:39: column 'value_high': is set but 'value' is empty", "qualifier",
                "", "value", "", "value_high", "5", NULL);
}

static void direction_only_needs_one(void **state) {
  bad_trade_row(*state, ":3:58: column 'change': must be 1 or -1 with direction_only", "change",
                "2", "change_qualifier", "direction_only", NULL);
  bad_trade_row(*state, ":3:58: column 'change': must be 1 or -1 with direction_only", "change",
                "0.5", "change_qualifier", "direction_only", NULL);
  fx *f = *state;
  char row[512], text[2048];
  make_row(row, sizeof row, "id", "t-down", "change", "-1", "change_qualifier", "direction_only",
           NULL);
  trade_with(text, sizeof text, row);
  load_ok(f, "trade", text);
}

static void header_with_a_wrong_column(void **state) {
  fx *f = *state;
  char text[2048];
  trade_with(text, sizeof text, "");
  char *p = strstr(text, "period");
  memmove(p + 7, p + 6, strlen(p + 6) + 1);
  memcpy(p, "periode", 7);
  load_fails(f, "trade", text, ":1:4: expected column 'period', found 'periode'");
  load_fails(f, "trade", "id,period\nt-a,2023\n",
             ":1:1: expected 18 columns (id, ...), found 2");
  load_fails(f, "trade", "", ":1:1: the file is empty (expected a header)");
}

static void wrong_field_count(void **state) {
  fx *f = *state;
  char text[2048];
  trade_with(text, sizeof text, "t-b,2023-Q1,VNM\n");
  load_fails(f, "trade", text, ":3:16: expected 18 fields, found 3");
  trade_with(text, sizeof text,
             "t-b,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,"
             "Said.,,extra\n");
  load_fails(f, "trade", text, ":3:91: expected 18 fields, found 19");
}

static void unterminated_quote(void **state) {
  bad_trade_row(*state, ":3:84: unterminated quoted field", "sentence", "\"Said.", NULL);
}

static void error_lines_count_embedded_newlines(void **state) {
  fx *f = *state;
  char r2[512], r3[512], text[2048];
  make_row(r2, sizeof r2, "id", "t-a", "sentence", "\"Two\nlines\"", NULL);
  make_row(r3, sizeof r3, "id", "t-b", "period", "2023-13", NULL);
  snprintf(text, sizeof text, "%s%s%s", TRADE_HEADER, r2, r3);
  load_fails(f, "trade", text,
             ":4:5: column 'period': '2023-13' is not a period: month '13' is not 01..12");
}

static void missing_file(void **state) {
  fx *f = *state;
  char path[256], want[512];
  path_of(f, "nope.csv", path, sizeof path);
  ts_err err = {""};
  assert_int_equal(ts_kb_load(f->kb, ts_kb_schema("trade"), path, &err), -1);
  snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
  assert_string_equal(err.msg, want);
  assert_null(ts_kb_table(f->kb, "trade"));
}

/* A failed load leaves nothing behind: a valid file loads afterwards. */
static void a_failed_load_leaves_nothing(void **state) {
  fx *f = *state;
  bad_trade_row(f, ":3:13: column 'reporter': unknown area code 'XXX'", "reporter", "XXX", NULL);
  ts_kbtable *t = load_trade(f);
  assert_int_equal(ts_kbtable_rows(t), 6);
  assert_int_equal(ts_kbtable_find(t, "t-a"), -1);
  assert_int_equal(ts_kbtable_find(t, "t-b"), -1);
}

/* Tables that name sources need sources.csv loaded first. */
static void sources_must_be_loaded_first(void **state) {
  fx *f = *state;
  ts_kb_free(f->kb);
  ts_err err = {""};
  f->kb = ts_kb_new(NULL, &err);
  add_area(f->kb, "VNM", "Viet Nam", "country", NULL);
  add_area(f->kb, "RUS", "Russian Federation", "country", NULL);
  char text[2048], row[512];
  make_row(row, sizeof row, NULL);
  snprintf(text, sizeof text, "%s%s", TRADE_HEADER, row);
  load_fails(f, "trade", text, ":2:79: column 'source': unknown source 's000'");
}

/* ---- areas: within ---------------------------------------------------------------- */

static void area_within_parents_and_members(void **state) {
  fx *f = *state;
  ts_kb *kb = f->kb;
  assert_true(ts_kb_area_within(kb, "VNM", "VNM"));
  assert_true(ts_kb_area_within(kb, "RU-PRI", "RUS"));   /* parent */
  assert_true(ts_kb_area_within(kb, "RUVVO", "RU-PRI")); /* parent */
  assert_true(ts_kb_area_within(kb, "RUVVO", "RUS"));    /* parent of the parent */
  assert_true(ts_kb_area_within(kb, "X-RUFE", "RUS"));   /* a grouping's parent */
  assert_true(ts_kb_area_within(kb, "RU-PRI", "X-RUFE")); /* a member */
  assert_true(ts_kb_area_within(kb, "RU-SA", "X-RUFE"));
  assert_true(ts_kb_area_within(kb, "RUVVO", "X-RUFE")); /* inside a member */
  assert_true(ts_kb_area_within(kb, "KAZ", "X-EAEU"));
  assert_true(ts_kb_area_within(kb, "RUS", "X-EAEU"));
  assert_true(ts_kb_area_within(kb, "RU-KLU", "X-EAEU")); /* inside member RUS */
  assert_true(ts_kb_area_within(kb, "RUVVO", "X-EAEU"));
  assert_true(ts_kb_area_within(kb, "X-RUFE", "X-EAEU")); /* parent RUS is a member */

  assert_false(ts_kb_area_within(kb, "RUS", "RU-PRI"));
  assert_false(ts_kb_area_within(kb, "RUS", "X-RUFE"));
  assert_false(ts_kb_area_within(kb, "RU-KLU", "X-RUFE"));
  assert_false(ts_kb_area_within(kb, "X-EAEU", "RUS"));
  assert_false(ts_kb_area_within(kb, "CHN", "X-EAEU"));
  assert_false(ts_kb_area_within(kb, "VN-HP", "RUS"));
  assert_true(ts_kb_area_within(kb, "VN-HP", "VNM"));
  assert_false(ts_kb_area_within(kb, "VNM", "VN-HP"));
  assert_false(ts_kb_area_within(kb, "XXX", "RUS"));
  assert_false(ts_kb_area_within(kb, "RUS", "XXX"));
  assert_false(ts_kb_area_within(kb, "RU", "RUS"));   /* a prefix is not a code */
  assert_false(ts_kb_area_within(kb, "RUSS", "RUS"));
}

/* ---- filters ------------------------------------------------------------------------ */

typedef struct filt {
  fx *f;
  ts_kbtable *t;
  ts_sel sel;
} filt;

static void filt_start(filt *q, fx *f) {
  q->f = f;
  q->t = load_trade(f);
  ts_sel_init(&q->sel, NULL);
  ts_err err = {""};
  assert_int_equal(ts_kb_select_all(q->t, &q->sel, &err), 0);
}

static void filt_text(filt *q, const char *col, const char *want, size_t n, ...) {
  const char *vals[8];
  va_list ap;
  va_start(ap, n);
  for (size_t i = 0; i < n; i++) vals[i] = va_arg(ap, const char *);
  va_end(ap);
  ts_err err = {""};
  assert_int_equal(ts_kb_select_all(q->t, &q->sel, &err), 0);
  assert_int_equal(ts_kb_filter_text(q->t, col, vals, n, &q->sel, &err), 0);
  assert_ids(q->t, &q->sel, want);
}

static void filt_period(filt *q, const char *col, const char *p, bool within, const char *want) {
  ts_period per;
  ts_err err = {""};
  assert_int_equal(ts_period_parse(p, strlen(p), &per, &err), 0);
  assert_int_equal(ts_kb_select_all(q->t, &q->sel, &err), 0);
  assert_int_equal(ts_kb_filter_period(q->t, col, per, within, &q->sel, &err), 0);
  assert_ids(q->t, &q->sel, want);
}

static void filt_area(filt *q, const char *area, const char *want) {
  ts_err err = {""};
  assert_int_equal(ts_kb_select_all(q->t, &q->sel, &err), 0);
  assert_int_equal(ts_kb_filter_area(q->f->kb, q->t, area, &q->sel, &err), 0);
  assert_ids(q->t, &q->sel, want);
}

static void filter_by_text(void **state) {
  filt q;
  filt_start(&q, *state);
  filt_text(&q, "reporter", "t-q1 t-h1 t-m7 t-dir", 1, "VNM");
  filt_text(&q, "reporter", "t-q1 t-h1 t-m7 t-klu t-dir", 2, "VNM", "RU-KLU");
  filt_text(&q, "reporter", "t-q1 t-h1 t-m7 t-klu t-dir", 2, "RU-KLU", "VNM"); /* file order */
  filt_text(&q, "partner", "t-q1 t-m7 t-dir", 1, "RUS"); /* exact text: not X-RUFE */
  filt_text(&q, "flow", "t-kaz", 1, "export");
  filt_text(&q, "qualifier", "t-h1", 1, "range");
  filt_text(&q, "source", "t-klu t-kaz", 1, "s001");
  filt_text(&q, "id", "t-m7", 1, "t-m7");
  filt_text(&q, "reporter", "", 1, "XXX");
  filt_text(&q, "reporter", "", 1, "");
  filt_text(&q, "reporter", "", 0);
  filt_text(&q, "flow", "", 1, "VNM"); /* a string of the table, but not in this column */
  filt_text(&q, "period", "t-q1", 1, "2023-Q1");

  /* chained: AND */
  ts_err err = {""};
  const char *vnm = "VNM", *rus = "RUS";
  assert_int_equal(ts_kb_select_all(q.t, &q.sel, &err), 0);
  assert_int_equal(ts_kb_filter_text(q.t, "reporter", &vnm, 1, &q.sel, &err), 0);
  assert_int_equal(ts_kb_filter_text(q.t, "partner", &rus, 1, &q.sel, &err), 0);
  assert_ids(q.t, &q.sel, "t-q1 t-m7 t-dir");

  assert_int_equal(ts_kb_filter_text(q.t, "nope", &vnm, 1, &q.sel, &err), -1);
  assert_string_equal(err.msg, "trade has no column 'nope'");
  ts_sel_free(&q.sel);
}

static void filter_by_period(void **state) {
  filt q;
  filt_start(&q, *state);
  /* overlaps */
  filt_period(&q, "period", "2023", false, "t-q1 t-h1 t-m7");
  filt_period(&q, "period", "2023-Q1", false, "t-q1 t-h1 t-m7");
  filt_period(&q, "period", "2023-07", false, "t-m7");
  filt_period(&q, "period", "2023-08", false, "");
  filt_period(&q, "period", "2023-Q3", false, "t-m7");
  filt_period(&q, "period", "2020-06", false, "t-klu");
  filt_period(&q, "period", "2019-01/2020-12", false, "t-klu");
  filt_period(&q, "period", "2023-12/2024-01", false, "t-kaz");
  /* within */
  filt_period(&q, "period", "2023", true, "t-q1 t-h1 t-m7");
  filt_period(&q, "period", "2023-H1", true, "t-q1 t-h1");
  filt_period(&q, "period", "2023-Q1", true, "t-q1");
  filt_period(&q, "period", "2023-01/2023-07", true, "t-q1 t-h1 t-m7");
  filt_period(&q, "period", "2023-07", true, "");
  filt_period(&q, "period", "2020-06", true, "");
  /* another period column; "unspecified" matches nothing */
  filt_period(&q, "change_basis", "2022", false, "t-q1 t-h1 t-m7");
  filt_period(&q, "change_basis", "2017", true, "t-klu");

  ts_err err = {""};
  ts_period p = {2023 * 12, 2023 * 12 + 11};
  assert_int_equal(ts_kb_filter_period(q.t, "flow", p, false, &q.sel, &err), -1);
  assert_string_equal(err.msg, "trade.flow is not a period column");
  assert_int_equal(ts_kb_filter_period(q.t, "when", p, false, &q.sel, &err), -1);
  assert_string_equal(err.msg, "trade has no column 'when'");
  ts_sel_free(&q.sel);
}

static void filter_by_area(void **state) {
  filt q;
  filt_start(&q, *state);
  /* any area column (reporter, partner, via), through parents and members */
  filt_area(&q, "RUS", "t-q1 t-h1 t-m7 t-klu t-dir");
  filt_area(&q, "VNM", "t-q1 t-h1 t-m7 t-klu t-dir");
  filt_area(&q, "X-RUFE", "t-h1 t-m7"); /* t-m7 via RUVVO, in member RU-PRI */
  filt_area(&q, "RU-PRI", "t-m7");
  filt_area(&q, "RUVVO", "t-m7");
  filt_area(&q, "RU-KLU", "t-klu");
  filt_area(&q, "X-EAEU", "t-q1 t-h1 t-m7 t-klu t-kaz t-dir");
  filt_area(&q, "KAZ", "t-kaz");
  filt_area(&q, "CHN", "t-kaz");
  filt_area(&q, "VN-HP", "");
  filt_area(&q, "XXX", "");

  /* after a text filter: keeps the narrower selection's order */
  ts_err err = {""};
  const char *s0 = "s001";
  assert_int_equal(ts_kb_select_all(q.t, &q.sel, &err), 0);
  assert_int_equal(ts_kb_filter_text(q.t, "source", &s0, 1, &q.sel, &err), 0);
  assert_int_equal(ts_kb_filter_area(q.f->kb, q.t, "RUS", &q.sel, &err), 0);
  assert_ids(q.t, &q.sel, "t-klu");
  ts_sel_free(&q.sel);
}

static void filter_area_of_list_columns(void **state) {
  fx *f = *state;
  load_ok(f, "other",
          "id,subject,period,area,qualifier,value,value_high,unit,source,sentence,note\n"
          "o-1,Border,,VNM,more_than,5000,,km,s001,Border.,\n"
          "o-2,Both,,CHN;RU-SA,exact,75,,years,s001,Both.,\n"
          "o-3,None,,,exact,2,,days,s001,None.,\n");
  ts_kbtable *t = ts_kb_table(f->kb, "other");
  ts_sel sel;
  ts_sel_init(&sel, NULL);
  ts_err err = {""};
  const char *areas[] = {"RUS", "X-RUFE", "CHN", "VNM", "KAZ"};
  const char *want[] = {"o-2", "o-2", "o-2", "o-1", ""};
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(ts_kb_select_all(t, &sel, &err), 0);
    assert_int_equal(ts_kb_filter_area(f->kb, t, areas[i], &sel, &err), 0);
    assert_ids(t, &sel, want[i]);
  }
  ts_sel_free(&sel);
}

/* ---- editing -------------------------------------------------------------------------- */

/* The 18 fields of a trade row (id, period, value, note given; the rest fixed). */
static void trade_fields(const char **f, const char *id, const char *period, const char *value,
                         const char *note) {
  const char *base[18] = {id,   period, "VNM", "RUS",   NULL,  "turnover",
                          "TOTAL", "exact", value, NULL, "USD", NULL,
                          NULL, NULL, NULL, "s001", "A sentence, with a comma.", note};
  memcpy(f, base, sizeof base);
}

static void add_rows(void **state) {
  fx *f = *state;
  ts_kbtable *t = load_trade(f);
  const char *fields[18];
  trade_fields(fields, "t-new", "2024-Q2", "5000000", "");
  ts_err err = {""};
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), 0);
  assert_true(ts_kbtable_dirty(t));
  assert_int_equal(ts_kbtable_rows(t), 7);
  assert_table_ids(t, "t-q1 t-h1 t-m7 t-klu t-kaz t-dir t-new");
  assert_string_equal(text_of(t, "t-new", "sentence"), "A sentence, with a comma.");
  assert_string_equal(text_of(t, "t-new", "note"), "");
  assert_string_equal(text_of(t, "t-new", "via"), "");
  /* the new row is found by the filters */
  filt q = {f, t, {0}};
  ts_sel_init(&q.sel, NULL);
  filt_period(&q, "period", "2024-06", false, "t-kaz t-new");
  filt_text(&q, "source", "t-klu t-kaz t-new", 1, "s001");
  ts_sel_free(&q.sel);
}

static void add_checks_as_a_load_does(void **state) {
  fx *f = *state;
  ts_kbtable *t = load_trade(f);
  const char *fields[18];
  ts_err err = {""};

  trade_fields(fields, "t-q1", "2024-Q2", "5000000", NULL);
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-q1': column 'id': duplicate 't-q1' (first on line 2)");

  trade_fields(fields, "t-new", "2023-13", "5000000", NULL);
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg,
                      "trade: row 't-new': column 'period': '2023-13' is not a period: month '13' "
                      "is not 01..12");

  trade_fields(fields, "t-new", "2024", "1.9e9", NULL);
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg,
                      "trade: row 't-new': column 'value': '1.9e9' is not a plain decimal number");

  trade_fields(fields, "t-new", "2024", "5", NULL);
  fields[2] = "XXX";
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-new': column 'reporter': unknown area code 'XXX'");

  trade_fields(fields, "t-new", "2024", "5", NULL);
  fields[9] = "7";
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg,
                      "trade: row 't-new': column 'value_high': is set but 'qualifier' is not "
                      "'range'");

  trade_fields(fields, "", "2024", "5", NULL);
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg, "trade: row '': column 'id': is empty");

  /* nothing of the failed rows is left */
  assert_false(ts_kbtable_dirty(t));
  assert_int_equal(ts_kbtable_rows(t), 6);
  assert_int_equal(ts_kbtable_find(t, "t-new"), -1);
  assert_table_ids(t, "t-q1 t-h1 t-m7 t-klu t-kaz t-dir");
  /* and a good one still goes in under the id that failed before */
  trade_fields(fields, "t-new", "2024", "5", NULL);
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), 0);
  /* a second add of the same new id is a duplicate */
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-new': column 'id': duplicate 't-new'");
  assert_int_equal(ts_kbtable_rows(t), 7);
}

static void replace_rows(void **state) {
  fx *f = *state;
  ts_kbtable *t = load_trade(f);
  int64_t before = ts_kbtable_find(t, "t-h1");
  const char *fields[18];
  trade_fields(fields, "t-h1", "2023-H2", "170000000", "corrected");
  ts_err err = {""};
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-h1", fields, &err), 0);
  assert_true(ts_kbtable_dirty(t));
  assert_int_equal(ts_kbtable_rows(t), 6);
  assert_table_ids(t, "t-q1 t-h1 t-m7 t-klu t-kaz t-dir"); /* keeps its place */
  assert_true(ts_kbtable_find(t, "t-h1") != before);
  assert_string_equal(text_of(t, "t-h1", "period"), "2023-H2");
  assert_string_equal(text_of(t, "t-h1", "value"), "170000000");
  assert_string_equal(text_of(t, "t-h1", "value_high"), "");
  assert_string_equal(text_of(t, "t-h1", "note"), "corrected");
  /* typed columns follow */
  filt q = {f, t, {0}};
  ts_sel_init(&q.sel, NULL);
  filt_period(&q, "period", "2023-H1", true, "t-q1");
  filt_period(&q, "period", "2023-H2", true, "t-h1");
  filt_text(&q, "partner", "t-q1 t-h1 t-m7 t-dir", 1, "RUS");
  ts_sel_free(&q.sel);
  /* replaced twice */
  trade_fields(fields, "t-h1", "2023-H2", "180000000", NULL);
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-h1", fields, &err), 0);
  assert_string_equal(text_of(t, "t-h1", "value"), "180000000");
  assert_table_ids(t, "t-q1 t-h1 t-m7 t-klu t-kaz t-dir");
  /* a later add with the replaced id is still a duplicate, named at its line */
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-h1': column 'id': duplicate 't-h1' (first on line 3)");
}

static void replace_errors_change_nothing(void **state) {
  fx *f = *state;
  ts_kbtable *t = load_trade(f);
  const char *fields[18];
  ts_err err = {""};
  int64_t row = ts_kbtable_find(t, "t-q1");

  trade_fields(fields, "t-zz", "2024", "5", NULL);
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-zz", fields, &err), -1);
  assert_string_equal(err.msg, "trade: no row 't-zz'");

  trade_fields(fields, "t-q9", "2024", "5", NULL);
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-q1", fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-q1': the id cannot change");

  trade_fields(fields, "t-h1", "2024", "5", NULL); /* changing the id to another row's */
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-q1", fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-q1': the id cannot change");

  trade_fields(fields, "t-q1", "2023-13", "5", NULL);
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-q1", fields, &err), -1);
  assert_string_equal(err.msg,
                      "trade: row 't-q1': column 'period': '2023-13' is not a period: month '13' "
                      "is not 01..12");

  trade_fields(fields, "t-q1", "2023-Q1", "5", NULL);
  fields[15] = "s999";
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-q1", fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-q1': column 'source': unknown source 's999'");

  trade_fields(fields, "t-q1", "2023-Q1", "5", NULL);
  fields[7] = NULL;
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-q1", fields, &err), -1);
  assert_string_equal(err.msg, "trade: row 't-q1': column 'qualifier': is empty but 'value' is set");

  assert_false(ts_kbtable_dirty(t));
  assert_int_equal(ts_kbtable_find(t, "t-q1"), row);
  assert_string_equal(text_of(t, "t-q1", "period"), "2023-Q1");
  assert_string_equal(text_of(t, "t-q1", "value"), "732000000");
  assert_string_equal(text_of(t, "t-q1", "sentence"), "Q1 fell.");
  assert_table_ids(t, "t-q1 t-h1 t-m7 t-klu t-kaz t-dir");
  filt q = {f, t, {0}};
  ts_sel_init(&q.sel, NULL);
  filt_period(&q, "period", "2023-Q1", true, "t-q1");
  ts_sel_free(&q.sel);
}

/* ---- saving ------------------------------------------------------------------------------ */

/* CRLF line ends, a quoted field with an embedded newline and doubled quotes,
** a quoted field that needs no quotes, and a last line without a line end. */
static const char CRLF_TRADE[] =
    "id,period,reporter,partner,via,flow,commodity,qualifier,value,value_high,unit,change,"
    "change_qualifier,change_high,change_basis,source,sentence,note\r\n"
    "t-q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,"
    "\"He said \"\"down\"\",\r\nthen more\",\"quoted\"\r\n"
    "t-h1,2023-H1,VNM,X-RUFE,,turnover,TOTAL,range,150000000,160000000,USD,0.2,approx,,2022-H1,"
    "s000,Far East.,\r\n"
    "t-last,2024,VNM,RUS,,export,TOTAL,,,,,,,,,s001,\"Line one\nline two\",end";

static const char ROW_Q1[] =
    "t-q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,"
    "\"He said \"\"down\"\",\r\nthen more\",\"quoted\"\r\n";
static const char ROW_LAST[] =
    "t-last,2024,VNM,RUS,,export,TOTAL,,,,,,,,,s001,\"Line one\nline two\",end";

static ts_kbtable *load_crlf(fx *f, char *path, size_t size) {
  load_ok(f, "trade", CRLF_TRADE);
  path_of(f, "trade.csv", path, size);
  ts_kbtable *t = ts_kb_table(f->kb, "trade");
  assert_int_equal(ts_kbtable_rows(t), 3);
  assert_string_equal(text_of(t, "t-q1", "sentence"), "He said \"down\",\r\nthen more");
  assert_string_equal(text_of(t, "t-q1", "note"), "quoted");
  assert_string_equal(text_of(t, "t-last", "note"), "end");
  return t;
}

static void save_untouched_is_byte_identical(void **state) {
  fx *f = *state;
  char path[256], other[256];
  ts_kbtable *t = load_crlf(f, path, sizeof path);
  ts_err err = {""};
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  assert_file_is(path, CRLF_TRADE, strlen(CRLF_TRADE));
  path_of(f, "copy.csv", other, sizeof other);
  assert_int_equal(ts_kbtable_save(t, other, &err), 0);
  assert_file_is(other, CRLF_TRADE, strlen(CRLF_TRADE));
  assert_int_equal(entries_with(f->dir, ".tmp-"), 0);
  assert_false(ts_kbtable_dirty(t));
}

static void save_lf_tables_byte_identical(void **state) {
  fx *f = *state;
  char path[256], text[4096];
  snprintf(text, sizeof text, "%s%s", TRADE_HEADER, TRADE_ROWS);
  ts_kbtable *t = load_trade(f);
  ts_err err = {""};
  path_of(f, "trade.csv", path, sizeof path);
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  assert_file_is(path, text, strlen(text));
  path_of(f, "areas.csv", path, sizeof path);
  assert_int_equal(ts_kbtable_save(ts_kb_table(f->kb, "areas"), path, &err), 0);
  assert_file_is(path, AREAS_CSV, strlen(AREAS_CSV));
  path_of(f, "sources.csv", path, sizeof path);
  assert_int_equal(ts_kbtable_save(ts_kb_table(f->kb, "sources"), path, &err), 0);
  assert_file_is(path, SOURCES_CSV, strlen(SOURCES_CSV));
}

static void save_with_a_byte_order_mark(void **state) {
  fx *f = *state;
  char path[256], text[4096];
  snprintf(text, sizeof text, "\xEF\xBB\xBF%s%s", TRADE_HEADER, TRADE_ROWS);
  load_ok(f, "trade", text);
  ts_kbtable *t = ts_kb_table(f->kb, "trade");
  assert_int_equal(ts_kbtable_rows(t), 6);
  ts_err err = {""};
  path_of(f, "trade.csv", path, sizeof path);
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  assert_file_is(path, text, strlen(text));
}

static void save_rewrites_a_replaced_row_in_place(void **state) {
  fx *f = *state;
  char path[256], want[4096];
  ts_kbtable *t = load_crlf(f, path, sizeof path);
  const char *fields[18];
  trade_fields(fields, "t-h1", "2023-H1", "155000000", "mid-point, \"checked\"");
  ts_err err = {""};
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-h1", fields, &err), 0);
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  assert_false(ts_kbtable_dirty(t));
  snprintf(want, sizeof want, "%s%s%s%s",
           "id,period,reporter,partner,via,flow,commodity,qualifier,value,value_high,unit,change,"
           "change_qualifier,change_high,change_basis,source,sentence,note\r\n",
           ROW_Q1,
           "t-h1,2023-H1,VNM,RUS,,turnover,TOTAL,exact,155000000,,USD,,,,,s001,"
           "\"A sentence, with a comma.\",\"mid-point, \"\"checked\"\"\"\r\n",
           ROW_LAST);
  assert_file_is(path, want, strlen(want));
  assert_int_equal(entries_with(f->dir, ".tmp-"), 0);

  /* the saved file loads back to the same rows */
  ts_err e2 = {""};
  ts_kb *kb2 = ts_kb_new(NULL, &e2);
  assert_non_null(kb2);
  const char *codes[] = {"VNM", "RUS", "KAZ", "RU-PRI", "RU-SA"};
  for (size_t i = 0; i < 5; i++)
    add_area(kb2, codes[i], codes[i], "country", i >= 3 ? "RUS" : NULL);
  char ap[256], sp[256];
  path_of(f, "areas.csv", ap, sizeof ap);
  path_of(f, "sources.csv", sp, sizeof sp);
  assert_int_equal(ts_kb_load(kb2, ts_kb_schema("areas"), ap, &e2), 0);
  assert_int_equal(ts_kb_load(kb2, ts_kb_schema("sources"), sp, &e2), 0);
  if (ts_kb_load(kb2, ts_kb_schema("trade"), path, &e2) != 0) fail_msg("reload: %s", e2.msg);
  ts_kbtable *t2 = ts_kb_table(kb2, "trade");
  assert_string_equal(text_of(t2, "t-h1", "note"), "mid-point, \"checked\"");
  assert_string_equal(text_of(t2, "t-q1", "sentence"), "He said \"down\",\r\nthen more");
  ts_kb_free(kb2);
}

static void save_puts_an_added_row_at_the_end(void **state) {
  fx *f = *state;
  char path[256], want[4096];
  ts_kbtable *t = load_crlf(f, path, sizeof path);
  const char *fields[18];
  trade_fields(fields, "t-new", "2024-Q3", "42", NULL);
  ts_err err = {""};
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), 0);
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  /* the last line had no line end: it gets the file's (CRLF) before the new row */
  snprintf(want, sizeof want, "%s%s",
           CRLF_TRADE,
           "\r\nt-new,2024-Q3,VNM,RUS,,turnover,TOTAL,exact,42,,USD,,,,,s001,"
           "\"A sentence, with a comma.\",\r\n");
  assert_file_is(path, want, strlen(want));
}

static void save_replace_and_add_together(void **state) {
  fx *f = *state;
  char path[256], want[8192], text[4096];
  ts_kbtable *t = load_trade(f);
  path_of(f, "trade.csv", path, sizeof path);
  const char *fields[18];
  ts_err err = {""};
  trade_fields(fields, "t-new", "2024-Q3", "42", NULL);
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), 0);
  trade_fields(fields, "t-q1", "2023-Q1", "733000000", "x");
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-q1", fields, &err), 0);
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  /* every other row keeps its bytes */
  const char *after_q1 = strchr(TRADE_ROWS, '\n') + 1;
  snprintf(text, sizeof text, "%s", after_q1);
  snprintf(want, sizeof want, "%s%s%s%s", TRADE_HEADER,
           "t-q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,733000000,,USD,,,,,s001,"
           "\"A sentence, with a comma.\",x\n",
           text,
           "t-new,2024-Q3,VNM,RUS,,turnover,TOTAL,exact,42,,USD,,,,,s001,"
           "\"A sentence, with a comma.\",\n");
  assert_file_is(path, want, strlen(want));
}

static void save_header_only_file_without_line_end(void **state) {
  fx *f = *state;
  char path[256], header[1024], want[2048];
  snprintf(header, sizeof header, "%s", TRADE_HEADER);
  header[strlen(header) - 1] = '\0'; /* no line end after the header */
  load_ok(f, "trade", header);
  ts_kbtable *t = ts_kb_table(f->kb, "trade");
  assert_int_equal(ts_kbtable_rows(t), 0);
  path_of(f, "trade.csv", path, sizeof path);
  ts_err err = {""};
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  assert_file_is(path, header, strlen(header));
  const char *fields[18];
  trade_fields(fields, "t-new", "2024", "1", NULL);
  assert_int_equal(ts_kbtable_add(f->kb, t, fields, &err), 0);
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  snprintf(want, sizeof want, "%s%s", TRADE_HEADER,
           "t-new,2024,VNM,RUS,,turnover,TOTAL,exact,1,,USD,,,,,s001,"
           "\"A sentence, with a comma.\",\n");
  assert_file_is(path, want, strlen(want));
}

static void a_failed_save_leaves_the_file(void **state) {
  fx *f = *state;
  char path[256], want[1024];
  ts_kbtable *t = load_crlf(f, path, sizeof path);
  const char *fields[18];
  trade_fields(fields, "t-h1", "2023-H1", "155000000", NULL);
  ts_err err = {""};
  assert_int_equal(ts_kbtable_replace(f->kb, t, "t-h1", fields, &err), 0);

  /* a directory that does not exist */
  const char *nowhere = "/nonexistent-test_kb-dir/sub/trade.csv";
  assert_int_equal(ts_kbtable_save(t, nowhere, &err), -1);
  snprintf(want, sizeof want,
           "%s: cannot create a temporary file: No such file or directory", nowhere);
  assert_string_equal(err.msg, want);
  assert_true(ts_kbtable_dirty(t));
  assert_file_is(path, CRLF_TRADE, strlen(CRLF_TRADE));
  assert_int_equal(entries_with(f->dir, ".tmp-"), 0);

  /* a path that is a directory: the temporary file is written, the rename fails */
  char sub[256];
  path_of(f, "adir", sub, sizeof sub);
  assert_int_equal(mkdir(sub, 0700), 0);
  assert_int_equal(ts_kbtable_save(t, sub, &err), -1);
  snprintf(want, sizeof want, "%s: cannot replace: Is a directory", sub);
  assert_string_equal(err.msg, want);
  assert_int_equal(entries_with(f->dir, ".tmp-"), 0);
  assert_int_equal(entries_with(f->dir, "adir"), 1);
  assert_true(ts_kbtable_dirty(t));
  assert_file_is(path, CRLF_TRADE, strlen(CRLF_TRADE));

  /* and the save works afterwards */
  assert_int_equal(ts_kbtable_save(t, path, &err), 0);
  assert_false(ts_kbtable_dirty(t));
}

static void save_keeps_the_file_mode(void **state) {
  fx *f = *state;
  char path[256], other[256];
  ts_kbtable *t = load_trade(f);
  path_of(f, "trade.csv", path, sizeof path);
  ts_err err = {""};
  struct stat st;
  mode_t modes[] = {0644, 0640, 0600, 0664};
  for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
    assert_int_equal(chmod(path, modes[i]), 0);
    assert_int_equal(ts_kbtable_save(t, path, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, modes[i]);
  }
  /* a new file: as fopen would make it, 0666 less the umask */
  mode_t old = umask(022);
  path_of(f, "new.csv", other, sizeof other);
  assert_int_equal(ts_kbtable_save(t, other, &err), 0);
  assert_int_equal(stat(other, &st), 0);
  assert_int_equal(st.st_mode & 07777, 0644);
  umask(027);
  path_of(f, "new2.csv", other, sizeof other);
  assert_int_equal(ts_kbtable_save(t, other, &err), 0);
  umask(old);
  assert_int_equal(stat(other, &st), 0);
  assert_int_equal(st.st_mode & 07777, 0640);
  assert_int_equal(entries_with(f->dir, ".tmp-"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(schemas_in_load_order),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    T(areas_load_and_register_codes),
    T(area_codes_are_unique),
    T(sources_load),
    T(trade_loads_with_typed_columns),
    T(a_table_loads_once),
    T(other_tables_load),
    T(a_file_with_no_rows_loads_empty),
    T(commodities_come_from_the_hs_file),
    T(project_commodity_codes_are_accepted),
    T(bad_period),
    T(bad_date),
    T(unknown_area_code),
    T(unknown_source),
    T(numbers_are_plain_decimals),
    T(unknown_unit),
    T(unknown_enum_value),
    T(empty_required_field),
    T(bad_id),
    T(duplicate_id),
    T(area_code_clashing_with_a_registered_one),
    T(value_high_without_range),
    T(range_high_not_above_low),
    T(qualifier_without_value),
    T(direction_only_needs_one),
    T(header_with_a_wrong_column),
    T(wrong_field_count),
    T(unterminated_quote),
    T(error_lines_count_embedded_newlines),
    T(missing_file),
    T(a_failed_load_leaves_nothing),
    T(sources_must_be_loaded_first),
    T(area_within_parents_and_members),
    T(filter_by_text),
    T(filter_by_period),
    T(filter_by_area),
    T(filter_area_of_list_columns),
    T(add_rows),
    T(add_checks_as_a_load_does),
    T(replace_rows),
    T(replace_errors_change_nothing),
    T(save_untouched_is_byte_identical),
    T(save_lf_tables_byte_identical),
    T(save_with_a_byte_order_mark),
    T(save_rewrites_a_replaced_row_in_place),
    T(save_puts_an_added_row_at_the_end),
    T(save_replace_and_add_together),
    T(save_header_only_file_without_line_end),
    T(a_failed_save_leaves_the_file),
    T(save_keeps_the_file_mode),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
