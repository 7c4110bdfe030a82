/*
** snapshot.c — writing and mapping bulk dataset snapshots (format in
** snapshot.h).
*/
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MAGIC[8] = "\x89TSBULK\n";
#define HEADER_SIZE 128
#define ENTRY_SIZE 64
#define ALIGN 64
#define ENDIAN_MARK 0x01020304u
#define HEADER_SUM_AT 80
#define NOTES_AT 88

/* Fixed-offset little-endian fields, read and written with memcpy so
** that no access is misaligned. */
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static uint64_t align_up(uint64_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

/* ---- writing -------------------------------------------------------------------------- */

typedef struct writer {
  int fd;
  const char *path; /* the target, for messages: the temporary file is gone by then */
  uint64_t pos;
  ts_err *err;
} writer;

static int put(writer *w, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    size_t chunk = len > ((size_t)1 << 30) ? (size_t)1 << 30 : len;
    ssize_t n = write(w->fd, p, chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ts_errf(w->err, "%s: cannot write: %s", w->path, strerror(errno));
    p += n;
    len -= (size_t)n;
    w->pos += (uint64_t)n;
  }
  return 0;
}

static int pad_to(writer *w, uint64_t at) {
  static const char zeros[ALIGN];
  return at > w->pos ? put(w, zeros, (size_t)(at - w->pos)) : 0;
}

/* The dictionary in memory as it goes to the file, with its checksum. */
static unsigned char *dict_bytes(const ts_bulk *b, const char *path, size_t *size, ts_err *err) {
  size_t n = ts_dict_count(b->dict), total = 4;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    ts_dict_str(b->dict, (int32_t)i, &len);
    total += 4 + len;
  }
  unsigned char *buf = ts_malloc(&b->alloc, total);
  if (buf == NULL) {
    ts_errf(err, "%s: out of memory writing the dictionary", path);
    return NULL;
  }
  put32(buf, (uint32_t)n);
  size_t at = 4;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *s = ts_dict_str(b->dict, (int32_t)i, &len);
    put32(buf + at, (uint32_t)len);
    memcpy(buf + at + 4, s, len);
    at += 4 + len;
  }
  *size = total;
  return buf;
}

static void fill_entry(unsigned char *e, const ts_bulkcol *c, uint64_t off, uint64_t size) {
  memset(e, 0, ENTRY_SIZE);
  memcpy(e, c->name, strlen(c->name));
  put32(e + 24, (uint32_t)c->type);
  put32(e + 28, (uint32_t)c->lo);
  put32(e + 32, (uint32_t)c->hi);
  put64(e + 40, off);
  put64(e + 48, size);
  put64(e + 56, c->checksum);
}

static void fill_header(unsigned char *h, const ts_bulk *b, uint64_t file_size, uint64_t dict_off,
                        uint64_t dict_size, uint64_t dict_sum) {
  memcpy(h, MAGIC, 8);
  put32(h + 8, TS_SNAPSHOT_VERSION);
  put32(h + 12, ENDIAN_MARK);
  put64(h + 16, file_size);
  put64(h + 24, b->rows);
  put32(h + 32, (uint32_t)b->ncols);
  put32(h + 36, (uint32_t)b->measure);
  memcpy(h + 40, b->kind, strlen(b->kind));
  put64(h + 56, dict_off);
  put64(h + 64, dict_size);
  put64(h + 72, dict_sum);
}

static uint64_t header_sum(const unsigned char *h, size_t ncols) {
  uint64_t s = ts_hash64(h, HEADER_SUM_AT, 0);
  s = ts_hash64(h + NOTES_AT, HEADER_SIZE - NOTES_AT, s);
  return ts_hash64(h + HEADER_SIZE, ncols * ENTRY_SIZE, s);
}

