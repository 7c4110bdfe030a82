/*
** fuzz_baci_file.c — the BACI importer reading a file through its windows
** against the parser over the same bytes in memory.  core/baci.c is
** compiled in here with a 64-byte window, so that nearly every line crosses
** a window, grows one or ends on its edge: both must give the same rows,
** or the same one-line message.
*/
#define TS_BACI_WINDOW ((size_t)64)
#include "baci.c"

#include "fuzz.h"

static void same_rows(const ts_bulk *a, const ts_bulk *b) {
  REQUIRE(a->rows == b->rows && a->ncols == b->ncols);
  for (size_t c = 0; c < a->ncols; c++) {
    const ts_bulkcol *x = &a->cols[c], *y = &b->cols[c];
    REQUIRE(strcmp(x->name, y->name) == 0 && x->type == y->type);
    for (size_t r = 0; r < a->rows && x->type == TS_STR; r++)
      REQUIRE(strcmp(ts_dict_str(a->dict, ((const int32_t *)x->data)[r], NULL),
                     ts_dict_str(b->dict, ((const int32_t *)y->data)[r], NULL)) == 0);
    if (x->type != TS_STR)
      REQUIRE(memcmp(x->data, y->data, a->rows * ts_type_size(x->type)) == 0);
  }
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
      continue;
    }
    same_rows(mem, file);
    ts_bulk_free(mem);
    ts_bulk_free(file);
  }
  return 0;
}
