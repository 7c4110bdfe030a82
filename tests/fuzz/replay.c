/*
** replay.c — runs a fuzz target once on each file named (a directory: on
** each file in it, in name order, dotfiles skipped), without libFuzzer, so
** that the corpus and every crash kept in regressions/ replay under the
** sanitizers of an ordinary build.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf != NULL && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      uint8_t *bigger = realloc(buf, cap * 2);
      if (bigger == NULL) free(buf);
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf == NULL) {
    fprintf(stderr, "%s: out of memory\n", path);
    return -1;
  }
  /* A copy of exactly `len` bytes, so ASan sees a read past the input. */
  uint8_t *exact = malloc(len > 0 ? len : 1);
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *e) { return e->d_name[0] != '.'; }

/* Returns the number of inputs run, or -1. */
static long replay(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    perror(path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) return replay_file(path) == 0 ? 1 : -1;
  struct dirent **names;
  int n = scandir(path, &names, not_hidden, by_name);
  if (n < 0) {
    perror(path);
    return -1;
  }
  long count = 0;
  for (int i = 0; i < n; i++) {
    char child[4096];
    snprintf(child, sizeof child, "%s/%s", path, names[i]->d_name);
    long c = count >= 0 ? replay(child) : 0;
    count = c < 0 ? -1 : count + c;
    free(names[i]);
  }
  free(names);
  return count;
}

int main(int argc, char **argv) {
  long total = 0;
  for (int i = 1; i < argc; i++) {
    long n = replay(argv[i]);
    if (n < 0) return 1;
    total += n;
  }
  printf("%s: %ld inputs replayed\n", argv[0], total);
  return 0;
}