/* Writes everything but the header into w; fills `head` (header and
** column table) to be written last, at offset 0. */
static int write_body(ts_bulk *b, writer *w, unsigned char *head, ts_err *err) {
  size_t dsize;
  unsigned char *dict = dict_bytes(b, w->path, &dsize, err);
  if (dict == NULL) return -1;
  uint64_t dict_off = HEADER_SIZE + (uint64_t)b->ncols * ENTRY_SIZE;
  uint64_t dsum = ts_hash64(dict, dsize, 0);
  int rc = pad_to(w, dict_off);
  if (rc == 0) rc = put(w, dict, dsize);
  ts_free(&b->alloc, dict);
  uint64_t notes_off = w->pos;
  if (rc == 0 && b->notes_len > 0) rc = put(w, b->notes, b->notes_len);
  for (size_t i = 0; rc == 0 && i < b->ncols; i++) {
    ts_bulkcol *c = &b->cols[i];
    uint64_t size = (uint64_t)b->rows * ts_type_size(c->type), off = align_up(w->pos);
    /* A mapped column is re-checked before it is copied: a snapshot never
    ** launders corrupt data under a fresh checksum. */
    if ((rc = ts_bulk_need(b, (int)i, err)) != 0) break;
    c->checksum = ts_hash64(c->data, (size_t)size, 0);
    fill_entry(head + HEADER_SIZE + i * ENTRY_SIZE, c, off, size);
    if ((rc = pad_to(w, off)) == 0) rc = put(w, c->data, (size_t)size);
  }
  if (rc == 0) rc = pad_to(w, align_up(w->pos));
  if (rc != 0) return -1;
  fill_header(head, b, w->pos, dict_off, dsize, dsum);
  put64(head + NOTES_AT, notes_off);
  put64(head + NOTES_AT + 8, b->notes_len);
  put64(head + NOTES_AT + 16, ts_hash64(b->notes_len > 0 ? b->notes : "", b->notes_len, 0));
  put64(head + HEADER_SUM_AT, header_sum(head, b->ncols));
  return 0;
}

static int write_all(ts_bulk *b, writer *w, ts_err *err) {
  size_t head_size = HEADER_SIZE + b->ncols * ENTRY_SIZE;
  unsigned char *head = ts_malloc(&b->alloc, head_size);
  if (head == NULL) return ts_errf(err, "%s: out of memory writing a snapshot", w->path);
  memset(head, 0, head_size);
  int rc = put(w, head, head_size); /* placeholder until the checksums are known */
  if (rc == 0) rc = write_body(b, w, head, err);
  if (rc == 0 && lseek(w->fd, 0, SEEK_SET) != 0)
    rc = ts_errf(err, "%s: cannot seek: %s", w->path, strerror(errno));
  if (rc == 0) rc = put(w, head, head_size);
  ts_free(&b->alloc, head);
  if (rc == 0 && fsync(w->fd) != 0)
    rc = ts_errf(err, "%s: cannot sync: %s", w->path, strerror(errno));
  return rc;
}

