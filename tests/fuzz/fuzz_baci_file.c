/*
** fuzz_baci_file.c — the BACI importer reading a file through its windows
** against the parser over the same bytes in memory.  core/baci.c is
** compiled in here with a 64-byte window, so that nearly every line crosses
** a window, grows one or ends on its edge: both must give the same rows,
** or the same one-line message.  So must the file read in blocks of a few
** to a few hundred bytes (ts_baci_import_blocks), block after block.
*/
#define TS_BACI_WINDOW ((size_t)64)
#include "baci.c"

#include "fuzz.h"

/* Rows [at, at + b->rows) of a are b's rows. */
static void same_rows_at(const ts_bulk *a, size_t at, const ts_bulk *b) {
  REQUIRE(at + b->rows <= a->rows && a->ncols == b->ncols);
  for (size_t c = 0; c < a->ncols; c++) {
    const ts_bulkcol *x = &a->cols[c], *y = &b->cols[c];
    size_t size = ts_type_size(x->type);
    REQUIRE(strcmp(x->name, y->name) == 0 && x->type == y->type);
    for (size_t r = 0; r < b->rows && x->type == TS_STR; r++)
      REQUIRE(strcmp(ts_dict_str(a->dict, ((const int32_t *)x->data)[at + r], NULL),
                     ts_dict_str(b->dict, ((const int32_t *)y->data)[r], NULL)) == 0);
    if (x->type != TS_STR)
      REQUIRE(memcmp((const char *)x->data + at * size, y->data, b->rows * size) == 0);
  }
}

typedef struct blocks {
  const ts_bulk *whole; /* the rows in memory, or NULL when the file is bad */
  size_t at;
} blocks;

static int take(void *ud, ts_bulk *b, ts_err *err) {
  (void)err;
  blocks *k = ud;
  if (k->whole != NULL) same_rows_at(k->whole, k->at, b);
  k->at += b->rows;
  ts_bulk_free(b);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_file_with(data, size);
  for (int threads = 1; threads <= 2; threads++) {
    ts_baci_opts o = {.threads = threads};
    ts_err e1 = {""}, e2 = {""};
    ts_bulk *mem = ts_baci_parse(path, (const char *)data, size, &o, &e1);
    ts_bulk *file = ts_baci_import(path, &o, &e2);
    REQUIRE((mem == NULL) == (file == NULL));
    if (mem == NULL) {
      REQUIRE(strcmp(e1.msg, e2.msg) == 0);
    } else {
      REQUIRE(mem->rows == file->rows);
      same_rows_at(mem, 0, file);
    }
    blocks k = {mem, 0};
    ts_err e3 = {""};
    size_t block = 1 + (size > 0 ? data[size / 2] : 0) + (size_t)threads * 7;
    int rc = ts_baci_import_blocks(path, &o, block, take, &k, &e3);
    REQUIRE((rc == 0) == (mem != NULL));
    if (mem == NULL) REQUIRE(strcmp(e1.msg, e3.msg) == 0);
    else REQUIRE(k.at == mem->rows);
    ts_bulk_free(mem);
    ts_bulk_free(file);
  }
  return 0;
}
