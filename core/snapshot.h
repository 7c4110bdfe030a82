/*
** snapshot.h — bulk datasets saved as one binary file and opened with mmap.
**
** Layout (little-endian; a big-endian host refuses the file):
**     0    magic "\x89TSBULK\n" (8 bytes: a text-mode transfer or a stray
**          CSV is caught by the first byte)
**     8    u32 format version (TS_SNAPSHOT_VERSION)   12  u32 0x01020304
**     16   u64 file size        24  u64 rows          32  u32 columns
**     36   i32 measure column   40  kind (16 bytes, NUL-padded)
**     56   u64 dictionary offset, 64 u64 its size, 72 u64 its checksum
**     80   u64 checksum of bytes 0..80, 88..128 and the column table
**     88   u64 notes offset, 96 u64 their size, 104 u64 their checksum
**     112  zero up to 128
**     128  one 64-byte entry per column: name (24 bytes, NUL-padded),
**          u32 type (ts_type), i32 lo, i32 hi, u32 zero, u64 offset,
**          u64 size, u64 checksum of the data
**     the dictionary: u32 count, then per string u32 length and the bytes
**     the notes (ts_bulk.notes: bytes the host keeps with the data; size 0
**     when there are none)
**     the columns, each at an offset that is a multiple of 64
** Checksums are XXH64 with seed 0 (ts_hash64).
**
** Opening reads and checks the header, the column table and the
** dictionary and notes (so a wrong file, another version, a truncated or corrupt
** header is refused at once) and maps the columns without reading them:
** the time to open does not grow with the rows.  The file stays open, so
** that scans can read whole columns with pread (ts_bulk_read) and a file
** replaced by a rename meanwhile is still the one read.  A column's checksum is
** checked the first time a query reads it (ts_bulk_need), or at once with
** `verify`.  Saving writes a temporary file beside the target and renames
** it into place, so a reader sees the old file or the new one, never half.
*/
#ifndef TS_SNAPSHOT_H
#define TS_SNAPSHOT_H

#include <stdbool.h>

#include "bulk.h"
#include "error.h"

/* Version 2 added the notes.  A version 1 file is refused with the
** message below: import the data again. */
#define TS_SNAPSHOT_VERSION 2

int ts_snapshot_save(ts_bulk *b, const char *path, ts_err *err);

/* NULL and one line: "snap.tsb: not a tradescope snapshot", "snap.tsb:
** snapshot format version 1; this tradescope reads version 2", "snap.tsb:
** truncated (4096 bytes, the header says 81920)", "snap.tsb: corrupt
** (header checksum mismatch)"; names read from the file are checked
** before they appear in a message. */
ts_bulk *ts_snapshot_open(const char *path, bool verify, const ts_alloc *a, ts_err *err);

#endif