/* A new file beside `path`, named for this process and the first attempt
** number free (a stale one left by a killed run is skipped), with the mode
** fopen would give it; a replaced file keeps its own mode. */
static int create_temp(const char *path, char *tmp, size_t size, ts_err *err) {
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
    if ((size_t)snprintf(tmp, size, "%s.tmp-%ld-%d", path, (long)getpid(), attempt) >= size)
      return ts_errf(err, "%s: the path is too long", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return ts_errf(err, "%s: cannot create a temporary file: %s", path, strerror(errno));
  struct stat st;
  if (stat(path, &st) == 0 && fchmod(fd, st.st_mode & 07777) != 0) {
    ts_errf(err, "%s: cannot set permissions: %s", tmp, strerror(errno));
    close(fd);
    unlink(tmp);
    return -1;
  }
  return fd;
}

int ts_snapshot_save(ts_bulk *b, const char *path, ts_err *err) {
  char tmp[4096];
  int fd = create_temp(path, tmp, sizeof tmp, err);
  if (fd < 0) return -1;
  writer w = {fd, path, 0, err};
  int rc = write_all(b, &w, err);
  if (close(fd) != 0 && rc == 0) rc = ts_errf(err, "%s: cannot close: %s", path, strerror(errno));
  if (rc == 0 && rename(tmp, path) != 0)
    rc = ts_errf(err, "%s: cannot rename into place: %s", path, strerror(errno));
  if (rc != 0) unlink(tmp);
  return rc;
}

/* ---- opening ------------------------------------------------------------------------------ */

typedef struct mapped {
  const char *path;
  const unsigned char *p;
  uint64_t size;
  int fd; /* kept open: scans read the columns through it (ts_bulk_read) */
} mapped;

static int check_header(const mapped *m, ts_err *err) {
  const unsigned char *h = m->p;
  if (m->size == 0) return ts_errf(err, "%s: empty file, not a tradescope snapshot", m->path);
  if (m->size < 8 || memcmp(h, MAGIC, 8) != 0) {
    if (m->size < 8 && memcmp(h, MAGIC, m->size) == 0)
      return ts_errf(err, "%s: truncated (%llu bytes, shorter than a snapshot header)", m->path,
                     (unsigned long long)m->size);
    return ts_errf(err, "%s: not a tradescope snapshot", m->path);
  }
  if (m->size < HEADER_SIZE)
    return ts_errf(err, "%s: truncated (%llu bytes, shorter than a snapshot header)", m->path,
                   (unsigned long long)m->size);
  if (get32(h + 8) != TS_SNAPSHOT_VERSION)
    return ts_errf(err, "%s: snapshot format version %u; this tradescope reads version %d",
                   m->path, get32(h + 8), TS_SNAPSHOT_VERSION);
  if (get32(h + 12) != ENDIAN_MARK)
    return ts_errf(err, "%s: written on a machine of another byte order", m->path);
  uint32_t ncols = get32(h + 32);
  if (ncols > TS_BULK_MAXCOLS)
    return ts_errf(err, "%s: corrupt (header checksum mismatch)", m->path);
  if (m->size < HEADER_SIZE + (uint64_t)ncols * ENTRY_SIZE || m->size < get64(h + 16))
    return ts_errf(err, "%s: truncated (%llu bytes, the header says %llu)", m->path,
                   (unsigned long long)m->size, (unsigned long long)get64(h + 16));
  if (header_sum(h, ncols) != get64(h + HEADER_SUM_AT))
    return ts_errf(err, "%s: corrupt (header checksum mismatch)", m->path);
  if (m->size != get64(h + 16))
    return ts_errf(err, "%s: %llu bytes, the header says %llu (extra bytes at the end)", m->path,
                   (unsigned long long)m->size, (unsigned long long)get64(h + 16));
  return 0;
}

static int read_dict(ts_bulk *b, const mapped *m, ts_err *err) {
  const unsigned char *h = m->p;
  uint64_t off = get64(h + 56), size = get64(h + 64);
  if (off > m->size || size > m->size - off || size < 4)
    return ts_errf(err, "%s: corrupt (the dictionary lies outside the file)", m->path);
  const unsigned char *d = m->p + off, *end = d + size;
  if (ts_hash64(d, (size_t)size, 0) != get64(h + 72))
    return ts_errf(err, "%s: corrupt (dictionary checksum mismatch)", m->path);
  uint32_t n = get32(d);
  d += 4;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t len = (size_t)(end - d) >= 4 ? get32(d) : UINT32_MAX;
    if (len == UINT32_MAX || len > (size_t)(end - d) - 4)
      return ts_errf(err, "%s: corrupt (dictionary string %u runs past its end)", m->path, i);
    int32_t id = ts_dict_intern(b->dict, (const char *)d + 4, len, err);
    if (id < 0) return ts_errf(err, "%s: out of memory reading the dictionary", m->path);
    if (id != (int32_t)i)
      return ts_errf(err, "%s: corrupt (dictionary string %u repeats)", m->path, i);
    d += 4 + len;
  }
  return 0;
}

static int read_notes(ts_bulk *b, const mapped *m, ts_err *err) {
  const unsigned char *h = m->p;
  uint64_t off = get64(h + NOTES_AT), size = get64(h + NOTES_AT + 8);
  if (off > m->size || size > m->size - off)
    return ts_errf(err, "%s: corrupt (the notes lie outside the file)", m->path);
  if (ts_hash64(m->p + off, (size_t)size, 0) != get64(h + NOTES_AT + 16))
    return ts_errf(err, "%s: corrupt (notes checksum mismatch)", m->path);
  return ts_bulk_set_notes(b, (const char *)m->p + off, (size_t)size, err);
}

/* A name in the file: printable bytes, then NUL padding to `size`; it
** goes into messages, so no line end or escape sequence gets through. */
static bool name_ok(const unsigned char *s, size_t size) {
  size_t n = 0;
  while (n < size && s[n] >= 0x20 && s[n] != 0x7f) n++;
  if (n == 0 || n == size) return false;
  while (n < size && s[n] == 0) n++;
  return n == size;
}

static int read_columns(ts_bulk *b, const mapped *m, ts_err *err) {
  const unsigned char *h = m->p;
  for (size_t i = 0; i < b->ncols; i++) {
    const unsigned char *e = h + HEADER_SIZE + i * ENTRY_SIZE;
    ts_bulkcol *c = &b->cols[i];
    if (!name_ok(e, TS_BULK_NAMELEN))
      return ts_errf(err, "%s: corrupt (column %zu has no valid name)", m->path, i + 1);
    memcpy(c->name, e, TS_BULK_NAMELEN);
    c->name[TS_BULK_NAMELEN - 1] = '\0';
    uint32_t type = get32(e + 24);
    uint64_t off = get64(e + 40), size = get64(e + 48);
    if (type > TS_STR || type == TS_I64)
      return ts_errf(err, "%s: corrupt (column '%s' has unknown type %u)", m->path, c->name, type);
    c->type = (ts_type)type;
    if (size != (uint64_t)b->rows * ts_type_size(c->type) || off % ALIGN != 0 || off > m->size ||
        size > m->size - off)
      return ts_errf(err, "%s: corrupt (column '%s' lies outside the file)", m->path, c->name);
    c->lo = (int32_t)get32(e + 28);
    c->hi = (int32_t)get32(e + 32);
    c->checksum = get64(e + 56);
    c->data = (void *)(m->p + off);
    c->checked = false;
  }
  return 0;
}

static int map_file(const char *path, mapped *m, ts_err *err) {
  size_t size;
  int fd = ts_bulk_open_file(path, &size, err);
  if (fd < 0) return -1;
  m->path = path;
  m->size = (uint64_t)size;
  m->p = (const unsigned char *)"";
  if (m->size > 0) {
    void *p = mmap(NULL, (size_t)m->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      close(fd);
      return ts_errf(err, "%s: cannot map: %s", path, strerror(errno));
    }
    m->p = p;
  }
  m->fd = fd;
  return 0;
}

static ts_bulk *from_mapping(const mapped *m, const ts_alloc *a, ts_err *err) {
  const unsigned char *h = m->p;
  if (!name_ok(h + 40, 16)) {
    ts_errf(err, "%s: corrupt (no valid kind in the header)", m->path);
    return NULL;
  }
  char kind[17];
  memcpy(kind, h + 40, 16);
  kind[16] = '\0';
  ts_bulk *b = ts_bulk_new(kind, a, err);
  if (b == NULL) return NULL;
  snprintf(b->source, sizeof b->source, "%s", m->path);
  b->rows = (size_t)get64(h + 24);
  b->ncols = get32(h + 32);
  b->measure = (int32_t)get32(h + 36);
  if (b->rows > TS_MAX_ROWS || (b->ncols == 0 && b->rows > 0) || b->measure < -1 ||
      b->measure >= (int)b->ncols) {
    ts_errf(err, "%s: corrupt (impossible row count or measure)", m->path);
  } else if (read_dict(b, m, err) == 0 && read_notes(b, m, err) == 0 &&
             read_columns(b, m, err) == 0) {
    return b;
  }
  b->ncols = 0; /* the columns point into the mapping the caller unmaps */
  ts_bulk_free(b);
  return NULL;
}

ts_bulk *ts_snapshot_open(const char *path, bool verify, const ts_alloc *a, ts_err *err) {
  mapped m = {path, NULL, 0, -1};
  if (map_file(path, &m, err) != 0) return NULL;
  ts_bulk *b = check_header(&m, err) == 0 ? from_mapping(&m, a, err) : NULL;
  if (b == NULL) {
    if (m.size > 0) munmap((void *)m.p, (size_t)m.size);
    close(m.fd);
    return NULL;
  }
  b->map = (void *)m.p;
  b->map_len = (size_t)m.size;
  b->fd = m.fd;
  if (verify && ts_bulk_verify(b, err) != 0) {
    ts_bulk_free(b);
    return NULL;
  }
  return b;
}
